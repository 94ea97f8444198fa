"""One dataset of one account: filter bar, lazily loaded table, detail pane, create/edit/delete.

:class:`DatasetView` is the composition: the table and its model, the filter bar, the detail pane,
the :class:`~console.ui.banners.ErrorBanner` (a failed page), the
:class:`~console.ui.delete_queue.DeleteQueue` with its undo bar (deletes held behind "Undo"), the
:class:`~console.ui.record_editor.RecordEditor` (forms, saves, record actions, deletes) and the
:class:`~console.ui.view_layout.ViewLayout` (remembered columns and sort). What the window may ask of
a list is here as intent methods, so the window never reaches into the parts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QItemSelection, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.core.errors import ConsoleError
from console.core.models import DatasetSpec, Page, Query, Record, RecordAction
from console.core.settings import AccountConfig
from console.services.datasets import DatasetService
from console.ui.banners import ErrorBanner, NotesBar
from console.ui.copy_list import CopyList, needs_reload
from console.ui.delete_queue import DeleteQueue, PendingDelete, UndoBar, confirm_delete
from console.ui.detail import DetailPane
from console.ui.forms import RecordForm
from console.ui.layout import LayoutStore
from console.ui.list_navigation import ListNavigator
from console.ui.list_query import ListQuery
from console.ui.qtasync import TaskSet
from console.ui.record_buttons import RecordButtons
from console.ui.record_editor import RecordEditor
from console.ui.record_table import RecordTable
from console.ui.table_model import PagedTableModel
from console.ui.view_layout import ViewLayout


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

    #: Seconds a confirmed delete waits behind "Undo"; None: Edit > Settings decides (tests set their own).
    undo_seconds: float | None = None

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
        self._anchor: str | None = None  # the record at the top of the view while the rows are read again
        self._reread_rows = False  # the copy changed while a page was on its way: its rows are read again after

        self.buttons = RecordButtons(spec)
        # The parts' widgets, as tests, scenes and the window know them.
        b = self.buttons
        self.new_button, self.edit_button, self.delete_button = b.new_button, b.edit_button, b.delete_button
        self.refresh_button, self.action_buttons, self.read_only_label = (b.refresh_button, b.action_buttons,
                                                                          b.read_only_label)
        self.new_button.clicked.connect(lambda: self.tasks.spawn(self.open_form(None)))
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.refresh_button.clicked.connect(self.refresh)  # F5's
        for action in spec.actions:
            self.action_buttons[action.key].clicked.connect(lambda _c=False, a=action: self._run_current(a))

        self.banner = ErrorBanner()
        self.banner.retryClicked.connect(self._retry)
        self.banner.credentialsClicked.connect(lambda: self.credentialsNeeded.emit(self.account.id))
        self.banner_text, self.retry_button = self.banner.text, self.banner.retry_button
        self.credentials_button, self.reference_button = self.banner.credentials_button, self.banner.reference_button
        self.notes_bar = NotesBar()

        self.model = PagedTableModel(spec.columns, self._fetch, page_size, self, whole=spec.arrives_whole)
        self.table = RecordTable(self.model, spec, account.fields)
        self.badges = self.table.badges
        header = self.table.horizontalHeader()
        header.customContextMenuRequested.connect(lambda pos: self.choose_columns(header.mapToGlobal(pos)))
        self.table.selectionModel().selectionChanged.connect(self._follow_selection)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.detail = DetailPane()
        self.detail.copied.connect(self.statusMessage)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 340])
        self.list_query = ListQuery(datasets, account, vendor_name, spec, header, self.tasks, self)
        self.list_query.changed.connect(self.reload)
        self.filters = self.list_query.filters
        self.view_layout = ViewLayout(layout_store, account, spec, self.table, self.splitter, self)
        self.list_query.query = self.view_layout.restore(self.list_query.query)
        # End/Ctrl+End, Jump to now, the selection kept across reloads, rows in time order by the instant.
        self.navigator = ListNavigator(self.table, self.list_query, self.tasks, self)
        self.navigator.statusMessage.connect(self.statusMessage)
        # Read from the account's local copy once complete: any column sorts, freshness said (issue 17).
        self.copy_list = CopyList(datasets, account, vendor_name, spec, self.list_query, self.model, self.tasks, self)
        self.copy_list.reloadWanted.connect(self._reload_from_copy)
        self.copy_list.recordRead.connect(self.model.replace_record)
        self.copy_list.recordGone.connect(self.forget_record)
        self.copy_list.statusMessage.connect(self.statusMessage)
        self.navigator.copy_backed = lambda: self.copy_list.from_copy
        self.navigator.runner.run_page = self.copy_list.run_page
        self.navigator.end_window = self.copy_list.end_window
        self.navigator.runner.exact_total = lambda: self.copy_list.from_copy
        self.model.modelReset.connect(self._follow_selection)  # the rows went: the detail pane follows
        self.model.rowsRemoved.connect(self._follow_selection)  # never a record the list no longer holds

        self.editor = RecordEditor(datasets, account, vendor_name, spec, self.tasks, self, self)
        self.editor.credentialsNeeded.connect(self.credentialsNeeded)
        self.editor.openRequested.connect(self.openRequested)
        self.editor.context = lambda: self.query.active_filters()  # a new record starts from the list's filters
        # Deletes wait behind this bar for a few seconds before they are sent (Undo brings the row back).
        self.undo_bar = UndoBar()
        self.undo_text, self.undo_button = self.undo_bar.text, self.undo_bar.undo_button
        self.send_now_button = self.undo_bar.send_now_button
        self.deletes = DeleteQueue(spec, vendor_name, self.model, self.delete, self.tasks, self.undo_bar, self,
                                   place=f"{spec.label}, {account.label}")
        self.deletes.restored.connect(self.table.selectRow)
        for part in (self.list_query, self.view_layout, self.editor, self.deletes):
            part.statusMessage.connect(self.statusMessage)

        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        self._build_layout()

        self.refreshes = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(max(1, spec.refresh_seconds) * 1000)
        self._refresh_timer.timeout.connect(self._auto_refresh)
        self.model.countChanged.connect(self._on_count_changed)
        self.model.dataChanged.connect(self._on_rows_changed)
        self.model.pageFailed.connect(self._on_page_failed)
        self.model.loadingChanged.connect(self._on_loading_changed)
        self.model.notesChanged.connect(lambda: self.notes_bar.set_notes(self.model.notes))
        self.buttons.updated_label.watch(self.model)  # a live list says when its rows last came
        self._update_buttons()

    def _build_layout(self) -> None:
        # Filters on one row, the record's buttons on the next: the view stays usable in a window as
        # narrow as a laptop's (side by side they needed 1,270 px for Setster's appointments).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if self.filters is not None:
            layout.addWidget(self.filters)
        layout.addWidget(self.buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.notes_bar)
        layout.addWidget(self.navigator.bar)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.copy_list.stamp)
        layout.addLayout(footer)

    # -- layout -------------------------------------------------------------------------------------

    def save_layout(self) -> None:
        """Remembers columns, sort and the detail pane's width for this dataset."""
        self.view_layout.save(self.query)

    def reset_layout(self) -> None:
        """Back to the default columns, sort and detail pane."""
        self.view_layout.reset()
        if self.list_query.reset_sort() and self._activated:
            self.reload()

    def choose_columns(self, where: QPoint | None = None) -> QMenu:
        """The column menu (right click on the header, or View > Columns): show, hide, reset."""
        return self.view_layout.choose_columns(self, where)

    # -- lifecycle ----------------------------------------------------------------------------------

    def activate(self) -> None:
        """Loads the first page the first time the view is shown, and the filters' choices every time.

        Choices come from the service's cache, which forgets a dataset when it is edited, so a tag
        created in the Tags tab is offered in the Contacts filter the next time that tab is shown.
        """
        self.list_query.load_choices()
        self.copy_list.listen()  # the window's copies may have come after the view
        if self._activated:
            return
        self._activated = True
        self.model.start()

    def close_view(self) -> None:
        """Stops background work (the account was removed or the app quits)."""
        self._refresh_timer.stop()
        self.copy_list.stop()
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
        self.banner.hide()
        self.model.reload_in_place()

    def filter_to(self, filters: dict[str, str]) -> None:
        """Shows only what matches these filters (another view's "Show ..." action)."""
        self.list_query.filter_to(filters)

    def go_to_end(self) -> None:
        """Ctrl+End: loads the rest of the list (progress and Cancel) and selects its last row."""
        self.navigator.go_to_end()

    def go_to_top(self) -> None:
        """Ctrl+Home: selects the first row."""
        self.navigator.go_to_top()

    def jump_to_now(self) -> None:
        """Selects the next booking, the first at or after now (loading pages as needed)."""
        self.navigator.jump_to_now()

    def refresh(self) -> None:
        """F5 and Refresh: a list read from its local copy has the copy refreshed now, then its rows in place.

        Any other list (live from the vendor) reloads from its first page.
        """
        if self.copy_list.refresh():
            self.banner.hide()
            return
        self.reload()

    def reload(self) -> None:
        """Reloads from the first page with the current query."""
        self.banner.hide()
        self._reread_rows = False
        self.model.reset()

    def _reload_from_copy(self) -> None:
        """The rows shown are read again from the copy, in place (it became complete, or changed).

        The selected record stays selected and the record at the top of the view stays there.
        """
        if not self._activated:
            return  # a tab nobody opened loads from the copy when it is opened
        selected = self.current_record()
        if selected is not None:
            self._reselect = selected.id  # when the rows come back in another order
        if self.model.loading:  # the page on its way goes in first (no reset under the person's eyes)
            self._reread_rows = True
            return
        # The rows down to the last one in view or selected, a page more (and those held behind "Undo",
        # which the page leaves out): the same records come back as the same rows, so only their cells
        # change; rows further down go and come back from the copy as the list is scrolled (a list of
        # thousands re-read whole would hold the window up).
        shown = self.model.rowCount()
        bottom = self.table.rowAt(max(0, self.table.viewport().height() - 1))
        needed = max(bottom if bottom >= 0 else shown - 1, self.model.row_of(selected.id) if selected else -1)
        rows = (min(shown, needed + 1 + self.model.page_size) + len(self.pending)) or self.model.page_size
        if (opened := self.copy_list.window()) is not None:  # opened at its end: the same rows again
            self.model.reset(start=opened[0], base=opened[1], limit=rows)
            return
        top = self.table.rowAt(0)
        anchor = self.model.record(top) if top > 0 else None
        self._anchor = anchor.id if anchor is not None else None
        self.model.reload_in_place(rows)

    async def _fetch(self, cursor: Any, limit: int) -> Page[Record]:
        first = cursor is None
        from_copy = self.copy_list.before_first_page() if first else self.copy_list.reads_copy(cursor)
        page = await self.datasets.list_page(self.account.id, self.spec.name, self.query, cursor, limit)
        if first:
            self.copy_list.came(from_copy)
        if self.pending:  # a record whose delete is held stays out of a refreshed list
            page = dataclasses.replace(page, items=[r for r in page.items if r.id not in self.pending])
        return page

    # -- query --------------------------------------------------------------------------------------

    @property
    def query(self) -> Query:
        """What the list asks the vendor for (filters and order)."""
        return self.list_query.query

    def sort_by(self, sort_key: str, descending: bool) -> None:
        """Asks the vendor for a new order and reloads."""
        self.list_query.sort_by(sort_key, descending)

    def _on_header_clicked(self, section: int) -> None:  # what a click on the header does (tests call it)
        self.list_query.header_clicked(section)

    # -- state --------------------------------------------------------------------------------------

    def reveal(self, record: Record) -> None:
        """Selects a record found elsewhere (the lookup): its row when loaded (as read), else it is put first."""
        row = self.model.replace_record(record)
        if row < 0:
            row = self.model.insert_record(record)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._follow_selection()
        self.table.setFocus()

    def current_record(self) -> Record | None:
        """The selected record."""
        return self.table.current_record()

    def _follow_selection(self, *_args: QItemSelection) -> None:
        """The detail pane and the buttons follow the selected record (read fresh when it came from the copy)."""
        record = self.current_record()
        self.detail.show_record(self.spec, record)
        self.copy_list.selected(record)
        self._update_buttons()

    def _on_rows_changed(self, *_args: object) -> None:
        """A live refresh or a write changed cells: the detail pane follows the selected record."""
        record = self.current_record()
        if record != self.detail.record:  # a changed record, or none selected any more: an empty pane
            self.detail.show_record(self.spec, record)
            self._update_buttons()

    def _update_buttons(self) -> None:
        self.buttons.update_for(self.current_record())

    def _on_count_changed(self, text: str) -> None:
        self.count_label.setText(text)
        self.countChanged.emit(text)
        if self._reselect is not None and not self.model.loading:
            row = self.model.row_of(self._reselect)
            self._reselect = None
            if row >= 0:
                self.table.selectRow(row)
        if self._anchor is not None and not self.model.loading:
            row = self.model.row_of(self._anchor)
            self._anchor = None
            if row >= 0:  # the view stays where it was, new rows above it or not
                self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def _on_loading_changed(self, loading: bool) -> None:
        self.refresh_button.setEnabled(not loading or self.model.rowCount() > 0)
        if not loading and self._reread_rows:
            self._reread_rows = False
            QTimer.singleShot(0, self, self._reload_from_copy)  # once the page's own signals are out

    def _on_page_failed(self, error: ConsoleError) -> None:
        self.banner.show_page_error(error, first_page=self.model.rowCount() == 0)

    def _retry(self) -> None:
        self.banner.hide()
        if self.model.rowCount() == 0 or needs_reload(self.model.error):
            self.model.reset()
        else:
            self.model.retry()

    # -- edits --------------------------------------------------------------------------------------

    def edit_current(self) -> None:
        """Opens the edit form of the selected record (F2, Enter, double-click)."""
        self.editor.edit(self.current_record())

    def delete_current(self) -> None:
        """Deletes the selected record after asking (Del)."""
        self.editor.ask_delete(self.current_record())

    def new_record(self) -> None:
        """Opens an empty form (Ctrl+N); says so when the vendor cannot create here."""
        self.editor.create()

    def focus_filter(self) -> None:
        """Puts the cursor in the list's search box (Ctrl+F)."""
        if not self.list_query.focus_search():
            self.statusMessage.emit(f"{self.spec.label} has no search in {self.vendor_name}.")

    def copy_cells(self) -> None:
        """Copies the selected rows' cells, as shown, as tab-separated text (Ctrl+C in the table)."""
        self.statusMessage.emit(self.table.copy_cells())

    def copy_record_json(self) -> None:
        """Copies every field of the selected record as JSON (Ctrl+Shift+C)."""
        self.statusMessage.emit(self.table.copy_record_json(self.spec.noun))

    # -- forms and record actions (the record editor) -----------------------------------------------

    @property
    def forms(self) -> list[RecordForm]:
        """The open forms of this list (create, edit, record actions)."""
        return self.editor.forms

    def make_form(self, record: Record | None) -> RecordForm:
        """Builds the create/edit form and starts loading its choices."""
        return self.editor.make_form(record)

    async def open_form(self, record: Record | None) -> None:
        """Opens the create/edit form and waits until it closes."""
        await self.editor.open_form(record)

    async def run_action(self, record: Record, action: RecordAction) -> bool:
        """Runs a record action: its form first if it has one, then the vendor's questions."""
        return await self.editor.run_action(record, action)

    async def delete(self, record: Record) -> bool:
        """Deletes without asking (after the confirmation); returns whether the record is gone."""
        return await self.editor.delete(record)

    def _run_current(self, action: RecordAction) -> None:
        self.editor.run_on(self.current_record(), action)

    def show_written(self, record: Record, *, created: bool, add_if_missing: bool) -> None:
        """Puts a written record in the table (first when new), selects and shows it (the editor's host)."""
        row = self.model.insert_record(record) if created else self.model.replace_record(record)
        if row < 0 and add_if_missing:
            row = self.model.insert_record(record)
        if row >= 0:
            self.table.selectRow(row)
        self.detail.show_record(self.spec, record if row >= 0 else self.current_record())
        self._update_buttons()

    def forget_record(self, record_id: str) -> None:
        """Takes a deleted record's row out; the detail pane follows the selection (the editor's host)."""
        self.model.remove_record(record_id)
        self._follow_selection()

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
        return len(self.deletes)

    def count_text(self) -> str:
        """The loaded-rows text ("50 loaded, more available")."""
        return self.model.count_text()

    def refresh_if_loaded(self) -> None:
        """Reloads a list that shows rows or an error (its address changed); an untouched list waits."""
        if self.model.rowCount() or self.model.error is not None:
            self.reload()

    def refresh_if_failed_or_empty(self) -> None:
        """Reloads a list that failed or came back empty (its secret changed)."""
        if self.model.error is not None or self.model.rowCount() == 0:
            self.reload()

    # -- undoable deletes (the delete queue) --------------------------------------------------------

    @property
    def pending(self) -> dict[str, PendingDelete]:
        """The deletes held behind "Undo", by record id, oldest first."""
        return self.deletes.pending

    async def confirm_and_delete(self, record: Record) -> bool:
        """Asks first, naming the record; then holds its delete. Returns whether the user chose Delete."""
        if not await confirm_delete(self.window(), self.spec, self.account, self.vendor_name, record,
                                    self.undo_seconds):
            return False
        self.hold_delete(record)
        return True

    def hold_delete(self, record: Record) -> None:
        """Takes the row out now and sends the delete after :attr:`undo_seconds`, unless undone."""
        self.deletes.hold(record, self.undo_seconds)
        self._follow_selection()

    def undo_delete(self, record_id: str | None = None) -> bool:
        """Brings back a held record (the latest when no id is given); False when none is held."""
        return self.deletes.undo(record_id)

    async def flush_deletes(self) -> int:
        """Sends every held delete now (Delete now, or the app is closing); returns how many failed."""
        return await self.deletes.flush()

    def drop_pending(self) -> int:
        """Forgets the held deletes without sending them (closing without deleting); returns how many."""
        return self.deletes.drop()

    # -- safe mode ----------------------------------------------------------------------------------

    def set_read_only(self, on: bool) -> None:
        """Safe mode: every write (new, edit, delete, record actions that change data) is hidden."""
        self.editor.read_only = on
        self.buttons.set_read_only(on)
