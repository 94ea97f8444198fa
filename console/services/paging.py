"""The one way the layers above ``vendors/`` page through a dataset.

:class:`PageCursor` reads a list one page at a time, each page from where the last one ended, and
knows when the list is done by one rule, :attr:`Page.has_next <console.core.models.Page.has_next>`
(the vendor says there is more, gives the cursor to it, and the page was not empty), plus an
optional bound on the records read. The table model holds one and asks for a page per
``fetchMore``; :func:`pages` iterates over one, optionally with the next page always on its way
(the export), and serves the form choices and the lookup's scans.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from functools import partial
from typing import Generic, TypeVar

from console.core.errors import ConsoleError
from console.core.models import Cursor, Page, Query, Record
from console.vendors.base import VendorClient

T = TypeVar("T")

#: Returns one page from a cursor (``None``: the list's start), asking for up to ``limit`` items.
Fetch = Callable[[Cursor, int], Awaitable[Page[T]]]


class PageCursor(Generic[T]):
    """Where a paged read stands: the cursor of the next page, and whether there is one.

    Args:
        fetch: Returns one page from a cursor, asking for up to a number of items.
        page_size: Items asked for per page (may be changed between pages).
        start: The cursor of the first page (``None``: the list's start).
        limit: Read at most this many items: each request asks for no more than what is left,
            and the list is done once that many came (``None``: no bound).
    """

    def __init__(self, fetch: Fetch[T], page_size: int, *, start: Cursor = None, limit: int | None = None) -> None:
        self._fetch = fetch
        self.page_size = page_size
        self.limit = limit
        self._cursor: Cursor = start
        self._read = 0
        self._done = limit is not None and limit <= 0
        self._busy = False

    def fork(self) -> PageCursor[T]:
        """A cursor at the same place that moves on its own (a read that may be dropped half-way).

        The table model reads each page on a fork and keeps it only once the page's rows are in: a
        page cancelled or dropped half-way leaves the model's cursor before it.
        """
        twin = PageCursor(self._fetch, self.page_size, start=self._cursor, limit=self.limit)
        twin._read, twin._done = self._read, self._done
        return twin

    @property
    def done(self) -> bool:
        """No next page: the last page said so (:attr:`Page.has_next`), or :attr:`limit` items came."""
        return self._done

    @property
    def cursor(self) -> Cursor:
        """The cursor the next page is read from."""
        return self._cursor

    @property
    def read(self) -> int:
        """Items read so far."""
        return self._read

    async def next(self) -> Page[T]:
        """Reads the next page and moves past it.

        A failure leaves the cursor where it was, so calling again asks for the same page.

        Raises:
            RuntimeError: The list is done, or a page is already on its way.
            ConsoleError: The vendor failed.
        """
        if self._done:
            raise RuntimeError("the list has no next page")
        if self._busy:
            raise RuntimeError("a page is already on its way")
        size = self.page_size if self.limit is None else min(self.page_size, self.limit - self._read)
        self._busy = True
        try:
            page = await self._fetch(self._cursor, size)
        finally:
            self._busy = False
        self._read += len(page.items)
        self._cursor = page.next_cursor
        self._done = not page.has_next or (self.limit is not None and self._read >= self.limit)
        return page


def dataset_pages(client: VendorClient, dataset: str, query: Query) -> Fetch[Record]:
    """The fetch function of one dataset and query of an account (:meth:`VendorClient.page`)."""
    return partial(client.page, dataset, query)


async def iterate(cursor: PageCursor[T], *, prefetch: bool = False) -> AsyncGenerator[Page[T], None]:
    """Yields a cursor's pages, in order, until it is done.

    Args:
        cursor: Where to read from.
        prefetch: Keep the next page on its way while the caller works on the one yielded (the
            vendor's latency hides the caller's work); pages still come strictly in order. Close
            the iterator (``contextlib.aclosing``) when stopping early: the page on its way is
            cancelled then.
    """
    if not prefetch:
        while not cursor.done:
            yield await cursor.next()
        return
    pending = None if cursor.done else asyncio.ensure_future(cursor.next())
    try:
        while pending is not None:
            page = await pending
            pending = None if cursor.done else asyncio.ensure_future(cursor.next())
            yield page
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConsoleError):
                await pending
        elif pending is not None and not pending.cancelled():
            pending.exception()  # a failure nobody will read (the caller stopped first) is not logged as lost


def pages(client: VendorClient, dataset: str, query: Query, page_size: int, *, start: Cursor = None,
          prefetch: bool = False, limit: int | None = None) -> AsyncGenerator[Page[Record], None]:
    """Every page of a dataset, in order, until the list ends (the one stop rule: :attr:`Page.has_next`).

    Args:
        client: The account's client.
        dataset: Dataset name.
        query: Filters and order.
        page_size: Records asked for per page.
        start: The cursor of the first page (``None``: the list's start).
        prefetch: Keep the next page on its way while the caller works on this one (:func:`iterate`).
        limit: Read at most this many records (:class:`PageCursor`).
    """
    cursor = PageCursor(dataset_pages(client, dataset, query), page_size, start=start, limit=limit)
    return iterate(cursor, prefetch=prefetch)
