"""The rows above a list opened at its end (Ctrl+End over a local copy): read a block at a time, put on top.

A list read from its local copy opens at its last rows (:meth:`PagedTableModel.reset
<console.ui.table_model.PagedTableModel.reset>` with a ``base``: the rows before the first loaded).
Scrolled to its top (:class:`~console.ui.list_navigation.ListNavigator` watches the scroll bar), the
model reads the :data:`ABOVE_ROWS` rows before its first one from the copy (a copy's cursor is an
offset: :attr:`~console.ui.table_model.PagedTableModel.cursor_at`) and puts them on top in one insert;
the base goes down by as many, until it is 0 and the list is an ordinary one. The rows are stored as
every loaded row is (compactly, for as long as the list is open: :mod:`console.ui.row_store`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, Signal

from console.core.models import Cursor, Record
from console.services.paging import PageCursor
from console.ui.list_order import OrderKey, RowOrder

if TYPE_CHECKING:
    from console.ui.table_model import PagedTableModel

#: Rows read above a list opened at its end, each time its view is scrolled to its top.
ABOVE_ROWS = 200


def block_above(base: int, rows: int = ABOVE_ROWS) -> tuple[int, int]:
    """Where the block above the first loaded row begins (its offset in the list) and how many rows it holds.

    Args:
        base: Rows of the list before the first loaded one.
        rows: Rows to read at most.
    """
    offset = max(0, base - max(1, rows))
    return offset, base - offset


def split_above(order: RowOrder | None, records: Sequence[Record]
                ) -> tuple[list[Record], list[OrderKey], list[tuple[Record, OrderKey]]]:
    """Splits the rows above into those that go on top, in one insert, and those that sort among the rows.

    A list kept in a time's order by the instant (:mod:`console.ui.list_order`) puts a record whose
    instant is after the first loaded row's in its place (the copy ordered it by the wall clock).

    Returns:
        (the records for the top, their order keys or ``[]`` without an order, the others with their keys).
    """
    if order is None:
        return list(records), [], []
    keyed = sorted(((r, order.key(r)) for r in records), key=lambda pair: pair[1])
    split = len(keyed) if not order.keys else bisect.bisect_right([k for _r, k in keyed], order.keys[0])
    return [r for r, _k in keyed[:split]], [k for _r, k in keyed[:split]], keyed[split:]


class RowsAbove:
    """What the paged table model does with the rows above a list opened at its end (a mixin of it).

    Its methods work on :class:`~console.ui.table_model.PagedTableModel`'s state (their ``self`` is one).

    Signals:
        rowsAbove(int): This many rows were just put above the first one (:meth:`load_above`): a view
            keeps its place on the same records.

    Attributes:
        cursor_at: The cursor of the page at an offset of the list, where a list opened at its end reads
            the rows above (a local copy's: :class:`~console.ui.copy_list.CopyList`); ``None``: it cannot.
    """

    rowsAbove = Signal(int)
    cursor_at: Callable[[int], Cursor] | None = None
    _above_failed = False  # the page that failed was the rows above: Retry reads them again

    def can_load_above(self) -> bool:
        """Rows of the list come before the first loaded one and can be read now (nothing loading, nothing failed)."""
        model = cast("PagedTableModel", self)
        return bool(model.base) and model.cursor_at is not None and not model.loading and model.error is None

    def load_above(self, rows: int = ABOVE_ROWS) -> bool:
        """Starts reading the ``rows`` rows just above the first loaded one; returns whether it started."""
        model = cast("PagedTableModel", self)
        if not model.can_load_above():
            return False
        offset, count = block_above(model.base, rows)
        model._set_loading(True)
        model._page_task = model._tasks.spawn(model.read_above(model.generation, offset, count))
        return True

    async def read_above(self, generation: int, offset: int, count: int) -> bool:
        """Reads ``count`` rows from ``offset`` and puts them above the first row (the coroutine tests await).

        Returns:
            Whether rows went in (a page of an older query, or one that failed, adds none).
        """
        model = cast("PagedTableModel", self)
        if model.cursor_at is None:
            return False
        pager = PageCursor(model._fetch, count, start=model.cursor_at(offset), limit=count)
        model._set_loading(True)
        page = await model._read(pager, generation, above=True)
        if page is None or generation != model.generation:
            return False  # failed (said), or a page of an older query: dropped
        order = model.order
        top, keys, inside = split_above(order, model._store.fresh(page.items[:count]))
        if top:
            model.beginInsertRows(QModelIndex(), 0, len(top) - 1)
        model._store.prepend(top)
        if order is not None:
            order.keys[0:0] = keys
        model._base = offset  # the rows shown keep their numbers
        if top:
            model.endInsertRows()
            model.rowsAbove.emit(len(top))
        for record, key in inside:
            model._insert_at(order.place(key) if order is not None else 0, record, key)
        model._take_notes(page, False)
        model._settle(page)
        return bool(top or inside)
