"""The detail pane reads a record in words first, wraps its values and keeps the raw values folded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from console.core.models import FieldKind, Record
from console.ui import detail
from console.ui.detail import EMPTY_TITLE, DetailPane
from console.ui.detail_reading import RAW, SUMMARY, format_duration, plain, raw_text, summary
from console.ui.detail_tree import FIELD_MIN, FIELD_SHARE
from console.ui.formatting import format_datetime
from console.vendors.setera.datasets import QUEUES
from console.vendors.setster.datasets import APPOINTMENTS, SERVICES
from console.vendors.setster.records import durations

NEW_YORK = ZoneInfo("America/New_York")
START = dt.datetime(2026, 12, 8, 15, 0, tzinfo=NEW_YORK)
LONG_NOTE = ("Consultation about the upper left molar; the client asked for the earliest morning slot and "
             "a reminder by text message the evening before")


def appointment(**extra: Any) -> Record:
    """A Setster appointment as the client reads it (the emulator's fields, the derived values)."""
    fields: dict[str, Any] = {
        "id": "70042", "client_name": "Giulia Wang", "client_email": "giulia.wang45@inbox.example",
        "status": "3", "type": "Consultation", "start_date": "2026-12-08 15:00:00",
        "end_date": "2026-12-08 15:30:00", "length": "1800000", "duration": "30", "duration_padding": "0",
        "created_at": "2026-11-23T18:15:00.000Z", "note": LONG_NOTE, "paid": False, "ews_id": None,
        **extra,
    }
    derived: dict[str, Any] = {"start": START, "end": START + dt.timedelta(minutes=30),
                               **durations("appointments", fields),
                               "created": dt.datetime(2026, 11, 23, 13, 15, tzinfo=NEW_YORK),
                               "service": "Consultation", "employee": "Diego Santos", "location": "Uptown",
                               "custom_fields": {"Allergies": "none"}}
    return Record("setster", "appointments", "70042", fields, derived)


@pytest.fixture
def pane(qtbot: Any) -> Iterator[DetailPane]:
    saved = dict(detail.OPEN_GROUPS)
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(340, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    detail.OPEN_GROUPS.clear()
    detail.OPEN_GROUPS.update(saved)


def group(widget: DetailPane, name: str) -> Any:
    tree = widget.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == name)


def child(item: Any, name: str) -> Any:
    return next(item.child(j) for j in range(item.childCount()) if item.child(j).text(0) == name)


def test_lengths_of_time_read_in_words() -> None:
    cases = {dt.timedelta(minutes=30): "30 min", dt.timedelta(minutes=90): "1 h 30 min", dt.timedelta(hours=2): "2 h",
             dt.timedelta(seconds=45): "45 s", dt.timedelta(days=2, hours=3): "2 d 3 h", dt.timedelta(0): "0 min",
             dt.timedelta(minutes=-15): "-15 min"}
    assert {length: format_duration(length) for length in cases} == cases


def test_setster_lengths_are_read_in_their_own_units() -> None:
    # setster.md:93: length in ms, duration in minutes, padding in seconds (appointment) or minutes (service).
    assert durations("appointments", {"length": "1800000", "duration": "30", "duration_padding": "0"}) == {
        "length": dt.timedelta(minutes=30)}
    assert durations("appointments", {"duration": "45", "duration_padding": "600"}) == {
        "length": dt.timedelta(minutes=45), "padding": dt.timedelta(minutes=10)}
    assert durations("services", {"duration": "30", "duration_padding": "15"}) == {"padding": dt.timedelta(minutes=15)}
    assert durations("appointments", {"length": "soon", "duration": None}) == {}
    assert durations("clients", {"length": "1800000"}) == {}


def test_plain_readings_and_raw_text() -> None:
    assert plain(START) == "Tue 08 Dec 2026 15:00 EST"  # a time with its zone
    assert plain(True) == "Yes" and plain(False) == "No" and plain(None) == "—"
    assert plain("0", FieldKind.BOOLEAN) == "No" and plain("1", FieldKind.BOOLEAN) == "Yes"
    assert plain(1234567, FieldKind.INTEGER) == "1,234,567"
    assert plain("2026-11-23T18:15:00Z") == format_datetime("2026-11-23T18:15:00Z")  # with the zone's name
    assert [raw_text(v) for v in (True, False, None, 3, "3")] == ["true", "false", "null", "3", "3"]


def test_the_summary_follows_the_columns_with_related_values_beside_them() -> None:
    lines = [(line.label, line.value) for line in summary(APPOINTMENTS, appointment())]
    labels = [label for label, _ in lines]
    assert labels[:3] == ["Start", "End", "Length"]  # the end and the length beside the start
    shown = dict(lines)
    assert shown["Status"] == "Cancelled"  # the vendor's own status table (setster datasets.STATUS_BADGES)
    assert shown["Length"] == "30 min"  # "length" 1800000 is in milliseconds
    assert shown["Start"] == "Tue 08 Dec 2026 15:00 EST" and shown["Created"] == "Mon 23 Nov 2026 13:15 EST"
    assert shown["Custom fields"] == {"Allergies": "none"}
    assert labels.count("Created") == 1 and "Service" in labels and "Employee" not in labels  # no repeats
    me = Record("setera", "queues", "35", {"id": 35, "name": "Customer Service", "isLoggedIn": True},
                {"me": "out", "agents_in": 2, "group_domain": "nordictel.example"})
    assert dict((line.label, line.value) for line in summary(QUEUES, me))["Me"] == "Logged out"


def test_the_pane_reads_a_setster_appointment_in_words_and_folds_the_raw_values(pane: DetailPane) -> None:
    pane.show_record(APPOINTMENTS, appointment())
    tree = pane.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [SUMMARY, RAW]
    summary_group, raw = group(pane, SUMMARY), group(pane, RAW)
    assert summary_group.isExpanded() and not raw.isExpanded() and not pane.is_open(RAW)
    assert child(summary_group, "Status").text(1) == "Cancelled"
    assert child(summary_group, "Length").text(1) == "30 min"
    assert child(summary_group, "Start").text(1) == "Tue 08 Dec 2026 15:00 EST"
    assert child(raw, "status").text(1) == "3" and child(raw, "length").text(1) == "1800000"  # as sent
    assert child(raw, "created_at").text(1) == "2026-11-23T18:15:00.000Z"  # a raw date whole
    assert child(raw, "paid").text(1) == "false" and child(raw, "ews_id").text(1) == "null"
    assert pane.field_text("Status") == "Cancelled" and pane.field_text("status") == "3"


def test_values_wrap_inside_the_pane_with_no_horizontal_scrollbar(pane: DetailPane, qtbot: Any) -> None:
    detail.OPEN_GROUPS[RAW] = True
    pane.show_record(APPOINTMENTS, appointment())
    tree = pane.tree
    raw = group(pane, RAW)
    note, paid = child(raw, "note"), child(raw, "paid")
    qtbot.waitUntil(lambda: tree.visualItemRect(note).height() > 2 * tree.visualItemRect(paid).height())
    assert tree.horizontalScrollBar().maximum() == 0
    for item in (note, child(raw, "client_email"), child(group(pane, SUMMARY), "Start")):
        rect = tree.visualRect(tree.indexFromItem(item, 1))
        assert rect.right() <= tree.viewport().width()  # the value ends inside the pane
        needed = tree.itemDelegate().sizeHint(_option(tree), tree.indexFromItem(item, 1)).height()
        assert rect.height() >= needed  # the row is as tall as its wrapped value
    width = tree.columnWidth(0)
    assert FIELD_MIN <= width <= tree.viewport().width() * FIELD_SHARE + 1
    before = tree.visualItemRect(note).height()
    pane.resize(700, 700)  # wider: the value fits on fewer lines
    qtbot.waitUntil(lambda: tree.visualItemRect(note).height() < before)
    assert tree.columnWidth(0) < tree.viewport().width() * FIELD_SHARE  # sized to the labels, not the share
    pane.resize(240, 700)  # narrow: a label wraps between its words, never inside one ("Custome|r")
    qtbot.waitUntil(lambda: tree.viewport().width() < 240)
    labels = group(pane, SUMMARY)
    for j in range(labels.childCount()):
        label = labels.child(j).text(0)
        room = tree.columnWidth(0) - tree.indentation() * 2
        assert all(tree.fontMetrics().horizontalAdvance(word) <= room for word in label.split()), label


def _option(tree: Any) -> Any:
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(tree)
    return option


def test_the_raw_group_stays_as_the_user_left_it_for_the_session(pane: DetailPane, qtbot: Any) -> None:
    pane.show_record(APPOINTMENTS, appointment())
    group(pane, RAW).setExpanded(True)  # the user opens it
    pane.show_record(APPOINTMENTS, appointment(status="2"))
    assert pane.is_open(RAW) and pane.field_text("Status") == "Confirmed"
    other = DetailPane()  # another tab's pane, same session
    qtbot.addWidget(other)
    other.show_record(SERVICES, Record("setster", "services", "301", {"id": "301", "name": "Check-up",
                                                                       "duration": "30"}, {"auto_confirm": True}))
    assert other.is_open(RAW) and other.field_text("Auto-confirm") == "Yes"
    group(other, RAW).setExpanded(False)
    pane.show_record(APPOINTMENTS, appointment())
    assert not pane.is_open(RAW)


def test_nothing_shown_is_an_empty_pane(pane: DetailPane) -> None:
    pane.show_record(APPOINTMENTS, appointment())
    pane.show_record(APPOINTMENTS, None)
    assert pane.record is None and pane.tree.topLevelItemCount() == 0 and pane.title.text() == EMPTY_TITLE
