"""Columns give way in a narrow list: the last ones (in the order shown) step aside until the rest fit.

:class:`ColumnFit` watches a table's width. When the visible columns' usual widths add up to more
than the table has, it hides columns from the right (the first two always stay) and shows them
again, in order, as room comes back. Columns it hid are not the person's choice: they are never
saved as hidden, the header's tooltip names them, and the column menu shows them as "no room".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView

#: Columns (in the order shown) that stay however narrow the list is.
KEPT = 2


class ColumnFit(QObject):
    """Hides and shows a table's columns by priority as its width changes.

    Args:
        table: The list's table (its columns' widths are set already).
        labels: Each column's header text, by logical index (for the tooltip).
    """

    def __init__(self, table: QTableView, labels: list[str]) -> None:
        super().__init__(table)
        self.table = table
        self.labels = labels
        header = self.header
        #: Each column's usual width: as set up, or as the person last resized it.
        self.widths = {i: header.sectionSize(i) for i in range(header.count())}
        #: Columns hidden for lack of room, in the order they were hidden.
        self.squeezed: list[int] = []
        #: Columns the person asked to see although there is no room (kept this session).
        self.pinned: set[int] = set()
        self._fitting = False
        self._held = False
        header.sectionResized.connect(self._on_resized)
        table.viewport().installEventFilter(self)

    @property
    def header(self) -> QHeaderView:
        """The table's column header."""
        return self.table.horizontalHeader()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fits again when the table's visible area changes width (not height: a scroll bar coming and going)."""
        if isinstance(event, QResizeEvent) and event.size().width() != event.oldSize().width():
            self.fit()
        return False

    def _on_resized(self, logical: int, _old: int, new: int) -> None:
        header = self.header
        last = self._visible()[-1:] or [-1]
        # The last visible column is stretched to the edge: its size then says nothing about its usual width.
        if not self._fitting and new > 0 and not (header.stretchLastSection() and logical == last[0]):
            self.widths[logical] = new

    def _visible(self) -> list[int]:
        header = self.header
        return [header.logicalIndex(v) for v in range(header.count())
                if not header.isSectionHidden(header.logicalIndex(v))]

    def fit(self) -> None:
        """Hides columns from the right while they do not fit, shows them again while they do."""
        room = self.table.viewport().width()
        if room <= 0 or self._held:
            return
        header = self.header
        self._fitting = True
        try:
            visible = self._visible()
            total = sum(self.widths.get(i, header.defaultSectionSize()) for i in visible)
            droppable = [i for i in visible[KEPT:] if i not in self.pinned]
            while total > room and droppable:
                drop = droppable.pop()
                header.setSectionHidden(drop, True)
                self.squeezed.append(drop)
                total -= self.widths.get(drop, 0)
            while self.squeezed and total + self.widths.get(self.squeezed[-1], 0) <= room:
                back = self.squeezed.pop()
                header.setSectionHidden(back, False)
                total += self.widths.get(back, 0)
        finally:
            self._fitting = False
        self._explain()

    def _explain(self) -> None:
        names = ", ".join(self.labels[i] for i in sorted(self.squeezed, key=self.header.visualIndex))
        self.header.setToolTip(f"No room for: {names}. Widen the window, narrow the detail pane or fold the "
                               "accounts pane (Ctrl+B); or right-click here to choose columns." if names else "")

    def is_squeezed(self, logical: int) -> bool:
        """Whether a column is hidden for lack of room (not by the person)."""
        return logical in self.squeezed

    def pin(self, logical: int) -> None:
        """The person wants this column although there is no room: shown, and not hidden again."""
        self.pinned.add(logical)
        if logical in self.squeezed:
            self.squeezed.remove(logical)
            self.header.setSectionHidden(logical, False)
        self._explain()

    def release(self) -> list[int]:
        """Shows every column hidden for room (before saving or resetting); returns them for :meth:`fit`."""
        squeezed, self.squeezed = self.squeezed, []
        for logical in squeezed:
            self.header.setSectionHidden(logical, False)
        self._explain()
        return squeezed

    def put_back(self, apply: Callable[[], object]) -> None:
        """Puts a saved or default column layout back (``apply``), then fits it to the room there is.

        Nothing is hidden for room while ``apply`` runs (the layout it restores says what is shown), and
        the columns' widths are taken from it.
        """
        self.squeezed = []
        self.pinned.clear()
        self._held = True
        try:
            apply()
        finally:
            self._held = False
        header = self.header
        last = self._visible()[-1:]
        for i in range(header.count()):
            if header.sectionSize(i) > 0 and (not header.stretchLastSection() or [i] != last):
                self.widths[i] = header.sectionSize(i)
        self.fit()
