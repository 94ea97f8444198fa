"""The one paging seam: the stop rule, the page cursor, the iterator and its prefetch."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, cast

import pytest

from console.core.errors import ServerError
from console.core.models import Cursor, Page, Query, Record
from console.services.paging import PageCursor, iterate, pages
from console.vendors.base import VendorClient


def rec(record_id: str) -> Record:
    return Record("test", "things", record_id, {"id": record_id})


ONE = [rec("1")]


@pytest.mark.parametrize(
    ("page", "has_next"),
    [(Page(ONE, "2", True), True),
     (Page(ONE, "2", False), False),  # the vendor says no more: a cursor given anyway is not followed
     (Page(ONE, None, True), False),  # more, but no way to ask for it
     (Page([], "2", True), False),  # an empty page that claims more would be asked again for nothing
     (Page([], None, False), False)],
    ids=["more", "has_more false", "cursor none", "empty page", "empty last page"],
)
def test_one_stop_rule(page: Page[Record], has_next: bool) -> None:
    assert page.has_next is has_next


class Source:
    """``size`` records, ``limit`` at a time from an offset cursor; records every request."""

    def __init__(self, size: int, *, empty_at: int | None = None) -> None:
        self.size = size
        self.empty_at = empty_at
        self.calls: list[tuple[Cursor, int]] = []
        self.fail_next = False
        self.gate: asyncio.Event | None = None
        self.cancelled = 0

    async def fetch(self, cursor: Cursor, limit: int) -> Page[Record]:
        self.calls.append((cursor, limit))
        if self.gate is not None:
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        if self.fail_next:
            self.fail_next = False
            raise ServerError("test", "boom")
        start = int(cursor or 0)
        if start == self.empty_at:
            return Page([], start + limit, True)
        items = [rec(str(i)) for i in range(start, min(self.size, start + limit))]
        more = start + limit < self.size
        return Page(items, start + limit if more else None, more)

    async def page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        assert (dataset, query) == ("things", Query(descending=False))
        return await self.fetch(cursor, limit)


async def test_the_cursor_reads_page_after_page_until_the_last() -> None:
    source = Source(120)
    cursor = PageCursor(source.fetch, 50)
    sizes = []
    while not cursor.done:
        sizes.append(len((await cursor.next()).items))
    assert sizes == [50, 50, 20] and cursor.read == 120
    assert source.calls == [(None, 50), (50, 50), (100, 50)]
    with pytest.raises(RuntimeError):
        await cursor.next()


async def test_an_empty_page_ends_the_list_even_when_it_claims_more() -> None:
    source = Source(500, empty_at=100)
    got = [page async for page in iterate(PageCursor(source.fetch, 50))]
    assert [len(p.items) for p in got] == [50, 50, 0] and len(source.calls) == 3


async def test_a_limit_asks_for_what_is_left_and_stops_there() -> None:
    source = Source(500)
    got = [page async for page in iterate(PageCursor(source.fetch, 300, limit=420))]
    assert source.calls == [(None, 300), (300, 120)] and sum(len(p.items) for p in got) == 420
    assert [p async for p in iterate(PageCursor(source.fetch, 50, limit=0))] == []


async def test_a_failure_leaves_the_cursor_where_it_was() -> None:
    source = Source(120)
    cursor = PageCursor(source.fetch, 50, start=50)
    source.fail_next = True
    with pytest.raises(ServerError):
        await cursor.next()
    assert cursor.cursor == 50 and not cursor.done
    assert [r.id for r in (await cursor.next()).items][:1] == ["50"]
    assert source.calls == [(50, 50), (50, 50)]


async def test_a_second_page_is_not_asked_for_while_one_is_on_its_way() -> None:
    source = Source(120)
    source.gate = asyncio.Event()
    cursor = PageCursor(source.fetch, 50)
    first = asyncio.ensure_future(cursor.next())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await cursor.next()
    source.gate.set()
    assert len((await first).items) == 50


async def test_prefetch_keeps_the_next_page_on_its_way_and_closing_cancels_it() -> None:
    source = Source(500)
    stream = iterate(PageCursor(source.fetch, 100), prefetch=True)
    async with contextlib.aclosing(stream):
        first = await anext(stream)
        assert first.items[0].id == "0"
        await asyncio.sleep(0)  # the next page's task starts
        assert [c for c, _ in source.calls] == [None, 100]  # asked for while the first is worked on
        source.gate = asyncio.Event()  # the third page hangs
        second = await anext(stream)
        assert second.items[0].id == "100"
        await asyncio.sleep(0)
        assert len(source.calls) == 3 and source.cancelled == 0
    assert source.cancelled == 1  # stopping early cancelled the page on its way


async def test_prefetch_yields_every_page_in_order_and_a_failure_reaches_the_caller() -> None:
    source = Source(250)
    got = [p async for p in iterate(PageCursor(source.fetch, 100), prefetch=True)]
    assert [p.items[0].id for p in got] == ["0", "100", "200"] and len(source.calls) == 3
    failing = Source(250)
    stream = iterate(PageCursor(failing.fetch, 100), prefetch=True)
    await anext(stream)
    await asyncio.sleep(0)  # the second page comes in
    failing.fail_next = True  # too late for the second page: the third fails
    await anext(stream)
    with pytest.raises(ServerError):
        await anext(stream)


async def test_pages_reads_a_dataset_of_a_client() -> None:
    source = Source(30)
    client = cast(VendorClient, source)
    got: list[Any] = [p async for p in pages(client, "things", Query(descending=False), 20)]
    assert [len(p.items) for p in got] == [20, 10] and source.calls == [(None, 20), (20, 20)]
    got = [p async for p in pages(client, "things", Query(descending=False), 20, start=20)]
    assert [len(p.items) for p in got] == [10]


async def test_a_fork_moves_on_its_own() -> None:
    source = Source(120)
    cursor = PageCursor(source.fetch, 50, limit=100)
    await cursor.next()
    twin = cursor.fork()
    await twin.next()
    assert (cursor.cursor, cursor.read, cursor.done) == (50, 50, False)
    assert (twin.cursor, twin.read, twin.done) == (100, 100, True)  # the limit came with it
