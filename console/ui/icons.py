"""Small icons drawn in code (no image files to bundle or to lose)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap


@cache
def lock_icon(size: int = 16) -> QIcon:
    """A padlock: the sidebar's mark of a read-only account."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at twice the size, sharp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor("#b26a00")
    unit = size / 16
    painter.setPen(QPen(color, 1.8 * unit))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(4.5 * unit, 1.5 * unit, 7 * unit, 8 * unit), 0, 180 * 16)
    for x in (4.5, 11.5):  # the shackle's legs
        painter.drawLine(QPointF(x * unit, 5.5 * unit), QPointF(x * unit, 7.5 * unit))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(2.5 * unit, 7 * unit, 11 * unit, 8 * unit), 1.5 * unit, 1.5 * unit)
    painter.setBrush(QColor("#fff4e5"))
    painter.drawEllipse(QRectF(7 * unit, 9.5 * unit, 2 * unit, 2 * unit))
    painter.end()
    return QIcon(pixmap)
