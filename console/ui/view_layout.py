"""One list's remembered layout: its columns (order, widths, hidden ones), its sort and the detail pane's width.

:class:`ViewLayout` reads and writes them in the :class:`~console.ui.layout.LayoutStore`, puts the
defaults back (View > Reset layout), and offers the column menu (right click on the header).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QMenu, QSplitter, QTableView, QWidget

from console.core.models import DatasetSpec, Query
from console.core.settings import AccountConfig
from console.ui.column_fit import ColumnFit
from console.ui.layout import LayoutStore


def show_sort(header: QHeaderView, spec: DatasetSpec, sort: str | None, descending: bool) -> None:
    """Puts the header's sort arrow on the column sorted by ``sort`` (none when no column is)."""
    section = next((i for i, c in enumerate(spec.columns) if sort is not None and c.sort_key == sort), -1)
    header.setSortIndicator(section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)


class ViewLayout(QObject):
    """Remembers and restores one list's columns, sort and detail pane.

    The defaults are taken when it is made, so make it once the table and the splitter are set up.

    Args:
        store: Where the layout is kept (``None``: nothing is remembered, as in tests that do not need it).
        account: The account (its vendor names the keys; its fields decide what is sortable).
        spec: The dataset.
        table: The list's table.
        splitter: The table and the detail pane.
        parent: Qt parent.

    Signals:
        statusMessage(str): A short note for the status bar.
    """

    statusMessage = Signal(str)

    def __init__(self, store: LayoutStore | None, account: AccountConfig, spec: DatasetSpec, table: QTableView,
                 splitter: QSplitter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.account = account
        self.spec = spec
        self.table = table
        self.splitter = splitter
        self.default_header = table.horizontalHeader().saveState()
        self.default_splitter = splitter.saveState()
        self.fit = ColumnFit(table, [c.label for c in spec.columns])  # columns give way in a narrow list

    def _key(self, what: str) -> str:
        assert self.store is not None
        return self.store.view_key(self.account.vendor, self.spec.name, what)

    def _column_keys(self) -> str:
        return ",".join(c.key for c in self.spec.columns)

    def restore(self, query: Query) -> Query:
        """Columns, sort and the detail pane's width as last left; returns ``query`` with the remembered sort."""
        store = self.store
        if store is None:
            return query
        header = self.table.horizontalHeader()
        state = store.state(self._key("header"))
        same_columns = store.text(self._key("columns")) == self._column_keys()  # not after an upgrade

        def put_back() -> None:
            restored = state is not None and same_columns and header.restoreState(state)
            if restored and all(header.isSectionHidden(i) for i in range(header.count())):
                header.restoreState(self.default_header)  # never a table with no column

        self.fit.put_back(put_back)
        splitter = store.state(self._key("splitter"))
        if splitter is not None:
            self.splitter.restoreState(splitter)
        sort_key, _sep, direction = store.text(self._key("sort")).partition("|")
        column = next((c for c in self.spec.columns if c.sort_key == sort_key and c.sortable(self.account.fields)),
                      None)
        if column is not None:
            query = dataclasses.replace(query, sort=sort_key, descending=direction == "desc")
        if query.sort is not None:
            show_sort(header, self.spec, query.sort, query.descending)
        return query

    def save(self, query: Query) -> None:
        """Remembers columns, the sort of ``query`` and the detail pane's width."""
        store = self.store
        if store is None:
            return
        squeezed = self.fit.release()  # hidden for room is not the person's choice: not saved
        store.set(self._key("header"), self.table.horizontalHeader().saveState())
        if squeezed:
            self.fit.fit()
        store.set(self._key("columns"), self._column_keys())
        store.set(self._key("splitter"), self.splitter.saveState())
        if query.sort:
            store.set(self._key("sort"), f"{query.sort}|{'desc' if query.descending else 'asc'}")

    def reset(self) -> None:
        """Back to the default columns and detail pane (the list puts its default sort back)."""
        self.fit.put_back(lambda: self.table.horizontalHeader().restoreState(self.default_header))
        self.splitter.restoreState(self.default_splitter)

    def choose_columns(self, parent: QWidget, where: QPoint | None = None) -> QMenu:
        """The column menu: show, hide, reset.

        Args:
            parent: The menu's parent widget (the list).
            where: Where it opens (default: the table's top left corner).

        Returns:
            The menu, open (it deletes itself when closed).
        """
        header = self.table.horizontalHeader()
        menu = QMenu(parent)
        menu.setObjectName("columnMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            squeezed = self.fit.is_squeezed(logical)
            action = menu.addAction(self.spec.columns[logical].label + (" (no room)" if squeezed else ""))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(logical))
            if squeezed:
                action.setToolTip("Hidden because the list is too narrow; tick it to show it anyway.")
            action.toggled.connect(lambda on, i=logical: self.show_column(i, on))
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.triggered.connect(self.reset_columns)
        menu.popup(where or self.table.mapToGlobal(self.table.rect().topLeft()))
        return menu

    def reset_columns(self) -> None:
        """The default columns (the column menu's "Reset columns")."""
        self.fit.put_back(lambda: self.table.horizontalHeader().restoreState(self.default_header))

    def show_column(self, logical: int, on: bool) -> None:
        """Shows or hides a column; the last visible one stays."""
        header = self.table.horizontalHeader()
        visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        if not on and visible == [logical]:
            self.statusMessage.emit("At least one column stays visible.")
            return
        if on and self.fit.is_squeezed(logical):
            self.fit.pin(logical)  # asked for although there is no room
            return
        self.fit.pinned.discard(logical)
        header.setSectionHidden(logical, not on)
        self.fit.fit()  # a column hidden makes room for one that had none
