"""The table of one list: one row per record, columns as the dataset describes them, one row selected.

End and Home move to the last and first loaded row (in the same column), not sideways; Ctrl+End asks
for the real end (:attr:`RecordTable.toEndRequested`: the list loads its remaining pages,
:mod:`console.ui.list_navigation`).

A row that leaves the list while selected (a delete) takes the selection with it: nothing is selected
afterwards, so a second Del never deletes the next record.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from console.core.models import DatasetSpec, FieldKind, Record, ViewKind
from console.ui.delegates import BadgeDelegate
from console.ui.table_model import PagedTableModel


class RecordTable(QTableView):
    """A read-only table of records: rows selected whole, columns movable, sort arrows on the header.

    The sort arrow only shows the order; the list asks the vendor for it (nothing sorts here).

    Args:
        model: The rows.
        spec: The dataset (columns, their widths and kinds).
        account_fields: The account's settings (they decide which columns the vendor can sort).
        parent: Qt parent.

    Signals:
        toEndRequested(): Ctrl+End: the list should load to its end (the loaded rows' end is selected now).
    """

    toEndRequested = Signal()

    def __init__(self, model: PagedTableModel, spec: DatasetSpec, account_fields: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = model
        self.setObjectName("recordTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        char = self.fontMetrics().averageCharWidth()
        header_metrics = header.fontMetrics()
        self.badges = BadgeDelegate(self)
        for i, column in enumerate(spec.columns):
            # Never narrower than the header label plus room for the sort arrow.
            label_width = header_metrics.horizontalAdvance(column.label) + 28
            self.setColumnWidth(i, max(60, label_width, column.width * char + 16))
            if column.kind is FieldKind.STATUS:
                self.setItemDelegateForColumn(i, self.badges)
        default_sort = next((i for i, c in enumerate(spec.columns) if c.sortable(account_fields)), -1)
        if spec.view is ViewKind.BOOKINGS and default_sort >= 0:
            header.setSortIndicator(default_sort, Qt.SortOrder.DescendingOrder if spec.default_descending
                                    else Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._deselect = False
        model.rowsRemoved.connect(self._after_rows_removed)

    def moveCursor(self, cursor_action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """End and Home go down and up the rows (Qt's table moves sideways); Ctrl+End asks for the real end."""
        action = QAbstractItemView.CursorAction
        if cursor_action not in (action.MoveEnd, action.MoveHome):
            return super().moveCursor(cursor_action, modifiers)
        rows = self.records.rowCount()
        if not rows:
            return QModelIndex()
        current = self.currentIndex()
        header = self.horizontalHeader()
        shown = (header.logicalIndex(v) for v in range(header.count()))
        column = current.column() if current.isValid() else next(
            (c for c in shown if not header.isSectionHidden(c)), 0)
        if cursor_action == action.MoveHome:
            return self.records.index(0, column)
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.toEndRequested.emit()
        return self.records.index(rows - 1, column)

    def rowsAboutToBeRemoved(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int) -> None:
        """Notes whether the selected row is among those leaving (Qt would move to the next one)."""
        current = self.currentIndex()
        selected = [i.row() for i in self.selectionModel().selectedRows()]
        self._deselect = any(start <= row <= end for row in selected) or (
            current.isValid() and start <= current.row() <= end)
        super().rowsAboutToBeRemoved(parent, start, end)

    def _after_rows_removed(self, *_args: object) -> None:
        if self._deselect:
            self._deselect = False
            self.selectionModel().clear()  # no selection and no current row: nothing for a second Del

    def current_record(self) -> Record | None:
        """The selected record (or the current row's, when nothing is selected)."""
        index = self.currentIndex()
        rows = self.selectionModel().selectedRows()
        row = rows[0].row() if rows else (index.row() if index.isValid() else -1)
        return self.records.record(row)

    def selected_text(self) -> tuple[int, str]:
        """The selected rows' visible cells, as shown, as tab-separated lines.

        Returns:
            How many rows, and the text (one line a row, columns in their on-screen order).
        """
        header = self.horizontalHeader()
        columns = [header.logicalIndex(v) for v in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(v))]
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        model = self.records
        lines = ["\t".join(str(model.data(model.index(r, c)) or "").replace("\t", " ").replace("\n", " ")
                           for c in columns) for r in rows]
        return len(rows), "\n".join(lines)

    def copy_cells(self) -> str:
        """Copies the selected rows' cells to the clipboard; returns the note for the status bar."""
        rows, text = self.selected_text()
        if not rows:
            return "Select a row to copy."
        QGuiApplication.clipboard().setText(text)
        return f"Copied {rows} row{'s' if rows != 1 else ''}."

    def copy_record_json(self, noun: str) -> str:
        """Copies every field of the selected record as JSON; returns the note for the status bar."""
        record = self.current_record()
        if record is None:
            return "Select a record to copy."
        QGuiApplication.clipboard().setText(json.dumps(record.fields, indent=2, ensure_ascii=False, default=str))
        return f"Copied {noun} {record.id} as JSON."
