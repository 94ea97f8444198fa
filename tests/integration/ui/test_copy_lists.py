"""Lists from the local copy in the window (issue 17 item 3), on the demo's Systeme.io contacts.

The window's :class:`~console.services.mirror.copies.LocalCopies` is built over the harness's own
services (the harness makes none): the list opens live, reloads in place once its copy is complete,
then sorts by any column, searches any part of any column without regard to accents, counts exactly,
goes to its end in a few reads and says how fresh it is. A filter the copy cannot apply goes to the
vendor; a forgotten copy's next page fails with its message and Retry reloads from the vendor.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from console.services.mirror.copies import LocalCopies, local_cursor
from console.services.mirror.index import fold
from console.ui import copy_list

#: The demo workspace most tests run on (one test takes a bigger account).
small = pytest.mark.parametrize("emulators", [{"systeme": 300}], indirect=True)

CONTACTS = 300


@pytest.fixture
def copies(harness: Any, running_qloop: Any, qtbot: Any) -> Iterator[LocalCopies]:
    """The window's local copies, opened (the demo account's copy lives in memory)."""
    for account in harness.accounts.accounts():
        if account.vendor != "systeme":
            harness.accounts.update(account.id, local_copy=False)
    made = LocalCopies(harness.accounts, harness.datasets)
    yield made
    closing = asyncio.ensure_future(made.aclose(), loop=running_qloop)
    qtbot.waitUntil(closing.done, timeout=10000)


def account_id(harness: Any) -> str:
    return next(a.id for a in harness.accounts.accounts() if a.vendor == "systeme")


def open_copies(copies: LocalCopies, running_qloop: Any, qtbot: Any) -> None:
    opening = asyncio.ensure_future(copies.open_all(), loop=running_qloop)
    qtbot.waitUntil(opening.done, timeout=10000)
    opening.result()


def list_requests(harness: Any) -> int:
    """Requests for a page of contacts the vendor got (a record read fresh is another path)."""
    return len([e for e in harness.accounts.request_log if e.method == "GET" and e.url.split("?")[0]
                .endswith("/api/contacts")])


def settled(view: Any) -> bool:
    return not view.busy and view.model.rowCount() > 0


def copy_backed(harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> Any:
    """The contacts list, once it reads from its complete copy."""
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: settled(view), timeout=5000)
    open_copies(copies, running_qloop, qtbot)
    qtbot.waitUntil(lambda: view.copy_list.from_copy and settled(view), timeout=30000)
    return view


@small
def test_a_long_live_list_moving_to_its_copy_rereads_only_the_rows_down_to_the_view(
        harness: Any, copies: LocalCopies, qtbot: Any, qtmodeltester: Any, running_qloop: Any) -> None:
    from PySide6.QtCore import QModelIndex

    view = harness.view("contacts")
    qtbot.waitUntil(lambda: settled(view), timeout=5000)
    while view.model.rowCount() < 250:  # five pages loaded live, the view at the top
        view.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: settled(view), timeout=5000)
    view.table.selectRow(4)
    chosen = view.current_record().id
    resets: list[bool] = []
    view.model.modelAboutToBeReset.connect(lambda: resets.append(True))
    open_copies(copies, running_qloop, qtbot)
    qtbot.waitUntil(lambda: view.copy_list.from_copy and settled(view), timeout=30000)
    bottom = view.table.rowAt(view.table.viewport().height() - 1)
    # The rows in view and a page more come back from the copy in place; the others go (scrolling reads them).
    assert 0 < bottom < view.model.rowCount() <= bottom + 1 + view.model.page_size < 250
    assert view.current_record().id == chosen and not resets
    view.model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: settled(view) and view.model.rowCount() > bottom + 1 + view.model.page_size,
                    timeout=5000)
    qtmodeltester.check(view.model)


@small
def test_a_list_moves_to_its_complete_copy_in_place_then_sorts_searches_counts_and_ends(
        harness: Any, copies: LocalCopies, qtbot: Any, qtmodeltester: Any, running_qloop: Any) -> None:
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: settled(view), timeout=5000)
    assert not view.copy_list.from_copy and not view.copy_list.stamp.isVisible()  # no copy kept yet
    view.table.selectRow(3)
    chosen = view.current_record().id
    open_copies(copies, running_qloop, qtbot)
    assert view.copy_list.kept()
    # Complete while the list is open: it reloads in place, from the copy, the same row still selected.
    qtbot.waitUntil(lambda: view.copy_list.from_copy and settled(view), timeout=30000)
    assert view.current_record().id == chosen and view.model.rowCount() == 50
    assert view.copy_list.stamp.text() == f"{CONTACTS} contacts · from the local copy · synced just now"
    assert view.count_label.text() == f"50 of {CONTACTS} loaded"
    view.copy_list.clock = lambda: copies.synced_at(account_id(harness), "contacts") + 125  # type: ignore[operator]
    view.copy_list.update()
    assert view.copy_list.stamp.text().endswith("synced 2 min ago")
    tooltip = view.model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Surname: click to sort (in the local copy)"
    before = list_requests(harness)

    # A column the vendor cannot sort sorts in the copy (ascending, folded: "Müller" beside "Muller").
    view._on_header_clicked(3)  # Surname
    assert view.query.sort == "surname" and not view.query.descending
    qtbot.waitUntil(lambda: settled(view) and view.model.record(0).id != chosen, timeout=5000)
    surnames = [fold(view.table.records.data(view.model.index(r, 3)) or "") for r in range(50)]
    assert surnames == sorted(surnames)
    assert view.table.horizontalHeader().sortIndicatorSection() == 3
    qtmodeltester.check(view.model)

    # Ctrl+End: the rest in one read from the copy, the exact total, the last row selected.
    view.go_to_end()
    qtbot.waitUntil(lambda: view.model.rowCount() == CONTACTS and not view.navigator.runner.running, timeout=10000)
    assert view.table.selectionModel().selectedRows()[0].row() == CONTACTS - 1
    assert view.count_label.text() == f"All {CONTACTS} loaded"
    assert not view.navigator.bar.flip_button.isVisible()

    # The search box: any part, any case, no accents ("muller" finds "Müller"); the vendor never asked.
    box = view.filters.search
    assert "local copy" in box.placeholderText()
    box.setText("MULLER")
    view.filters.flush()
    assert not view.filters.problem.isVisible()  # not a whole email: the copy takes it
    qtbot.waitUntil(lambda: settled(view) and view.query.filters == {"email": "MULLER"}, timeout=5000)
    found = [view.model.record(r) for r in range(view.model.rowCount())]
    assert found and all("muller" in fold(" ".join(str(v) for v in view.model.record(r).fields.values()))
                         for r in range(len(found)))
    assert any("Müller" in str(record.fields) for record in found)
    assert view.model.total == len(found)
    assert view.copy_list.stamp.text().startswith(f"{len(found)} contacts · from the local copy")
    assert list_requests(harness) == before
    qtmodeltester.check(view.model)


@small
def test_ctrl_end_opens_a_long_copy_backed_list_at_its_last_rows_in_one_read(
        harness: Any, copies: LocalCopies, qtbot: Any, qtmodeltester: Any, running_qloop: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copy_list, "END_ROWS", 100)  # 300 contacts stand for 20,000
    view = copy_backed(harness, copies, qtbot, running_qloop)
    reads: list[tuple[Any, int]] = []
    fetch = view._fetch

    async def counted(cursor: Any, limit: int) -> Any:
        reads.append((cursor, limit))
        return await fetch(cursor, limit)

    view.model._fetch = counted
    view.go_to_end()
    qtbot.waitUntil(lambda: settled(view) and bool(view.table.selectionModel().selectedRows()), timeout=5000)
    assert reads == [(local_cursor(200), 100)]  # one read of the last rows, at their offset
    assert view.model.base == 200 and view.model.rowCount() == 100 and not view.model.has_more
    assert view.table.selectionModel().selectedRows()[0].row() == 99
    assert view.model.headerData(99, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) == CONTACTS
    assert view.count_label.text() == f"Rows 201–300 of {CONTACTS} (Ctrl+Home: the top)"
    last = view.current_record().id
    qtmodeltester.check(view.model)
    view.go_to_top()  # back to the list's start, its first row selected
    qtbot.waitUntil(lambda: settled(view) and view.model.base == 0
                    and bool(view.table.selectionModel().selectedRows()), timeout=5000)
    assert view.table.selectionModel().selectedRows()[0].row() == 0
    assert view.model.row_of(last) < 0 and view.count_label.text() == f"50 of {CONTACTS} loaded"


@small
def test_a_filter_the_copy_cannot_apply_goes_to_the_vendor_in_an_order_it_gives(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    view._on_header_clicked(2)  # First name: only the copy sorts by it
    qtbot.waitUntil(lambda: settled(view) and view.query.sort == "first_name", timeout=5000)
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    before = list_requests(harness)
    tags = view.filters.inputs["tags"]
    qtbot.waitUntil(lambda: tags.count() > 1, timeout=5000)
    tags.setCurrentIndex(1)
    qtbot.waitUntil(lambda: list_requests(harness) > before and settled(view), timeout=5000)
    assert not view.copy_list.from_copy
    assert view.query.sort is None  # back to the vendor's default order, and said
    assert any("cannot sort contacts by First name" in m for m in messages)
    assert view.copy_list.stamp.text() == "Live from Systeme.io · the local copy cannot apply these filters"
    assert "vendor" in view.filters.search.toolTip()
    view._on_header_clicked(2)  # the vendor cannot sort by it, and the copy does not answer this list
    assert view.query.sort is None


@small
def test_a_forgotten_copy_says_so_and_retry_reloads_from_the_vendor(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    forgetting = asyncio.ensure_future(copies.forget(account_id(harness)), loop=running_qloop)
    qtbot.waitUntil(forgetting.done, timeout=10000)
    assert view.copy_list.from_copy and "forgotten" in view.copy_list.stamp.text()
    view.table.scrollToBottom()  # the next page was the copy's
    qtbot.waitUntil(lambda: view.model.error is not None, timeout=5000)
    assert view.banner.isVisible() and "The local copy is gone" in view.banner_text.text()
    before = list_requests(harness)
    view.retry_button.click()
    qtbot.waitUntil(lambda: list_requests(harness) > before and settled(view), timeout=5000)
    assert not view.copy_list.from_copy and view.model.error is None and not view.copy_list.stamp.isVisible()


@small
def test_a_record_selected_in_a_copy_backed_list_is_read_fresh_and_its_row_follows(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    record = view.model.record(5)
    emulator = harness.workspace.vendors["systeme"].emulator
    emulator._contacts[int(record.id)]["email"] = "changed.elsewhere@example.com"  # edited in the vendor's app
    view.table.selectRow(5)
    qtbot.waitUntil(lambda: view.model.record(5).fields["email"] == "changed.elsewhere@example.com", timeout=5000)
    qtbot.waitUntil(lambda: view.detail.field_text("email") == "changed.elsewhere@example.com", timeout=2000)
    settling = asyncio.ensure_future(copies.settled(), loop=running_qloop)
    qtbot.waitUntil(settling.done, timeout=5000)
    mirror = copies.mirror(account_id(harness))
    assert mirror is not None
    stored = mirror.get("contacts", record.id)
    assert stored is not None and stored.fields["email"] == "changed.elsewhere@example.com"


# -- kept fresh: F5, the schedule's refreshes, a record opened from the lookup -----------------------------

def contact_reads(harness: Any, record_id: str) -> int:
    """Fresh reads of one contact the vendor got."""
    return len([e for e in harness.accounts.request_log if e.method == "GET" and e.url.split("?")[0]
                .endswith(f"/api/contacts/{record_id}")])


def heard_refresh(copies: LocalCopies, phases: list[Any]) -> Any:
    """Notes the contacts' phases as the copies tell them; returns what stops it."""
    return copies.listen(lambda _account, p: phases.append(p.phase) if p is not None and p.dataset == "contacts"
                         else None)


