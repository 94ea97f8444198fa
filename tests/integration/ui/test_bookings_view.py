"""The bookings view on Setster appointments: date bar, badges, booking with free times, actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QMessageBox

from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"setster": 400}], indirect=True)


def next_open_day(days: int = 2) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


def appointments(harness: Any, qtbot: Any) -> Any:
    view = harness.view("appointments")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    return view


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value} not offered"
    combo.setCurrentIndex(index)


def test_opens_on_the_next_7_days_with_badges(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    today = dt.date.today()
    starts = [view.model.record(r).derived["start"].date() for r in range(view.model.rowCount())]
    assert all(today <= d <= today + dt.timedelta(days=6) for d in starts)
    assert starts == sorted(starts)
    status_col = next(i for i, c in enumerate(view.spec.columns) if c.key == "status")
    from console.ui.table_model import BadgeRole

    labels = {view.model.data(view.model.index(r, status_col)) for r in range(view.model.rowCount())}
    assert labels <= {"Confirmed", "Awaiting approval", "Awaiting client", "Cancelled"}
    assert view.model.data(view.model.index(0, status_col), BadgeRole).startswith("#")
    first_week = view.model.rowCount()
    view.filters.dates.set_preset("all")
    qtbot.waitUntil(lambda: view.model.rowCount() >= 50 and not view.model.loading, timeout=5000)
    assert view.query.filters.get("start_date") is None
    assert view.model.record(0).derived["start"].date() < today or first_week >= 50


def test_book_with_free_times_and_a_slot_taken_meanwhile(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    view.new_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    for key, value in (("service_id", "305"), ("location_id", "101"), ("employee_id", "201")):
        combo = form.widgets[key]
        qtbot.waitUntil(lambda c=combo, v=value: c.findData(v) >= 0, timeout=5000)
        choose(combo, value)
    picker = form.slot_picker("start_date")
    day = next_open_day()
    picker.day_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: picker.times.isEnabled() and picker.value() != "", timeout=5000)
    chosen = picker.value()
    assert chosen.startswith(day.isoformat())
    form.widgets["client_name"].setText("Ines Ferreira")
    form.widgets["client_email"].setText("ines.ferreira@example.com")
    # Someone else books that time first, through Setster directly.
    emulator = harness.workspace.vendors["setster"].emulator
    start = dt.datetime.strptime(chosen, "%Y-%m-%d %H:%M:%S")
    other = next(iter(emulator.clients.values()))
    emulator._add_appointment("101", "201", emulator.services["305"], other, start, 2, start)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("start_date") != "", timeout=5000)
    assert "just taken" in form.error_text("start_date")
    assert form.isVisible()
    assert form.widgets["client_name"].text() == "Ines Ferreira"
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "setster-slot-taken.png"))
    picker.refresh.click()
    qtbot.waitUntil(lambda: picker.times.isEnabled() and picker.value() not in ("", chosen), timeout=5000)
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert any(view.model.record(r).fields["client_name"] == "Ines Ferreira" for r in range(view.model.rowCount()))


def test_reschedule_then_cancel_asks_with_client_and_time(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    row = next(r for r in range(view.model.rowCount()) if view.model.record(r).fields["status"] != "3")
    view.table.selectRow(row)
    record = view.current_record()
    assert view.action_buttons["reschedule"].isEnabled()
    view.action_buttons["reschedule"].click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    picker = form.slot_picker("start_date")
    day = next_open_day(3)
    picker.day_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: picker.times.isEnabled() and picker.value().startswith(day.isoformat()), timeout=5000)
    new_time = picker.value()
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    moved = view.model.record(view.model.row_of(record.id))
    assert moved.fields["start_date"].startswith(new_time[:16])
    # What happened, in words: who, and the new time in its zone (issue 16, item 7).
    said = harness.window.statusBar().currentMessage()
    assert said.startswith(f"Rescheduled {record.fields['client_name']} to {moved.derived['start']:%a %d %b %Y}")
    assert moved.derived["start"].tzname() in said

    view.table.selectRow(view.model.row_of(record.id))
    view.action_buttons["cancel"].click()
    box = find_modal(qtbot, QMessageBox, "question_confirm")
    assert record.fields["client_name"] in box.text()
    assert moved.derived["start"].strftime("%H:%M") in box.text()
    next(b for b in box.buttons() if b.text() == "Go back").click()
    qtbot.waitUntil(harness.quiet, timeout=5000)  # the question has had its answer
    assert view.model.record(view.model.row_of(record.id)).fields["status"] != "3"
    view.action_buttons["cancel"].click()
    box = find_modal(qtbot, QMessageBox, "question_confirm")
    next(b for b in box.buttons() if b.text() == "Cancel appointment").click()
    qtbot.waitUntil(lambda: view.model.record(view.model.row_of(record.id)).fields["status"] == "3", timeout=5000)
    assert not view.action_buttons["cancel"].isEnabled()
    assert harness.window.statusBar().currentMessage().startswith(
        f"Cancelled {record.fields['client_name']}'s appointment on {moved.derived['start']:%a %d %b %Y}")


def test_delete_warns_that_it_erases(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    view.table.selectRow(0)
    view.delete_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmDelete")
    assert "erases" in box.informativeText() and "Cancel appointment" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()


def test_session_expiry_while_browsing_is_only_a_status_note(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    emulator = harness.workspace.vendors["setster"].emulator
    logins = emulator.logins
    messages: list[str] = []
    harness.window.statusBar().messageChanged.connect(messages.append)
    emulator.expire_sessions()
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=5000)
    assert emulator.logins == logins + 1
    assert any("session renewed" in m for m in messages)
    assert not view.banner.isVisible()


def test_demo_menu_expires_sessions(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    emulator = harness.workspace.vendors["setster"].emulator
    harness.window.add_demo_controls(lambda on: None, harness.workspace.expire_sessions)
    action = next(a for a in harness.window.demo_menu.actions() if a.objectName() == "expireSessionsAction")
    logins = emulator.logins
    action.trigger()
    assert "setster" in harness.window.statusBar().currentMessage()
    view.refresh()
    qtbot.waitUntil(lambda: emulator.logins == logins + 1 and view.model.rowCount() > 0, timeout=5000)
