"""The generic paged table model: qtmodeltester, paging, stale pages, failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console.core.errors import ServerError
from console.core.models import Column, Cursor, FieldKind, Page, Record
from console.ui.table_model import PagedTableModel, RecordRole

COLUMNS = (
    Column("id", "ID", lambda r: r.fields["id"], FieldKind.ID, sort_key="id"),
    Column("name", "Name", lambda r: r.fields.get("name")),
    Column("vip", "VIP", lambda r: r.fields.get("vip"), FieldKind.BOOLEAN),
)


class FakeSource:
    def __init__(self, size: int, gate: asyncio.Event | None = None) -> None:
        self.size = size
        self.calls: list[Cursor] = []
        self.fail_next = False
        self.gate = gate
        self.prefix = "n"
        self.first = 0  # the id of the list's first record

    async def fetch(self, cursor: Cursor, limit: int) -> Page[Record]:
        self.calls.append(cursor)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise ServerError("fake", "boom")
        start = int(cursor or 0)
        items = [Record("fake", "things", str(self.first + i),
                        {"id": self.first + i, "name": f"{self.prefix}{i}", "vip": i % 2 == 0})
                 for i in range(start, min(self.size, start + limit))]
        more = start + limit < self.size
        return Page(items, start + limit if more else None, more, None)


def test_model_passes_qtmodeltester(qtmodeltester: Any, running_qloop: Any, qtbot: Any) -> None:
    source = FakeSource(120)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 2)) == "Yes"
    assert model.data(model.index(0, 0), RecordRole).id == "0"
    assert model.headerData(0, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal) == "ID"


def test_fetch_more_pages_until_exhausted(running_qloop: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QModelIndex

    source = FakeSource(120)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    assert model.count_text() == "50 loaded, more available"
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # loading
    qtbot.waitUntil(lambda: model.rowCount() == 100)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 120)
    assert not model.canFetchMore(QModelIndex())
    assert model.count_text() == "All 120 loaded"
    assert source.calls == [None, 50, 100]


def test_a_page_of_an_older_query_is_dropped(running_qloop: Any, qtbot: Any) -> None:
    gate = asyncio.Event()
    source = FakeSource(120, gate)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()  # generation 1, held at the gate
    qtbot.waitUntil(lambda: len(source.calls) == 1)
    fresh = FakeSource(30)
    fresh.prefix = "fresh"
    model.reset(fresh.fetch)  # generation 2
    qtbot.waitUntil(lambda: model.rowCount() == 30)
    gate.set()  # the old page arrives late
    qtbot.waitUntil(lambda: not asyncio.all_tasks(running_qloop), timeout=3000)  # and has been dealt with
    assert model.rowCount() == 30
    assert model.data(model.index(0, 1)) == "fresh0"


def test_a_long_page_goes_in_slices_and_a_reset_stops_it_half_way(
    running_qloop: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.core import pace
    from console.ui import table_model

    monkeypatch.setattr(pace, "SLICE_SECONDS", 0.0)  # every slice gives the loop a turn
    long = FakeSource(1000)
    model = PagedTableModel(COLUMNS, long.fetch, 1000)
    inserts: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append(last - first + 1))

    def reset_after_two_slices(*_: Any) -> None:
        if len(inserts) == 2:
            fresh = FakeSource(30)
            fresh.prefix = "fresh"
            model.reset(fresh.fetch)

    model.rowsInserted.connect(reset_after_two_slices)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 30 and not model.loading, timeout=5000)
    qtbot.waitUntil(lambda: not asyncio.all_tasks(running_qloop), timeout=3000)  # the long page's task is over
    assert inserts[:2] == [table_model.SLICE, table_model.SLICE]  # the long page went in slice by slice
    assert inserts[2:] == [30]  # and stopped at the reset: none of its remaining 800 rows came after
    assert model.data(model.index(0, 1)) == "fresh0" and model.rowCount() == 30


def test_failure_stops_paging_until_retry(running_qloop: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QModelIndex

    source = FakeSource(120)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    failures: list[object] = []
    model.pageFailed.connect(failures.append)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    source.fail_next = True
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], ServerError)
    assert not model.canFetchMore(QModelIndex())
    model.retry()
    qtbot.waitUntil(lambda: model.rowCount() == 100)


def test_reload_in_place_keeps_rows_until_the_new_page_arrives(
        qtmodeltester: Any, running_qloop: Any, qtbot: Any) -> None:
    source = FakeSource(30)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 30 and not model.loading)
    resets: list[str] = []
    changed: list[tuple[int, int]] = []
    model.modelAboutToBeReset.connect(lambda: resets.append("reset"))
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    source.gate = asyncio.Event()
    source.prefix = "live"
    model.reload_in_place()
    qtbot.waitUntil(lambda: len(source.calls) == 2)
    assert source.calls[-1] is None and model.rowCount() == 30  # the rows stay while the page is on its way
    assert model.data(model.index(0, 1)) == "n0"
    source.gate.set()
    qtbot.waitUntil(lambda: not model.loading)
    assert resets == [] and changed == [(0, 29)]  # same records, same order: only the cells change
    assert model.data(model.index(0, 1)) == "live0"
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    source.gate, source.size = None, 20  # the last ten went away: the rest stay as rows, only those ten go
    model.reload_in_place()
    qtbot.waitUntil(lambda: not model.loading and model.rowCount() == 20)
    assert resets == [] and removed == [(20, 29)] and changed[-1] == (0, 19)
    assert model.count_text() == "All 20 loaded"
    source.size, source.prefix = 25, "other"  # other records first: the rows are swapped
    source.first = 100
    model.reload_in_place()
    qtbot.waitUntil(lambda: resets == ["reset"] and not model.loading)
    assert model.rowCount() == 25
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("loaded", "total", "more", "text"),
    [(1250, 20000, True, "1,250 of 20,000 loaded"), (1250, None, True, "1,250 loaded, more available"),
     (0, None, False, "No records"), (7, None, False, "All 7 loaded"), (117, None, False, "All 117 loaded"),
     (2500, 2500, False, "All 2,500 loaded"), (1, None, False, "1 record")],
)
def test_count_text(loaded: int, total: int | None, more: bool, text: str) -> None:
    from console.ui.formatting import count_text

    assert count_text(loaded, total, more) == text


def test_a_finished_list_says_every_row_is_loaded(running_qloop: Any, qtbot: Any) -> None:
    """117 rows in pages of 50, no total from the vendor: once the last page is in, the count says all are."""
    from PySide6.QtCore import QModelIndex

    source = FakeSource(117)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    assert model.has_more and model.count_text() == "50 loaded, more available"
    while model.canFetchMore(QModelIndex()) or model.loading:
        if not model.loading:
            model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 117 and not model.has_more
    assert model.count_text() == "All 117 loaded"


class WholeSource(FakeSource):
    """A vendor that sends its whole list in one answer, cut into pages by the client (Setera's directory)."""

    async def fetch(self, cursor: Cursor, limit: int) -> Page[Record]:
        page = await super().fetch(cursor, limit)
        return Page(page.items, page.next_cursor, page.has_more, self.size)


def test_a_list_that_arrives_whole_is_all_loaded_at_once(running_qloop: Any, qtbot: Any) -> None:
    source = WholeSource(2500)
    model = PagedTableModel(COLUMNS, source.fetch, 50, whole=True)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 2500 and not model.loading)
    assert source.calls == [None] and not model.has_more
    assert model.count_text() == "All 2,500 loaded"  # not "50 of 2,500 loaded"
    model.reload_in_place()  # a refresh takes the whole list again
    qtbot.waitUntil(lambda: not model.loading)
    assert source.calls == [None, None] and model.rowCount() == 2500 and model.count_text() == "All 2,500 loaded"
    paged = PagedTableModel(COLUMNS, WholeSource(2500).fetch, 50)  # the same list, paged: the old count
    paged.start()
    qtbot.waitUntil(lambda: paged.rowCount() == 50 and not paged.loading)
    assert paged.count_text() == "50 of 2,500 loaded"


