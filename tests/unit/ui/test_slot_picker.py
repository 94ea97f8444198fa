"""The slot picker: a new day drops the other day's times at once; a refresh keeps the choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate

from console.core.models import Slot
from console.ui.forms import SlotPicker


def test_a_new_day_drops_the_other_days_times_until_its_own_arrive(qtbot: Any) -> None:
    picker = SlotPicker()
    qtbot.addWidget(picker)
    wanted: list[bool] = []
    picker.wanted.connect(lambda: wanted.append(True))
    today = QDate.currentDate()
    picker.set_slots([Slot(f"{today.toString('yyyy-MM-dd')} 10:00:00", "10:00")])
    assert picker.value().endswith("10:00:00")

    picker.refresh.click()  # the same day again: the choice stays while times load
    token = picker.set_loading()
    assert wanted == [True] and picker.value().endswith("10:00:00") and not picker.times.isEnabled()

    picker.day_edit.setDate(today.addDays(2))
    assert wanted == [True, True]
    assert picker.value() == ""  # a save now cannot book the other day's time
    assert not picker.times.isEnabled() and picker.times.currentText() == "Loading free times…"
    assert picker.is_latest(token)  # the owner's next load takes a new token
