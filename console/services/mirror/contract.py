"""What a mirror keeps and what the sync, the lists and the lookup ask of it (issue 17).

A mirror holds one account's records, per dataset, as the vendor sent them (fields and the
vendor package's derived values), with where its sync stands. A sync *pass* reads a dataset from
its start to its end; each page goes in with the cursor of the next one in one transaction, so a
pass cut short (a crash, a restart, a cancel) resumes from its last stored page with nothing lost
or doubled. Records are stamped with the pass that last saw them: finishing a pass removes the
ones it did not see (deleted at the vendor).

The calls are blocking (SQLite); the layers above run them in a worker thread
(``asyncio.to_thread``), one call at a time per mirror.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from console.core.models import Cursor, Record


@dataclass(frozen=True, slots=True)
class SyncState:
    """Where a dataset's mirror stands.

    Attributes:
        dataset: The dataset's name.
        complete: A full pass has finished at least once: the mirror holds the whole dataset (as of
            ``synced_at``) and may answer lists and lookups.
        pass_id: The running (or last) full pass; records it stored carry it.
        cursor: Where the running pass resumes (the vendor's cursor of its next page; ``None``: from
            the start, or no pass running).
        running: A pass has begun and not finished.
        fetched: Records stored by the running pass so far.
        expected: The vendor's total, when it says one (for "12,400 of about 20,000").
        started_at: Unix time the running pass began.
        synced_at: Unix time the last pass finished (``None``: never).
        changed: Records the page just stored added or changed (not kept: what a pass changed before a
            restart is not known after it).
    """

    dataset: str
    complete: bool = False
    pass_id: int = 0
    cursor: Cursor = None
    running: bool = False
    fetched: int = 0
    expected: int | None = None
    started_at: float | None = None
    synced_at: float | None = None
    changed: int = 0


@dataclass(frozen=True, slots=True)
class Condition:
    """Rows whose value in one column lies between two ends, or is one of some values.

    A record without a value in the column (``None``, "") never meets a condition.

    Attributes:
        column: The key of the dataset's column.
        low: The smallest value kept (``None``: no lower end).
        high: The largest value kept (``None``: no upper end).
        low_open: ``low`` itself is not kept (``>``, not ``>=``).
        high_open: ``high`` itself is not kept.
        days: Compare the value's calendar date as the value reads it, in its own zone (``low`` and
            ``high`` are :class:`datetime.date`; the column is a DATE or DATETIME one): what a vendor's
            ``YYYY-MM-DD`` filter means. Otherwise the ends compare with the column's sort key (see
            :func:`console.services.mirror.index.sort_key`: Unix seconds for times, folded text).
        any_of: Sort keys the value must be one of (an exact-value filter); with ``low``/``high``
            unused.
    """

    column: str
    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False
    days: bool = False
    any_of: tuple[Any, ...] = ()

    @staticmethod
    def on_days(column: str, low: dt.date | None = None, high: dt.date | None = None, *,
                low_open: bool = False, high_open: bool = False) -> Condition:
        """A range of calendar dates on a time column."""
        return Condition(column, low, high, low_open, high_open, days=True)


@dataclass(frozen=True, slots=True)
class MirrorQuery:
    """A list read from the mirror.

    Attributes:
        text: Rows whose any column contains this, case- and accent-insensitive ("muller" finds
            "Müller"); "" for every row.
        conditions: Rows meeting every one of these too (a list's date range, a status).
        sort: The key of the dataset's column to order by (any column); ``None``: by id.
        descending: Largest first.
        offset: Rows to skip.
        limit: Rows to return at most.
    """

    text: str = ""
    conditions: tuple[Condition, ...] = ()
    sort: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int = 50


class Mirror(Protocol):
    """One account's mirror (every dataset of it)."""

    account_id: str

    @property
    def on_disk(self) -> bool:
        """Whether it is kept on disk (encrypted); ``False``: in memory for this session (no keychain)."""
        ...

    def state(self, dataset: str) -> SyncState:
        """Where the dataset's sync stands (a fresh state for a dataset never synced)."""
        ...

    def begin_pass(self, dataset: str, expected: int | None = None) -> SyncState:
        """Starts a full pass from the dataset's start (a new ``pass_id``); returns its state."""
        ...

    def store_page(self, state: SyncState, records: Sequence[Record], next_cursor: Cursor,
                   expected: int | None = None) -> SyncState:
        """Stores one page of a running pass and where the pass goes on, in one transaction.

        Args:
            state: The running pass (from :meth:`begin_pass`, :meth:`state` or the last call).
            records: The page's records (inserted or replaced by id; stamped with the pass).
            next_cursor: The cursor of the next page (``None`` once the list has ended).
            expected: The vendor's total, when the page said it.

        Returns:
            The pass's new state (``fetched`` counts the records stored by it).
        """
        ...

    def finish_pass(self, state: SyncState) -> int:
        """Ends a pass that read the whole dataset; returns how many records were removed.

        The records the pass did not see are removed (deleted at the vendor); the dataset is
        complete as of now.
        """
        ...

    def put(self, dataset: str, records: Sequence[Record]) -> None:
        """Stores records read or written by the console (an edit, a fresh read), at once."""
        ...

    def forget(self, dataset: str, record_id: str) -> None:
        """Removes one record (deleted in the console)."""
        ...

    def get(self, dataset: str, record_id: str) -> Record | None:
        """One record, as last stored."""
        ...

    def count(self, dataset: str, text: str = "", conditions: Sequence[Condition] = ()) -> int:
        """How many records the dataset holds (that match ``text`` and ``conditions``, as in :class:`MirrorQuery`).

        Raises:
            KeyError: A condition's column is not a column of the dataset (or not a time column, by days).
        """
        ...

    def rows(self, dataset: str, query: MirrorQuery) -> list[Record]:
        """A page of the dataset in the query's order.

        Raises:
            KeyError: The sort or a condition names no column of the dataset.
        """
        ...

    def find(self, *, emails: Sequence[str] = (), phones: Sequence[str] = (), names: Sequence[str] = (),
             limit: int = 200) -> list[Record]:
        """The records of every dataset whose identity matches any of the given values.

        An email matches in any case; a phone by its E.164 keys (as
        :func:`console.core.lookup.phone_keys` gives them); a name when every word of it is in a
        record's name (substring, case- and accent-insensitive).
        """
        ...

    def drop(self) -> None:
        """Forgets everything (*Forget local copy*): the file is removed, the key too."""
        ...

    def close(self) -> None:
        """Closes the database."""
        ...
