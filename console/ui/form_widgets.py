"""The widgets of a record form beyond Qt's own.

* :class:`SlotPicker`: a day, then one of the vendor's free start times that day.
* :class:`DateField`: a date typed as YYYY-MM-DD, or picked from a calendar (the button, Alt+Down or F4).
* :func:`make_searchable`: a long choice list becomes a combo one types into, suggesting the choices
  that contain what is typed; :func:`typed_choice_problem` says when the text is none of them.
* :class:`FieldFrame`: the outline around one field: the focus colour while it has the focus, red
  while it is in error (the ``error`` property, also set on the field itself).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from functools import cache

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.models import Slot

#: Error text under a field and above a form (filter bar and account dialog use it too).
ERROR_STYLE = "color: #b3261e;"
#: Error text of a form on a light and on a dark window (each about 5:1 on its window).
ERROR_TEXT_LIGHT = "#b3261e"
ERROR_TEXT_DARK = "#ff8a80"
#: A choice list this long (or loaded from another dataset) is searchable.
SEARCHABLE_AT = 12
#: Outline colours chosen to read on the light and the dark window alike (about 3.5:1 on both).
FOCUS_COLOUR = "#3d7eff"
ERROR_COLOUR = "#e5484d"
#: Space an outline takes on each side of a field: its 2 px border and 2 px margin.
FRAME_PAD = 4
OUTLINE_STYLE = (
    "#fieldFrame { border: 2px solid transparent; border-radius: 4px; }"
    f'#fieldFrame[focused="true"] {{ border-color: {FOCUS_COLOUR}; }}'
    f'#fieldFrame[error="true"] {{ border-color: {ERROR_COLOUR}; }}'
)


def error_style(palette: QPalette) -> str:
    """The style of error text on this palette's window: dark red on a light one, light red on a dark one."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return f"color: {ERROR_TEXT_DARK if dark else ERROR_TEXT_LIGHT};"


