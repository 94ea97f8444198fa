"""The themes: inputs, check boxes and form hints stand out from the window in light and in dark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from console.ui.preferences import apply_theme


@pytest.fixture
def themed() -> Iterator[None]:
    yield
    apply_theme("system")  # the next test starts from the usual look


def over(colour: QColor, background: QColor) -> QColor:
    """The colour as seen on the background (light's hint colour is half-transparent text)."""
    alpha = colour.alphaF()
    return QColor.fromRgbF(*(alpha * getattr(colour, c)() + (1 - alpha) * getattr(background, c)()
                             for c in ("redF", "greenF", "blueF")))


def contrast(a: QColor, b: QColor) -> int:
    return abs(a.lightness() - b.lightness())


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_inputs_have_visible_borders_and_hints_are_readable(theme: str, themed: None, qtbot: Any) -> None:
    apply_theme(theme)
    palette = QApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    assert (window.lightness() < 80) == (theme == "dark")
    # Form hints use the muted text role: readable on the window, still quieter than the text.
    hint = over(palette.color(QPalette.ColorRole.PlaceholderText), window)
    text = palette.color(QPalette.ColorRole.WindowText)
    assert contrast(hint, window) >= 70 and contrast(hint, text) >= 30
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(8, 8, 8, 8)
    inputs = [QLineEdit("value"), QSpinBox(), QComboBox(), QCheckBox()]
    for widget in inputs:
        layout.addWidget(widget)
    holder.resize(240, 160)
    holder.show()
    qtbot.waitExposed(holder)
    picture = holder.grab().toImage()
    for widget in inputs:
        box = widget.geometry()
        if isinstance(widget, QCheckBox):  # the indicator's left edge, where Fusion outlines it
            edge = max((picture.pixelColor(box.left() + x, box.center().y()) for x in range(0, 16)),
                       key=lambda c: contrast(c, window))
        else:
            edge = picture.pixelColor(box.left(), box.center().y())
        assert contrast(edge, window) >= 25, f"{type(widget).__name__} has no visible border in {theme}"
