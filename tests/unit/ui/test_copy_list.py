"""Pieces of lists read from a local copy (console/ui/copy_list.py and what it sets in the list's parts)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from console.core.models import FieldKind, FilterSpec, Query
from console.core.settings import AccountConfig
from console.services.mirror.copies import CopyGone
from console.ui.copy_list import needs_reload, synced_text
from console.ui.filter_bar import FilterBar
from console.ui.list_query import ListQuery
from console.ui.qtasync import TaskSet
from console.ui.table_model import PagedTableModel
from console.vendors.systeme.datasets import CONTACTS
from tests.unit.ui.test_table_model import COLUMNS, FakeSource

EMAIL = FilterSpec("email", "Email", FieldKind.EMAIL, primary=True)
SURNAME = 3  # the Surname column of Systeme.io contacts


@pytest.mark.parametrize(("seconds", "text"), [(0, "synced just now"), (59, "synced just now"),
                                               (125, "synced 2 min ago"), (3 * 3600 + 5, "synced 3 h ago"),
                                               (5 * 86400, "synced 5 days ago")])
def test_synced_text(seconds: float, text: str) -> None:
    assert synced_text(seconds) == text


def test_only_a_gone_copy_needs_a_reload() -> None:
    assert needs_reload(CopyGone()) and not needs_reload(None)


def test_the_search_box_takes_any_part_only_while_the_copy_answers(qtbot: Any) -> None:
    bar = FilterBar([EMAIL])
    qtbot.addWidget(bar)
    assert bar.search is not None
    bar.search.setText("mull")
    bar.flush()
    assert bar.values() == {} and bar.problem.text()  # the vendor takes whole emails only
    with qtbot.waitSignal(bar.changed):
        bar.set_local_search(True)
    assert bar.values() == {"email": "mull"} and not bar.problem.isVisibleTo(bar)
    assert "local copy" in bar.search.placeholderText()
    with qtbot.waitSignal(bar.changed):
        bar.set_local_search(False)
    assert bar.values() == {}


def make_query(qtbot: Any) -> ListQuery:
    header = QHeaderView(Qt.Orientation.Horizontal)
    qtbot.addWidget(header)
    account = AccountConfig(id="a", vendor="systeme", label="Marketing", base_url="https://x.example")
    return ListQuery(Any, account, "Systeme.io", CONTACTS, header, TaskSet("test"))  # type: ignore[arg-type]


def test_a_column_the_vendor_cannot_sort_sorts_in_the_copy_and_goes_back_before_the_vendor(qtbot: Any) -> None:
    query = make_query(qtbot)
    messages: list[str] = []
    query.statusMessage.connect(messages.append)
    query.header_clicked(SURNAME)
    assert query.query.sort is None and "cannot sort contacts by Surname" in messages[-1]
    query.local_sorts = lambda _q: True
    query.header_clicked(SURNAME)
    assert query.query == Query(filters={}, sort="surname", descending=False)
    assert query.header.sortIndicatorSection() == SURNAME
    query.header_clicked(SURNAME)
    assert query.query.descending
    assert not query.vendor_sorts("surname") and query.vendor_sorts("id") and query.vendor_sorts(None)
    assert query.keep_to_vendor() and query.query.sort is None
    assert "default order" in messages[-1]
    assert not query.keep_to_vendor()


def test_a_list_opened_at_its_end_numbers_its_rows_from_there(
        qtmodeltester: Any, running_qloop: Any, qtbot: Any) -> None:
    source = FakeSource(300)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    model.reset(start=200, base=200, limit=100)
    qtbot.waitUntil(lambda: model.rowCount() == 100 and not model.loading)
    assert source.calls[-1] == 200 and model.base == 200 and not model.has_more
    assert model.headerData(0, Qt.Orientation.Vertical) == 201
    assert model.count_text() == "Rows 201–300 of 300 (Ctrl+Home: the top)"
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.headerDataChanged):
        model.set_local_sort(True)
    assert "local copy" in model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    model.reset()
    qtbot.waitUntil(lambda: model.rowCount() >= 50 and not model.loading)  # the tester may fetch more
    assert model.base == 0 and model.record(0).id == "0" and model.headerData(0, Qt.Orientation.Vertical) == 1


def progress(phase: Any, fetched: int = 0, removed: int = 0, changed: int | None = None) -> Any:
    from console.services.mirror.sync_progress import SyncProgress

    return SyncProgress("a", "Marketing", "contacts", "Contacts", phase, fetched=fetched, removed=removed,
                        changed=changed)


def test_a_sync_changed_the_copy_when_it_found_records_new_changed_or_gone() -> None:
    from console.services.mirror.sync_progress import Phase
    from console.ui.copy_list import brought_changes, changes_text

    assert not brought_changes(progress(Phase.DONE), Phase.REFRESHING)
    assert brought_changes(progress(Phase.DONE, fetched=2), Phase.REFRESHING)
    assert brought_changes(progress(Phase.DONE, removed=1), Phase.REFRESHING)
    assert brought_changes(progress(Phase.DONE, fetched=300), Phase.SYNCING)  # a resumed pass cannot say
    assert brought_changes(progress(Phase.DONE), None)  # not seen: read the rows again
    assert not brought_changes(progress(Phase.DONE, fetched=300, changed=0), Phase.SYNCING)  # a reconcile
    assert brought_changes(progress(Phase.DONE, fetched=300, changed=1), Phase.SYNCING)
    assert brought_changes(progress(Phase.DONE, fetched=300, changed=0, removed=1), None)
    assert changes_text(progress(Phase.DONE), Phase.REFRESHING, "Systeme.io", "contacts") == (
        "No changes at Systeme.io: the local copy is up to date.")
    assert changes_text(progress(Phase.DONE, fetched=1200), Phase.REFRESHING, "Systeme.io", "contacts") == (
        "Systeme.io: 1,200 contacts new or changed; the list shows them.")
    assert changes_text(progress(Phase.DONE, fetched=300, removed=2), Phase.SYNCING, "Systeme.io", "contacts") == (
        "The local copy was checked against all of Systeme.io, 2 deleted there removed.")
    assert changes_text(progress(Phase.DONE, fetched=300, changed=0), Phase.SYNCING, "Systeme.io", "contacts") == (
        "The local copy was checked against all of Systeme.io: no changes.")
    assert changes_text(progress(Phase.DONE, fetched=300, changed=3, removed=2), Phase.SYNCING, "Systeme.io",
                        "contacts") == (
        "The local copy was checked against all of Systeme.io, 3 contacts new or changed, 2 deleted there removed.")