def _repolish(widget: QWidget) -> None:
    """A dynamic property changed: the style sheet's rules are matched again."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class FieldFrame(QFrame):
    """The outline around one field (the field keeps its own look inside it).

    Args:
        field: The field's widget.
        parent: Qt parent.
    """

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldFrame")
        self.field = field
        self.setProperty("focused", False)
        self.setProperty("error", False)
        self.setStyleSheet(OUTLINE_STYLE)
        layout = QVBoxLayout(self)
        inside = FRAME_PAD - 2  # the border is the other 2 px
        layout.setContentsMargins(inside, inside, inside, inside)
        layout.addWidget(field)

    def set_focused(self, on: bool) -> None:
        """Shows (or drops) the focus outline."""
        if bool(self.property("focused")) != on:
            self.setProperty("focused", on)
            _repolish(self)

    def set_error(self, on: bool) -> None:
        """Outlines the field in red while it is in error; the field carries the ``error`` property too."""
        self.field.setProperty("error", on)
        if bool(self.property("error")) != on:
            self.setProperty("error", on)
            _repolish(self)


def make_searchable(combo: QComboBox, noun: str) -> None:
    """Lets one type into a choice list: suggestions are the choices containing the text, in any case.

    Args:
        combo: The choice list.
        noun: What a choice is ("property"), for the empty box's hint.
    """
    if combo.isEditable():
        return
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    assert line is not None  # an editable combo has one
    line.setPlaceholderText(f"Type part of the {noun}'s name")
    # A finished text that names one choice exactly (in any case) chooses it.
    line.editingFinished.connect(lambda: _choose_typed(combo))


def _choose_typed(combo: QComboBox) -> None:
    text = combo.currentText().strip()
    if not text or text == combo.itemText(combo.currentIndex()):
        return
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole text
    if index >= 0:
        combo.setCurrentIndex(index)


def typed_choice_problem(combo: QComboBox, noun: str) -> str:
    """Why a searchable list's typed text is not a choice, or "" (plain lists always hold one).

    Args:
        combo: The choice list.
        noun: What a choice is ("property").
    """
    if not combo.isEditable():
        return ""
    text = combo.currentText().strip()
    if not text or text == combo.itemText(combo.currentIndex()).strip():
        return ""
    return f"No {noun} is called “{text}”: type part of its name and pick one of the suggestions."


@cache
def calendar_icon(size: int = 16) -> QIcon:
    """A small calendar page, in a grey that shows on light and dark fields."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = size / 16
    colour = QColor("#8a8f98")
    painter.setPen(QPen(colour, 1.4 * unit))
    painter.drawRoundedRect(QRectF(2 * unit, 3 * unit, 12 * unit, 11 * unit), 1.5 * unit, 1.5 * unit)
    painter.drawLine(QPointF(2 * unit, 6.5 * unit), QPointF(14 * unit, 6.5 * unit))
    for x in (5, 11):  # the rings
        painter.drawLine(QPointF(x * unit, 1.5 * unit), QPointF(x * unit, 4 * unit))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    for row in (8.5, 11):
        for col in (4.5, 7.5, 10.5):
            painter.drawRect(QRectF(col * unit, row * unit, 1.6 * unit, 1.4 * unit))
    painter.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date typed as YYYY-MM-DD, or picked from a calendar: its button, Alt+Down or F4.

    The text stays the value (a half-typed date is kept and reported by the form's checks).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setClearButtonEnabled(True)
        self.calendar_action = QAction(calendar_icon(), "Choose a date", self)
        self.calendar_action.setToolTip("Choose a date from a calendar (Alt+Down)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.popup: QCalendarWidget | None = None

    def date(self) -> dt.date | None:
        """The typed date, when it is one."""
        try:
            return dt.date.fromisoformat(self.text().strip())
        except ValueError:
            return None

    def open_calendar(self) -> QCalendarWidget:
        """Shows the calendar under the field, on the typed date (else today); returns it."""
        if self.popup is None:
            self.popup = QCalendarWidget(self)
            self.popup.setObjectName("dateFieldCalendar")
            self.popup.setWindowFlags(Qt.WindowType.Popup)
            self.popup.setGridVisible(False)
            self.popup.clicked.connect(self.choose)
            self.popup.activated.connect(self.choose)
            self.popup.installEventFilter(self)
        day = self.date() or dt.date.today()
        self.popup.setSelectedDate(QDate(day.year, day.month, day.day))
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        self.popup.setFocus()
        return self.popup

    def choose(self, qdate: QDate) -> None:
        """Takes a date from the calendar and closes it."""
        self.setText(dt.date(qdate.year(), qdate.month(), qdate.day()).isoformat())
        self.editingFinished.emit()
        if self.popup is not None:
            self.popup.hide()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Down or F4 opens the calendar, like a drop-down list."""
        down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if down or event.key() == Qt.Key.Key_F4:
            event.accept()
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the calendar closes it and comes back to the field (the form stays open)."""
        if watched is self.popup and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape:
            self.popup.hide()
            self.setFocus()
            return True
        return super().eventFilter(watched, event)


def focus_frame(widget: QWidget | None, frames: Sequence[FieldFrame]) -> FieldFrame | None:
    """The frame holding ``widget`` (a combo's line edit, a slot picker's day...), if any."""
    while widget is not None:
        if isinstance(widget, FieldFrame) and widget in frames:
            return widget
        widget = widget.parentWidget()
    return None


def app_instance() -> QApplication | None:
    """The running application (None in a bare test)."""
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else None


class SlotPicker(QWidget):
    """A day, then one of the vendor's free start times that day.

    Signals:
        wanted(): The day changed or "Refresh" was pressed: the owner should load the times.
    """

    wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("slotDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("ddd yyyy-MM-dd")
        self.day_edit.setMinimumDate(QDate.currentDate())
        self.day_edit.setDate(QDate.currentDate())
        self.times = QComboBox()
        self.times.setObjectName("slotTimes")
        self.times.setMinimumContentsLength(14)
        self.refresh = QToolButton()
        self.refresh.setText("Refresh")
        self.refresh.setToolTip("Ask the vendor again for the free times of this day")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day_edit)
        layout.addWidget(self.times, 1)
        layout.addWidget(self.refresh)
        self.day_edit.dateChanged.connect(self._day_changed)
        self.refresh.clicked.connect(self.wanted.emit)
        #: A person picked a time (times offered by the vendor do not count as an edit).
        self.user_chose = False
        self.times.activated.connect(lambda _i: setattr(self, "user_chose", True))
        self._current = ""
        self._token = 0
        self.set_message("Choose a day")

    def _day_changed(self) -> None:
        # The other day's times are no choice for this one: none until this day's arrive (a save in
        # between would otherwise book the old day).
        self.set_message("Loading free times…")
        self.wanted.emit()

    def day(self) -> dt.date:
        """The chosen day."""
        qdate = self.day_edit.date()
        return dt.date(qdate.year(), qdate.month(), qdate.day())

    def value(self) -> str:
        """The chosen slot's value ("" when none)."""
        data = self.times.currentData()
        return str(data) if data else ""

    def set_value(self, value: str) -> None:
        """Shows an existing time (editing) as the current choice."""
        self._current = value
        if value:
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value[:10])
                self.day_edit.blockSignals(True)
                earliest = min(day, dt.date.today())
                self.day_edit.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
                self.day_edit.setDate(QDate(day.year, day.month, day.day))
                self.day_edit.blockSignals(False)
            self.times.clear()
            self.times.addItem(f"{value[11:16]} (current)", value)

    def set_loading(self) -> int:
        """Shows that times are on their way (the current choice stays); returns the request's token."""
        self._token += 1
        self.times.setEnabled(False)
        self.times.setToolTip("Loading free times…")
        return self._token

    def is_latest(self, token: int) -> bool:
        """Whether a load is the most recent one asked for."""
        return token == self._token

    def set_message(self, text: str) -> None:
        """Shows a note instead of times (nothing free, choose a service first...)."""
        self.times.clear()
        self.times.addItem(text, "")
        self.times.setEnabled(False)

    def set_slots(self, slots: Sequence[Slot]) -> None:
        """Offers the free times; keeps the earlier choice when it is still free."""
        previous = self.value()
        self.times.setToolTip("")
        self.times.clear()
        if not slots:
            self.set_message("No free times this day")
            return
        self.times.setEnabled(True)
        for slot in slots:
            self.times.addItem(slot.label, slot.value)
        index = self.times.findData(previous)
        self.times.setCurrentIndex(max(0, index))
