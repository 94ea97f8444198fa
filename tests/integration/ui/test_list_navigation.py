"""Moving through a list in the window: End/Home, Ctrl+End to the real end with Cancel, Jump to now,
the selection kept across reloads and order flips, rows in time order, "All N loaded"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.sandbox.faults import FaultConfig
from tests.conftest import ARTIFACTS, loaded, open_view

CTRL = Qt.KeyboardModifier.ControlModifier


def focus_table(qtbot: Any, harness: Any, view: Any) -> None:
    harness.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is harness.window, timeout=3000)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=2000)


def current_row(view: Any) -> int:
    return view.table.currentIndex().row()


def selected_id(view: Any) -> str | None:
    rows = view.table.selectionModel().selectedRows()
    record = view.model.record(rows[0].row()) if rows else None
    return record.id if record is not None else None


def on_screen(view: Any, row: int) -> bool:
    rect = view.table.visualRect(view.model.index(row, 0))
    return rect.isValid() and view.table.viewport().rect().intersects(rect)


@pytest.mark.parametrize("emulators", [{"systeme": 300}], indirect=True)
def test_end_and_home_move_down_and_up_the_rows(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    loaded(qtbot, view)
    focus_table(qtbot, harness, view)
    view.table.setCurrentIndex(view.model.index(3, 1))
    qtbot.keyClick(view.table, Qt.Key.Key_End)
    assert current_row(view) == view.model.rowCount() - 1
    assert view.table.currentIndex().column() == 1  # down, not sideways
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    assert (current_row(view), view.table.currentIndex().column()) == (0, 1)


@pytest.mark.parametrize("emulators", [{"systeme": 300}], indirect=True)
def test_ctrl_end_reaches_the_last_row_and_ctrl_home_the_top(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    loaded(qtbot, view)
    focus_table(qtbot, harness, view)
    view.table.selectRow(0)
    assert view.count_label.text() == "50 loaded, more available"
    qtbot.keyClick(view.table, Qt.Key.Key_End, CTRL)
    qtbot.waitUntil(lambda: not view.navigator.runner.running and current_row(view) == 299, timeout=15000)
    assert view.model.rowCount() == 300 and not view.model.has_more
    assert view.current_record().id == "100001"  # newest first: the oldest contact is last
    assert on_screen(view, 299)
    assert view.count_label.text() == "All 300 loaded"
    assert not view.navigator.bar.isVisible()
    qtbot.waitUntil(lambda: "At the end of contacts: All 300 loaded" in harness.window.statusBar().currentMessage(),
                    timeout=2000)
    qtbot.keyClick(view.table, Qt.Key.Key_Home, CTRL)
    assert current_row(view) == 0 and on_screen(view, 0)


@pytest.mark.parametrize("emulators", [{"systeme": 1000}], indirect=True)
def test_cancel_stops_loading_to_the_end(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    loaded(qtbot, view)
    harness.workspace.set_faults(FaultConfig(latency=0.2))  # 19 pages to go: seconds, not a blink
    try:
        view.table.selectRow(2)
        view.go_to_end()
        qtbot.waitUntil(lambda: view.navigator.bar.isVisible() and view.model.rowCount() >= 100, timeout=10000)
        assert view.navigator.bar.text.text().startswith("Loading to the end: ")
        assert view.navigator.bar.text.text().endswith(" so far")  # Systeme.io gives no total
        view.navigator.bar.cancel_button.click()
        qtbot.waitUntil(lambda: not view.navigator.runner.running and not view.model.loading, timeout=5000)
        stopped = view.model.rowCount()
        assert 100 <= stopped < 1000 and view.model.has_more
        assert not view.navigator.bar.isVisible()
        assert current_row(view) == 2  # the selection stays where it was
        assert view.count_label.text() == f"{stopped:,} loaded, more available"
        assert harness.window.statusBar().currentMessage() == f"Stopped loading: {stopped:,} contacts loaded."
    finally:
        harness.workspace.set_faults(None)


@pytest.mark.parametrize("emulators", [{"systeme": 1000}], indirect=True)
def test_a_newest_first_list_offers_oldest_first_instead_of_loading_every_page(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    loaded(qtbot, view)
    harness.workspace.set_faults(FaultConfig(latency=0.2))
    try:
        view.go_to_end()
        flip = view.navigator.bar.flip_button
        qtbot.waitUntil(lambda: view.navigator.bar.isVisible() and flip.isVisible(), timeout=5000)
        assert flip.text() == "Oldest first"
        flip.click()
        qtbot.waitUntil(lambda: not view.navigator.runner.running and not view.model.loading
                        and current_row(view) == 0, timeout=10000)
    finally:
        harness.workspace.set_faults(None)
    assert view.query.sort == "id" and not view.query.descending
    assert view.current_record().id == "100001"  # the list's end, at the top
    assert view.model.rowCount() == 50 and not view.navigator.bar.isVisible()
    assert harness.window.statusBar().currentMessage() == "Oldest first: the end of contacts is at the top."


@pytest.mark.parametrize("emulators", [{"systeme": 60}], indirect=True)
def test_the_selection_survives_a_reload_and_an_order_flip(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    loaded(qtbot, view)
    view.table.selectRow(20)  # newest first: 100040; ascending, the first page holds it too
    chosen = view.current_record().id
    assert chosen == "100040"
    view.refresh()  # F5
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() == 50, timeout=5000)
    assert selected_id(view) == chosen and view.detail.record is not None and view.detail.record.id == chosen
    view._on_header_clicked(0)  # ID ascending: the same contact is further down
    qtbot.waitUntil(lambda: not view.model.loading and view.model.record(0).id == "100001", timeout=5000)
    row = view.model.row_of(chosen)
    assert row == 39 and selected_id(view) == chosen and on_screen(view, row)
    # A record the new order does not list (yet) leaves nothing selected, and the detail pane empty.
    view.table.selectRow(0)  # 100001
    view._on_header_clicked(0)  # descending: 100060 ... 100011
    qtbot.waitUntil(lambda: not view.model.loading and view.model.record(0).id == "100060", timeout=5000)
    assert selected_id(view) is None and view.current_record() is None
    assert view.detail.record is None


def appointments(harness: Any, qtbot: Any) -> Any:
    view = open_view(harness, "Bright Smiles (demo)", "appointments")
    loaded(qtbot, view)
    view.filters.dates.set_preset("all")  # past and future: now is pages away
    qtbot.waitUntil(lambda: not view.model.loading and view.query.filters.get("start_date") is None, timeout=5000)
    return view


def start_of(view: Any, row: int) -> dt.datetime:
    return view.model.record(row).derived["start"]


@pytest.mark.parametrize("emulators", [{"setster": 2000}], indirect=True)
def test_jump_to_now_selects_the_next_appointment(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    assert view.navigator.now_button is not None and view.navigator.now_button.isVisible()
    first_page = view.model.rowCount()
    now = dt.datetime.now().astimezone()
    assert start_of(view, first_page - 1) < now  # oldest first: the first page is all in the past
    view.navigator.now_button.click()
    qtbot.waitUntil(lambda: not view.navigator.runner.running and view.current_record() is not None, timeout=15000)
    row = current_row(view)
    assert row >= first_page and view.model.has_more  # pages loaded up to now, not to the end
    assert start_of(view, row) >= now > start_of(view, row - 1)
    assert on_screen(view, row)
    assert harness.window.statusBar().currentMessage().startswith("Next appointment: ")
    ARTIFACTS.mkdir(exist_ok=True)
    harness.window.grab().save(str(ARTIFACTS / "jump-to-now.png"))
    # Latest first (a click on Start): the next appointment is the last one before the past ones.
    view._on_header_clicked(0)
    qtbot.waitUntil(lambda: not view.model.loading and view.query.descending, timeout=5000)
    harness.window.registry.trigger("view.jump_now")  # View > Jump to now (Ctrl+J)
    qtbot.waitUntil(lambda: not view.navigator.runner.running and view.current_record() is not None
                    and start_of(view, current_row(view)) >= now, timeout=15000)
    row = current_row(view)
    assert start_of(view, row) >= now > start_of(view, row + 1)


@pytest.mark.parametrize("emulators", [{"setster": 400}], indirect=True)
def test_times_in_two_zones_sort_by_instant_and_a_rescheduled_row_moves(harness: Any, qtbot: Any) -> None:
    view = appointments(harness, qtbot)
    view.go_to_end()
    qtbot.waitUntil(lambda: not view.navigator.runner.running and not view.model.has_more, timeout=15000)
    assert view.count_label.text() == f"All {view.model.rowCount():,} loaded"
    starts = [start_of(view, r) for r in range(view.model.rowCount())]
    assert starts == sorted(starts)  # by the instant, although Setster sorts by each location's wall clock
    zones = {s.tzname() for s in starts}
    assert len(zones) >= 2
    start_col = next(i for i, c in enumerate(view.spec.columns) if c.key == "start")
    assert view.model.data(view.model.index(0, start_col)).endswith(starts[0].tzname())
    # A reschedule moves the row to its new time's place, and it stays selected there.
    record = view.model.record(5)
    later = starts[len(starts) // 2] + dt.timedelta(minutes=1)
    rescheduled = type(record)(record.vendor, record.dataset, record.id, dict(record.fields),
                               {**record.derived, "start": later})
    view.table.selectRow(5)
    view.show_written(rescheduled, created=False, add_if_missing=True)
    row = view.model.row_of(record.id)
    assert row > 5 and selected_id(view) == record.id
    assert start_of(view, row - 1) <= later <= start_of(view, row + 1)


@pytest.mark.parametrize("emulators", [{"setster": 400}], indirect=True)
def test_a_finished_list_says_all_are_loaded(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Bright Smiles (demo)", "appointments")  # next 7 days: two pages, one over-full
    loaded(qtbot, view)

    def scrolled_to_the_end() -> bool:
        view.table.scrollToBottom()  # what a person does: the next page loads at the bottom
        return not view.model.loading and not view.model.has_more

    qtbot.waitUntil(scrolled_to_the_end, timeout=10000)
    assert view.count_label.text() == f"All {view.model.rowCount():,} loaded"
    assert "more available" not in harness.window.count.text()


@pytest.mark.parametrize("emulators", [{"launch27": 1500}], indirect=True)
@pytest.mark.parametrize("label", ["Sparkle v1 (demo)", "Sparkle 2.0 (demo)"])
def test_jump_to_now_in_launch27_bookings(harness: Any, qtbot: Any, label: str) -> None:
    """API v1 sorts by date (the rows' order is known); 2.0 cannot sort: the list is read in the vendor's order."""
    view = open_view(harness, label, "bookings")
    loaded(qtbot, view)
    view.filters.dates.set_preset("all")
    qtbot.waitUntil(lambda: not view.model.loading and view.query.filters.get("from") is None, timeout=5000)
    assert (view.model.order is not None) == label.startswith("Sparkle v1")
    now = dt.datetime.now().astimezone()
    view.jump_to_now()
    qtbot.waitUntil(lambda: not view.navigator.runner.running and view.current_record() is not None, timeout=15000)
    row = current_row(view)
    assert start_of(view, row) >= now and (row == 0 or start_of(view, row - 1) < now)
    assert on_screen(view, row)
