"""Moving through a list: the end and the top, *Jump to now*, and the selection kept across reloads.

* End and Home move to the last and first loaded row (the table, :class:`~console.ui.record_table.RecordTable`);
  Ctrl+End goes to the real end: pages load one after another with progress and *Cancel*
  (:class:`~console.ui.list_runner.PageRunner`), then the last row is selected. Ctrl+Home goes to the top.
* *Jump to now* (bookings): selects the next booking, the first one at or after now in the list's
  order (in a latest-first list, the last one before the past ones), loading pages as needed.
* The selected record stays selected, and in view, after a reload, a new filter or an order flip when
  the new rows hold it (:class:`SelectionKeeper`); otherwise nothing is selected.
* A list ordered by a time keeps its rows in order of the instant (:mod:`console.ui.list_order`).
* A list opened at its end (Ctrl+End over a local copy) scrolled to its top reads the rows above it, a
  block at a time (:mod:`console.ui.rows_above`); the view stays on the same records, the selection too.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractItemView, QToolButton

from console.core.models import Column, Cursor, FieldKind, Query, ViewKind
from console.ui.formatting import display
from console.ui.list_order import RowOrder, instant, ordered_column, time_column
from console.ui.list_query import ListQuery
from console.ui.list_runner import PageRunner, ProgressBar, RunEnd
from console.ui.qtasync import TaskSet
from console.ui.record_table import RecordTable


def select_row(table: RecordTable, row: int, *, center: bool = False) -> None:
    """Selects a row and scrolls it into view (keeping the current column when there is one)."""
    column = table.currentIndex().column() if table.currentIndex().isValid() else 0
    table.selectRow(row)
    hint = (QAbstractItemView.ScrollHint.PositionAtCenter if center
            else QAbstractItemView.ScrollHint.EnsureVisible)
    table.scrollTo(table.records.index(row, max(0, column)), hint)


class SelectionKeeper(QObject):
    """Keeps the selected record selected when the rows are loaded again (F5, a filter, an order flip).

    When the rows go (a reset), the selected record's id is noted; the row with that id is selected
    and scrolled to as soon as it arrives. Once the first page of the new rows is in without it,
    nothing is selected (never another record in its place).

    Args:
        table: The list's table.
        parent: Qt parent.
    """

    def __init__(self, table: RecordTable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.wanted: str | None = None
        model = table.records
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._look)
        model.rowsInserted.connect(self._look)
        model.pageSettled.connect(self._settle)

    def _remember(self) -> None:
        record = self.table.current_record()
        if record is not None:  # a second reset before the rows came back keeps the first one's record
            self.wanted = record.id

    def _look(self, *_args: object) -> None:
        if self.wanted is None:
            return
        if self.table.selectionModel().selectedRows():  # a row picked while the rows came: that one it is
            self.wanted = None
            return
        row = self.table.records.row_of(self.wanted)
        if row >= 0:
            self.wanted = None
            select_row(self.table, row)

    def _settle(self) -> None:
        self._look()
        self.wanted = None  # not among the new rows: nothing stays selected (the reset cleared it)


def _threshold(column: Column, now: dt.datetime) -> float:
    """The instant a booking must start at or after: now, or today's start for a list of dates."""
    if column.kind is FieldKind.DATE:
        return dt.datetime.combine(now.date(), dt.time()).timestamp()
    return now.timestamp()


