"""The widgets of a record form beyond Qt's own: the slot picker (a day, then the vendor's free times)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QToolButton, QWidget

from console.core.models import Slot

#: Error text under a field and above a form (filter bar and account dialog use it too).
ERROR_STYLE = "color: #b3261e;"


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