def refreshed(phases: list[Any]) -> bool:
    """A refresh of the contacts began and ended since the phases were noted."""
    from console.services.mirror.sync_progress import Phase

    return Phase.REFRESHING in phases and phases[-1] is Phase.DONE


def quiet_copy(copies: LocalCopies, harness: Any, qtbot: Any) -> None:
    """The copy's first round is over (its other datasets too): what comes next is the test's own."""
    sync = copies.sync(account_id(harness))
    assert sync is not None
    qtbot.waitUntil(lambda: not sync.running, timeout=30000)


@small
def test_f5_on_a_copy_backed_list_refreshes_its_copy_with_the_newest_page_and_shows_a_change_in_place(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any, qtmodeltester: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    newest = view.model.record(0)
    emulator = harness.workspace.vendors["systeme"].emulator
    emulator._contacts[int(newest.id)]["email"] = "changed.at.the.vendor@example.com"  # its own app, not ours
    view.table.selectRow(12)
    chosen = view.current_record().id
    view.table.scrollTo(view.model.index(10, 0), view.table.ScrollHint.PositionAtTop)
    top = view.model.record(view.table.rowAt(0)).id
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    before = list_requests(harness)
    generation = view.model.generation

    view.refresh()  # F5
    assert view.copy_list.checking
    assert view.copy_list.stamp.text() == (f"{CONTACTS} contacts · from the local copy · "
                                           "checking Systeme.io for changes…")
    assert messages == ["Checking Systeme.io for changes…"]
    qtbot.waitUntil(lambda: not view.copy_list.checking and settled(view) and view.model.generation != generation,
                    timeout=10000)
    qtbot.waitUntil(lambda: view.model.record(0).fields["email"] == "changed.at.the.vendor@example.com",
                    timeout=5000)
    # The newest page (and the one after it, which brought nothing new): never the whole list.
    assert 1 <= list_requests(harness) - before <= 2 < CONTACTS // 100
    assert view.current_record().id == chosen  # the selection and the view stay where they were
    assert view.model.record(view.table.rowAt(0)).id == top
    assert view.model.rowCount() == 50 and view.count_label.text() == f"50 of {CONTACTS} loaded"
    assert view.copy_list.stamp.text() == f"{CONTACTS} contacts · from the local copy · synced just now"
    assert messages[-1] == "Systeme.io: 1 contacts new or changed; the list shows them."
    qtmodeltester.check(view.model)


@pytest.mark.allow_warnings  # the sync logs the refusal of each dataset
@small
def test_f5_when_the_vendor_fails_keeps_the_rows_and_says_the_copy_could_not_be_refreshed(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    from console.sandbox.faults import FaultConfig

    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    rows = [view.model.record(r).id for r in range(view.model.rowCount())]
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    harness.workspace.set_faults(FaultConfig(rates={401: 1.0}, safe_only=True))  # the key refused
    try:
        view.refresh()
        qtbot.waitUntil(lambda: not view.copy_list.checking, timeout=10000)
        stamp = view.copy_list.stamp.text()
        assert stamp.startswith(f"{CONTACTS} contacts · from the local copy · synced just now · could not be "
                                "refreshed: ")
        assert view.copy_list.refresh_error and view.copy_list.refresh_error in stamp
        assert messages[-1].startswith("The local copy could not be refreshed from Systeme.io: ")
        assert messages[-1].endswith("The rows shown are as last synced.")
        # The rows stay, usable: the list still pages and sorts from the copy, nothing asked of the vendor.
        assert [view.model.record(r).id for r in range(view.model.rowCount())] == rows
        assert not view.banner.isVisible() and view.model.error is None
        view.table.scrollToBottom()
        qtbot.waitUntil(lambda: view.model.rowCount() > 50 and settled(view), timeout=5000)
    finally:
        harness.workspace.set_faults(None)
    view.refresh()  # the vendor answers again: the words go
    qtbot.waitUntil(lambda: not view.copy_list.checking and settled(view), timeout=10000)
    assert "could not" not in view.copy_list.stamp.text() and view.copy_list.refresh_error == ""


@small
def test_a_scheduled_refresh_reloads_a_copy_backed_list_only_when_it_brought_changes(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    sync = copies.sync(account_id(harness))
    assert sync is not None
    view.table.selectRow(4)
    chosen = view.current_record().id
    reads: list[Any] = []
    fetch = view._fetch

    async def counted(cursor: Any, limit: int) -> Any:
        reads.append(cursor)
        return await fetch(cursor, limit)

    view.model._fetch = counted
    phases: list[Any] = []
    stop = heard_refresh(copies, phases)
    try:
        # Nothing changed at the vendor: the next refresh of the schedule only moves the "synced" words.
        view.copy_list.clock = lambda: copies.synced_at(account_id(harness), "contacts") + 600  # type: ignore[operator]
        view.copy_list.update()
        assert view.copy_list.stamp.text().endswith("synced 10 min ago")
        view.copy_list.clock = time.time
        sync.refresh_now()  # the schedule's wake (a refresh interval gone by)
        generation = view.model.generation
        qtbot.waitUntil(lambda: refreshed(phases) and not sync.running, timeout=10000)
        assert reads == [] and not view.busy and view.model.generation == generation
        assert view.copy_list.stamp.text().endswith("synced just now")

        # A contact changed at the vendor: the next refresh brings it and the list reads its rows again.
        newest = view.model.record(0)
        emulator = harness.workspace.vendors["systeme"].emulator
        emulator._contacts[int(newest.id)]["email"] = "scheduled.change@example.com"
        phases.clear()
        sync.refresh_now()
        qtbot.waitUntil(lambda: view.model.record(0).fields["email"] == "scheduled.change@example.com"
                        and settled(view), timeout=10000)
        assert reads == [None]  # one read of the rows shown, from the copy
        assert view.current_record().id == chosen
    finally:
        stop()


@small
def test_a_record_opened_from_the_lookup_is_read_once(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    from console.services.lookup import Hit

    view = copy_backed(harness, copies, qtbot, running_qloop)
    record = view.model.record(7)
    emulator = harness.workspace.vendors["systeme"].emulator
    emulator._contacts[int(record.id)]["email"] = "opened.fresh@example.com"
    account = harness.accounts.get(account_id(harness))
    hit = Hit(account.id, account.label, "Systeme.io", "contacts", "contact", record, {"email": "x"}, "")
    harness.window.lookup_area.open_hit(hit)
    qtbot.waitUntil(lambda: view.current_record() is not None and view.current_record().id == record.id,
                    timeout=5000)
    # The lookup read it fresh on the way: the row shows that, and the list does not read it again.
    assert view.model.record(view.model.row_of(record.id)).fields["email"] == "opened.fresh@example.com"
    assert not view.copy_list._reread.isActive()
    qtbot.waitUntil(lambda: not len(view.tasks) and not len(harness.window.tasks), timeout=5000)
    assert contact_reads(harness, record.id) == 1
    # Another record, not read a moment ago, is read fresh once selected a moment.
    other = view.model.record(9)
    view.table.selectRow(9)
    qtbot.waitUntil(lambda: contact_reads(harness, other.id) == 1, timeout=5000)


@small
def test_edits_and_deletes_made_in_the_console_show_at_once_and_the_next_refresh_reads_nothing_again(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    sync = copies.sync(account_id(harness))
    assert sync is not None
    edited, deleted = view.model.record(0), view.model.record(1)
    spec = harness.datasets.spec(account_id(harness), "contacts")
    updating = asyncio.ensure_future(harness.datasets.update(account_id(harness), edited, {
        **spec.form_values(edited), "email": "edited.in.the.console@example.com"}), loop=running_qloop)
    qtbot.waitUntil(updating.done, timeout=5000)
    view.show_written(updating.result().record, created=False, add_if_missing=False)  # as the editor does
    deleting = asyncio.ensure_future(view.delete(deleted), loop=running_qloop)
    qtbot.waitUntil(deleting.done, timeout=5000)
    assert deleting.result()
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    generation = view.model.generation
    assert view.model.record(0).fields["email"] == "edited.in.the.console@example.com"
    assert view.model.row_of(deleted.id) < 0
    phases: list[Any] = []
    stop = heard_refresh(copies, phases)
    try:
        sync.refresh_now()  # the schedule's refresh: the vendor has what the copy already holds
        qtbot.waitUntil(lambda: refreshed(phases) and not sync.running, timeout=10000)
    finally:
        stop()
    assert view.model.generation == generation and not resets and not view.busy  # nothing read again
    view.refresh()  # F5 reads the rows again in place: the copy already had the console's changes
    qtbot.waitUntil(lambda: not view.copy_list.checking and settled(view) and view.model.generation != generation,
                    timeout=10000)
    assert view.model.record(0).fields["email"] == "edited.in.the.console@example.com"
    assert view.model.row_of(deleted.id) < 0 and not resets  # the same rows: their cells only


@small
def test_a_change_heard_while_a_page_is_on_its_way_reads_the_rows_again_after_it(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    view.table.selectRow(3)
    chosen = view.current_record().id
    gate = asyncio.Event()
    fetch = view._fetch

    async def held(cursor: Any, limit: int) -> Any:
        if cursor is not None:
            await gate.wait()  # the second page stays on its way
        return await fetch(cursor, limit)

    view.model._fetch = held
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.busy, timeout=5000)
    view.copy_list.reloadWanted.emit()  # a refresh with changes came meanwhile
    assert view.model.rowCount() == 50  # no reset: the rows stay while the page is on its way
    generation = view.model.generation
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    gate.set()
    # The page goes in, then the rows (all 100 shown) are read again in place from the copy.
    qtbot.waitUntil(lambda: view.model.generation > generation and settled(view), timeout=5000)
    assert view.model.rowCount() == 100 and view.current_record().id == chosen and not resets


@small
def test_f5_shows_a_contact_new_at_the_vendor_first_and_keeps_the_view_where_it_was(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any, qtmodeltester: Any) -> None:
    import datetime as dt

    view = copy_backed(harness, copies, qtbot, running_qloop)
    quiet_copy(copies, harness, qtbot)
    emulator = harness.workspace.vendors["systeme"].emulator
    made = emulator._add_contact(email="new.at.the.vendor@example.com", locale="en", values={},
                                 registered=dt.datetime.now(dt.UTC))
    view.table.selectRow(12)
    chosen = view.current_record().id
    view.table.scrollTo(view.model.index(10, 0), view.table.ScrollHint.PositionAtTop)
    top = view.model.record(view.table.rowAt(0)).id
    view.refresh()
    qtbot.waitUntil(lambda: not view.copy_list.checking and settled(view) and view.model.row_of(str(made["id"])) == 0,
                    timeout=10000)
    assert view.current_record().id == chosen and view.model.row_of(chosen) == 13
    assert view.model.record(view.table.rowAt(0)).id == top  # one row more above, the same rows in view
    assert view.copy_list.stamp.text().startswith(f"{CONTACTS + 1} contacts · from the local copy")
    qtmodeltester.check(view.model)


@pytest.mark.parametrize("emulators", [{"systeme": 2000}], indirect=True)
def test_a_list_opened_at_its_end_scrolled_to_its_top_reads_the_rows_above_and_keeps_its_place(
        harness: Any, copies: LocalCopies, qtbot: Any, qtmodeltester: Any, running_qloop: Any) -> None:
    view = copy_backed(harness, copies, qtbot, running_qloop)
    model, table = view.model, view.table
    view.go_to_end()  # the last 1,000 of 2,000 contacts, the last one selected
    qtbot.waitUntil(lambda: settled(view) and model.base == 1000 and bool(table.selectionModel().selectedRows()),
                    timeout=5000)
    qtmodeltester.check(model)  # stays attached: every block put on top is checked too
    selected = view.current_record().id
    bar = table.verticalScrollBar()
    bases = []
    while model.base:
        base = model.base
        if base == 600:  # the second half scrolls by the pixel (Qt's other mode)
            table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        assert view.count_label.text() == f"Rows {base + 1:,}–2,000 of 2,000 (Ctrl+Home: the top)"
        bar.setValue(bar.minimum())  # scrolled to the top: the block above is read
        qtbot.waitUntil(lambda b=base: not view.busy and model.base < b, timeout=5000)
        bases.append(model.base)
        top = table.rowAt(0)
        assert top == base - model.base  # the view stays on the record it showed at its top
        assert model.headerData(top, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) == base + 1
        assert view.current_record().id == selected  # the selection stays on the same record
    assert bases == [800, 600, 400, 200, 0]
    assert model.rowCount() == 2000 and view.count_label.text() == "All 2,000 loaded"
    assert [model.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) for r in (0, 1999)] == [1, 2000]
    reading = asyncio.ensure_future(copies.page(account_id(harness), "contacts", view.query, None, 2000),
                                    loop=running_qloop)
    qtbot.waitUntil(reading.done, timeout=5000)
    assert [model.record(r).id for r in range(2000)] == [r.id for r in reading.result().items]  # rows 1..2,000
    assert table.selectionModel().selectedRows()[0].row() == 1999
    bar.setValue(bar.minimum())  # an ordinary list now: nothing more is read
    assert not view.busy and model.rowCount() == 2000
    qtmodeltester.check(model)