class ListNavigator(QObject):
    """The end, the top and *Jump to now* of one list, and the selection kept across reloads.

    Args:
        table: The list's table (its model pages through the vendor).
        list_query: The list's filters and order (its filter bar gets *Jump to now*; *Oldest first* flips
            its order).
        tasks: Where runs live (cancelled with the list).
        parent: Qt parent.

    Attributes:
        bar: The progress strip under the list while pages load.
        now_button: *Jump to now* (bookings lists only), else ``None``.

    Signals:
        statusMessage(str): A short note for the status bar.
    """

    statusMessage = Signal(str)

    def __init__(self, table: RecordTable, list_query: ListQuery, tasks: TaskSet,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.model = table.records
        self.list_query = list_query
        self.spec = spec = list_query.spec
        self.account_fields = list_query.account.fields
        filters = list_query.filters
        self.bar = ProgressBar()
        self.bar.flip_button.clicked.connect(self.flip_to_the_end)
        self._top_after_flip = False
        self.model.pageSettled.connect(self._after_flip)
        self.runner = PageRunner(self.model, tasks, self.bar, self)
        #: Whether the rows come from a local copy (its end is a read away: no *Oldest first*).
        self.copy_backed: Callable[[], bool] = lambda: False
        #: Where the list's last rows begin, when it can open there at once (a local copy's cursor and the
        #: rows before it); ``None``: Ctrl+End loads page after page.
        self.end_window: Callable[[], tuple[Cursor, int] | None] = lambda: None
        self._last_after_jump = False
        self.runner.progress.connect(self.statusMessage)
        self.keeper = SelectionKeeper(table, self)
        self.model.order_source = self.current_order
        table.toEndRequested.connect(self.go_to_end)
        table.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.model.rowsAbove.connect(self._keep_place)
        self.model.pageSettled.connect(self._fill_above)
        self.now_column = time_column(spec) if spec.view is ViewKind.BOOKINGS else None
        self.now_button: QToolButton | None = None
        if self.now_column is not None:
            self.now_button = QToolButton()
            self.now_button.setObjectName("jumpToNow")
            self.now_button.setText("Jump to now")
            self.now_button.setToolTip(f"Select the next {spec.noun}: the first at or after now (Ctrl+J)")
            self.now_button.clicked.connect(lambda: self.jump_to_now())
            if filters is not None:
                filters.add_tool(self.now_button)

    def query(self) -> Query:
        """What the list asks the vendor for now."""
        return self.list_query.query

    def current_order(self) -> RowOrder | None:
        """The order the table keeps its rows in for the current query (by the instant of a time)."""
        query = self.query()
        column = ordered_column(self.spec, query, self.account_fields)
        return RowOrder(column.extract, query.descending) if column is not None else None

    # -- the end and the top ------------------------------------------------------------------------

    def go_to_end(self) -> None:
        """Ctrl+End: loads every page left (progress and Cancel), then selects the last row.

        Cancel keeps the rows loaded so far and leaves the selection where it was.
        """
        if not self.model.has_more or self.model.error is not None:
            self._select_last()
            return
        window = self.end_window()
        if window is not None:  # the copy reads any row at once: the list opens at its last rows
            self.runner.cancel(quiet=True)
            start, base = window
            self.keeper.wanted = None
            self._last_after_jump = True
            self.model.reset(start=start, base=base, limit=self.model.total and self.model.total - base)
            return
        flip = self._flip_column()
        self.bar.flip_button.setVisible(flip is not None)
        if flip is not None:
            self.bar.flip_button.setToolTip(f"Ask {self.list_query.vendor_name} for the list the other way round "
                                            f"(by {flip.label}): its end comes first, with no pages to load")
        self.runner.start("Loading to the end", None, self._reached_end)

    def _flip_column(self) -> Column | None:
        """The column a latest-first list can be flipped by (its end is then its first page), if any."""
        query = self.query()
        if not query.descending or self.copy_backed():
            return None
        key = self.list_query.sorted_by()
        return next((c for c in self.spec.columns if c.sortable(self.account_fields)
                     and (key is None or c.sort_key == key)), None)

    def flip_to_the_end(self) -> None:
        """*Oldest first*: the vendor sends the list the other way round, and its first row is selected."""
        column = self._flip_column()
        if column is None or column.sort_key is None:
            return
        self.runner.cancel(quiet=True)
        self.list_query.sort_by(column.sort_key, descending=False)
        self._top_after_flip = True
        self.keeper.wanted = None
        self.statusMessage.emit(f"Oldest first: the end of {self.spec.label.lower()} is at the top.")

    def _after_flip(self) -> None:
        if self._top_after_flip and not self.model.loading:
            self._top_after_flip = False
            if self.model.rowCount():
                select_row(self.table, 0)
        if self._last_after_jump and not self.model.loading:
            self._last_after_jump = False
            if self.model.error is None:
                self._select_last()
                self.statusMessage.emit(f"At the end of {self.spec.label.lower()}: {self.model.count_text()}.")

    def _reached_end(self, end: RunEnd) -> None:
        if end is RunEnd.CANCELLED:  # the selection stays (at the bottom, the view would load a page more)
            rows = self.model.rowCount()
            self.statusMessage.emit(f"Stopped loading: {rows:,} {self.spec.label.lower()} loaded.")
            return
        if end is RunEnd.RESET:
            return
        self._select_last()
        if end is RunEnd.END:
            self.statusMessage.emit(f"At the end of {self.spec.label.lower()}: {self.model.count_text()}.")

    def _select_last(self) -> None:
        rows = self.model.rowCount()
        if rows:
            select_row(self.table, rows - 1)

    def go_to_top(self) -> None:
        """Ctrl+Home: stops a run and selects the first row (a list opened at its end loads its top first)."""
        self.runner.cancel()
        if self.model.base:
            self.keeper.wanted = None
            self._top_after_flip = True
            self.model.reset()
            return
        if self.model.rowCount():
            select_row(self.table, 0)

    # -- the rows above a list opened at its end -------------------------------------------------------

    def _scrolled(self, value: int) -> None:
        """At the top of a list opened at its end: the rows above are read."""
        if value == self.table.verticalScrollBar().minimum() and self.model.base:
            self.model.load_above()

    def _keep_place(self, rows: int) -> None:
        """Rows went in above: the view moves down by as many, so the same records stay where they were."""
        table = self.table
        table.doItemsLayout()  # the scroll bar's range takes in the new rows now (Qt lays out later)
        if table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem:
            shift = rows
        else:
            header = table.verticalHeader()
            shift = header.sectionPosition(rows - 1) + header.sectionSize(rows - 1) - header.sectionPosition(0)
        bar = table.verticalScrollBar()
        bar.setValue(bar.value() + shift)

    def _fill_above(self) -> None:
        """Every row loaded fits in the view (nothing to scroll): the rows above are read at once."""
        if not self.model.base or self.model.loading or self.model.error is not None:
            return
        self.table.doItemsLayout()
        bar = self.table.verticalScrollBar()
        if bar.maximum() == bar.minimum():
            self.model.load_above()

    # -- jump to now --------------------------------------------------------------------------------

    def jump_to_now(self, now: dt.datetime | None = None) -> None:
        """Selects the next booking (at or after now), loading pages until it is there (Cancel stops).

        Args:
            now: The moment to look from (tests); the computer's clock by default.
        """
        column = self.now_column
        if column is None:
            self.statusMessage.emit(f"Jump to now is for bookings; {self.spec.label} is not one.")
            return
        if self.model.base:  # opened at its end: now is looked for from the list's start
            self.model.reset()
        moment = now if now is not None else dt.datetime.now().astimezone()
        threshold = _threshold(column, moment)
        scan = _NowScan(self, column, threshold)
        self.runner.start("Looking for now", scan.settled, lambda end: self._jumped(end, scan))

    def _jumped(self, end: RunEnd, scan: _NowScan) -> None:
        if end in (RunEnd.RESET, RunEnd.FAILED):
            return
        if end is RunEnd.CANCELLED:
            self.statusMessage.emit(f"Stopped looking for now: {self.model.rowCount():,} loaded.")
            return
        row = scan.row()
        if row is None:
            self.statusMessage.emit(f"No {self.spec.noun} at or after now in this list.")
            return
        select_row(self.table, row, center=True)
        record = self.model.record(row)
        when = display(self.now_column.kind, self.now_column.extract(record)) if (
            record is not None and self.now_column is not None) else ""
        self.statusMessage.emit(f"Next {self.spec.noun}: {when}.".replace(": .", "."))


class _NowScan:
    """Finds the next booking among the loaded rows, and says when more pages cannot change the answer."""

    def __init__(self, navigator: ListNavigator, column: Column, threshold: float) -> None:
        self.model = navigator.model
        self.column = column
        self.threshold = threshold
        self.checked = 0  # rows of a list in the vendor's order already looked at
        self.found: int | None = None

    def _time(self, row: int) -> float | None:
        record = self.model.record(row)
        try:
            return instant(self.column.extract(record)) if record is not None else None
        except (KeyError, TypeError, AttributeError, ValueError):
            return None

    def _by_keys(self) -> tuple[int | None, bool] | None:
        """With the rows kept in this time's order: (row, sure) from the order's keys, else ``None``."""
        order = self.model.order
        if order is None or order.extract is not self.column.extract:
            return None
        keys = order.keys
        if not order.descending:
            row = bisect.bisect_left(keys, (0, self.threshold))
            sure = row < len(keys) and keys[row][0] == 0
            return (row if sure else None), sure
        after = bisect.bisect_right(keys, (0, -self.threshold))  # rows before it start at or after now
        sure = after < len(keys)
        return (after - 1 if after > 0 else None), sure

    def settled(self) -> bool:
        """The next booking is known: later pages cannot hold an earlier one."""
        by_keys = self._by_keys()
        if by_keys is not None:
            self.found, sure = by_keys
            return sure
        while self.checked < self.model.rowCount():  # the vendor's order: the first row at or after now
            seconds = self._time(self.checked)
            if seconds is not None and seconds >= self.threshold:
                self.found = self.checked
                return True
            self.checked += 1
        return False

    def row(self) -> int | None:
        """The next booking's row, once the scan ended (``None``: none in the list)."""
        self.settled()
        return self.found