def test_account_role_is_user_role_plus_one() -> None:
    from PySide6.QtCore import Qt

    from console.ui.account_tree import ACCOUNT_ROLE

    assert Qt.ItemDataRole.UserRole + 1 == ACCOUNT_ROLE


def test_notes_are_kept_once_and_duplicates_counted_until_a_reset(running_qloop: Any, qtbot: Any) -> None:
    source = FakeSource(120)
    plain = source.fetch
    note = "Personal contacts unavailable: the vendor does not offer it (HTTP 404, not found), so ..."

    async def fetch(cursor: Cursor, limit: int) -> Page[Record]:
        page = await plain(cursor, limit)
        return Page(page.items, page.next_cursor, page.has_more, notes=(note,), duplicates=2)

    model = PagedTableModel(COLUMNS, fetch, 50)
    changes: list[tuple[str, ...]] = []
    model.notesChanged.connect(lambda: changes.append(model.notes))
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    model.fetchMore(model.index(-1, -1))
    qtbot.waitUntil(lambda: model.rowCount() == 100)
    assert model.notes[0] == note and len(model.notes) == 2
    assert model.notes[1].startswith("4 records were left out: another record of the same answer had the same id")
    model.reload_in_place()  # a live refresh replaces the count instead of adding to it
    qtbot.waitUntil(lambda: not model.loading)
    assert model.notes[1].startswith("2 records were left out")
    model.reset(source.fetch)  # a new query starts with nothing to say
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    assert model.notes == () and changes[-1] == ()


