"""The main window: accounts on the left, the account's datasets as tabs, a status bar.

The window is the shell: it lays the parts out and connects them. The parts do the work: the
accounts controller (:mod:`console.ui.accounts_controller`) changes accounts, the menus come from
one action table (:mod:`console.ui.menus`), the status bar's texts follow the requests
(:mod:`console.ui.statusbar`), the close guard holds closing back over unsaved forms and held
deletes (:mod:`console.ui.close_guard`), and the account pages answer for their lists.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow

from console.core.constants import APP_NAME
from console.ui.page_stack import PageStack
from console.ui.qtasync import TaskSet
from console.ui.statusbar import StatusPanel, withdraw_message
from console.ui.window_frame import WindowFrame

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMessageBox, QWidget

    # The window is built and painted before these are imported (startup time, design.md).
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService
    from console.services.lookup import Hit
    from console.services.mirror.copies import LocalCopies
    from console.ui.account_page import AccountPage
    from console.ui.accounts_controller import AccountsController
    from console.ui.accounts_manager import AccountsManager
    from console.ui.close_guard import CloseGuard
    from console.ui.dataset_view import DatasetView
    from console.ui.export import ExportJob
    from console.ui.forms import RecordForm
    from console.ui.local_copy import CopyControl
    from console.ui.lookup import LookupController
    from console.ui.memory import IdleCollector
    from console.ui.observer import QtHttpObserver
    from console.ui.preferences import Preferences

class MainWindow(QMainWindow):
    """The console's window.

    Signals:
        closed(): The window was closed (the app quits).
        accountChanged(str): Another account was selected (account id).
    """

    closed = Signal()
    accountChanged = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        from console.ui.layout import LayoutStore

        self.layout_store = LayoutStore()
        self.frame = WindowFrame(self, self.layout_store)  # first size on this screen, or as last left
        self.accounts: AccountService | None = None
        self.datasets: DatasetService | None = None
        self.observer: QtHttpObserver | None = None
        #: Every account's local copy (issue 17); ``None``: lists and lookups always ask the vendors.
        self.copies: LocalCopies | None = None
        self.copy_control: CopyControl | None = None  # the copies' sync line, notices and controls
        self.controller: AccountsController | None = None  # the account operations, from attach()
        self.tasks = TaskSet("main window")
        self._current_account: str | None = None
        self.accounts_manager: AccountsManager | None = None  # File > Accounts, built on first use
        self.collector: IdleCollector | None = None  # full collections at quiet moments, from attach()
        self.close_guard: CloseGuard | None = None  # from build()
        self._built = False
        self.stack = PageStack(self.layout_store)
        self.pages = self.stack.pages
        self.welcome = self.stack.welcome
        self.setCentralWidget(self.stack)
        self.status_panel = StatusPanel()
        self.status_panel.messageRequested.connect(self.statusBar().showMessage)
        self.count, self.quota, self.activity = (self.status_panel.count, self.status_panel.quota,
                                                 self.status_panel.activity)
        self.statusBar().addPermanentWidget(self.status_panel)

    def build(self) -> None:
        """Builds the sidebar, menus and timers (after the first paint; idempotent)."""
        if self._built:
            return
        self._built = True
        from PySide6.QtCore import Qt

        from console.ui.account_tree import AccountSidebar
        from console.ui.close_guard import CloseGuard
        from console.ui.export import ExportBar
        from console.ui.export_runner import ExportRunner
        from console.ui.lookup_area import LookupArea
        from console.ui.menus import build_menus
        from console.ui.settings_flow import SettingsFlow

        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sidebar = AccountSidebar()
        self.tree, self.add_button, self.remove_button = sidebar.tree, sidebar.add_button, sidebar.remove_button
        self.tree.accountChosen.connect(self.select_account)
        self.add_button.clicked.connect(self.spawn_add_account)
        self.remove_button.clicked.connect(self.remove_current)

        self.stack.pageAdded.connect(self._on_page_added)
        self.stack.countChanged.connect(self._sync_count)
        bar = self.statusBar()
        self.stack.statusMessage.connect(lambda text: bar.showMessage(text, 8000))
        self.stack.messageWithdrawn.connect(lambda text: withdraw_message(bar, text))
        self.stack.credentialsNeeded.connect(lambda aid: self.tasks.spawn(self.enter_secret(aid)))
        # The lookup: a box above everything, its results above the account's tabs while in use.
        self.takeCentralWidget()
        self.lookup_area = area = LookupArea(self, self.stack)
        self.lookup_box, self.lookup_panel, self.right = area.box, area.panel, area.splitter
        area.hitOpened.connect(self.open_hit)
        area.closed.connect(lambda: self.current_page() and self.current_page().focus_table())  # type: ignore[union-attr]

        self.main_splitter = self.frame.build(sidebar, self.right)
        self.setCentralWidget(self.main_splitter)

        self.export_bar = ExportBar()
        self.statusBar().insertPermanentWidget(0, self.export_bar)
        self.exporter = ExportRunner(self.export_bar, self.tasks, self, self.statusBar().showMessage,
                                     self.layout_store)
        self.settings = SettingsFlow(self)
        self.status_panel.start()
        self.close_guard = CloseGuard(self, self.pages.values, self.tasks, self.statusBar().showMessage)
        self.registry = build_menus(self)
        self.remove_action = self.registry.actions["account.remove"]
        self.read_only_action = self.registry.actions["account.read_only"]
        self.frame.bind(self.registry.actions["view.accounts_pane"])
        self.demo_menu = self.registry.menu("Demo")
        self._update_account_buttons()

    def attach(self, accounts: AccountService, datasets: DatasetService, observer: QtHttpObserver,
               copies: LocalCopies | None = None) -> None:
        """Connects the services and shows the accounts (and their local copies, when given)."""
        from console.ui.accounts_controller import AccountsController
        from console.ui.local_copy import attach_copies
        from console.ui.memory import IdleCollector

        self.build()
        self.accounts = accounts
        self.datasets = datasets
        self.observer = observer
        self.copies = copies
        self.status_panel.attach(observer, lambda account_id: accounts.get(account_id).label)
        observer.noticePosted.connect(lambda _account, text: self.statusBar().showMessage(text, 6000))
        controller = self.controller = AccountsController(accounts, self.tasks, self, self.stack.release)
        controller.accountAdded.connect(lambda account_id: self.populate_accounts(select=account_id))
        controller.accountChanged.connect(self._on_account_changed)
        controller.accountRemoved.connect(self._on_account_removed)
        on_page = self.stack.on_page
        controller.readOnlyChanged.connect(lambda aid, on: on_page(aid, lambda p: p.set_read_only(on)))
        controller.addressChanged.connect(lambda aid: on_page(aid, lambda p: p.refresh_if_loaded()))
        controller.secretEntered.connect(lambda aid: on_page(aid, lambda p: p.refresh_if_failed_or_empty()))
        controller.statusMessage.connect(self.statusBar().showMessage)
        self.copy_control = attach_copies(self, copies)
        self.lookup_area.attach(accounts, self.account_order, datasets, copies)
        self.populate_accounts(self.layout_store.text("window/account") or None)
        self.show_reset_notice()
        self.collector = IdleCollector(self._busy, self)

    def _busy(self) -> bool:
        """Requests on their way or lists loading: no time for a full garbage collection."""
        return bool((self.observer is not None and self.observer.in_flight) or self.stack.busy())

    # -- commands -----------------------------------------------------------------------------------

    async def export_view(self, path: Path | None = None) -> ExportJob | None:
        """Exports the current list (its filters and order) to ``path`` (asked for when ``None``)."""
        return await self.exporter.export(self.accounts, self.observer, self.current_view(), path)

    @property
    def export_job(self) -> ExportJob | None:
        """The latest export (running or ended)."""
        return self.exporter.job

    async def edit_settings(self) -> bool:
        """Shows the settings and applies what the user accepts; returns whether they did."""
        if not await self.settings.edit(self.lookup, self.stack, self.accounts):
            return False
        self.statusBar().showMessage("Settings saved and applied.", 5000)
        return True

    @property
    def preferences(self) -> Preferences:
        """The preferences the window runs with (from :meth:`build`)."""
        return self.settings.preferences

    def open_inspector(self) -> None:
        """View > Requests: the request inspector (one tool window over this one, raised when open)."""
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
        inspector.present()  # over this window, raised and focused

    def add_demo_controls(self, set_unreliable: Callable[[bool], None],
                          expire_sessions: Callable[[], list[str]] | None = None,
                          set_confirmed_only: Callable[[bool], Awaitable[None]] | None = None) -> None:
        """Adds the Demo menu (shown only with the demo workspace; :mod:`console.ui.demo_menu`)."""
        from console.ui.demo_menu import add_demo_controls

        self.build()
        add_demo_controls(self.registry, self.tasks, self.statusBar().showMessage, set_unreliable,
                          expire_sessions, set_confirmed_only)

    # -- help and notices (console.ui.notices) ------------------------------------------------------

    @staticmethod
    def open_url(url: object) -> bool:
        """Opens a URL with the desktop (a seam for tests)."""
        from PySide6.QtGui import QDesktopServices

        return bool(QDesktopServices.openUrl(url))  # type: ignore[arg-type]

    def show_crash(self, text: str) -> QMessageBox:
        """An unexpected error: the traceback (masked, copyable) and where the log is; the app goes on."""
        from console.ui.notices import crash_box

        box = crash_box(self, text)
        box.open()
        return box

    def show_reset_notice(self) -> QMessageBox | None:
        """Says what the console reset at startup (damaged files moved aside), once."""
        from console.ui.notices import reset_notice

        box = reset_notice(self)
        if box is not None:
            box.open()
        return box

    def bring_to_front(self) -> None:
        """Shows the window on top (a second start of the app asked for it)."""
        if self.isMinimized():
            self.showNormal()
        _bring_up(self)
        self.statusBar().showMessage(f"{APP_NAME} is already open: here it is.", 5000)

    # -- lookup -------------------------------------------------------------------------------------

    def account_order(self) -> list[str]:
        """Account ids in the sidebar's order (the lookup lists them so)."""
        return self.controller.account_order() if self.controller is not None else []

    @property
    def lookup(self) -> LookupController | None:
        """The lookup's search (from :meth:`attach`)."""
        return self.lookup_area.controller if self._built else None

    def open_lookup(self) -> None:
        """Shows the lookup panel under the box (recent lookups when the box is empty)."""
        self.lookup_area.open()

    def close_lookup(self) -> None:
        """Hides the panel; the results stay for the next Ctrl+K."""
        self.lookup_area.close()

    def open_hit(self, hit: Hit) -> None:
        """Opens a lookup hit in its account's dataset tab, with the detail pane on it."""
        if self.controller is None:
            return
        if self.controller.get(hit.account_id) is None:
            self.statusBar().showMessage("That account was removed.", 6000)
            return
        page = self.select_account(hit.account_id)
        page.open_record(hit.dataset, hit.record)
        self.close_lookup()
        self.statusBar().showMessage(f"Opened {hit.noun} {hit.record.id} from the lookup.", 6000)

    # -- accounts -----------------------------------------------------------------------------------

    def set_starting(self, text: str) -> None:
        """Shows what the app is doing before an account is open."""
        self.stack.set_starting(text)

    def populate_accounts(self, select: str | None = None) -> None:
        """Rebuilds the account tree, grouped by vendor; selects ``select`` or the first account."""
        assert self.controller is not None
        pick = self.tree.populate(self.controller.account_groups(), select or self._current_account)
        if pick is not None:
            self.select_account(pick)
        else:
            self._current_account = None
            self.status_panel.set_account(None)
            self.set_starting("No accounts yet. Use “Add account…” to connect one, or start with "
                              "“vendor-console --demo” to try the demo workspace.")
        self._update_account_buttons()

    def select_account(self, account_id: str) -> AccountPage:
        """Shows an account's tabs (built on first use)."""
        assert self.accounts is not None
        assert self.datasets is not None
        page = self.stack.page_for(self.datasets, self.accounts.get(account_id), self.preferences.page_size)
        self._current_account = account_id
        self.layout_store.set("window/account", account_id)
        self.tree.show_account(account_id)
        self._set_title(page.account)
        self.stack.setCurrentWidget(page)
        page.activate()
        self._sync_count()
        self.status_panel.set_account(account_id)
        self._update_account_buttons()
        self.accountChanged.emit(account_id)
        return page

    def _on_page_added(self, page: AccountPage) -> None:
        for table in page.tables():
            self.registry.attach_table(table)

    def _set_title(self, account: AccountConfig) -> None:
        from console.services.catalog import vendor

        self.setWindowTitle(f"{account.label} · {vendor(account.vendor).display_name} – {APP_NAME}")

    def close_current_account(self) -> None:
        """View > Close this account's lists (Ctrl+W)."""
        if self._current_account is not None:
            self.tasks.spawn(self.close_account_page(self._current_account))

    async def close_account_page(self, account_id: str) -> bool:
        """Closes an account's tabs and frees their rows (held deletes are sent first); returns whether it did."""
        page = self.pages.get(account_id)
        if page is None:
            return False
        if page.has_open_forms():
            self.statusBar().showMessage("Close the open forms of this account first.", 6000)
            return False
        await page.flush_deletes()
        page.save_layout()
        self.stack.discard(account_id)
        label = page.account.label
        if self._current_account == account_id:
            self._current_account = None
            self.status_panel.set_account(None)
            self.tree.clear_choice()  # choosing it again on the left reopens it
            self.set_starting(f"“{label}” is closed. Choose it on the left to open its lists again.")
            self._update_account_buttons()
        self.statusBar().showMessage(f"Closed the lists of “{label}”.", 5000)
        self._sync_count()
        return True

    def _on_account_changed(self, account_id: str) -> None:
        """An account's name, address or mode changed: the sidebar shows it, and the title its new name."""
        self.populate_accounts(select=self._current_account)
        account = self._account()
        if account is not None and account.id == account_id and account_id in self.pages:
            self._set_title(account)

    def _on_account_removed(self, _account_id: str) -> None:
        self._current_account = None
        self.populate_accounts()

    def current_page(self) -> AccountPage | None:
        """The visible account page."""
        return self.stack.current_page()

    def current_view(self) -> DatasetView | None:
        """The visible dataset view."""
        return self.stack.current_view()

    def _sync_count(self) -> None:
        view = self.current_view()
        self.status_panel.show_count(view)

    def _account(self) -> AccountConfig | None:
        if self.controller is None or self._current_account is None:
            return None
        return self.controller.get(self._current_account)

    def _update_account_buttons(self) -> None:
        account = self._account()
        can_remove = account is not None
        self.remove_button.setEnabled(can_remove)
        self.remove_action.setEnabled(can_remove)
        self.read_only_action.setEnabled(can_remove)
        self.read_only_action.blockSignals(True)  # shows the account's mode; only a person's click toggles it
        self.read_only_action.setChecked(account is not None and account.read_only)
        self.read_only_action.blockSignals(False)

    def spawn_add_account(self) -> None:
        """File > Add account: the add flow (:meth:`AccountsController.add_account`)."""
        if self.controller is not None:
            self.tasks.spawn(self.controller.add_account())

    def remove_current(self) -> None:
        """File > Remove account: removes the selected account after asking."""
        account = self._account()
        if account is not None and self.controller is not None:
            self.tasks.spawn(self.controller.remove_account(account.id))

    def toggle_read_only(self) -> None:
        """File > Read-only: the selected account's safe mode as the menu's check mark says."""
        account = self._account()
        if account is not None:
            self.set_read_only(account.id, self.read_only_action.isChecked())

    def set_read_only(self, account_id: str, on: bool) -> None:
        """Safe mode for an account (:meth:`AccountsController.set_read_only`)."""
        assert self.controller is not None
        self.controller.set_read_only(account_id, on)

    async def enter_secret(self, account_id: str, parent: QWidget | None = None) -> bool:
        """Asks for an account's secret again and reloads its lists that failed (see the controller)."""
        assert self.controller is not None
        return await self.controller.enter_secret(account_id, parent)

    def open_accounts_manager(self) -> None:
        """File > Accounts: every account with its state; rename, move, re-enter a secret, safe mode, remove."""
        from console.ui.accounts_manager import AccountsManager

        if self.controller is None:
            return
        manager = self.accounts_manager
        if manager is None:
            manager = self.accounts_manager = AccountsManager(self.controller, self.observer, self)
        manager.reload()
        _bring_up(manager)

    # -- layout and closing -------------------------------------------------------------------------

    def save_layout(self) -> None:
        """Remembers the window, its panes and every open list's columns and sort."""
        self.frame.save()
        self.stack.save_layout()
        self.layout_store.sync()

    def reset_layout(self) -> None:
        """View > Reset layout: default columns, sorts, panes and window size, and nothing remembered."""
        self.layout_store.clear()
        self.stack.reset_layout()
        self.frame.reset()
        self.statusBar().showMessage("Layout reset to the defaults.", 5000)

    def undo_delete(self) -> None:
        """Record > Undo delete (Ctrl+Z): the current list's latest held delete, else any list's."""
        if not self.stack.undo_delete():
            self.statusBar().showMessage("No delete is waiting: a delete can be undone only before it is sent.",
                                         6000)

    def unsaved_forms(self) -> list[RecordForm]:
        """Open forms with changes that are not saved."""
        return self.close_guard.unsaved_forms() if self.close_guard is not None else []

    async def close_after_pending(self, ask: bool = True) -> bool:
        """Closes the window once the held deletes are sent or dropped (:meth:`CloseGuard.close_after_pending`)."""
        assert self.close_guard is not None
        return await self.close_guard.close_after_pending(ask)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stops background work and tells the app to quit (unsaved forms and held deletes first, after asking)."""
        if self.close_guard is not None and not self.close_guard.may_close():
            event.ignore()
            return
        self.save_layout()
        if self._built:
            self.lookup_area.cancel()
        self.stack.close_all()
        self.tasks.cancel_all()
        self.status_panel.stop()
        from console.core import log

        if self.collector is not None:
            self.collector.stop()
        log.ui.info("main window closed")
        super().closeEvent(event)
        self.closed.emit()


def _bring_up(widget: QWidget) -> None:
    """Shows a window on top of the others, with the focus."""
    widget.show()
    widget.raise_()
    widget.activateWindow()
