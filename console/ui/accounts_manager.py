"""File > Accounts: every account with its state, and what a person changes about an account.

The accounts controller does the changes (:mod:`console.ui.accounts_controller`) and says what
changed; this dialog lists, asks and shows the state the service layer derives
(:meth:`AccountService.state`): connected, not connected yet, needs login, keychain unavailable,
last request failed. With local copies (issue 17) the selected account's copy shows under the state:
*Keep a local copy*, *Sync now*, *Forget local copy…* and each mirrored dataset's progress, live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from console.core.errors import ConsoleError
from console.services.accounts import AccountService, AccountState, Health
from console.services.catalog import vendor
from console.ui.account_dialog import TextPrompt
from console.ui.icons import lock_icon
from console.ui.qtasync import TaskSet, dialog_result
from console.ui.status import ThrottledLabel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from console.services.mirror.sync_progress import SyncProgress
    from console.ui.accounts_controller import AccountsController
    from console.ui.observer import QtHttpObserver

COLUMNS = ("Account", "Vendor", "Base URL", "State", "Mode")
HEALTH_COLORS = {
    Health.CONNECTED: "#1e6b34",
    Health.NOT_YET: "#5f6368",
    Health.NEEDS_LOGIN: "#b26a00",
    Health.NO_KEYCHAIN: "#b26a00",
    Health.ERROR: "#b3261e",
}


class AccountsManager(QDialog):
    """Every account: name, vendor, address, state and mode, with the changes a person makes.

    Args:
        controller: Does the changes, and says when accounts changed.
        observer: Requests that end update the states (none: only changes and Refresh do).
        parent: Qt parent (the window).
    """

    def __init__(self, controller: AccountsController, observer: QtHttpObserver | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsManager")
        self.setWindowTitle("Accounts")
        self.resize(900, 420)
        self.controller = controller
        self.accounts: AccountService = controller.accounts
        self.tasks = TaskSet("accounts manager")
        self.states: dict[str, AccountState] = {}
        self._ids: list[str] = []

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.rename())

        self.detail = QLabel()
        self.detail.setObjectName("stateDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # names and vendor messages are not markup
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def button(text: str, name: str, handler: Callable[[], object], tip: str) -> QPushButton:
            widget = QPushButton(text)
            widget.setObjectName(name)
            widget.setToolTip(tip)
            widget.clicked.connect(lambda _c=False: handler())
            return widget

        self.rename_button = button("Rename…", "renameButton", self.rename, "Give the account another name")
        self.url_button = button("Base URL…", "baseUrlButton", self.change_url,
                                 "Point the account at another address (another region or tenant)")
        self.secret_button = button("Enter secret…", "secretButton", self.enter_secret,
                                    "Type the account's key, token or password again")
        self.read_only_button = button("Read-only", "readOnlyButton", self.toggle_read_only,
                                       "Safe mode: hide every change for this account")
        self.read_only_button.setCheckable(True)
        self.insecure_button = button("Allow http", "insecureButton", self.toggle_insecure,
                                      "Allow plain http:// to this account's address (insecure; off by default)")
        self.insecure_button.setCheckable(True)
        self.insecure_button.setStyleSheet("QPushButton:checked { color: #b3261e; font-weight: bold; }")
        self.remove_button = button("Remove…", "removeButton", self.remove,
                                    "Forget the account and its keychain entry (nothing is deleted at the vendor)")
        self.test_button = button("Test connection", "testButton", self.test,
                                  "Log in with the stored secret and read a little data")
        self.refresh_button = button("Refresh", "refreshStates", self.reload, "Read every account's state again")
        close = button("Close", "closeManager", self.close, "")
        row = QHBoxLayout()
        for widget in self._account_buttons():
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        row.addWidget(close)
        # The selected account's local copy (shown only when the window has copies).
        self.keep_copy = QCheckBox("Keep a local copy")
        self.keep_copy.setObjectName("keepCopy")
        self.keep_copy.setToolTip("Mirror this account's lists on this computer, encrypted, for complete search "
                                  "and sorting by any column. Clearing it removes the copy.")
        self.keep_copy.clicked.connect(lambda checked: self.set_kept(bool(checked)))
        self.sync_button = button("Sync now", "syncNowButton", self.sync_now,
                                  "Bring the local copy up to date now")
        self.forget_button = button("Forget local copy…", "forgetCopyButton", self.forget_copy,
                                    "Remove the local copy and its key from this computer (nothing at the vendor)")
        self.copy_lines = ThrottledLabel()
        self.copy_lines.setObjectName("copyProgress")
        self.copy_lines.setWordWrap(True)
        self.copy_lines.setTextFormat(Qt.TextFormat.PlainText)
        self.copy_lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy_row = QHBoxLayout()
        for copy_widget in (self.keep_copy, self.sync_button, self.forget_button):
            copy_row.addWidget(copy_widget)
        copy_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(copy_row)
        layout.addWidget(self.copy_lines)
        layout.addLayout(row)
        bridge = controller.copies
        for shown in (self.keep_copy, self.sync_button, self.forget_button, self.copy_lines):
            shown.setVisible(bridge is not None)
        if bridge is not None:
            bridge.progressChanged.connect(self._on_copy_progress)
            bridge.copyChanged.connect(lambda _account: self.show_copy())

        # States follow the session: a request that ends (or an account that changes) updates them.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.reload)
        controller.accountsChanged.connect(self._debounce.start)
        if observer is not None:
            observer.exchangeFinished.connect(lambda *_a: self._debounce.start() if self.isVisible() else None)

    # -- listing --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Lists the accounts again and reads their states."""
        self.tasks.spawn(self.refresh())

    async def refresh(self) -> None:
        """Lists the accounts and their states (awaitable: tests wait for it)."""
        selected = self.current_id()
        accounts = [self.accounts.get(account_id) for account_id in self.controller.account_order()]
        states = {a.id: await self.accounts.state(a.id) for a in accounts}
        self.states = states
        self._ids = [a.id for a in accounts]
        self.table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            state = states[account.id]
            mode = "Read-only" if account.read_only else ("Demo" if account.demo else "Read and write")
            if account.allow_insecure:
                mode += " · insecure http allowed"
            cells = [account.label, vendor(account.vendor).display_name, account.base_url, state.health.value, mode]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(state.detail if column == 3 else text)
                self.table.setItem(row, column, item)
            state_item = self.table.item(row, 3)
            if state_item is not None:
                state_item.setForeground(QColor(HEALTH_COLORS[state.health]))
            mode_item = self.table.item(row, 4)
            if mode_item is not None and account.read_only:
                mode_item.setIcon(lock_icon())
            if mode_item is not None and account.allow_insecure:
                mode_item.setForeground(QColor(HEALTH_COLORS[Health.ERROR]))
        row = self._ids.index(selected) if selected in self._ids else (0 if self._ids else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._on_selection()

    def _account_buttons(self) -> tuple[QPushButton, ...]:
        return (self.rename_button, self.url_button, self.secret_button, self.test_button, self.read_only_button,
                self.insecure_button, self.remove_button)

    def current_id(self) -> str | None:
        """The selected account's id."""
        row = self.table.currentRow()
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def select(self, account_id: str) -> None:
        """Selects an account's row."""
        if account_id in self._ids:
            self.table.selectRow(self._ids.index(account_id))

    def _on_selection(self) -> None:
        account_id = self.current_id()
        for widget in self._account_buttons():
            widget.setEnabled(account_id is not None)
        self.show_copy()
        if account_id is None:
            self.detail.setText("No accounts yet: use File > Add account.")
            return
        account = self.accounts.get(account_id)
        state = self.states.get(account_id)
        self.url_button.setEnabled(not account.demo)
        self.url_button.setToolTip("The demo's addresses are chosen when it starts" if account.demo
                                   else "Point the account at another address (another region or tenant)")
        self.read_only_button.setChecked(account.read_only)
        self.insecure_button.setChecked(account.allow_insecure)
        self.insecure_button.setEnabled(not account.demo)
        if state is None:
            self.detail.setText("")
            return
        lines = [f"{account.label}: {state.health.value}. {state.detail}"]
        lines += (f"Not offered by this server: {note}" for note in state.unavailable)
        self.detail.setText("\n".join(lines))

    # -- the local copy -----------------------------------------------------------------------------

    def show_copy(self) -> None:
        """Shows the selected account's local copy: the switch, the buttons, a line per mirrored dataset."""
        bridge = self.controller.copies
        account_id = self.current_id()
        if bridge is None:
            return
        if account_id is None:
            for widget in (self.keep_copy, self.sync_button, self.forget_button):
                widget.setEnabled(False)
            self.copy_lines.show_now("")
            return
        kept = bridge.kept(account_id)
        self.keep_copy.setEnabled(True)
        self.keep_copy.setChecked(kept)
        self.sync_button.setEnabled(kept)
        self.forget_button.setEnabled(kept)
        self.copy_lines.show_now("\n".join(bridge.lines(account_id)))

    def _on_copy_progress(self, account_id: str, _progress: SyncProgress) -> None:
        bridge = self.controller.copies
        if bridge is not None and account_id == self.current_id():
            self.copy_lines.show_text("\n".join(bridge.lines(account_id)))  # several a second while syncing

    def set_kept(self, kept: bool) -> None:
        """*Keep a local copy* on or off for the selected account."""
        account_id = self.current_id()
        if account_id is not None:
            async def run() -> None:
                await self.controller.set_kept(account_id, kept)
                self.show_copy()

            self.tasks.spawn(run())

    def sync_now(self) -> None:
        """*Sync now* for the selected account."""
        account_id = self.current_id()
        if account_id is not None:
            async def run() -> None:
                await self.controller.sync_now(account_id)
                self.show_copy()

            self.tasks.spawn(run())

    def forget_copy(self) -> None:
        """*Forget local copy* for the selected account (after the controller asks)."""
        account_id = self.current_id()
        if account_id is not None:
            async def run() -> None:
                await self.controller.forget_copy(account_id, parent=self)
                self.show_copy()

            self.tasks.spawn(run())

    # -- changes --------------------------------------------------------------------------------

    def rename(self) -> None:
        """Asks for a new name."""
        account_id = self.current_id()
        if account_id is not None:
            account = self.accounts.get(account_id)
            self.tasks.spawn(self._prompt("Rename account", f"New name for “{account.label}”:", account.label,
                                          lambda text: self.controller.rename_account(account_id, text)))

    def change_url(self) -> None:
        """Asks for a new base URL."""
        account_id = self.current_id()
        if account_id is not None:
            account = self.accounts.get(account_id)
            spec = vendor(account.vendor)
            self.tasks.spawn(self._prompt("Change base URL", f"Base URL of “{account.label}”. {spec.base_url_help}",
                                          account.base_url,
                                          lambda text: self.controller.change_base_url(account_id, text)))

    async def _prompt(self, title: str, label: str, value: str, check: Callable[[str], str]) -> bool:
        prompt = TextPrompt(title, label, value, check, self)
        code = await dialog_result(prompt)
        prompt.deleteLater()
        await self.refresh()
        return code == QDialog.DialogCode.Accepted

    def enter_secret(self) -> None:
        """Asks for the account's secret again, then tries it."""
        account_id = self.current_id()
        if account_id is not None:
            async def run() -> None:
                if await self.controller.enter_secret(account_id, parent=self):
                    await self.check(account_id)

            self.tasks.spawn(run())

    def test(self) -> None:
        """Tries the selected account's login now."""
        account_id = self.current_id()
        if account_id is not None:
            self.tasks.spawn(self.check(account_id))

    async def check(self, account_id: str) -> bool:
        """Tries an account's login and shows the outcome (awaitable: tests wait for it)."""
        label = self.accounts.get(account_id).label
        self.detail.setText(f"Testing “{label}”…")
        self.test_button.setEnabled(False)
        try:
            summary = await self.accounts.check(account_id)
        except ConsoleError as exc:
            await self.refresh()
            self.detail.setText(f"{label}: {exc.user_message.title}. {exc.user_message.text} "
                                f"{exc.user_message.next_step}")
            return False
        finally:
            self.test_button.setEnabled(True)
        await self.refresh()
        self.detail.setText(f"{label}: connection works. {summary}")
        return True

    def toggle_read_only(self) -> None:
        """Switches the selected account's safe mode."""
        account_id = self.current_id()
        if account_id is not None:
            self.controller.set_read_only(account_id, self.read_only_button.isChecked())

    def toggle_insecure(self) -> None:
        """Allows plain HTTP for the selected account (after a warning), or forbids it again."""
        account_id = self.current_id()
        on = self.insecure_button.isChecked()  # as clicked (a refresh may reset the button before the task runs)
        if account_id is not None:
            async def run() -> None:
                await self.controller.set_allow_insecure(account_id, on, parent=self)
                await self.refresh()

            self.tasks.spawn(run())

    def remove(self) -> None:
        """Removes the selected account (after the controller asks)."""
        account_id = self.current_id()
        if account_id is not None:
            async def run() -> None:
                await self.controller.remove_account(account_id)
                await self.refresh()

            self.tasks.spawn(run())

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stops reading states."""
        self.tasks.cancel_all()
        super().closeEvent(event)
