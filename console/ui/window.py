"""The main window: accounts on the left, the account's datasets as tabs, a status bar."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSize, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

from console import __version__
from console.core.constants import APP_NAME
from console.ui.qtasync import TaskSet, dialog_result
from console.ui.status import ThrottledLabel

if TYPE_CHECKING:
    import asyncio
    from pathlib import Path

    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem, QWidget

    # The window is built and painted before these are imported (startup time, design.md).
    from console.core.errors import ConfigError, ConsoleError
    from console.core.settings import AccountConfig
    from console.http.ratelimit import RateLimitSnapshot
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService
    from console.services.lookup import Hit
    from console.ui.account_page import AccountPage
    from console.ui.accounts_manager import AccountsManager
    from console.ui.dataset_view import DatasetView
    from console.ui.export import ExportJob
    from console.ui.forms import RecordForm
    from console.ui.lookup import LookupController
    from console.ui.memory import IdleCollector
    from console.ui.observer import QtHttpObserver
    from console.ui.preferences import Preferences

#: Qt.ItemDataRole.UserRole + 1, as a plain number. Even importing ``Qt`` creates its ~100 enums
#: (about 28 ms), which the first paint does not wait for: this module imports it only in the methods
#: that run after the paint (tests check the value).
ACCOUNT_ROLE = 257
DEFAULT_SIZE = (1360, 820)
DEFAULT_SPLIT = [220, 1140]


class MainWindow(QMainWindow):
    """The console's window.

    Signals:
        closed(): The window was closed (the app quits).
        accountChanged(str): Another account was selected (account id).
        accountsChanged(): An account was added, renamed, moved, switched to read-only or removed.
    """

    closed = Signal()
    accountChanged = Signal(str)
    accountsChanged = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        from console.ui.layout import LayoutStore

        self.layout_store = LayoutStore()
        geometry = self.layout_store.state("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        self.accounts: AccountService | None = None
        self.datasets: DatasetService | None = None
        self.observer: QtHttpObserver | None = None
        self.tasks = TaskSet("main window")
        self.pages: dict[str, AccountPage] = {}
        self._current_account: str | None = None
        self._wait_until: dict[str, float] = {}
        self._pending_settled = False  # the held deletes were sent or dropped: closing may go on
        self._edits_settled = False  # unsaved edits were discarded: closing may go on
        self._closing_ask: asyncio.Task[bool] | None = None
        self.accounts_manager: AccountsManager | None = None  # File > Accounts, built on first use
        self.collector: IdleCollector | None = None  # full collections at quiet moments, from attach()

        self._built = False
        self.stack = QStackedWidget()
        self.welcome = QLabel("Starting…")
        self.welcome.setObjectName("welcome")
        self.welcome.setWordWrap(True)
        self.stack.addWidget(self.welcome)
        self.setCentralWidget(self.stack)
        self.activity = ThrottledLabel("Idle")
        self.activity.setObjectName("activityLabel")
        self.quota = ThrottledLabel("")
        self.quota.setObjectName("quotaLabel")
        self.count = ThrottledLabel("")
        self.count.setObjectName("statusCount")
        status = self.statusBar()
        status.addPermanentWidget(self.count)
        status.addPermanentWidget(self.quota)
        status.addPermanentWidget(self.activity)

    def build(self) -> None:
        """Builds the sidebar, menus and timers (after the first paint; idempotent)."""
        if self._built:
            return
        self._built = True
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QTreeWidget, QVBoxLayout, QWidget

        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tree = QTreeWidget()
        self.tree.setObjectName("accountTree")
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(16, 16))
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        self.add_button = QPushButton("Add account…")
        self.add_button.setObjectName("addAccountButton")
        self.add_button.clicked.connect(lambda: self.tasks.spawn(self.add_account()))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeAccountButton")
        self.remove_button.clicked.connect(self._remove_current)
        sidebar = QWidget()
        side_layout = QVBoxLayout(sidebar)
        side_layout.setContentsMargins(6, 6, 0, 6)
        title = QLabel("Accounts")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        side_layout.addWidget(title)
        side_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        side_layout.addLayout(buttons)

        from console.ui.lookup import LookupBox, LookupPanel

        # The lookup: a box above everything, its results above the account's tabs while in use.
        self.lookup_box = LookupBox()
        self.lookup_panel = LookupPanel()
        self.lookup_panel.setVisible(False)
        self.lookup_box.focused.connect(self.open_lookup)
        self.lookup_box.textEdited.connect(lambda _text: self.open_lookup())
        self.lookup_box.escaped.connect(self.close_lookup)
        self.lookup_box.down.connect(self._focus_lookup_results)
        self.lookup_panel.closeRequested.connect(self.close_lookup)
        self.lookup_panel.openRequested.connect(self.open_hit)
        toolbar = self.addToolBar("Lookup")
        toolbar.setObjectName("lookupToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.lookup_box)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.lookup_panel)
        self.takeCentralWidget()
        self.right.addWidget(self.stack)
        self.right.setStretchFactor(1, 1)
        self.right.setChildrenCollapsible(False)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(sidebar)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes(DEFAULT_SPLIT)
        self.main_splitter = splitter
        saved_split = self.layout_store.state("window/splitter")
        if saved_split is not None:
            splitter.restoreState(saved_split)
        self.setCentralWidget(splitter)
        self.lookup: LookupController | None = None

        from console.ui.export import ExportBar

        self.export_bar = ExportBar()
        self.statusBar().insertPermanentWidget(0, self.export_bar)
        self.export_job: ExportJob | None = None

        from console.ui.preferences import PreferencesStore

        self.preferences_store = PreferencesStore()
        self.preferences = self.preferences_store.load()

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh_quota)
        self._tick.start()
        self._build_menus()
        self._update_account_buttons()

    # -- setup --------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        from console.ui.actions import ActionRegistry, ActionSpec

        self.registry = registry = ActionRegistry(self)

        def on_view(method: str) -> Callable[[], None]:
            def run() -> None:
                view = self.current_view()
                if view is None:
                    self.statusBar().showMessage("Open an account first.", 4000)
                    return
                getattr(view, method)()
            return run

        def spawn_add() -> None:
            self.tasks.spawn(self.add_account())

        specs = [
            ActionSpec("account.add", "&Add account…", "File", spawn_add, ("Ctrl+Shift+N",),
                       tip="Connect another vendor account"),
            ActionSpec("account.remove", "&Remove account…", "File", self._remove_current,
                       tip="Forget the selected account and its keychain entry"),
            ActionSpec("account.manage", "A&ccounts…", "File", self.open_accounts_manager, ("Ctrl+Shift+A",),
                       tip="Rename accounts, change base URLs, enter secrets again, see each account's state"),
            ActionSpec("account.read_only", "Read-&only (safe mode)", "File", self._toggle_read_only,
                       checkable=True, tip="Hide every change (new, edit, delete) for the selected account"),
            ActionSpec("file.export", "&Export this list…", "File", self.export_current, ("Ctrl+E",),
                       tip="Save the current list, with its filters and order, as CSV or JSON Lines"),
            ActionSpec("app.quit", "&Quit", "File", self.close, ("Ctrl+Q",)),
            ActionSpec("lookup.open", "&Look up in every account…", "Edit", self._lookup_shortcut, ("Ctrl+K",),
                       tip="Find an email, a phone number, a name or an id in every account"),
            ActionSpec("view.filter", "&Filter this list", "Edit", on_view("focus_filter"), ("Ctrl+F",),
                       tip="Put the cursor in the current list's search box"),
            ActionSpec("app.settings", "&Settings…", "Edit", self.open_settings, ("Ctrl+,",),
                       tip="Page size, timeout, retries, phone region, theme, log"),
            ActionSpec("record.new", "&New record…", "Record", on_view("new_record"), ("Ctrl+N",),
                       tip="Create a record in the current list"),
            ActionSpec("record.edit", "&Edit record…", "Record", on_view("edit_current"), ("F2", "Return", "Enter"),
                       table_scoped=True, tip="Edit the selected record"),
            ActionSpec("record.delete", "&Delete record…", "Record", on_view("delete_current"), ("Delete",),
                       table_scoped=True, tip="Delete the selected record (asks first)"),
            ActionSpec("record.undo_delete", "&Undo delete", "Record", self.undo_delete, ("Ctrl+Z",),
                       tip="Bring back the record deleted last, while its delete still waits"),
            ActionSpec("record.copy_cells", "&Copy cells", "Record", on_view("copy_cells"), ("Ctrl+C",),
                       table_scoped=True, tip="Copy the selected rows as tab-separated text"),
            ActionSpec("record.copy_json", "Copy record as &JSON", "Record", on_view("copy_record_json"),
                       ("Ctrl+Shift+C",), tip="Copy every field of the selected record as JSON"),
            ActionSpec("view.refresh", "&Refresh", "View", self._refresh_current, ("F5",),
                       tip="Load the current list again"),
            ActionSpec("view.palette", "Command &palette…", "View", self.open_palette, ("Ctrl+Shift+P",),
                       tip="Every command by name"),
            ActionSpec("view.columns", "&Columns…", "View", on_view("choose_columns"), ("Ctrl+Shift+L",),
                       tip="Show, hide or reset the current list's columns (or right-click its header)"),
            ActionSpec("view.close_account", "Close this account's &lists", "View", self.close_current_account,
                       ("Ctrl+W",), tip="Free the memory of the account's loaded lists; they load again when "
                       "you come back"),
            ActionSpec("view.reset_layout", "Reset &layout", "View", self.reset_layout,
                       tip="Default columns, sorts, panes and window size everywhere"),
            ActionSpec("view.requests", "Re&quests…", "View", self.open_inspector, ("F12",),
                       tip="Every request of this session, with headers and bodies (secrets masked)"),
        ]
        def tab(number: int) -> Callable[[], None]:
            return lambda: self.go_to_tab(number)

        for number in range(1, 10):
            specs.append(ActionSpec(f"view.tab{number}", f"Tab {number}", "", tab(number), (f"Ctrl+{number}",),
                                    tip=f"Show the account's tab number {number}"))
        specs += [
            ActionSpec("help.shortcuts", "&Keyboard shortcuts", "Help", self.show_shortcuts, ("F1",)),
            ActionSpec("help.logs", "Open &log folder", "Help", self.open_log_folder,
                       tip="The folder of the console's log files (secrets are masked in them)"),
            ActionSpec("help.about", "&About Vendor Console", "Help", self._about),
        ]
        for spec in specs:
            registry.add(spec)
        self.remove_action = registry.actions["account.remove"]
        self.read_only_action = registry.actions["account.read_only"]
        self.demo_menu = registry.menu("Demo")
        self.demo_menu.menuAction().setVisible(False)
        registry.menu("File").insertSeparator(registry.actions["app.quit"])

    def _lookup_shortcut(self) -> None:
        from PySide6.QtCore import Qt

        self.lookup_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.lookup_box.selectAll()
        self.open_lookup()

    def open_palette(self) -> None:
        """Opens the command palette."""
        from PySide6.QtCore import Qt

        from console.ui.actions import CommandPalette

        palette = CommandPalette(self.registry, self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        palette.open()
        palette.activateWindow()
        palette.search.setFocus()

    def export_current(self) -> None:
        """File > Export: asks for a file, then exports the current list into it."""
        self.tasks.spawn(self.export_view())

    async def export_view(self, path: Path | None = None) -> ExportJob | None:
        """Exports the current list (its filters and order) to ``path`` (asked for when ``None``)."""
        import asyncio
        import re

        from console.ui.export import ExportJob, choose_file
        from console.ui.messages import show_error

        view = self.current_view()
        if view is None or self.accounts is None or self.observer is None:
            self.statusBar().showMessage("Open an account's list first.", 5000)
            return None
        if self.export_job is not None and self.export_job.task is not None and not self.export_job.task.done():
            self.statusBar().showMessage("An export is already running: cancel it or wait for it to end.", 6000)
            return None
        if path is None:
            suggested = re.sub(r"[^\w.]+", "-", f"{view.account.label} {view.spec.name}").strip("-") + ".csv"
            path = await choose_file(self, suggested)
            if path is None:
                return None
        job = self.export_job = ExportJob(self.accounts, view, path, self.export_bar)
        self.observer.waitStarted.connect(job.counted_wait)
        job.finished.connect(lambda text: self.statusBar().showMessage(text, 20000))
        job.failed.connect(lambda exc: show_error(self, exc, "The export stopped."))
        job.task = self.tasks.spawn(job.run())
        try:
            await asyncio.shield(job.task)
        finally:
            self.observer.waitStarted.disconnect(job.counted_wait)
        return job

    def open_settings(self) -> None:
        """Edit > Settings."""
        self.tasks.spawn(self.edit_settings())

    async def edit_settings(self) -> bool:
        """Shows the settings and applies what the user accepts; returns whether they did."""
        from console.core.lookup import system_region
        from console.ui.lookup import REGIONS
        from console.ui.settings_dialog import SettingsDialog

        history = self.lookup.history if self.lookup is not None else None
        region = (history.region() if history is not None else "") or system_region()
        dialog = SettingsDialog(self.preferences, region, REGIONS, self)
        if await dialog_result(dialog) != dialog.DialogCode.Accepted:
            return False
        preferences, new_region = dialog.values()
        await self.apply_preferences(preferences)
        if self.lookup is not None and new_region != region:
            self.lookup.set_region(new_region)
        self.statusBar().showMessage("Settings saved and applied.", 5000)
        return True

    async def apply_preferences(self, preferences: Preferences) -> None:
        """Saves the preferences and applies them now."""
        import os

        from console.http.types import HttpSettings
        from console.ui.preferences import apply_log_level, apply_theme

        self.preferences = preferences
        self.preferences_store.save(preferences)
        apply_theme(preferences.theme)
        if not os.environ.get("VENDOR_CONSOLE_DEBUG"):
            apply_log_level(preferences.log_level)
        for page in self.pages.values():
            for view in page.views:
                view.model.page_size = preferences.page_size
        if self.accounts is not None:
            await self.accounts.apply_settings(HttpSettings(timeout=float(preferences.timeout),
                                                            max_attempts=preferences.retries + 1,
                                                            max_wait=self.accounts.settings.max_wait,
                                                            max_quota_wait=self.accounts.settings.max_quota_wait))

    def open_inspector(self) -> None:
        """View > Requests: the request inspector (one window, raised when open)."""
        from console.ui.inspector import RequestInspector

        if self.accounts is None or self.observer is None:
            return
        inspector = getattr(self, "inspector", None)
        accounts = [(a.id, a.label) for a in self.accounts.accounts()]
        if inspector is None:
            inspector = self.inspector = RequestInspector(self.accounts.request_log, accounts, self)
            self.observer.exchangeFinished.connect(inspector.add)
        else:
            inspector.set_accounts(accounts)
        inspector.show()
        inspector.raise_()
        inspector.activateWindow()

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts."""
        from PySide6.QtCore import Qt

        from console.ui.actions import ShortcutsDialog

        dialog = ShortcutsDialog(self.registry, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    def go_to_tab(self, number: int) -> None:
        """Shows the current account's tab ``number`` (1-based)."""
        page = self.current_page()
        if page is not None and 0 < number <= page.count():
            page.setCurrentIndex(number - 1)

    def add_demo_controls(self, set_unreliable: Callable[[bool], None],
                          expire_sessions: Callable[[], list[str]] | None = None,
                          set_confirmed_only: Callable[[bool], Awaitable[None]] | None = None) -> None:
        """Adds the Demo menu (shown only with the demo workspace; :mod:`console.ui.demo_menu`)."""
        from console.ui.demo_menu import add_demo_controls

        add_demo_controls(self, set_unreliable, expire_sessions, set_confirmed_only)

    def attach(self, accounts: AccountService, datasets: DatasetService, observer: QtHttpObserver) -> None:
        """Connects the services and shows the accounts."""
        self.build()
        self.accounts = accounts
        self.datasets = datasets
        self.observer = observer
        observer.inFlightChanged.connect(self._on_in_flight)
        observer.rateLimitChanged.connect(self._on_rate_limit)
        observer.waitStarted.connect(self._on_wait)
        observer.noticePosted.connect(lambda _account, text: self.statusBar().showMessage(text, 6000))
        from console.core.settings import LookupHistory
        from console.services.lookup import LookupService
        from console.ui.lookup import LookupController

        self.lookup = LookupController(self.lookup_box, self.lookup_panel, LookupService(accounts), LookupHistory(),
                                       self.account_order)
        self.populate_accounts(self.layout_store.text("window/account") or None)
        self.show_reset_notice()
        from console.ui.memory import IdleCollector

        self.collector = IdleCollector(self._busy, self)

    def _busy(self) -> bool:
        """Requests on their way or lists loading: no time for a full garbage collection."""
        return bool((self.observer is not None and self.observer.in_flight)
                    or any(view.model.loading for page in self.pages.values() for view in page.views))

    def show_reset_notice(self) -> QMessageBox | None:
        """Says what the console reset at startup (damaged files moved aside), once."""
        from PySide6.QtWidgets import QMessageBox

        from console.core.paths import config_dir
        from console.core.settings import take_problems

        problems = take_problems()
        if not problems:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "Some settings were reset",
                          "Vendor Console started, but some of its files could not be used:",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("resetNotice")
        box.setInformativeText("\n\n".join(problems) + f"\n\nThe damaged files are kept in {config_dir()}.")
        box.open()
        return box

    # -- lookup -------------------------------------------------------------------------------------

    def account_order(self) -> list[str]:
        """Account ids in the sidebar's order (the lookup lists them so)."""
        from console.services.catalog import vendors

        if self.accounts is None:
            return []
        return [a.id for spec in vendors() for a in self.accounts.accounts() if a.vendor == spec.id]

    def open_lookup(self) -> None:
        """Shows the lookup panel under the box (recent lookups when the box is empty)."""
        if self.lookup is None:
            return
        if not self.lookup_panel.isVisible():
            if not self.lookup_box.text().strip():
                self.lookup.show_history()
            self.lookup_panel.setVisible(True)
            self.right.setSizes([300, max(200, self.right.height() - 300)])

    def close_lookup(self) -> None:
        """Hides the panel; the results stay for the next Ctrl+K."""
        self.lookup_panel.setVisible(False)
        view = self.current_view()
        if view is not None:
            view.table.setFocus()

    def _focus_lookup_results(self) -> None:
        self.open_lookup()
        panel = self.lookup_panel
        target = panel.tree if panel.stack.currentWidget() is panel.tree else panel.history
        target.setFocus()
        if not target.currentIndex().isValid() and target.model() is not None and target.model().rowCount() > 0:
            target.setCurrentIndex(target.model().index(0, 0))

    def open_hit(self, hit: Hit) -> None:
        """Opens a lookup hit in its account's dataset tab, with the detail pane on it."""
        if self.accounts is None:
            return
        try:
            self.accounts.get(hit.account_id)
        except KeyError:
            self.statusBar().showMessage("That account was removed.", 6000)
            return
        page = self.select_account(hit.account_id)
        page.open_record(hit.dataset, hit.record)
        self.close_lookup()
        self.statusBar().showMessage(f"Opened {hit.noun} {hit.record.id} from the lookup.", 6000)

    def set_starting(self, text: str) -> None:
        """Shows what the app is doing before an account is open."""
        self.welcome.setText(text)
        self.stack.setCurrentWidget(self.welcome)

    # -- accounts -----------------------------------------------------------------------------------

    def populate_accounts(self, select: str | None = None) -> None:
        """Rebuilds the account tree, grouped by vendor; selects ``select`` or the first account."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QTreeWidgetItem

        from console.services.catalog import vendors
        from console.ui.icons import lock_icon

        assert self.accounts is not None
        select = select or self._current_account
        self.tree.blockSignals(True)
        self.tree.clear()
        target: QTreeWidgetItem | None = None
        first: QTreeWidgetItem | None = None
        for spec in vendors():
            accounts = [a for a in self.accounts.accounts() if a.vendor == spec.id]
            if not accounts:
                continue
            group = QTreeWidgetItem([spec.display_name])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for account in accounts:
                item = QTreeWidgetItem([account.label])
                item.setData(0, ACCOUNT_ROLE, account.id)
                tip = f"{spec.display_name} · {account.base_url}"
                if account.demo:
                    tip += "\nDemo workspace: a local emulator with made-up data."
                if account.session_only:
                    tip += "\nSecret kept for this run only (no keychain)."
                if account.allow_insecure:
                    tip += "\nInsecure: plain http:// allowed for this account."
                if account.read_only:
                    tip += "\nRead-only (safe mode): no new records, edits or deletes."
                    item.setIcon(0, lock_icon())
                item.setToolTip(0, tip)
                group.addChild(item)
                first = first or item
                if account.id == select:
                    target = item
            group.setExpanded(True)
        self.tree.blockSignals(False)
        pick = target or first
        if pick is not None:
            self.tree.setCurrentItem(pick)
            self._on_tree_current_changed(pick, None)
        else:
            self._current_account = None
            self.set_starting("No accounts yet. Use “Add account…” to connect one, or start with "
                              "“vendor-console --demo” to try the demo workspace.")
        self._update_account_buttons()

    def _on_tree_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        account_id = current.data(0, ACCOUNT_ROLE) if current is not None else None
        if not account_id:
            return
        self.select_account(str(account_id))

    def select_account(self, account_id: str) -> AccountPage:
        """Shows an account's tabs (built on first use)."""
        from console.services.catalog import vendor
        from console.ui.account_page import AccountPage

        assert self.accounts is not None
        assert self.datasets is not None
        page = self.pages.get(account_id)
        if page is None:
            page = AccountPage(self.datasets, self.accounts.get(account_id), self, self.layout_store,
                               self.preferences.page_size)
            tab = self.layout_store.text(f"tabs/{account_id}")
            with contextlib.suppress(KeyError):
                if tab:
                    page.setCurrentWidget(page.view(tab))
            page.currentChanged.connect(
                lambda _i, p=page, a=account_id: self.layout_store.set(f"tabs/{a}", p.current_view().spec.name)
                if p.current_view() is not None else None)
            for view in page.views:
                self.registry.attach_table(view.table)
                view.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
                view.countChanged.connect(self._on_view_count)
                view.credentialsNeeded.connect(lambda aid: self.tasks.spawn(self.enter_secret(aid)))
            page.currentChanged.connect(lambda _i: self._sync_count())
            self.pages[account_id] = page
            self.stack.addWidget(page)
        self._current_account = account_id
        self.layout_store.set("window/account", account_id)
        self._select_in_tree(account_id)
        self.setWindowTitle(f"{page.account.label} · {vendor(page.account.vendor).display_name} – {APP_NAME}")
        self.stack.setCurrentWidget(page)
        page.activate()
        self._sync_count()
        self._refresh_quota()
        self._update_account_buttons()
        self.accountChanged.emit(account_id)
        return page

    def close_current_account(self) -> None:
        """View > Close this account's lists (Ctrl+W)."""
        if self._current_account is not None:
            self.tasks.spawn(self.close_account_page(self._current_account))

    async def close_account_page(self, account_id: str) -> bool:
        """Closes an account's tabs and frees their rows (held deletes are sent first); returns whether it did."""
        page = self.pages.get(account_id)
        if page is None:
            return False
        for view in page.views:
            if view.forms:
                self.statusBar().showMessage("Close the open forms of this account first.", 6000)
                return False
        for view in page.views:
            await view.flush_deletes()
        for view in page.views:
            view.save_layout()
        self.pages.pop(account_id, None)
        page.close_page()
        self.stack.removeWidget(page)
        page.deleteLater()
        label = page.account.label
        if self._current_account == account_id:
            self._current_account = None
            self.tree.blockSignals(True)  # choosing it again on the left reopens it
            self.tree.clearSelection()
            self.tree.setCurrentIndex(QModelIndex())
            self.tree.blockSignals(False)
            self.set_starting(f"“{label}” is closed. Choose it on the left to open its lists again.")
            self._update_account_buttons()
        self.statusBar().showMessage(f"Closed the lists of “{label}”.", 5000)
        self._sync_count()
        return True

    def _select_in_tree(self, account_id: str) -> None:
        """Keeps the sidebar's selection on the account shown (also when chosen from code)."""
        current = self.tree.currentItem()
        if current is not None and current.data(0, ACCOUNT_ROLE) == account_id:
            return
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount() if group is not None else 0):
                item = group.child(j) if group is not None else None
                if item is not None and item.data(0, ACCOUNT_ROLE) == account_id:
                    self.tree.blockSignals(True)
                    self.tree.setCurrentItem(item)
                    self.tree.blockSignals(False)
                    return

    def current_page(self) -> AccountPage | None:
        """The visible account page."""
        from console.ui.account_page import AccountPage

        widget = self.stack.currentWidget()
        return widget if isinstance(widget, AccountPage) else None

    def current_view(self) -> DatasetView | None:
        """The visible dataset view."""
        page = self.current_page()
        return page.current_view() if page is not None else None

    def _update_account_buttons(self) -> None:
        account = self._account()
        can_remove = account is not None
        self.remove_button.setEnabled(can_remove)
        self.remove_action.setEnabled(can_remove)
        self.read_only_action.setEnabled(can_remove)
        self.read_only_action.blockSignals(True)  # shows the account's mode; only a person's click toggles it
        self.read_only_action.setChecked(account is not None and account.read_only)
        self.read_only_action.blockSignals(False)

    def _toggle_read_only(self) -> None:
        account = self._account()
        if account is not None:
            self.set_read_only(account.id, self.read_only_action.isChecked())

    def _save_account(self, account_id: str, **changes: Any) -> AccountConfig | ConfigError:
        """Applies and saves account changes, then redraws the sidebar and tells listeners.

        Returns:
            The account, or the error that kept it from being saved.
        """
        from console.core.errors import ConfigError

        assert self.accounts is not None
        try:
            account = self.accounts.update(account_id, **changes)
        except ConfigError as exc:
            return exc
        self.populate_accounts(select=self._current_account)
        self.accountsChanged.emit()
        return account

    def set_read_only(self, account_id: str, on: bool) -> None:
        """Safe mode for an account: its write actions hidden (on) or back (off), kept across restarts."""
        from console.core.errors import ConfigError
        from console.ui.messages import show_error

        account = self._save_account(account_id, read_only=on)
        if isinstance(account, ConfigError):
            show_error(self, account, "Saving the account")
            return
        page = self.pages.get(account_id)
        if page is not None:
            page.set_read_only(on)
        self.statusBar().showMessage(f"“{account.label}” is read-only now: changes are hidden." if on else
                                     f"“{account.label}” can be changed again.", 6000)

    def open_accounts_manager(self) -> None:
        """File > Accounts: every account with its state; rename, move, re-enter a secret, safe mode, remove."""
        from console.ui.accounts_manager import AccountsManager

        if self.accounts is None:
            return
        manager = self.accounts_manager
        if manager is None:
            manager = self.accounts_manager = AccountsManager(self, self.accounts)
        manager.reload()
        manager.show()
        manager.raise_()
        manager.activateWindow()

    async def set_allow_insecure(self, account_id: str, on: bool) -> bool:
        """Allows plain HTTP for an account (after a warning) or forbids it again; returns whether it changed."""
        from PySide6.QtWidgets import QMessageBox

        from console.core.errors import ConfigError
        from console.ui.messages import confirm, show_error

        assert self.accounts is not None
        account = self.accounts.get(account_id)
        if on and not await confirm(
                self.accounts_manager or self,
                name="confirmInsecure", title="Allow insecure connections",
                text=f"Allow plain http:// for “{account.label}”?",
                detail="Its key and your customers' data would cross the network unencrypted, readable by anyone "
                       "on the way. Do this only for a vendor server on your own network that has no HTTPS.",
                action="Allow http", role=QMessageBox.ButtonRole.DestructiveRole):
            return False
        saved = self._save_account(account_id, allow_insecure=on)
        if isinstance(saved, ConfigError):
            show_error(self, saved, "Saving the account")
            return False
        self.statusBar().showMessage(f"“{account.label}” may use plain http:// now (insecure)." if on else
                                     f"“{account.label}” uses https:// only again.", 6000)
        return True

    def rename_account(self, account_id: str, label: str) -> str:
        """Renames an account; returns why it cannot be (empty or taken), or ""."""
        from console.core.errors import ConfigError
        from console.services.catalog import vendor

        assert self.accounts is not None
        label = label.strip()
        if not label:
            return "Enter a name."
        taken = self.accounts.by_label(label)
        if taken is not None and taken.id != account_id:
            return f"Another account is called “{label}”: names must differ (the command line uses them)."
        account = self._save_account(account_id, label=label)
        if isinstance(account, ConfigError):
            return str(account)
        if account_id in self.pages and account_id == self._current_account:
            self.setWindowTitle(f"{account.label} · {vendor(account.vendor).display_name} – {APP_NAME}")
        return ""

    def change_base_url(self, account_id: str, url: str) -> str:
        """Points an account at another address; returns why it cannot be, or ""."""
        from console.core.errors import ConfigError
        from console.ui.account_dialog import check_base_url

        assert self.accounts is not None
        problem = check_base_url(url, self.accounts.get(account_id).allow_insecure)
        if problem:
            return problem
        account = self._save_account(account_id, base_url=url.strip().rstrip("/"))
        if isinstance(account, ConfigError):
            return str(account)
        page = self.pages.get(account_id)
        if page is not None:
            for view in page.views:
                if view.model.rowCount() or view.model.error is not None:
                    view.refresh()
        return ""

    def _account(self) -> AccountConfig | None:
        if self.accounts is None or self._current_account is None:
            return None
        try:
            return self.accounts.get(self._current_account)
        except KeyError:
            return None

    async def add_account(self) -> AccountConfig | None:
        """The "Add account" flow: test, save (keychain or this run only). Returns the new account."""
        from console.core.errors import ConfigError, ConsoleError, KeychainUnavailable
        from console.services.catalog import vendors
        from console.ui.account_dialog import AccountDialog

        if self.accounts is None:
            return None
        accounts = self.accounts
        dialog = AccountDialog(vendors(), [a.label for a in accounts.accounts()], self)
        saved: list[AccountConfig] = []

        async def test() -> None:
            account, secrets = dialog.values()
            dialog.set_busy(True, "Testing…")
            try:
                summary = await accounts.test(account, secrets)
            except ConsoleError as exc:
                dialog.set_busy(False)
                dialog.set_message(f"{exc.user_message.title}: {exc.user_message.text} {exc.user_message.next_step}")
                return
            dialog.set_busy(False)
            dialog.set_message(f"Connection works. {summary}", ok=True)

        async def save() -> None:
            account, secrets = dialog.values()
            dialog.set_busy(True, "Saving…")
            try:
                await accounts.add(account, secrets)
            except KeychainUnavailable as exc:
                dialog.set_busy(False)
                if await self._ask_session_only(exc):
                    await accounts.add(account, secrets, session_only=True)
                else:
                    dialog.set_message("Not saved: no keychain. Your input is still here.")
                    return
            except ConfigError as exc:
                dialog.set_busy(False)
                dialog.set_message(str(exc))
                return
            dialog.set_busy(False)
            saved.append(account)
            dialog.accept()

        dialog.testRequested.connect(lambda: self.tasks.spawn(test()))
        dialog.saveRequested.connect(lambda: self.tasks.spawn(save()))
        await dialog_result(dialog)
        dialog.deleteLater()
        if not saved:
            return None
        self.populate_accounts(select=saved[0].id)
        self.accountsChanged.emit()
        self.statusBar().showMessage(f"Account “{saved[0].label}” added.", 6000)
        return saved[0]

    async def _ask_session_only(self, error: ConsoleError) -> bool:
        from console.ui.messages import confirm

        return await confirm(self, name="noKeychainBox", title="No keychain available", text=error.user_message.text,
                             detail="Vendor Console never writes secrets to disk in plain text. You can keep the "
                                    "secret for this run only: the account is saved, and you enter the secret "
                                    "again next time.", action="Keep for this run only")

    def _remove_current(self) -> None:
        account = self._account()
        if account is not None:
            self.tasks.spawn(self.remove_account(account.id))

    async def remove_account(self, account_id: str, *, confirm: bool = True) -> bool:
        """Removes an account after asking; its keychain entry goes too."""
        from PySide6.QtWidgets import QMessageBox

        from console.core.errors import ConsoleError
        from console.ui.messages import show_error

        assert self.accounts is not None
        account = self.accounts.get(account_id)
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, "Remove account",
                              f"Remove the account “{account.label}”?", QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("confirmRemove")
            box.setInformativeText("Its secret is deleted from your keychain. Nothing is deleted at the vendor."
                                   if not account.demo else "It comes back the next time the demo starts.")
            remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
            await dialog_result(box)
            box.deleteLater()
            if box.clickedButton() is not remove:
                return False
        page = self.pages.pop(account_id, None)
        if page is not None:
            for view in page.views:  # deletes already confirmed go out before the account does
                await view.flush_deletes()
            page.close_page()
            self.stack.removeWidget(page)
            page.deleteLater()
        try:
            await self.accounts.remove(account_id)
        except ConsoleError as exc:
            show_error(self, exc, "Removing the account")
        self._current_account = None
        self.populate_accounts()
        self.accountsChanged.emit()
        self.statusBar().showMessage(f"Account “{account.label}” removed.", 6000)
        return True

    async def enter_secret(self, account_id: str, parent: QWidget | None = None) -> bool:
        """Asks for an account's secret again (over ``parent``, else the window) and reloads its views."""
        from console.core.errors import KeychainUnavailable
        from console.services.catalog import vendor
        from console.ui.account_dialog import SecretDialog

        assert self.accounts is not None
        account = self.accounts.get(account_id)
        spec = vendor(account.vendor)
        dialog = SecretDialog(account.label, spec.secret_fields, parent or self)
        code = await dialog_result(dialog)
        secrets = dialog.values()
        dialog.deleteLater()
        if code != SecretDialog.DialogCode.Accepted:
            return False
        try:
            await self.accounts.set_secrets(account_id, secrets, session_only=account.session_only)
        except KeychainUnavailable as exc:
            if not await self._ask_session_only(exc):
                return False
            await self.accounts.set_secrets(account_id, secrets, session_only=True)
        page = self.pages.get(account_id)
        if page is not None:
            for view in page.views:
                if view.model.error is not None or view.model.rowCount() == 0:
                    view.refresh()
        return True

    # -- status bar ---------------------------------------------------------------------------------

    def _on_in_flight(self, count: int) -> None:
        self.activity.show_text(f"⟳ {count} request{'s' if count != 1 else ''}" if count else "Idle")

    def _on_rate_limit(self, account_id: str, _snapshot: RateLimitSnapshot) -> None:
        if account_id == self._current_account:
            self._refresh_quota()

    def _on_wait(self, account_id: str, seconds: float, reason: str) -> None:
        label = account_id
        if self.accounts is not None:
            with contextlib.suppress(KeyError):
                label = self.accounts.get(account_id).label
        self._wait_until[account_id] = time.monotonic() + seconds
        self.statusBar().showMessage(f"{label}: waiting {seconds:.1f} s ({reason}); the request goes on by itself.",
                                     int(seconds * 1000) + 1500)
        self._refresh_quota()

    def _refresh_quota(self) -> None:
        from console.ui.status import quota_text

        account_id = self._current_account
        if account_id is None or self.observer is None:
            self.quota.show_text("")
            return
        waiting = math.ceil(self._wait_until.get(account_id, 0.0) - time.monotonic())
        self.quota.show_text(quota_text(self.observer.snapshots.get(account_id), waiting))

    def _on_view_count(self, _text: str) -> None:
        self._sync_count()

    def _sync_count(self) -> None:
        view = self.current_view()
        self.count.show_text(f"{view.spec.label}: {view.model.count_text()}" if view is not None else "")

    def _refresh_current(self) -> None:
        view = self.current_view()
        if view is not None:
            view.refresh()

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, f"About {APP_NAME}",
                          f"{APP_NAME} {__version__}\nBrowse, search and edit your SaaS vendors' data.",
                          QMessageBox.StandardButton.Ok, self)
        box.open()

    def open_log_folder(self) -> None:
        """Help > Open log folder: the file manager on the log folder."""
        from PySide6.QtCore import QUrl

        from console.core.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if not self.open_url(QUrl.fromLocalFile(str(folder))):
            self.statusBar().showMessage(f"The logs are in {folder}", 15000)

    @staticmethod
    def open_url(url: object) -> bool:
        """Opens a URL with the desktop (a seam for tests)."""
        from PySide6.QtGui import QDesktopServices

        return bool(QDesktopServices.openUrl(url))  # type: ignore[arg-type]

    def show_crash(self, text: str) -> QMessageBox:
        """An unexpected error: the traceback (masked, copyable) and where the log is; the app goes on."""
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        from console.core import log
        from console.core.paths import log_file

        details = log.redact(text)
        box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                          "Something went wrong inside Vendor Console. Your data at the vendors is safe; "
                          "the console keeps running.", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("crashDialog")
        box.setInformativeText(f"The details are also in the log: {log_file()}")
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.setObjectName("copyCrash")
        # An action-role button would close the box: copy, and keep it open.
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        box.open()
        return box

    def bring_to_front(self) -> None:
        """Shows the window on top (a second start of the app asked for it)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage(f"{APP_NAME} is already open: here it is.", 5000)

    # -- closing ------------------------------------------------------------------------------------

    def save_layout(self) -> None:
        """Remembers the window, its panes and every open list's columns and sort."""
        store = self.layout_store
        store.set("window/geometry", self.saveGeometry())
        if self._built:
            store.set("window/splitter", self.main_splitter.saveState())
        for page in self.pages.values():
            for view in page.views:
                view.save_layout()
        store.sync()

    def reset_layout(self) -> None:
        """View > Reset layout: default columns, sorts, panes and window size, and nothing remembered."""
        self.layout_store.clear()
        for page in self.pages.values():
            for view in page.views:
                view.reset_layout()
        self.main_splitter.setSizes(DEFAULT_SPLIT)
        if self.isMaximized() or self.isFullScreen():
            self.showNormal()
        self.resize(*DEFAULT_SIZE)
        self.statusBar().showMessage("Layout reset to the defaults.", 5000)

    def undo_delete(self) -> None:
        """Record > Undo delete (Ctrl+Z): the current list's latest held delete, else any list's."""
        current = self.current_view()
        views = [current] if current is not None else []
        views += [v for page in self.pages.values() for v in page.views if v is not current]
        if not any(view.undo_delete() for view in views if view.pending):
            self.statusBar().showMessage("No delete is waiting: a delete can be undone only before it is sent.",
                                         6000)

    def unsaved_forms(self) -> list[RecordForm]:
        """Open forms with changes that are not saved."""
        return [form for page in self.pages.values() for view in page.views for form in view.forms
                if form.isVisible() and form.is_dirty()]

    async def close_with_unsaved_edits(self) -> bool:
        """Asks before closing over unsaved edits; returns whether the window closed."""
        from PySide6.QtWidgets import QMessageBox

        from console.ui.messages import confirm

        forms = self.unsaved_forms()
        count = len(forms)
        if not await confirm(self, name="closeWithEdits", title="Unsaved changes",
                             text=f"{count} form{' has' if count == 1 else 's have'} changes that are not saved.",
                             detail="Close Vendor Console and discard them? Nothing of them was sent to the vendors.",
                             action="Discard and close", role=QMessageBox.ButtonRole.DestructiveRole,
                             icon=QMessageBox.Icon.Question, cancel_is_default=True):
            if forms:
                forms[0].raise_()
                forms[0].activateWindow()
            return False
        self._edits_settled = True
        for form in forms:
            form.reject()
        self.close()
        return True

    def pending_deletes(self) -> int:
        """Deletes held behind "Undo" in every account."""
        return sum(page.pending_deletes() for page in self.pages.values())

    async def send_pending_deletes(self) -> int:
        """Sends every held delete now; returns how many the vendors refused."""
        failed = 0
        for page in list(self.pages.values()):
            for view in page.views:
                failed += await view.flush_deletes()
        return failed

    async def close_after_pending(self, ask: bool = True) -> bool:
        """Closes the window once the held deletes are sent (or dropped, when the person says so).

        Args:
            ask: Ask first (a person closed the window); without asking they are sent (the system is
                ending the session: they were confirmed).

        Returns:
            Whether the window closed.
        """
        from PySide6.QtWidgets import QMessageBox

        if not ask:  # the system is ending the session: nobody can answer a question now
            self._edits_settled = True
        count = self.pending_deletes()
        send = True
        if count and ask:
            box = QMessageBox(QMessageBox.Icon.Question, "Deletes are waiting",
                              f"{count} delete{' is' if count == 1 else 's are'} waiting behind “Undo”.",
                              QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("closeWithPending")
            box.setInformativeText("Send them to the vendors before closing, or close and keep those records?")
            send_button = box.addButton("Send and close", QMessageBox.ButtonRole.AcceptRole)
            keep_button = box.addButton("Close without deleting", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(send_button)
            await dialog_result(box)
            box.deleteLater()
            clicked = box.clickedButton()
            if clicked is not send_button and clicked is not keep_button:
                return False
            send = clicked is send_button
        if count and send:
            self.statusBar().showMessage(f"Sending {count} delete{'s' if count != 1 else ''}…")
            failed = await self.send_pending_deletes()
            if failed and ask:
                self.statusBar().showMessage(f"{failed} delete{'s' if failed != 1 else ''} failed: the window "
                                             "stays open so you can see why.", 15000)
                return False
        elif count:
            for page in self.pages.values():
                for view in page.views:
                    view.drop_pending()
        self._pending_settled = True
        self.close()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stops background work and tells the app to quit (held deletes first, after asking)."""
        if not self._edits_settled and self.unsaved_forms():
            event.ignore()
            if self._closing_ask is None or self._closing_ask.done():
                self._closing_ask = self.tasks.spawn(self.close_with_unsaved_edits())
            return
        if not self._pending_settled and self.pending_deletes():
            event.ignore()
            if self._closing_ask is None or self._closing_ask.done():
                self._closing_ask = self.tasks.spawn(self.close_after_pending())
            return
        self.save_layout()
        if self.lookup is not None:
            self.lookup.cancel()
        for page in self.pages.values():
            page.close_page()
        self.tasks.cancel_all()
        from console.core import log

        if self.collector is not None:
            self.collector.stop()
        log.ui.info("main window closed")
        super().closeEvent(event)
        self.closed.emit()