def test_the_model_stops_by_the_one_rule_and_hands_out_plain_records(running_qloop: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QModelIndex

    source = FakeSource(120)
    plain = source.fetch

    async def no_cursor(cursor: Cursor, limit: int) -> Page[Record]:
        page = await plain(cursor, limit)
        return Page(page.items, None, True)  # "more", but no way to ask for it

    model = PagedTableModel(COLUMNS, no_cursor, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50 and not model.loading)
    assert not model.has_more and not model.canFetchMore(QModelIndex()) and source.calls == [None]
    record = model.record(7)
    assert record == Record("fake", "things", "7", {"id": 7, "name": "n7", "vip": False})
    assert model.data(model.index(7, 0), RecordRole) == record and model.record(120) is None


def test_a_page_cancelled_half_way_is_read_again_whole(
    running_qloop: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QModelIndex

    from console.core import pace
    from console.ui import table_model

    monkeypatch.setattr(pace, "SLICE_SECONDS", 0.0)  # every slice gives the loop a turn
    source = FakeSource(1000)
    model = PagedTableModel(COLUMNS, source.fetch, 1000)
    model.rowsInserted.connect(lambda *_: model.cancel() if model.rowCount() == 2 * table_model.SLICE else None)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * table_model.SLICE and not model.loading)
    assert model.has_more and model.canFetchMore(QModelIndex())  # the page is not counted as read
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 1000 and not model.loading, timeout=5000)
    assert source.calls == [None, None] and not model.has_more
    assert [model.record(r).id for r in (0, 199, 200, 999)] == ["0", "199", "200", "999"]  # type: ignore[union-attr]


