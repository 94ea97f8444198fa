"""SetSmart's properties and reservations, and Setera's contacts and queues, in the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.core.models import Record
from console.vendors.setera import DEMO_SUPERUSER_TOKEN
from tests.conftest import ARTIFACTS, find_modal, loaded, open_view
from tests.integration.ui.rentals import book_over_a_stay

pytestmark = pytest.mark.parametrize("emulators", [{"setsmart": 400, "setera": 300}], indirect=True)



def test_properties_view_edit_keeps_hidden_fields_and_shows_reservations(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "properties")
    loaded(qtbot, view)
    assert view.count_label.text() == "50 of 300 loaded"
    qtbot.waitUntil(lambda: "Quota" in harness.window.quota.text(), timeout=2000)
    emulator = harness.workspace.vendors["setsmart"].emulator
    booked = {r["property_id"] for r in emulator.reservations.values()}
    view.table.selectRow(next(r for r in range(view.model.rowCount()) if view.model.record(r).id in booked))
    record = view.current_record()
    amenities = list(emulator.properties[record.id]["amenities"])
    view.edit_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    form.widgets["name"].setText("Sunset Villa")
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert emulator.properties[record.id]["name"] == "Sunset Villa"
    assert emulator.properties[record.id]["amenities"] == amenities
    view.action_buttons["show_reservations"].click()
    page = harness.window.current_page()
    reservations = page.view("reservations")
    qtbot.waitUntil(lambda: page.currentWidget() is reservations, timeout=3000)
    qtbot.waitUntil(lambda: not reservations.model.loading and reservations.query.filters.get("property_id")
                    == record.id, timeout=5000)
    assert reservations.filters.dates.preset.currentData() == "all"
    rows = [reservations.model.record(r) for r in range(reservations.model.rowCount())]
    assert rows and all(r.fields["property_id"] == record.id for r in rows)
    assert all(r.derived["property"] == "Sunset Villa" for r in rows), [r.derived for r in rows][:2]


def test_deactivate_asks_then_changes_the_badge(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "properties")
    loaded(qtbot, view)
    row = next(r for r in range(view.model.rowCount()) if view.model.record(r).fields["status"] == "active")
    view.table.selectRow(row)
    record = view.current_record()
    view.action_buttons["deactivate"].click()
    box = find_modal(qtbot, QMessageBox, "question_confirm")
    assert record.fields["name"] in box.text()
    next(b for b in box.buttons() if b.text() == "Deactivate").click()
    qtbot.waitUntil(lambda: view.model.record(view.model.row_of(record.id)).fields["status"] == "inactive",
                    timeout=5000)
    assert view.action_buttons["activate"].isEnabled()


def test_our_checks_come_first_and_keep_the_input(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    emulator = harness.workspace.vendors["setsmart"].emulator
    writes = len(emulator.write_log())
    view.new_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    combo = form.widgets["property_id"]
    qtbot.waitUntil(lambda: combo.count() > 1, timeout=5000)
    combo.setCurrentIndex(1)
    for key, value in (("guest_name", "Ines Moreau"), ("guest_email", "ines.moreau@"), ("guest_phone", "5550 1234"),
                       ("check_in", "2027-03-10"), ("check_out", "2027-03-08"), ("guests", "0")):
        form.widgets[key].setText(value)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("check_out") != "", timeout=3000)
    assert form.error_text("check_out") == "Check-out must be after check-in (2027-03-10)."
    assert "whole email address" in form.error_text("guest_email")
    assert "not a complete phone number" in form.error_text("guest_phone")
    assert form.error_text("guests") == "At least 1."
    assert form.widgets["guest_name"].text() == "Ines Moreau" and form.isVisible()
    assert len(emulator.write_log()) == writes  # nothing was sent
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "form-checks.png"))
    form.reject()


def test_reservation_overlap_shows_at_the_dates(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    form = book_over_a_stay(harness, qtbot, view)
    assert form.error_text("check_in") == "overlaps another reservation"
    assert form.error_text("check_out") == "overlaps another reservation"
    assert "already booked" in form.general.text()
    assert form.widgets["guest_name"].text() == "Ines Moreau"
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "setsmart-reservation-409.png"))
    form.reject()


def test_queues_log_in_and_out_and_refresh_only_while_visible(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Nordic Tel (demo)", "queues")
    loaded(qtbot, view)
    table, header = view.table, view.table.horizontalHeader()
    for column in range(view.model.columnCount()):  # no queue column cuts its header or its values
        label = view.model.headerData(column, Qt.Orientation.Horizontal)
        assert table.columnWidth(column) >= max(table.sizeHintForColumn(column),
                                                header.fontMetrics().horizontalAdvance(label) + 12), label
    emulator = harness.workspace.vendors["setera"].emulator
    row = next(r for r in range(view.model.rowCount()) if view.model.record(r).derived["me"] == "out")
    view.table.selectRow(row)
    queue_id = view.current_record().id
    assert view.action_buttons["login"].isEnabled() and not view.action_buttons["logout"].isEnabled()
    view.action_buttons["login"].click()
    qtbot.waitUntil(lambda: view.model.record(view.model.row_of(queue_id)).derived["me"] == "in", timeout=5000)
    assert view.action_buttons["logout"].isEnabled()
    view.action_buttons["logout"].click()
    qtbot.waitUntil(lambda: view.model.record(view.model.row_of(queue_id)).derived["me"] == "out", timeout=5000)
    # Refreshing: every 15 s in use; 150 ms here so the test is short.
    lost: list[bool] = []
    view.table.selectionModel().selectionChanged.connect(lambda *_: lost.append(view.current_record() is None))
    group = next(g for g in emulator.groups if str(g["id"]) == queue_id)
    colleague = next(a for a in group["agents"] if not a["isLoggedIn"] and a["id"] != "alex@nordictel.example")
    colleague["isLoggedIn"] = True  # a colleague logs in elsewhere: the live count moves
    expected = str(sum(1 for a in group["agents"] if a["isLoggedIn"]))
    view._refresh_timer.setInterval(150)
    view.hide()
    view.show()
    start = emulator.queue_reads
    stamps: list[str] = []
    view.buttons.updated_label.stamp(dt.datetime(2026, 12, 3, 12, 3, 15))
    assert view.buttons.updated_label.text() == "Updated 12:03:15" and view.buttons.updated_label.isVisible()
    view.model.loadingChanged.connect(lambda loading: loading or stamps.append(view.buttons.updated_label.text()))
    qtbot.waitUntil(lambda: emulator.queue_reads >= start + 3 and not view.model.loading, timeout=5000)
    assert stamps and all(s.startswith("Updated ") for s in stamps)  # each live reload says when it came
    assert view.buttons.updated_label.text() != "Updated 12:03:15"
    assert view.current_record() is not None and view.current_record().id == queue_id  # selection kept
    assert not any(lost), "the selection blinked away during a refresh"
    qtbot.waitUntil(lambda: view.detail.field_text("Agents in") == expected, timeout=3000)
    assert view.model.data(view.model.index(view.model.row_of(queue_id), 3)) == expected
    page = harness.window.current_page()
    page.setCurrentWidget(page.view("contacts"))  # the queues tab is hidden now
    qtbot.waitUntil(lambda: not view._refresh_timer.isActive() and harness.quiet(), timeout=5000)
    paused = emulator.queue_reads
    qtbot.wait(600)  # time is the subject here: four refresh intervals (150 ms) pass without a read
    assert emulator.queue_reads == paused
    assert not view._refresh_timer.isActive()


def test_setera_directory_entries_say_why_they_cannot_be_changed(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Nordic Tel (demo)", "contacts")
    loaded(qtbot, view)
    kinds = [view.model.record(r).derived.get("kind") for r in range(view.model.rowCount())]
    reason = view.buttons.reason_label
    assert not reason.isVisible()  # nothing selected: nothing to explain
    view.table.selectRow(kinds.index("Directory"))
    assert not view.edit_button.isEnabled() and not view.delete_button.isEnabled()
    assert reason.isVisible()
    assert reason.text().startswith("The Setera directory is read-only: change colleagues in OneCloud's admin")
    assert view.edit_button.toolTip() == view.delete_button.toolTip() == reason.text()  # greyed, with the reason
    with qtbot.waitSignal(view.statusMessage) as said:  # F2 on the entry says the same reason
        view.edit_current()
    assert said.args[0].endswith("change colleagues in OneCloud's admin.")
    ARTIFACTS.mkdir(exist_ok=True)
    view.grab().save(str(ARTIFACTS / "setera-directory-read-only.png"))
    colleague = view.current_record()
    mine = Record(colleague.vendor, colleague.dataset, colleague.id, colleague.fields,
                  {**colleague.derived, "kind": "Personal"})  # a personal contact: it can be changed
    view.buttons.update_for(mine)
    assert view.edit_button.isEnabled() and not reason.isVisible()
    assert view.edit_button.toolTip() == "Edit the selected record"
    view.table.selectRow(kinds.index("Directory"))
    view.set_read_only(True)  # safe mode says its own reason; the directory's is not repeated
    assert not reason.isVisible() and view.read_only_label.isVisible()
    view.set_read_only(False)


def copy_e164(view: Any, qtbot: Any) -> None:
    """Selects the first contact's mobile under "E.164 numbers" and copies it with *Copy value*."""
    from PySide6.QtGui import QGuiApplication

    view.table.selectRow(0)
    record = view.current_record()
    national = record.derived["_form"]["mobile"]
    tree = view.detail.tree
    summary = tree.topLevelItem(0)
    numbers = next(summary.child(i) for i in range(summary.childCount()) if summary.child(i).text(0) == "E.164 numbers")
    mobile = next(numbers.child(i) for i in range(numbers.childCount()) if numbers.child(i).text(0) == "mobile")
    tree.setCurrentItem(mobile)
    view.detail.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("+") and copied[1:].isdigit()
    assert copied.endswith("".join(ch for ch in national if ch.isdigit()).lstrip("0"))
    assert all(summary.child(i).text(0) != "_form" for i in range(summary.childCount()))  # working values hidden


def test_superuser_search_says_a_user_token_is_needed(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Nordic Tel (demo)", "contacts")
    loaded(qtbot, view)
    # The directory comes whole in one answer: every row is in the table, and the count says so.
    assert view.model.rowCount() == view.model.total >= 300 and not view.model.has_more
    assert view.count_label.text() == f"All {view.model.total:,} loaded"
    copy_e164(view, qtbot)
    account = harness.accounts.by_label("Nordic Tel (demo)")
    task_done: list[bool] = []

    async def swap() -> None:
        await harness.accounts.set_secrets(account.id, {"token": DEMO_SUPERUSER_TOKEN}, session_only=True)
        task_done.append(True)

    import asyncio

    task = asyncio.ensure_future(swap())
    qtbot.waitUntil(task.done, timeout=3000)
    assert task_done
    view.filters.search.setText("nyberg")
    view.filters.flush()
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=5000)
    assert "A user token is needed" in view.banner_text.text()
    assert "Reference for Setera OneCloud support" in view.banner_text.text()
    assert view.reference_button.isVisible()
    view.reference_button.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == view.reference_button.property("reference")
