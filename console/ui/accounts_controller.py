"""What a person changes about the accounts: add, rename, move, safe mode, insecure switch, secret, remove.

One :class:`AccountsController` does every account operation (asking first where a change needs
it) and says what changed through its signals; the main window (sidebar, pages, title) and File >
Accounts (:mod:`console.ui.accounts_manager`) both follow those signals, and neither drives the other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from console.ui.qtasync import TaskSet, dialog_result

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from console.core.errors import ConfigError, ConsoleError
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService


class AccountsController(QObject):
    """The account operations and their signals.

    Args:
        accounts: The account service.
        tasks: Where the flows' background tasks are kept (the window's, so closing cancels them).
        parent: Owner, and the parent of the questions asked (none: top-level dialogs).
        release_page: Awaited before an account is removed, to close what shows it (its held
            deletes go out first); none when nothing shows accounts.

    Signals:
        accountAdded(str): An account was added (account id).
        accountChanged(str): An account's name, address, safe mode or insecure switch changed (account id).
        accountRemoved(str): An account was removed (account id).
        accountsChanged(): Any of these: the list of accounts or what it shows changed.
        readOnlyChanged(str, bool): An account's safe mode was switched (account id, on).
        addressChanged(str): An account points at another base URL (account id).
        secretEntered(str): An account's secret was typed again (account id).
        statusMessage(str, int): A note for the status bar and how long to show it (ms).
    """

    accountAdded = Signal(str)
    accountChanged = Signal(str)
    accountRemoved = Signal(str)
    accountsChanged = Signal()
    readOnlyChanged = Signal(str, bool)
    addressChanged = Signal(str)
    secretEntered = Signal(str)
    statusMessage = Signal(str, int)

    def __init__(self, accounts: AccountService, tasks: TaskSet | None = None, parent: QWidget | None = None,
                 release_page: Callable[[str], Awaitable[None]] | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.tasks = tasks if tasks is not None else TaskSet("accounts")
        self.dialog_parent = parent
        self.release_page = release_page

    # -- listing ------------------------------------------------------------------------------------

    def account_groups(self) -> list[tuple[str, list[AccountConfig]]]:
        """(vendor display name, its accounts) for every vendor, in the catalog's order (the sidebar's)."""
        from console.services.catalog import vendors

        accounts = self.accounts.accounts()
        return [(spec.display_name, [a for a in accounts if a.vendor == spec.id]) for spec in vendors()]

    def account_order(self) -> list[str]:
        """Account ids in the sidebar's order: grouped by vendor in the catalog's order."""
        return [a.id for _vendor, accounts in self.account_groups() for a in accounts]

    def get(self, account_id: str) -> AccountConfig | None:
        """An account, or ``None`` when there is no such account (any more)."""
        try:
            return self.accounts.get(account_id)
        except KeyError:
            return None

    # -- changes ------------------------------------------------------------------------------------

    def _save_account(self, account_id: str, **changes: Any) -> AccountConfig | ConfigError:
        """Applies and saves account changes, then tells listeners.

        Returns:
            The account, or the error that kept it from being saved.
        """
        from console.core.errors import ConfigError

        try:
            account = self.accounts.update(account_id, **changes)
        except ConfigError as exc:
            return exc
        self.accountChanged.emit(account_id)
        self.accountsChanged.emit()
        return account

    def set_read_only(self, account_id: str, on: bool) -> None:
        """Safe mode for an account: its write actions hidden (on) or back (off), kept across restarts."""
        from console.core.errors import ConfigError
        from console.ui.messages import show_error

        account = self._save_account(account_id, read_only=on)
        if isinstance(account, ConfigError):
            show_error(self.dialog_parent, account, "Saving the account")
            return
        self.readOnlyChanged.emit(account_id, on)
        self.statusMessage.emit(f"“{account.label}” is read-only now: changes are hidden." if on else
                                f"“{account.label}” can be changed again.", 6000)

    async def set_allow_insecure(self, account_id: str, on: bool, parent: QWidget | None = None) -> bool:
        """Allows plain HTTP for an account (after a warning over ``parent``) or forbids it again.

        Returns:
            Whether it changed.
        """
        from PySide6.QtWidgets import QMessageBox

        from console.core.errors import ConfigError
        from console.ui.messages import confirm, show_error

        account = self.accounts.get(account_id)
        if on and not await confirm(
                parent or self.dialog_parent,
                name="confirmInsecure", title="Allow insecure connections",
                text=f"Allow plain http:// for “{account.label}”?",
                detail="Its key and your customers' data would cross the network unencrypted, readable by anyone "
                       "on the way. Do this only for a vendor server on your own network that has no HTTPS.",
                action="Allow http", role=QMessageBox.ButtonRole.DestructiveRole):
            return False
        saved = self._save_account(account_id, allow_insecure=on)
        if isinstance(saved, ConfigError):
            show_error(self.dialog_parent, saved, "Saving the account")
            return False
        self.statusMessage.emit(f"“{account.label}” may use plain http:// now (insecure)." if on else
                                f"“{account.label}” uses https:// only again.", 6000)
        return True

    def rename_account(self, account_id: str, label: str) -> str:
        """Renames an account; returns why it cannot be (empty or taken), or ""."""
        from console.core.errors import ConfigError

        label = label.strip()
        if not label:
            return "Enter a name."
        taken = self.accounts.by_label(label)
        if taken is not None and taken.id != account_id:
            return f"Another account is called “{label}”: names must differ (the command line uses them)."
        account = self._save_account(account_id, label=label)
        return str(account) if isinstance(account, ConfigError) else ""

    def change_base_url(self, account_id: str, url: str) -> str:
        """Points an account at another address; returns why it cannot be, or ""."""
        from console.core.errors import ConfigError
        from console.ui.account_dialog import check_base_url

        problem = check_base_url(url, self.accounts.get(account_id).allow_insecure)
        if problem:
            return problem
        account = self._save_account(account_id, base_url=url.strip().rstrip("/"))
        if isinstance(account, ConfigError):
            return str(account)
        self.addressChanged.emit(account_id)
        return ""

    async def add_account(self) -> AccountConfig | None:
        """The "Add account" flow: test, save (keychain or this run only). Returns the new account."""
        from console.core.errors import ConfigError, ConsoleError, KeychainUnavailable
        from console.services.catalog import vendors
        from console.ui.account_dialog import AccountDialog

        accounts = self.accounts
        dialog = AccountDialog(vendors(), [a.label for a in accounts.accounts()], self.dialog_parent)
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
        self.accountAdded.emit(saved[0].id)
        self.accountsChanged.emit()
        self.statusMessage.emit(f"Account “{saved[0].label}” added.", 6000)
        return saved[0]

    async def _ask_session_only(self, error: ConsoleError) -> bool:
        from console.ui.messages import confirm

        return await confirm(self.dialog_parent, name="noKeychainBox", title="No keychain available",
                             text=error.user_message.text,
                             detail="Vendor Console never writes secrets to disk in plain text. You can keep the "
                                    "secret for this run only: the account is saved, and you enter the secret "
                                    "again next time.", action="Keep for this run only")

    async def remove_account(self, account_id: str, *, confirm: bool = True) -> bool:
        """Removes an account after asking; its keychain entry goes too."""
        from PySide6.QtWidgets import QMessageBox

        from console.core.errors import ConsoleError
        from console.ui.messages import show_error

        account = self.accounts.get(account_id)
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, "Remove account",
                              f"Remove the account “{account.label}”?", QMessageBox.StandardButton.Cancel,
                              self.dialog_parent)
            box.setObjectName("confirmRemove")
            box.setInformativeText("Its secret is deleted from your keychain. Nothing is deleted at the vendor."
                                   if not account.demo else "It comes back the next time the demo starts.")
            remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
            await dialog_result(box)
            box.deleteLater()
            if box.clickedButton() is not remove:
                return False
        if self.release_page is not None:  # deletes already confirmed go out before the account does
            await self.release_page(account_id)
        try:
            await self.accounts.remove(account_id)
        except ConsoleError as exc:
            show_error(self.dialog_parent, exc, "Removing the account")
        self.accountRemoved.emit(account_id)
        self.accountsChanged.emit()
        self.statusMessage.emit(f"Account “{account.label}” removed.", 6000)
        return True

    async def enter_secret(self, account_id: str, parent: QWidget | None = None) -> bool:
        """Asks for an account's secret again (over ``parent``, else the controller's parent).

        Returns:
            Whether a secret was stored (listeners reload what failed: :attr:`secretEntered`).
        """
        from console.core.errors import KeychainUnavailable
        from console.services.catalog import vendor
        from console.ui.account_dialog import SecretDialog

        account = self.accounts.get(account_id)
        spec = vendor(account.vendor)
        dialog = SecretDialog(account.label, spec.secret_fields, parent or self.dialog_parent)
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
        self.secretEntered.emit(account_id)
        return True
