"""Rows in time order by the instant, whatever zone each time is in.

A vendor sorts times as it stores them: Setster sorts appointments by their local wall-clock time, so a
10:00 EST appointment comes before a 9:30 CST one although it starts half an hour earlier. When a list
is ordered by a time column, the table keeps its loaded rows in order of the instant instead
(:class:`RowOrder`): each arriving row goes to its place among the loaded ones (rows near a page's
end may move a little), and a record whose time changed (a reschedule) moves to its new place.
Every time is still shown in its own zone, with the zone's name (:mod:`console.ui.formatting`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from console.core.models import Column, DatasetSpec, FieldKind, Query, Record, ViewKind
from console.ui.formatting import parse_datetime

#: A sortable key: (0, seconds) for a time, (1, 0.0) for a row with none (always last).
OrderKey = tuple[int, float]
_MISSING: OrderKey = (1, 0.0)
#: The key of a record put first by hand (a create shows at the top, whatever its time).
PINNED: OrderKey = (-1, 0.0)
_TIMES = (FieldKind.DATETIME, FieldKind.DATE)


def instant(value: Any) -> float | None:
    """Seconds since the epoch of a time value (aware: its instant; zone-less: the computer's zone).

    Returns:
        The seconds, or ``None`` when the value is no time (empty, unreadable).
    """
    if isinstance(value, str):
        value = parse_datetime(value) or _date(value)
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).timestamp()
    return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def time_column(spec: DatasetSpec) -> Column | None:
    """The column a booking's time is read from (the first date or time column), if any."""
    return next((c for c in spec.columns if c.kind in _TIMES), None)


def ordered_column(spec: DatasetSpec, query: Query, account_fields: dict[str, str]) -> Column | None:
    """The time column the list is ordered by, or ``None`` when its order is not by a time.

    The query's sort names the column; with none, a bookings list is in the order its header shows
    (the first column the vendor can sort, as :class:`~console.ui.record_table.RecordTable` marks it).
    """
    if query.sort is not None:
        column = next((c for c in spec.columns if c.sort_key == query.sort), None)
    elif spec.view is ViewKind.BOOKINGS:
        column = next((c for c in spec.columns if c.sortable(account_fields)), None)
    else:
        column = None
    return column if column is not None and column.kind is FieldKind.DATETIME else None


class RowOrder:
    """The order keys of a table's loaded rows, kept sorted (the table model holds one per query).

    Args:
        extract: Reads the row's time from a record.
        descending: Latest first.
    """

    def __init__(self, extract: Callable[[Record], Any], descending: bool) -> None:
        self.extract = extract
        self.descending = descending
        self.keys: list[OrderKey] = []

    def key(self, record: Record) -> OrderKey:
        """Where a record sorts (its instant; a record with no time sorts last)."""
        try:
            seconds = instant(self.extract(record))
        except (KeyError, TypeError, AttributeError, ValueError):
            seconds = None
        if seconds is None:
            return _MISSING
        return (0, -seconds if self.descending else seconds)

    def place(self, key: OrderKey) -> int:
        """The row a record with this key goes to (after the rows with the same key)."""
        return bisect.bisect_right(self.keys, key)

    def plan(self, records: Iterable[Record]) -> tuple[list[tuple[Record, OrderKey]], list[tuple[Record, OrderKey]]]:
        """Splits arriving records into those that go after every loaded row, in order, and the others.

        Returns:
            (the tail to append in one go, the records to put in place one by one), each with its key.
        """
        keyed = sorted(((r, self.key(r)) for r in records), key=lambda pair: pair[1])
        last = self.keys[-1] if self.keys else None
        split = 0 if last is None else bisect.bisect_right([k for _r, k in keyed], last)
        return keyed[split:], keyed[:split]

    def sorted(self, records: Sequence[Record]) -> list[Record]:
        """Records in this order (stable: equal times keep their order); :attr:`keys` follow them."""
        keyed = sorted(((r, self.key(r)) for r in records), key=lambda pair: pair[1])
        self.keys = [k for _r, k in keyed]
        return [r for r, _k in keyed]
