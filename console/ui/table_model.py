"""The one paged table model every dataset uses.

Rules (design.md; Qt's fetchmore example): ``canFetchMore`` is false while a page is loading and once the
dataset is exhausted (or a page failed); ``fetchMore`` starts a tracked task and returns at once; a
page's rows go in with one ``beginInsertRows``/``endInsertRows`` per :data:`SLICE` rows (a long page is
paced, :mod:`console.core.pace`); a generation counter, bumped by every reset (new filter, new sort),
drops pages that arrive for an older query, even half-inserted; the model asks for its first page
itself. ``data()`` never blocks: it reads rows already in memory.

Where the list stands is a :class:`~console.services.paging.PageCursor` (one page per ``fetchMore``,
or per :meth:`~PagedTableModel.next_page` when Ctrl+End or *Jump to now* load page after page); the
rows are kept compactly by the model's own :class:`~console.ui.row_store.RowStore`. A list ordered by
a time keeps its rows in order of the instant (:attr:`~PagedTableModel.order_source`,
:mod:`console.ui.list_order`): a row goes to its place as it arrives or when its time changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.core import log
from console.core.errors import ConsoleError
from console.core.models import Column, Cursor, FieldKind, Page, Record
from console.core.pace import Pace
from console.services.paging import Fetch, PageCursor
from console.ui.formatting import count_text, display
from console.ui.list_order import PINNED, RowOrder
from console.ui.qtasync import TaskSet
from console.ui.row_store import Row, RowStore
from console.ui.rows_above import RowsAbove

ModelIndex = QModelIndex | QPersistentModelIndex
RecordRole = Qt.ItemDataRole.UserRole + 1
#: The badge colour (``#rrggbb``) of a STATUS cell.
BadgeRole = Qt.ItemDataRole.UserRole + 2
_RIGHT_VALUE = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_NUMERIC = (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.ID)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROW_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
#: The roles :meth:`PagedTableModel.data` answers.
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _ALIGNMENT, int(BadgeRole), int(RecordRole)})
#: Rows whose cell texts are kept (the rows on screen, many times over).
CELL_CACHE = 512
#: Rows of a page packed and inserted at a time (one compressed block each: :mod:`console.ui.row_store`).
SLICE = 100
#: The page size asked of a list that arrives whole (the vendor's one answer is cut into pages by the
#: client, not the vendor): every row in one page, so the count says all are loaded.
WHOLE_PAGE = 1_000_000


def _cell(column: Column, record: Record) -> tuple[str, str | None]:
    """A cell's text and, for a status, its badge colour."""
    try:
        value = column.extract(record)
    except (KeyError, TypeError, AttributeError, ValueError):
        return "", None
    badge = column.badge(value) if column.kind is FieldKind.STATUS else None
    if badge is not None:
        return badge.label, badge.color
    return display(column.kind, value), None


