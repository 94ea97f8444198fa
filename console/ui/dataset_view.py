"""One dataset of one account: filter bar, lazily loaded table, detail pane, create/edit/delete."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core import log
from console.core.errors import (
    AuthError,
    ConsoleError,
    KeychainUnavailable,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
    VendorError,
    WriteOutcomeUnknown,
)
from console.core.models import (
    DatasetSpec,
    FieldKind,
    Page,
    Query,
    Question,
    Record,
    RecordAction,
    ViewKind,
    WriteResult,
)
from console.core.settings import AccountConfig
from console.services.accounts import SecretMissing
from console.services.datasets import DatasetService
from console.ui.banners import ErrorBanner, NotesBar
from console.ui.delegates import BadgeDelegate
from console.ui.detail import DetailPane
from console.ui.filter_bar import FilterBar
from console.ui.forms import RecordForm
from console.ui.layout import LayoutStore
from console.ui.messages import confirm, show_error
from console.ui.qtasync import TaskSet, dialog_result
from console.ui.table_model import PagedTableModel

CREDENTIAL_ERRORS = (AuthError, SecretMissing, KeychainUnavailable, PermissionDenied)


@dataclass(slots=True)
class PendingDelete:
    """A confirmed delete waiting behind "Undo".

    Attributes:
        record: The record.
        row: Where its row was (it comes back there on undo).
        deadline: ``time.monotonic()`` when it is sent.
        task: The timer task that sends it.
    """

    record: Record
    row: int
    deadline: float
    task: asyncio.Task[None]


class DatasetView(QWidget):
    """The table view of one dataset of one account.

    Args:
        datasets: The dataset service.
        account: The account.
        vendor_name: The vendor's display name.
        spec: The dataset.
        page_size: Rows per page.
        parent: Qt parent.
        layout_store: Where columns, sort and the detail pane's width are remembered (none in tests
            that do not need it).

    Signals:
        statusMessage(str): A short note for the status bar.
        countChanged(str): The loaded-rows text changed.
        credentialsNeeded(str): The account's secret is missing or refused (account id).
        openRequested(str, dict): Open another dataset's tab with these filters ("Show reservations").
    """

    statusMessage = Signal(str)
    countChanged = Signal(str)
    credentialsNeeded = Signal(str)
    openRequested = Signal(str, dict)

    def __init__(self, datasets: DatasetService, account: AccountConfig, vendor_name: str, spec: DatasetSpec,
                 page_size: int = 50, parent: QWidget | None = None, layout_store: LayoutStore | None = None) -> None:
        super().__init__(parent)
        self.layout_store = layout_store
        self.setObjectName(f"view_{spec.name}")
        self.datasets = datasets
        self.account = account
        self.vendor_name = vendor_name
        self.spec = spec
        self.tasks = TaskSet(f"{account.label}/{spec.name}")
        self._activated = False
        self._reselect: str | None = None
        self.forms: list[RecordForm] = []

        preset = "next7" if spec.view is ViewKind.BOOKINGS else "all"
        filters = [f for f in spec.filters if f.applies(account.fields)]
        self.filters = FilterBar(filters, date_preset=preset) if filters else None
        self.query = Query(filters=self.filters.values() if self.filters else {},
                           descending=spec.default_descending)
        self.new_button = QPushButton(f"New {spec.noun}…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete…")
        self.refresh_button = QPushButton("Refresh")
        for name, button in (("newButton", self.new_button), ("editButton", self.edit_button),
                             ("deleteButton", self.delete_button), ("refreshButton", self.refresh_button)):
            button.setObjectName(name)
        self.new_button.setVisible(spec.can_create)
        self.edit_button.setVisible(spec.can_edit)
        self.delete_button.setVisible(spec.can_delete)
        self.new_button.clicked.connect(lambda: self.tasks.spawn(self.open_form(None)))
        self.action_buttons: dict[str, QPushButton] = {}
        for action in spec.actions:
            button = QPushButton(action.label)
            button.setObjectName(f"action_{action.key}")
            button.clicked.connect(lambda _c=False, a=action: self._run_current(a))
            self.action_buttons[action.key] = button
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.refresh_button.clicked.connect(self.refresh)

        self.banner = ErrorBanner()
        self.banner.retryClicked.connect(self._retry)
        self.banner.credentialsClicked.connect(lambda: self.credentialsNeeded.emit(self.account.id))
        # The banner's parts, as tests and scenes know them.
        self.banner_text = self.banner.text
        self.retry_button = self.banner.retry_button
        self.credentials_button = self.banner.credentials_button
        self.reference_button = self.banner.reference_button
        self.notes_bar = NotesBar()

        # Deletes wait behind this bar for a few seconds before they are sent (Undo brings the row back).
        self.pending: dict[str, PendingDelete] = {}
        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("undoBar")
        self.undo_bar.setStyleSheet("#undoBar { background: #fff4e5; border: 1px solid #f3d19e; border-radius: 4px; }"
                                    "#undoBar QLabel { color: #663c00; }")
        self.undo_text = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoDelete")
        self.undo_button.setToolTip("Bring the record back (Ctrl+Z)")
        self.undo_button.clicked.connect(lambda: self.undo_delete())
        self.send_now_button = QPushButton("Delete now")
        self.send_now_button.setObjectName("deleteNow")
        self.send_now_button.clicked.connect(lambda: self.tasks.spawn(self.flush_deletes()))
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.addWidget(self.undo_text, 1)
        undo_layout.addWidget(self.send_now_button)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_tick = QTimer(self)
        self._undo_tick.setInterval(250)
        self._undo_tick.timeout.connect(self._show_undo)
        self.read_only = False
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyLabel")
        self.read_only_label.setText("Read-only account: viewing only. Switch it in File > Accounts.")
        self.read_only_label.setStyleSheet("color: #b26a00;")
        self.read_only_label.hide()

        self.model = PagedTableModel(spec.columns, self._fetch, page_size, self)
        self.table = QTableView()
        self.table.setObjectName("recordTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        header.sectionClicked.connect(self._on_header_clicked)
        char = self.table.fontMetrics().averageCharWidth()
        header_metrics = header.fontMetrics()
        self.badges = BadgeDelegate(self.table)
        for i, column in enumerate(spec.columns):
            # Never narrower than the header label plus room for the sort arrow.
            label_width = header_metrics.horizontalAdvance(column.label) + 28
            self.table.setColumnWidth(i, max(60, label_width, column.width * char + 16))
            if column.kind is FieldKind.STATUS:
                self.table.setItemDelegateForColumn(i, self.badges)
        default_sort = next((i for i, c in enumerate(spec.columns) if c.sortable(account.fields)), -1)
        if spec.view is ViewKind.BOOKINGS and default_sort >= 0:
            header.setSortIndicator(default_sort, Qt.SortOrder.DescendingOrder if spec.default_descending
                                    else Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())

        self.detail = DetailPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 340])
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.choose_columns(header.mapToGlobal(pos)))
        self._defaults = (header.saveState(), self.splitter.saveState(), self.query.sort, self.query.descending)
        self._restore_layout()

        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        # Filters on one row, the record's buttons on the next: the view stays usable in a window as
        # narrow as a laptop's (side by side they needed 1,270 px for Setster's appointments).
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, *self.action_buttons.values(), self.delete_button):
            buttons.addWidget(button)
        buttons.addWidget(self.read_only_label)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if self.filters is not None:
            layout.addWidget(self.filters)
            self.filters.changed.connect(self._on_filters_changed)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.notes_bar)
        layout.addWidget(self.count_label)

        self.refreshes = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(max(1, spec.refresh_seconds) * 1000)
        self._refresh_timer.timeout.connect(self._auto_refresh)
        self.model.countChanged.connect(self._on_count_changed)
        self.model.dataChanged.connect(self._on_rows_changed)
        self.model.pageFailed.connect(self._on_page_failed)
        self.model.loadingChanged.connect(self._on_loading_changed)
        self.model.notesChanged.connect(lambda: self.notes_bar.set_notes(self.model.notes))
        self._update_buttons()

    # -- layout -------------------------------------------------------------------------------------

    def _layout_key(self, what: str) -> str:
        assert self.layout_store is not None
        return self.layout_store.view_key(self.account.vendor, self.spec.name, what)

    def _restore_layout(self) -> None:
        """Columns (order, widths, hidden ones), the sort and the detail pane's width, as last left."""
        store = self.layout_store
        if store is None:
            return
        header = self.table.horizontalHeader()
        state = store.state(self._layout_key("header"))
        same_columns = store.text(self._layout_key("columns")) == self._column_keys()  # not after an upgrade
        restored = state is not None and same_columns and header.restoreState(state)
        if restored and all(header.isSectionHidden(i) for i in range(header.count())):
            header.restoreState(self._defaults[0])  # never a table with no column
        splitter = store.state(self._layout_key("splitter"))
        if splitter is not None:
            self.splitter.restoreState(splitter)
        sort_key, _sep, direction = store.text(self._layout_key("sort")).partition("|")
        column = next((c for c in self.spec.columns if c.sort_key == sort_key and c.sortable(self.account.fields)),
                      None)
        if column is not None:
            self.query = dataclasses.replace(self.query, sort=sort_key, descending=direction == "desc")
        if self.query.sort is not None:
            section = next((i for i, c in enumerate(self.spec.columns) if c.sort_key == self.query.sort), -1)
            header.setSortIndicator(section, Qt.SortOrder.DescendingOrder if self.query.descending
                                    else Qt.SortOrder.AscendingOrder)

    def save_layout(self) -> None:
        """Remembers columns, sort and the detail pane's width for this dataset."""
        store = self.layout_store
        if store is None:
            return
        store.set(self._layout_key("header"), self.table.horizontalHeader().saveState())
        store.set(self._layout_key("columns"), self._column_keys())
        store.set(self._layout_key("splitter"), self.splitter.saveState())
        if self.query.sort:
            store.set(self._layout_key("sort"), f"{self.query.sort}|{'desc' if self.query.descending else 'asc'}")

    def _column_keys(self) -> str:
        return ",".join(c.key for c in self.spec.columns)

    def reset_layout(self) -> None:
        """Back to the default columns, sort and detail pane."""
        header_state, splitter_state, sort, descending = self._defaults
        self.table.horizontalHeader().restoreState(header_state)
        self.splitter.restoreState(splitter_state)
        if (self.query.sort, self.query.descending) != (sort, descending):
            self.query = dataclasses.replace(self.query, sort=sort, descending=descending)
            if self._activated:
                self.refresh()

    def choose_columns(self, where: QPoint | None = None) -> QMenu:
        """The column menu (right click on the header, or View > Columns): show, hide, reset."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            action = menu.addAction(self.spec.columns[logical].label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(logical))
            action.toggled.connect(lambda on, i=logical: self._show_column(i, on))
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.triggered.connect(lambda: header.restoreState(self._defaults[0]))
        menu.popup(where or self.table.mapToGlobal(self.table.rect().topLeft()))
        return menu

    def _show_column(self, logical: int, on: bool) -> None:
        header = self.table.horizontalHeader()
        visible = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        if not on and visible == [logical]:
            self.statusMessage.emit("At least one column stays visible.")
            return
        header.setSectionHidden(logical, not on)

    # -- lifecycle ----------------------------------------------------------------------------------

    def activate(self) -> None:
        """Loads the first page the first time the view is shown, and the filters' choices every time.

        Choices come from the service's cache, which forgets a dataset when it is edited, so a tag
        created in the Tags tab is offered in the Contacts filter the next time that tab is shown.
        """
        if self.filters is not None:
            for spec in self.filters.specs:
                if spec.choices_from:
                    self.tasks.spawn(self._load_filter_choices(spec.key, spec.choices_from))
        if self._activated:
            return
        self._activated = True
        self.model.start()

    def close_view(self) -> None:
        """Stops background work (the account was removed or the app quits)."""
        self._refresh_timer.stop()
        self.model.cancel()
        self.tasks.cancel_all()

    def showEvent(self, event: QShowEvent) -> None:
        """Live views refresh every few seconds while they are on screen."""
        super().showEvent(event)
        if self.spec.refresh_seconds:
            self._refresh_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Hidden views stop refreshing (no requests for what nobody sees)."""
        super().hideEvent(event)
        self._refresh_timer.stop()

    def _auto_refresh(self) -> None:
        if self.model.loading or any(form.isVisible() for form in self.forms):
            return
        self.refreshes += 1
        selected = self.current_record()
        if selected is not None:
            self._reselect = selected.id  # when the rows come back in another order
        self._hide_banner()
        self.model.reload_in_place()

    def filter_to(self, filters: dict[str, str]) -> None:
        """Shows only what matches these filters (another view's "Show ..." action)."""
        if self.filters is None:
            return
        if self.filters.dates is not None:  # every date of that record, not only this week's
            self.filters.dates.blockSignals(True)
            self.filters.dates.set_preset("all")
            self.filters.dates.blockSignals(False)
        for key, value in filters.items():
            self.filters.set_value(key, value)
        self.filters.apply()

    def refresh(self) -> None:
        """Reloads from the first page with the current query."""
        self._hide_banner()
        self.model.reset()

    async def _fetch(self, cursor: Any, limit: int) -> Page[Record]:
        page = await self.datasets.fetch_page(self.account.id, self.spec.name, self.query, cursor, limit)
        if self.pending:  # a record whose delete is held stays out of a refreshed list
            page = dataclasses.replace(page, items=[r for r in page.items if r.id not in self.pending])
        return page

    async def _load_filter_choices(self, key: str, dataset: str) -> None:
        try:
            choices = await self.datasets.choices(self.account.id, dataset)
        except ConsoleError as exc:
            self.statusMessage.emit(f"Could not load {dataset} for the filter: {exc.user_message.title}")
            return
        if self.filters is not None:
            self.filters.set_choices(key, choices)

    # -- query --------------------------------------------------------------------------------------

    def _on_filters_changed(self, values: dict[str, str]) -> None:
        self.query = dataclasses.replace(self.query, filters=values)
        self.refresh()

    def _on_header_clicked(self, section: int) -> None:
        header = self.table.horizontalHeader()
        column = self.spec.columns[section] if 0 <= section < len(self.spec.columns) else None
        if column is None or not column.sortable(self.account.fields) or column.sort_key is None:
            current = next((i for i, c in enumerate(self.spec.columns)
                            if self.query.sort is not None and c.sort_key == self.query.sort), -1)
            header.setSortIndicator(current, Qt.SortOrder.DescendingOrder if self.query.descending
                                    else Qt.SortOrder.AscendingOrder)
            label = column.label if column is not None else "this column"
            self.statusMessage.emit(f"{self.vendor_name} cannot sort {self.spec.label.lower()} by {label}.")
            return
        descending = not self.query.descending if self.query.sort == column.sort_key else False
        self.sort_by(column.sort_key, descending)

    def sort_by(self, sort_key: str, descending: bool) -> None:
        """Asks the vendor for a new order and reloads."""
        self.query = dataclasses.replace(self.query, sort=sort_key, descending=descending)
        section = next((i for i, c in enumerate(self.spec.columns) if c.sort_key == sort_key), -1)
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.refresh()

    # -- state --------------------------------------------------------------------------------------

    def reveal(self, record: Record) -> None:
        """Selects a record found elsewhere (the lookup): its row when loaded, else it is put first."""
        row = self.model.row_of(record.id)
        if row < 0:
            row = self.model.insert_record(record)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.detail.show_record(self.spec, self.current_record())
        self._update_buttons()
        self.table.setFocus()

    def current_record(self) -> Record | None:
        """The selected record."""
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (index.row() if index.isValid() else -1)
        return self.model.record(row)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.detail.show_record(self.spec, self.current_record())
        self._update_buttons()

    def _on_rows_changed(self, *_args: object) -> None:
        """A live refresh or a write changed cells: the detail pane follows the selected record."""
        record = self.current_record()
        if record is not None and record != self.detail.record:
            self.detail.show_record(self.spec, record)
            self._update_buttons()

    def _update_buttons(self) -> None:
        record = self.current_record()
        editable = record is not None and self.spec.record_editable(record)
        self.edit_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        for action in self.spec.actions:
            self.action_buttons[action.key].setEnabled(record is not None and action.available(record))

    def _on_count_changed(self, text: str) -> None:
        self.count_label.setText(text)
        self.countChanged.emit(text)
        if self._reselect is not None and not self.model.loading:
            row = self.model.row_of(self._reselect)
            self._reselect = None
            if row >= 0:
                self.table.selectRow(row)

    def _on_loading_changed(self, loading: bool) -> None:
        self.refresh_button.setEnabled(not loading or self.model.rowCount() > 0)

    def _on_page_failed(self, error: ConsoleError) -> None:
        where = "the first page" if self.model.rowCount() == 0 else "more rows"
        self.banner.show_error(error, where, credentials=isinstance(error, CREDENTIAL_ERRORS))

    def _hide_banner(self) -> None:
        self.banner.hide()

    def _retry(self) -> None:
        self._hide_banner()
        if self.model.rowCount() == 0:
            self.model.reset()
        else:
            self.model.retry()

    # -- edits --------------------------------------------------------------------------------------

    def edit_current(self) -> None:
        """Opens the edit form of the selected record (F2, Enter, double-click)."""
        record = self.current_record()
        if self._refuse_if_read_only():
            return
        if record is None:
            self.statusMessage.emit("Select a record to edit.")
        elif not (self.spec.can_edit and self.spec.record_editable(record)):
            self.statusMessage.emit(f"{self.vendor_name} does not allow editing this {self.spec.noun}.")
        else:
            self.tasks.spawn(self.open_form(record))

    def delete_current(self) -> None:
        """Deletes the selected record after asking (Del)."""
        record = self.current_record()
        if self._refuse_if_read_only():
            return
        if record is None:
            self.statusMessage.emit("Select a record to delete.")
        elif not (self.spec.can_delete and self.spec.record_editable(record)):
            self.statusMessage.emit(f"{self.vendor_name} does not allow deleting this {self.spec.noun}.")
        else:
            self.tasks.spawn(self.confirm_and_delete(record))

    def new_record(self) -> None:
        """Opens an empty form (Ctrl+N); says so when the vendor cannot create here."""
        if self._refuse_if_read_only():
            return
        if not self.spec.can_create:
            self.statusMessage.emit(f"{self.vendor_name} cannot create {self.spec.noun}s here.")
            return
        self.tasks.spawn(self.open_form(None))

    def focus_filter(self) -> None:
        """Puts the cursor in the list's search box (Ctrl+F)."""
        from PySide6.QtCore import Qt

        box = self.filters.search if self.filters is not None else None
        if box is None:
            self.statusMessage.emit(f"{self.spec.label} has no search in {self.vendor_name}.")
            return
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()

    def copy_cells(self) -> None:
        """Copies the selected rows' cells, as shown, as tab-separated text (Ctrl+C in the table)."""
        header = self.table.horizontalHeader()
        columns = [header.logicalIndex(v) for v in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(v))]
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            self.statusMessage.emit("Select a row to copy.")
            return
        lines = ["\t".join(str(self.model.data(self.model.index(r, c)) or "").replace("\t", " ").replace("\n", " ")
                           for c in columns) for r in rows]
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.statusMessage.emit(f"Copied {len(rows)} row{'s' if len(rows) != 1 else ''}.")

    def copy_record_json(self) -> None:
        """Copies every field of the selected record as JSON (Ctrl+Shift+C)."""
        import json

        record = self.current_record()
        if record is None:
            self.statusMessage.emit("Select a record to copy.")
            return
        QGuiApplication.clipboard().setText(json.dumps(record.fields, indent=2, ensure_ascii=False, default=str))
        self.statusMessage.emit(f"Copied {self.spec.noun} {record.id} as JSON.")

    def make_form(self, record: Record | None) -> RecordForm:
        """Builds the create/edit form and starts loading its choices."""
        form = RecordForm(self.spec, record, self.vendor_name, self.window())
        self._prepare(form)
        form.saveRequested.connect(lambda: self.tasks.spawn(self.save_form(form)))
        form.checkRequested.connect(lambda: self.tasks.spawn(self.check_and_retry(form)))
        return form

    def _prepare(self, form: RecordForm) -> None:
        """Loads the form's choices and connects its slot pickers."""
        for field in form.fields:
            if field.choices_from:
                self.tasks.spawn(self._load_form_choices(form, field.key, field.choices_from))
        form.slotsWanted.connect(lambda key: self.tasks.spawn(self.load_slots(form, key)))

    async def load_slots(self, form: RecordForm, key: str) -> None:
        """Asks the vendor for the free times of the picker's day and shows them."""
        picker = form.slot_picker(key)
        if picker is None:
            return
        # The record's values (reschedule keeps service, provider, location) under what the form says.
        values = {**(self.spec.form_values(form.record) if form.record else {}),
                  **{k: v for k, v in form.values().items() if k != key}}
        token = picker.set_loading()
        try:
            slots = await self.datasets.slots(self.account.id, self.spec.name, key, values, picker.day())
        except VendorError as exc:
            if picker.is_latest(token):
                picker.set_message(" ".join(m for ms in exc.fields.values() for m in ms) or exc.user_message.title)
            return
        except ConsoleError as exc:
            if picker.is_latest(token):
                picker.set_message(f"Could not load free times: {exc.user_message.title}")
            return
        if picker.is_latest(token):  # an older answer (another day, another provider) is dropped
            picker.set_slots(slots)

    def _run_current(self, action: RecordAction) -> None:
        record = self.current_record()
        if record is None or not action.available(record):
            return
        if action.opens is not None:
            dataset, filter_key = action.opens
            self.openRequested.emit(dataset, {filter_key: record.id})
            return
        if self._refuse_if_read_only():
            return
        self.tasks.spawn(self.run_action(record, action))

    async def ask(self, question: Question) -> str | None:
        """Asks one confirmation in plain words; returns the chosen answer, or ``None`` to back out."""
        box = QMessageBox(QMessageBox.Icon.Question, question.title, question.text,
                          QMessageBox.StandardButton.NoButton, self.window())
        box.setObjectName(f"question_{question.key}")
        if question.detail:
            box.setInformativeText(question.detail)
        buttons = [(box.addButton(choice.label, QMessageBox.ButtonRole.AcceptRole), choice.value)
                   for choice in question.choices]
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        await dialog_result(box)
        clicked = box.clickedButton()
        box.deleteLater()
        return next((value for button, value in buttons if button is clicked), None)

    async def _answers(self, record: Record, action: RecordAction) -> dict[str, str] | None:
        """Asks the vendor's questions for an action; ``None`` when the user backs out."""
        answers: dict[str, str] = {}
        for question in await self.datasets.questions(self.account.id, record, action.key):
            answer = await self.ask(question)
            if answer is None:
                return None
            answers[question.key] = answer
        return answers

    async def run_action(self, record: Record, action: RecordAction) -> bool:
        """Runs a record action: its form first if it has one, then the vendor's questions."""
        if action.form_fields:
            form = RecordForm(self.spec, record, self.vendor_name, self.window(), fields=action.form_fields,
                              title=f"{action.label.rstrip('…')}: {self.spec.title_of(record)}",
                              save_text=action.label.rstrip("…"))
            self._prepare(form)
            done: list[bool] = []
            form.saveRequested.connect(lambda: self.tasks.spawn(self._perform(record, action, form, done)))
            self.forms.append(form)
            for key in form.slot_fields():
                self.tasks.spawn(self.load_slots(form, key))
            try:
                await dialog_result(form)
            finally:
                self.forms.remove(form)
                form.deleteLater()
            return bool(done)
        try:
            answers = await self._answers(record, action)
        except ConsoleError as exc:
            show_error(self.window(), exc, action.label.rstrip("…"))
            return False
        if answers is None:
            return False
        try:
            result = await self.datasets.run_action(self.account.id, record, action.key, {}, answers, in_form=False)
        except ConsoleError as exc:
            show_error(self.window(), exc, action.label.rstrip("…"))
            if isinstance(exc, CREDENTIAL_ERRORS):
                self.credentialsNeeded.emit(self.account.id)
            return False
        self._show_saved(result, f"{action.label.rstrip('…')}: done for")
        return True

    async def _perform(self, record: Record, action: RecordAction, form: RecordForm, done: list[bool]) -> None:
        """Sends an action's form; failures stay in the form with the user's input."""
        form.set_busy(True)
        try:
            answers = await self._answers(record, action)
            if answers is None:
                form.set_busy(False, "")
                return
            result = await self.datasets.run_action(self.account.id, record, action.key, form.values(), answers)
        except VendorError as exc:
            if exc.fields or isinstance(exc, ValidationError):
                form.set_busy(False, "")
                form.show_errors(exc.fields, [exc.user_message.text, *exc.general])
            else:
                self._save_failed(form, exc)
            return
        except ConsoleError as exc:
            self._save_failed(form, exc)
            return
        form.set_busy(False, "")
        self._show_saved(result, f"{action.label.rstrip('…')}: done for")
        done.append(True)
        form.accept()

    def _show_saved(self, result: WriteResult, verb: str) -> None:
        """Puts a written record in the table and the detail pane and says so."""
        row = self.model.replace_record(result.record)
        if row < 0:
            row = self.model.insert_record(result.record)
        self.table.selectRow(row)
        self.detail.show_record(self.spec, result.record)
        self._update_buttons()
        note = f"{verb} {self.spec.noun} {self.spec.title_of(result.record)}."
        if result.warnings:
            note += " " + " ".join(result.warnings)
        self.statusMessage.emit(note)

    async def open_form(self, record: Record | None) -> None:
        """Opens the form and waits until it closes."""
        form = self.make_form(record)
        self.forms.append(form)
        try:
            await dialog_result(form)
        finally:
            self.forms.remove(form)
            form.deleteLater()

    async def _load_form_choices(self, form: RecordForm, key: str, dataset: str) -> None:
        try:
            choices = await self.datasets.choices(self.account.id, dataset)
        except ConsoleError as exc:
            form.show_errors({key: [f"Could not load the choices: {exc.user_message.title}"]}, [])
            return
        form.set_choices(key, choices)

    async def save_form(self, form: RecordForm) -> bool:
        """Sends the form; on failure keeps it open with the messages where they belong.

        Returns:
            Whether the record was saved (the form is then accepted).
        """
        values = form.values()
        form.set_busy(True)
        form.offer_check(False)
        try:
            if form.record is None:
                result = await self.datasets.create(self.account.id, self.spec.name, values)
            else:
                maybe = await self.datasets.update(self.account.id, form.record, values)
                if maybe is None:
                    form.set_busy(False, "Nothing changed.")
                    form.accept()
                    return True
                result = maybe
        except RateLimited as exc:
            wait = f" Wait {exc.retry_after:.0f} s, then press Save again." if exc.retry_after else ""
            form.set_busy(False, "")
            form.show_errors({}, [f"{exc.user_message.title}: {exc.user_message.text}{wait} Nothing was saved."])
            return False
        except WriteOutcomeUnknown as exc:  # never sent again blindly: the form offers to check first
            form.set_busy(False, "")
            form.show_errors({}, [f"{exc.user_message.title}: {exc.user_message.text} Press “Check and retry”: "
                                  f"the console reads the {self.spec.noun} again and sends the change only if it "
                                  "is not there."])
            form.offer_check(True)
            return False
        except VendorError as exc:
            if not (isinstance(exc, ValidationError) or exc.fields):
                return self._save_failed(form, exc)
            form.set_busy(False, "")
            general = list(exc.general)
            if not exc.fields and not general:
                general = [exc.message]
            form.show_errors(exc.fields, [exc.user_message.text, *general] if exc.fields else general)
            return False
        except ConsoleError as exc:
            return self._save_failed(form, exc)
        form.set_busy(False, "")
        self._show_saved_record(form, result.record, result.warnings)
        return True

    async def check_and_retry(self, form: RecordForm) -> bool:
        """After a save whose outcome is unknown: reads the vendor's data, then sends only if it is needed.

        Returns:
            Whether the record is saved now (the form is then accepted).
        """
        values = form.values()
        form.set_busy(True, "Checking…")
        try:
            if form.record is None:
                made = await self.datasets.check_create(self.account.id, self.spec.name, values)
                done = made is not None
            else:
                done, made = await self.datasets.check_update(self.account.id, form.record, values)
        except ConsoleError as exc:
            self._save_failed(form, exc)
            form.offer_check(True)  # the outcome is still unknown
            return False
        if done and made is not None:
            log.ui.info("a %s whose answer was lost had been saved", self.spec.noun)
            form.set_busy(False, "")
            self._show_saved_record(form, made, (), checked=True)
            return True
        if form.record is not None and made is not None:
            form.record = made  # compare with what the vendor has now
        log.ui.info("a %s whose answer was lost had not been saved: sending it again", self.spec.noun)
        return await self.save_form(form)

    def _show_saved_record(self, form: RecordForm, record: Record, warnings: Sequence[str], *,
                           checked: bool = False) -> None:
        if form.record is None:
            row = self.model.insert_record(record)
            verb = "Created"
        else:
            row = self.model.replace_record(record)
            verb = "Saved"
        if row >= 0:
            self.table.selectRow(row)
        self.detail.show_record(self.spec, record if row >= 0 else self.current_record())
        note = f"{verb} {self.spec.noun} {self.spec.title_of(record)}."
        if checked:
            note += " (The answer had been lost; reading it again showed the change was made.)"
        if warnings:
            note += " " + " ".join(warnings)
            log.ui.warning("%s with warnings: %s", verb, "; ".join(warnings))
        self.statusMessage.emit(note)
        form.accept()

    async def _delete_outcome_unknown(self, record: Record, error: WriteOutcomeUnknown) -> bool:
        """A delete whose answer was lost: asks, then reads the record again and deletes only if it is there."""
        if not await confirm(self.window(), name="deleteOutcomeUnknown", title=error.user_message.title,
                             text=f"The delete of {self.spec.noun} {self.spec.title_of(record)} may or may not "
                                  "have been made.",
                             detail=f"{error.user_message.text} “Check and retry” reads the {self.spec.noun} "
                                    "again and sends the delete only if it is still there.",
                             action="Check and retry"):
            return False
        try:
            gone = await self.datasets.check_delete(self.account.id, record)
        except ConsoleError as exc:
            show_error(self.window(), exc, f"Checking {self.spec.noun}")
            return False
        if not gone:
            return await self.delete(record)
        self.model.remove_record(record.id)
        self.statusMessage.emit(f"Deleted {self.spec.noun} {self.spec.title_of(record)} (checked: it is gone).")
        return True

    def _save_failed(self, form: RecordForm, exc: ConsoleError) -> bool:
        """Shows a failed save above the form (which stays open, input kept); returns ``False``."""
        form.set_busy(False, "")
        um = exc.user_message
        form.show_errors({}, [f"{um.title}: {um.text} {um.next_step}".strip()])
        if isinstance(exc, CREDENTIAL_ERRORS):
            self.credentialsNeeded.emit(self.account.id)
        return False

    async def confirm_and_delete(self, record: Record) -> bool:
        """Asks first, naming the record; then deletes it. Returns whether it was deleted."""
        box = QMessageBox(QMessageBox.Icon.Warning, f"Delete {self.spec.noun}",
                          f"Delete {self.spec.noun} {self.spec.title_of(record)} from {self.vendor_name}?",
                          QMessageBox.StandardButton.Cancel, self.window())
        box.setObjectName("confirmDelete")
        box.setInformativeText(f"This deletes it in {self.vendor_name} (account “{self.account.label}”). "
                               f"You can undo it for {self.undo_seconds:.0f} seconds; after that it cannot be "
                               "undone." + (f"\n\n{self.spec.delete_warning}" if self.spec.delete_warning else ""))
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        await dialog_result(box)
        confirmed = box.clickedButton() is delete
        box.deleteLater()
        if not confirmed:
            return False
        self.hold_delete(record)
        return True

    # -- what the window may ask (intent methods: the window never reaches into the model or forms) --

    @property
    def busy(self) -> bool:
        """Whether the list is loading a page."""
        return self.model.loading

    def set_page_size(self, rows: int) -> None:
        """Rows asked per page from the next load on."""
        self.model.page_size = rows

    def has_open_forms(self) -> bool:
        """Whether a form of this list is open (saved or not)."""
        return bool(self.forms)

    def unsaved_forms(self) -> list[RecordForm]:
        """Open forms of this list with changes that are not saved."""
        return [form for form in self.forms if form.isVisible() and form.is_dirty()]

    def pending_count(self) -> int:
        """Deletes of this list held behind "Undo"."""
        return len(self.pending)

    def count_text(self) -> str:
        """The loaded-rows text ("50 loaded, more available")."""
        return self.model.count_text()

    def refresh_if_loaded(self) -> None:
        """Reloads a list that shows rows or an error (its address changed); an untouched list waits."""
        if self.model.rowCount() or self.model.error is not None:
            self.refresh()

    def refresh_if_failed_or_empty(self) -> None:
        """Reloads a list that failed or came back empty (its secret changed)."""
        if self.model.error is not None or self.model.rowCount() == 0:
            self.refresh()

    # -- undoable deletes ---------------------------------------------------------------------------

    #: Seconds a confirmed delete waits (behind "Undo") before it is sent.
    undo_seconds = 5.0

    def hold_delete(self, record: Record) -> None:
        """Takes the row out now and sends the delete after :attr:`undo_seconds`, unless undone."""
        row = self.model.row_of(record.id)
        self.model.remove_record(record.id)
        self.detail.show_record(self.spec, self.current_record())
        self._update_buttons()

        async def later() -> None:
            await asyncio.sleep(self.undo_seconds)
            await self._send_delete(record.id)

        self.pending[record.id] = PendingDelete(record, row, time.monotonic() + self.undo_seconds,
                                                self.tasks.spawn(later()))
        self._undo_tick.start()
        self._show_undo()

    def undo_delete(self, record_id: str | None = None) -> bool:
        """Brings back a held record (the latest when no id is given); False when none is held."""
        if not self.pending:
            return False
        record_id = record_id or list(self.pending)[-1]
        held = self.pending.pop(record_id, None)
        if held is None:
            return False
        held.task.cancel()
        row = self.model.insert_record(held.record, held.row if held.row >= 0 else 0)
        self.table.selectRow(row)
        self._show_undo()
        self.statusMessage.emit(f"Kept {self.spec.noun} {self.spec.title_of(held.record)}: the delete was undone.")
        return True

    async def flush_deletes(self) -> int:
        """Sends every held delete now (Delete now, or the app is closing); returns how many failed."""
        failed = 0
        for record_id in list(self.pending):
            held = self.pending.get(record_id)
            if held is not None:
                held.task.cancel()
                failed += not await self._send_delete(record_id)
        return failed

    def drop_pending(self) -> int:
        """Forgets the held deletes without sending them (closing without deleting); returns how many."""
        count = len(self.pending)
        for held in self.pending.values():
            held.task.cancel()
        self.pending.clear()
        self._show_undo()
        return count

    async def _send_delete(self, record_id: str) -> bool:
        held = self.pending.pop(record_id, None)
        self._show_undo()
        if held is None:
            return True
        if not await self.delete(held.record):  # refused: the record is still there, so is its row
            self.model.insert_record(held.record, held.row if held.row >= 0 else 0)
            return False
        return True

    def _show_undo(self) -> None:
        if not self.pending:
            self.undo_bar.hide()
            self._undo_tick.stop()
            return
        latest = list(self.pending.values())[-1]
        left = max(0, math.ceil(min(p.deadline for p in self.pending.values()) - time.monotonic()))
        if len(self.pending) == 1:
            title = self.spec.title_of(latest.record)
            text = f"Deleted {self.spec.noun} {title}: the delete goes to {self.vendor_name} in {left} s."
        else:
            text = f"{len(self.pending)} deletes are waiting; the next goes to {self.vendor_name} in {left} s."
        self.undo_text.setText(text)
        self.undo_bar.show()

    # -- safe mode ----------------------------------------------------------------------------------

    def set_read_only(self, on: bool) -> None:
        """Safe mode: every write (new, edit, delete, record actions that change data) is hidden."""
        self.read_only = on
        self.read_only_label.setVisible(on)
        self.new_button.setVisible(self.spec.can_create and not on)
        self.edit_button.setVisible(self.spec.can_edit and not on)
        self.delete_button.setVisible(self.spec.can_delete and not on)
        for action in self.spec.actions:
            self.action_buttons[action.key].setVisible(action.opens is not None or not on)

    def _refuse_if_read_only(self) -> bool:
        if self.read_only:
            self.statusMessage.emit(f"“{self.account.label}” is read-only: turn safe mode off in File > Accounts "
                                    "to change its data.")
        return self.read_only

    async def delete(self, record: Record) -> bool:
        """Deletes without asking (after the confirmation)."""
        try:
            await self.datasets.delete(self.account.id, record)
        except WriteOutcomeUnknown as exc:
            return await self._delete_outcome_unknown(record, exc)
        except NotFound:
            self.model.remove_record(record.id)
            self.statusMessage.emit(f"{self.spec.noun.capitalize()} {self.spec.title_of(record)} was already gone.")
            return True
        except ConsoleError as exc:
            show_error(self.window(), exc, f"Deleting {self.spec.noun}")
            if isinstance(exc, CREDENTIAL_ERRORS):
                self.credentialsNeeded.emit(self.account.id)
            return False
        self.model.remove_record(record.id)
        self.detail.show_record(self.spec, self.current_record())
        self._update_buttons()
        self.statusMessage.emit(f"Deleted {self.spec.noun} {self.spec.title_of(record)}.")
        return True