def test_a_last_page_exactly_full_and_a_total_that_does_not_hold_still_end_in_all_loaded(
        running_qloop: Any, qtbot: Any) -> None:
    """100 rows in pages of 50 (the vendor says "more" after the full last page), and a total of 120 that
    the rows never reach (some were left out): once the list ends, the count says all are loaded."""
    source = FakeSource(100)
    plain = source.fetch

    async def full_pages_claim_more(cursor: Cursor, limit: int) -> Page[Record]:
        page = await plain(cursor, limit)
        more = len(page.items) == limit
        return Page(page.items, int(cursor or 0) + limit if more else None, more, 120)

    model = PagedTableModel(COLUMNS, full_pages_claim_more, 50)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 50 and not model.loading)
    assert model.count_text() == "50 of 120 loaded"
    task = asyncio.ensure_future(model.next_page())
    qtbot.waitUntil(task.done)
    assert model.rowCount() == 100 and model.has_more and model.count_text() == "100 of 120 loaded"
    task = asyncio.ensure_future(model.next_page())  # the empty page after the full one ends the list
    qtbot.waitUntil(task.done)
    assert not model.has_more and model.count_text() == "All 100 loaded"
    task = asyncio.ensure_future(model.next_page())  # nothing left: no request
    qtbot.waitUntil(task.done)
    assert source.calls == [None, 50, 100]


EST, CST = (__import__("zoneinfo").ZoneInfo(z) for z in ("America/New_York", "America/Chicago"))


def booking(number: int, hour: int, minute: int, zone: Any) -> Record:
    import datetime as dt

    start = dt.datetime(2026, 12, 4, hour, minute, tzinfo=zone)
    return Record("fake", "bookings", str(number), {"id": number, "name": f"b{number}"}, {"start": start})


TIMED = COLUMNS + (Column("start", "Start", lambda r: r.derived.get("start"), FieldKind.DATETIME,
                          sort_key="start"),)


def test_times_in_two_zones_go_in_order_of_the_instant_across_pages(
        qtmodeltester: Any, running_qloop: Any, qtbot: Any) -> None:
    """The vendor sorts by the wall clock (9:30 CST before 10:00 EST); the rows go by the instant."""
    from console.ui.list_order import RowOrder

    wall_clock_pages = [
        [booking(1, 9, 0, EST), booking(2, 9, 30, CST), booking(3, 10, 0, EST)],  # 2 is at 10:30 EST
        [booking(4, 10, 15, EST), booking(5, 11, 0, CST), booking(6, 11, 30, EST)],  # 4 goes before 2
    ]

    async def fetch(cursor: Cursor, limit: int) -> Page[Record]:
        index = int(cursor or 0)
        return Page(wall_clock_pages[index], index + 1 if index == 0 else None, index == 0)

    model = PagedTableModel(TIMED, fetch, 3)
    model.order_source = lambda: RowOrder(TIMED[-1].extract, descending=False)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.loading)
    assert [model.record(r).id for r in range(3)] == ["1", "3", "2"]  # type: ignore[union-attr]
    task = asyncio.ensure_future(model.next_page())
    qtbot.waitUntil(task.done)
    assert [model.record(r).id for r in range(6)] == ["1", "3", "4", "2", "6", "5"]  # type: ignore[union-attr]
    assert model.data(model.index(1, 3)).endswith("EST") and model.data(model.index(3, 3)).endswith("CST")
    qtmodeltester.check(model)


def test_a_rescheduled_row_moves_to_its_place_and_a_new_one_shows_first(running_qloop: Any, qtbot: Any) -> None:
    from console.ui.list_order import RowOrder

    rows = [booking(n, 8 + n, 0, EST) for n in range(6)]  # 8:00 ... 13:00

    async def fetch(cursor: Cursor, limit: int) -> Page[Record]:
        return Page(rows, None, False)

    model = PagedTableModel(TIMED, fetch, 50)
    model.order_source = lambda: RowOrder(TIMED[-1].extract, descending=True)  # latest first
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 6 and not model.loading)
    assert [model.record(r).id for r in range(6)] == ["5", "4", "3", "2", "1", "0"]  # type: ignore[union-attr]
    moves: list[tuple[int, int]] = []
    model.rowsMoved.connect(lambda _p, start, _e, _d, to: moves.append((start, to)))
    later = booking(0, 11, 30, CST)  # 12:30 EST: between 13:00 and 12:00
    assert model.replace_record(later) == 1
    assert [model.record(r).id for r in range(6)] == ["5", "0", "4", "3", "2", "1"]  # type: ignore[union-attr]
    assert moves == [(5, 1)]
    same_time = Record("fake", "bookings", "3", {"id": 3, "name": "renamed"}, {"start": rows[3].derived["start"]})
    assert model.replace_record(same_time) == 3 and moves == [(5, 1)]  # the time did not change: it stays
    assert model.insert_record(booking(9, 9, 15, EST)) == 0  # a new booking shows first (a create)
    assert model.insert_record(booking(8, 10, 30, EST), 4) == 5  # an undone delete: to its time's place
    model.remove_record("9")
    assert model.order is not None and len(model.order.keys) == model.rowCount() == 7


