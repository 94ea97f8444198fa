"""The detail pane in the window: never a value the list no longer holds, the plain reading first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from console.ui.detail import EMPTY_TITLE
from console.ui.detail_reading import RAW, SUMMARY, format_duration
from tests.conftest import ARTIFACTS, loaded, open_view


def top(view: Any, name: str) -> Any:
    tree = view.detail.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == name)


def child(item: Any, name: str) -> Any:
    return next(item.child(j) for j in range(item.childCount()) if item.child(j).text(0) == name)


def empty(view: Any) -> bool:
    pane = view.detail
    return pane.record is None and pane.tree.topLevelItemCount() == 0 and pane.title.text() == EMPTY_TITLE


def shows_a_listed_record(view: Any) -> bool:
    """The pane shows nothing, or the selected record as the list holds it now."""
    shown = view.detail.record
    if shown is None:
        return empty(view)
    row = view.model.row_of(shown.id)
    return row >= 0 and view.model.record(row) == shown and view.current_record() == shown


@pytest.mark.parametrize("emulators", [{"systeme": 60}], indirect=True)
def test_after_a_re_sort_or_a_filter_the_pane_never_shows_a_record_no_longer_listed(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Marketing (demo)", "contacts")
    loaded(qtbot, view)
    view.table.selectRow(0)  # newest first: 100060
    assert view.detail.record is not None and view.detail.record.id == "100060"
    view._on_header_clicked(0)  # ID ascending: 100001 ... 100050, without 100060
    qtbot.waitUntil(lambda: not view.model.loading and view.model.record(0).id == "100001", timeout=5000)
    assert view.model.row_of("100060") < 0 and empty(view)
    view.table.selectRow(4)
    assert view.detail.record is not None and view.detail.record.id == "100005" and shows_a_listed_record(view)
    view.filter_to({"email": "nobody-at-all@nowhere.example"})  # a reload that lists nothing
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() == 0, timeout=5000)
    assert empty(view)


@pytest.mark.parametrize("emulators", [{"setera": 60}], indirect=True)
def test_after_log_me_out_the_pane_says_logged_out_first_and_the_raw_values_are_the_new_ones(
        harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Nordic Tel (demo)", "queues")
    loaded(qtbot, view)
    row = next(r for r in range(view.model.rowCount()) if view.model.record(r).derived["me"] == "in")
    view.table.selectRow(row)
    queue_id = view.current_record().id
    assert view.detail.field_text("Me") == "Logged in"
    view.action_buttons["logout"].click()
    qtbot.waitUntil(lambda: view.model.record(view.model.row_of(queue_id)).derived["me"] == "out", timeout=5000)
    qtbot.waitUntil(lambda: view.detail.field_text("Me") == "Logged out", timeout=3000)
    assert shows_a_listed_record(view)
    summary, raw = top(view, SUMMARY), top(view, RAW)
    assert summary.isExpanded() and not raw.isExpanded()  # the plain reading first, the raw values folded
    me = child(child(raw, "agents"), "alex@nordictel.example")  # agents named by their id, not "[3]"
    assert child(me, "isLoggedIn").text(1) == "false"  # the raw values are the vendor's new answer
    ARTIFACTS.mkdir(exist_ok=True)
    view.grab().save(str(ARTIFACTS / "detail-queue-logged-out.png"))


@pytest.mark.parametrize("emulators", [{"setster": 60}], indirect=True)
def test_a_setster_appointment_and_service_read_in_words(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Bright Smiles (demo)", "appointments")
    loaded(qtbot, view)
    view.table.selectRow(0)
    record = view.current_record()
    pane = view.detail
    assert pane.field_text("Status") == view.spec.columns[2].badges[str(record.fields["status"])].label
    assert pane.field_text("Length") == format_duration(dt.timedelta(milliseconds=int(record.fields["length"])))
    assert pane.field_text("length") == str(record.fields["length"])  # as sent, under the folded group
    assert pane.field_text("Start").endswith(record.derived["start"].tzname())  # the time with its zone
    assert view.detail.tree.horizontalScrollBar().maximum() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    view.grab().save(str(ARTIFACTS / "detail-setster-appointment.png"))
    services = open_view(harness, "Bright Smiles (demo)", "services")
    loaded(qtbot, services)
    services.table.selectRow(0)
    service = services.current_record()
    assert services.detail.field_text("Auto-confirm") in ("Yes", "No")  # a 0/1 flag in words
    assert services.detail.field_text("duration") == str(service.fields["duration"])
    assert not services.detail.is_open(RAW)