class PagedTableModel(QAbstractTableModel, RowsAbove):
    """Rows of a vendor dataset, loaded a page at a time as the view scrolls.

    Args:
        columns: The dataset's columns.
        fetch: Returns one page from a cursor (``None`` for the first page) and a page size.
        page_size: Rows per page.
        parent: Qt parent.
        whole: The list arrives whole in one answer (``DatasetSpec.arrives_whole``): every row is
            taken at once, whatever :attr:`page_size` says.

    Signals:
        loadingChanged(bool): A page started or stopped loading.
        pageFailed(object): A page failed; carries the typed error. Fetching stops until :meth:`retry`.
        countChanged(str): The footer text ("1,250 of 20,000 loaded") changed.
        notesChanged(): :attr:`notes` changed (a page brought a new note, or a reset cleared them).
        pageSettled(): A page of the current query is all in, or failed (a kept selection looks then).
        rowsAbove(int): This many rows were just put above the first one (:meth:`load_above`): a view
            keeps its place on the same records.

    Attributes:
        order_source: Says, at each reset, which time the rows are ordered by
            (:class:`~console.ui.list_order.RowOrder`, by the instant); ``None``: the vendor's order.
        cursor_at: The cursor of the page at an offset of the list, where a list opened at its end reads
            the rows above (a local copy's: :class:`~console.ui.copy_list.CopyList`); ``None``: it cannot.
    """

    loadingChanged = Signal(bool)
    pageFailed = Signal(object)
    countChanged = Signal(str)
    notesChanged = Signal()
    pageSettled = Signal()

    def __init__(self, columns: Sequence[Column], fetch: Fetch[Record], page_size: int = 50,
                 parent: QObject | None = None, *, whole: bool = False) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        #: Rows asked for per page (a change applies from the next page on).
        self.page_size = page_size
        self.whole = whole
        self._fetch = fetch
        self._store = RowStore()
        self._cell_cache: dict[Row, tuple[tuple[str, str | None], ...]] = {}
        #: Where the rows end: moved on only once a page's rows are all in (each read is on a fork).
        self._pager = PageCursor(fetch, page_size)
        self._loading = False
        self._error: ConsoleError | None = None
        self._total: int | None = None
        self._notes: dict[str, None] = {}  # distinct, in the order they came
        self._duplicates = 0
        self._generation = 0
        self._started_once = False
        self._tasks = TaskSet("table model")
        self._page_task: asyncio.Task[bool] | None = None
        self.order_source: Callable[[], RowOrder | None] | None = None
        self._order: RowOrder | None = None
        self._base = 0
        #: The rows come from a local copy that sorts by any column (the header's tooltips say so).
        self.local_sort = False

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self._store.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, tooltip, alignment, badge colour, or the row's record (``RecordRole``).

        A view asks seven or eight roles of every visible cell at each repaint: roles the model does
        not answer return at once, and a row's texts are worked out once (:meth:`_cells`).
        """
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()
        rows = self._store.rows
        if not (0 <= row < len(rows) and 0 <= column < len(self.columns)):
            return None
        stored = rows[row]
        if role == _DISPLAY:
            return self._cells(stored)[column][0]
        if role == _TOOLTIP:
            text = self._cells(stored)[column][0]
            return text if len(text) > 30 else None
        if role == BadgeRole:
            return self._cells(stored)[column][1]
        if role == _ALIGNMENT:
            return _RIGHT_VALUE if self.columns[column].kind in _NUMERIC else None
        return self._store.record_of(stored)  # RecordRole

    def _cells(self, stored: Row) -> tuple[tuple[str, str | None], ...]:
        """(text, badge colour or ``None``) of each column of a row; the rows read last are kept."""
        hit = self._cell_cache.get(stored)
        if hit is not None:
            return hit
        record = self._store.record_of(stored)
        cells = tuple(_cell(column, record) for column in self.columns)
        self._cell_cache[stored] = cells
        if len(self._cell_cache) > CELL_CACHE:
            del self._cell_cache[next(iter(self._cell_cache))]
        return cells

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column labels (sortable ones say so in the tooltip) and row numbers."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.label
            if role == Qt.ItemDataRole.ToolTipRole:
                if self.local_sort:
                    return f"{column.label}: click to sort (in the local copy)"
                return (f"{column.label}: click to sort (by the vendor)" if column.sort_key
                        else f"{column.label}: the vendor cannot sort by this column")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and section >= 0:
            return self._base + section + 1
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Selectable, enabled, never editable in place (edits go through the form)."""
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def canFetchMore(self, parent: ModelIndex) -> bool:
        """More rows exist, no page is loading or failed, and the view was opened (:meth:`start`).

        Before :meth:`start`, Qt may ask a view in a hidden tab to fetch; nothing is requested for
        a tab nobody opened (vendors count every request against the quota).
        """
        return (not parent.isValid() and self._started_once and not self._pager.done and not self._loading
                and self._error is None)

    def fetchMore(self, parent: ModelIndex) -> None:
        """Starts loading the next page in the background."""
        if self.canFetchMore(parent):
            self._start()

    # -- paging -------------------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """A page is on its way."""
        return self._loading

    @property
    def has_more(self) -> bool:
        """More pages exist."""
        return not self._pager.done

    @property
    def error(self) -> ConsoleError | None:
        """The error that stopped paging, if any."""
        return self._error

    @property
    def total(self) -> int | None:
        """The dataset's size, when the vendor reports it."""
        return self._total

    @property
    def notes(self) -> tuple[str, ...]:
        """What the list lacks or left out, in plain sentences (shown under the list)."""
        notes = tuple(self._notes)
        if self._duplicates:
            n = self._duplicates
            notes += (f"{n:,} record{'s were' if n != 1 else ' was'} left out: another record of the same "
                      "answer had the same id (the first of each is shown).",)
        return notes

    def _take_notes(self, page: Page[Record], replace: bool) -> None:
        """Keeps a page's notes; a page put in place of every row (a live refresh) replaces the count."""
        fresh = [n for n in page.notes if n not in self._notes]
        duplicates = page.duplicates if replace else self._duplicates + page.duplicates
        if not fresh and duplicates == self._duplicates:
            return
        self._notes.update(dict.fromkeys(fresh))
        self._duplicates = duplicates
        self.notesChanged.emit()

    def count_text(self) -> str:
        """The footer text."""
        if self._loading and not self._store:
            return "Loading…"
        if self._error is not None and not self._store:
            return "Nothing loaded"
        loaded = len(self._store)
        if self._base and loaded:  # opened at its end: which rows these are (the top is Ctrl+Home away)
            total = self._total if self._total is not None else self._base + loaded
            return f"Rows {self._base + 1:,}–{self._base + loaded:,} of {total:,} (Ctrl+Home: the top)"
        if not self.has_more or (self._total is not None and loaded >= self._total):
            # Finished (a total the answer gave does not hold once rows were left out or deleted).
            return count_text(loaded, None, False)
        return count_text(loaded, self._total, True)

    def reset(self, fetch: Fetch[Record] | None = None, *, start: Cursor = None, base: int = 0,
              limit: int | None = None) -> None:
        """Forgets every row and loads the first page again (with a new fetch function if given).

        Args:
            fetch: A new fetch function.
            start: Where the rows begin (``None``: the list's start; a local copy's cursor opens it at its end).
            base: How many rows of the list come before ``start`` (the row numbers count them).
            limit: Rows to ask for the first page (default :attr:`page_size`).
        """
        self._generation += 1
        if fetch is not None:
            self._fetch = fetch
        self.beginResetModel()
        self._store.clear()
        self._cell_cache.clear()
        self._order = self._fresh_order()
        self._pager = PageCursor(self._fetch, self.page_size, start=start)
        self._base = base
        self._error = None
        self._total = None
        had_notes = bool(self._notes or self._duplicates)
        self._notes = {}
        self._duplicates = 0
        self.endResetModel()
        if had_notes:
            self.notesChanged.emit()
        self._above_failed = False
        self._set_loading(False)
        self._started_once = True
        self._start(limit)

    @property
    def base(self) -> int:
        """Rows of the list before the first one loaded (a list opened at its end: Ctrl+End over a local copy)."""
        return self._base

    def start(self) -> None:
        """Loads the first page (call once the model is set on a view)."""
        self._started_once = True
        if not self._store and not self._loading:
            self._order = self._fresh_order()
            self._start()

    def reload_in_place(self, limit: int | None = None) -> None:
        """Loads the first page again and swaps it in when it arrives (live views).

        Unlike :meth:`reset`, the rows stay on screen until the new ones are there; when the same records
        come back in the same order only their cells change, so the selection stays put.

        Args:
            limit: Rows to ask for (a list moving to its local copy asks for as many as it shows).
        """
        if self._loading:
            return
        self._generation += 1
        self._set_loading(True)
        self._page_task = self._tasks.spawn(self.load_next(self._generation, replace=True, limit=limit))

    def retry(self) -> None:
        """Clears a failure and loads the next page again."""
        self._error = None
        if self._above_failed:
            self.load_above()
        else:
            self._start()

    def set_local_sort(self, on: bool) -> None:
        """Says whether any column sorts (the rows come from a local copy); the header's tooltips follow."""
        if on != self.local_sort:
            self.local_sort = on
            if self.columns:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def _start(self, limit: int | None = None) -> None:
        if self._loading or self._pager.done:
            return
        self._set_loading(True)
        self._page_task = self._tasks.spawn(self.load_next(self._generation, limit=limit))

    def _fresh_order(self) -> RowOrder | None:
        """The time order for a new query (:attr:`order_source` decides), or ``None``."""
        return self.order_source() if self.order_source is not None else None

    @property
    def order(self) -> RowOrder | None:
        """The time order the loaded rows are kept in (by the instant), or ``None``: the vendor's order."""
        return self._order

    @property
    def generation(self) -> int:
        """The query's number: every reset (new filter, new order, reload) moves it on."""
        return self._generation

    async def page_on_its_way(self) -> None:
        """Waits for the page on its way, if one is (its rows are in, or it failed, or it was dropped)."""
        if self._page_task is not None and not self._page_task.done():
            await asyncio.wait({self._page_task})

    async def next_page(self, limit: int | None = None) -> None:
        """Waits for the page on its way, or loads the next one (a run to the end, :mod:`~console.ui.list_runner`).

        Cancelling the caller leaves the page on its way to finish (its rows are kept).

        Args:
            limit: Rows to ask for this once (a run over a local copy asks for many at a time).
        """
        if self._page_task is None or self._page_task.done():
            if self._pager.done or self._error is not None:
                return
            self._start(limit)
        if self._page_task is not None:
            await asyncio.wait({self._page_task})

    async def load_next(self, generation: int | None = None, replace: bool = False, limit: int | None = None) -> bool:
        """Loads one page; returns whether rows were added (the coroutine tests await directly).

        Args:
            generation: The query generation the page belongs to (default: the current one).
            replace: Load the first page and put it in place of every row (:meth:`reload_in_place`).
            limit: Rows to ask for this once instead of :attr:`page_size`.
        """
        generation = self._generation if generation is None else generation
        pager = PageCursor(self._fetch, self.page_size) if replace else self._pager.fork()
        pager.page_size = WHOLE_PAGE if self.whole else (limit or self.page_size)
        self._set_loading(True)
        page = await self._read(pager, generation)
        if page is None or generation != self._generation:
            return False  # failed, or a page of an older query: dropped
        if replace:
            self._swap_rows(page.items)
            added = False
        else:
            added = await self._append(page.items, generation)
            if generation != self._generation:
                return False  # reset while the page went in: the newer query owns the state now
        self._take_notes(page, replace)
        self._pager = pager
        self._settle(page)
        return added

    async def _read(self, pager: PageCursor[Record], generation: int, above: bool = False) -> Page[Record] | None:
        """Reads a page; ``None`` when it failed (the failure is kept and said, for the current query)."""
        try:
            return await pager.next()
        except ConsoleError as exc:
            if generation == self._generation:
                self._error = exc
                self._above_failed = above
                self._set_loading(False)
                log.ui.info("page failed: %s", exc)
                self.pageFailed.emit(exc)
                self.countChanged.emit(self.count_text())
                self.pageSettled.emit()
            return None
        except BaseException:
            # Cancelled (the view closed, or a newer query): the Qt object may already be gone, so no
            # signal is emitted; a newer generation sets its own state.
            if generation == self._generation:
                self._loading = False
            raise

    def _settle(self, page: Page[Record]) -> None:
        if page.total is not None:
            self._total = page.total
        self._set_loading(False)
        self.countChanged.emit(self.count_text())
        self.pageSettled.emit()

    async def _append(self, items: Sequence[Record], generation: int) -> bool:
        """Adds a page's new rows, :data:`SLICE` at a time, paced (:mod:`console.core.pace`).

        A page can hold thousands of records (Setster's pager may answer with a growing count): packed
        and inserted in one go, they would hold the window still for a tenth of a second or more.
        """
        added = False
        pace = Pace()
        for start in range(0, len(items), SLICE):
            await pace.breathe()  # the window paints and other pages come in between slices
            if generation != self._generation:
                return added
            fresh = self._store.fresh(items[start:start + SLICE])
            if not fresh:
                continue
            if self._order is not None:
                tail, inside = self._order.plan(fresh)
                for record, key in inside:  # a time the vendor sorted by the wall clock: to its instant's place
                    self._insert_at(self._order.place(key), record, key)
                fresh = [record for record, _key in tail]
                self._order.keys.extend(key for _record, key in tail)
            first = len(self._store)
            if fresh:
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._store.extend(fresh)  # kept for as long as the list is open: stored compactly
                self.endInsertRows()
            added = True
        return added

    def _insert_at(self, row: int, record: Record, key: tuple[int, float] | None) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._store.insert(row, record)
        if self._order is not None and key is not None:
            self._order.keys.insert(row, key)
        self.endInsertRows()

    def _swap_rows(self, items: Sequence[Record]) -> None:
        self._base = 0  # a reload in place reads from the list's start
        unique = list({r.id: r for r in items}.values())
        if self._order is not None:
            unique = self._order.sorted(unique)
        self._cell_cache.clear()  # every row is a new record: the texts kept are for records gone
        ids, held = [r.id for r in unique], self._store.ids()
        if ids == held[:len(ids)]:  # the same records (a reload of the rows on screen drops those below)
            if len(ids) < len(held):
                self.beginRemoveRows(QModelIndex(), len(ids), len(held) - 1)
                self._store.assign(unique)
                self.endRemoveRows()
            else:
                self._store.assign(unique)
            if unique:
                self.dataChanged.emit(self.index(0, 0), self.index(len(unique) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self._store.assign(unique)
        self.endResetModel()

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loadingChanged.emit(value)
            self.countChanged.emit(self.count_text())

    def cancel(self) -> None:
        """Stops any page on its way (closing the view)."""
        self._generation += 1
        self._tasks.cancel_all()
        self._loading = False

    # -- rows ---------------------------------------------------------------------------------------

    def record(self, row: int) -> Record | None:
        """The record at a row (rebuilt from the row store: treat it as read-only)."""
        return self._store.record(row) if 0 <= row < len(self._store) else None

    def row_of(self, record_id: str) -> int:
        """The row of a record id, or -1."""
        return self._store.index_of(record_id)

    def replace_record(self, record: Record) -> int:
        """Replaces a record in place (after an edit); returns its row or -1."""
        row = self.row_of(record.id)
        if row < 0:
            return row
        if self._order is not None and self._order.key(record) != self._order.keys[row]:
            return self._move(row, record)
        self._store.replace(row, record)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
        return row

    def _move(self, row: int, record: Record) -> int:
        """Moves a record whose time changed (a reschedule) to its place in the order; returns its new row."""
        assert self._order is not None
        key = self._order.key(record)
        del self._order.keys[row]
        place = self._order.place(key)
        if place != row:
            # Qt's destination is counted before the move: below the old row it is one further.
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), place + 1 if place > row else place)
        self._store.remove(row)
        self._store.insert(place, record)
        self._order.keys.insert(place, key)
        if place != row:
            self.endMoveRows()
        self.dataChanged.emit(self.index(place, 0), self.index(place, len(self.columns) - 1))
        return place

    def insert_record(self, record: Record, row: int = 0) -> int:
        """Puts a record at ``row`` (the top after a create; back in place after an undone delete).

        In a list kept in time order (:attr:`order`), a record put first stays first until it is
        written again, and any other goes to its time's place.
        """
        if record.id in self._store:
            return self.replace_record(record)
        key = None
        if self._order is not None:  # a list in time order: a new record is pinned first, others go in place
            key = self._order.key(record)
            if row == 0 and self._order.keys and key > self._order.keys[0]:
                key = PINNED
            else:
                row = self._order.place(key)
        row = max(0, min(row, len(self._store)))
        self._insert_at(row, record, key)
        self.countChanged.emit(self.count_text())
        return row

    def remove_record(self, record_id: str) -> None:
        """Removes a record (after a delete)."""
        row = self.row_of(record_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self._store.remove(row)
        if self._order is not None:
            del self._order.keys[row]
        self.endRemoveRows()
        self.countChanged.emit(self.count_text())
