"""Cell painting: statuses as coloured badges."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from console.ui.table_model import BadgeRole


class BadgeDelegate(QStyledItemDelegate):
    """Paints a status as a rounded, coloured pill with its words (falls back to plain text)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Draws the pill over the normal background (selection stays visible)."""
        color = index.data(BadgeRole)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not color or not text:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        width = min(option.rect.width() - 8, metrics.horizontalAdvance(str(text)) + 16)
        height = min(option.rect.height() - 4, metrics.height() + 4)
        rect = QRectF(option.rect.x() + 4, option.rect.y() + (option.rect.height() - height) / 2, width, height)
        fill = QColor(str(color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), metrics.elidedText(
            str(text), Qt.TextElideMode.ElideRight, int(width) - 8))
        painter.restore()