def test_a_list_opened_at_its_end_reads_the_rows_above_block_by_block_until_it_is_an_ordinary_list(
        qtmodeltester: Any, running_qloop: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QModelIndex, Qt

    source = FakeSource(450)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.cursor_at = lambda offset: offset  # the fake's cursor is an offset, as a local copy's is
    model.reset(start=350, base=350, limit=100)
    qtbot.waitUntil(lambda: model.rowCount() == 100 and not model.loading)
    qtmodeltester.check(model)  # stays attached: every insert above is checked too
    assert model.count_text() == "Rows 351–450 of 450 (Ctrl+Home: the top)"
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    above: list[int] = []
    model.rowsAbove.connect(above.append)
    bases = []
    while model.base:
        assert model.load_above()
        assert not model.load_above()  # one block at a time
        qtbot.waitUntil(lambda: not model.loading)
        bases.append(model.base)
    assert bases == [150, 0] and above == [200, 150] and inserted == [(0, 199), (0, 149)]
    assert source.calls[-2:] == [150, 0]
    assert [model.record(r).id for r in range(450)] == [str(i) for i in range(450)]  # in order, none twice
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in (0, 449)] == [1, 450]
    assert not model.load_above() and not model.canFetchMore(QModelIndex())
    assert model.count_text() == "All 450 loaded"


def test_rows_above_that_fail_are_read_again_on_retry_and_a_reset_drops_them(
        running_qloop: Any, qtbot: Any) -> None:
    gate = asyncio.Event()
    gate.set()
    source = FakeSource(300, gate)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.cursor_at = lambda offset: offset
    failures: list[object] = []
    model.pageFailed.connect(failures.append)
    model.reset(start=250, base=250, limit=50)
    qtbot.waitUntil(lambda: model.rowCount() == 50 and not model.loading)
    source.fail_next = True
    model.load_above()
    qtbot.waitUntil(lambda: bool(failures))
    assert model.base == 250 and model.rowCount() == 50 and not model.can_load_above()
    model.retry()  # the rows above again, not a page at the end
    qtbot.waitUntil(lambda: model.base == 50 and not model.loading)
    assert model.record(0).id == "50" and model.rowCount() == 250
    gate.clear()
    model.load_above()
    model.reset(start=250, base=250, limit=50)  # a reload while the block is on its way: dropped
    gate.set()
    qtbot.waitUntil(lambda: model.rowCount() == 50 and not model.loading)
    assert model.base == 250 and model.record(0).id == "250"


def test_rows_above_in_a_time_order_keep_the_order_keys(running_qloop: Any, qtbot: Any) -> None:
    from console.ui.list_order import RowOrder

    source = FakeSource(120)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    model.order_source = lambda: RowOrder(lambda r: 1_800_000_000 + r.fields["id"] * 60, False)
    model.cursor_at = lambda offset: offset
    model.reset(start=100, base=100, limit=20)
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.loading)
    model.load_above(60)
    qtbot.waitUntil(lambda: model.base == 40 and not model.loading)
    assert model.order is not None and len(model.order.keys) == 80 and model.order.keys == sorted(model.order.keys)
    assert [model.record(r).id for r in (0, 79)] == ["40", "119"]
