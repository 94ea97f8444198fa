"""What a person changes about the accounts: add, rename, move, safe mode, insecure switch, secret, local copy, remove.

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
    from console.ui.local_copy import CopyBridge


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
        #: The window's local copies (issue 17), from :func:`~console.ui.local_copy.attach_copies`; ``None``: none.
        self.copies: CopyBridge | None = None

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
        if self.copies is not None and saved[0].local_copy:
            self.tasks.spawn(self._open_copy(saved[0].id))
        return saved[0]

    async def _open_copy(self, account_id: str) -> None:
        from console.core.errors import ConsoleError

        assert self.copies is not None
        try:
            await self.copies.service.open(account_id)
        except ConsoleError as exc:
            self.statusMessage.emit(f"The local copy could not be opened: {exc.user_message.text}", 10000)

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
            box.setInformativeText("Its secret is deleted from your keychain and its local copy from this computer. "
                                   "Nothing is deleted at the vendor."
                                   if not account.demo else "It comes back the next time the demo starts.")
            remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
            await dialog_result(box)
            box.deleteLater()
            if box.clickedButton() is not remove:
                return False
        if self.release_page is not None:  # deletes already confirmed go out before the account does
            await self.release_page(account_id)
        await self._remove_copy(account)
        try:
            await self.accounts.remove(account_id)
        except ConsoleError as exc:
            show_error(self.dialog_parent, exc, "Removing the account")
        self.accountRemoved.emit(account_id)
        self.accountsChanged.emit()
        self.statusMessage.emit(f"Account “{account.label}” removed.", 6000)
        return True

    async def _remove_copy(self, account: AccountConfig) -> None:
        """The account's local copy goes before the account does (its sync stops; the file and key go)."""
        from console.core import log
        from console.core.errors import ConsoleError
        from console.services.mirror.copies import discard

        try:
            if self.copies is not None:
                await self.copies.service.removed(account)
            else:  # no copies open in this window: a file left by an earlier session still goes
                await discard(self.accounts, account)
        except (ConsoleError, OSError) as exc:
            log.ui.warning("the local copy of %s was not removed: %s", account.label, exc)
            self.statusMessage.emit(f"The local copy of “{account.label}” could not be removed: {exc}", 10000)

    # -- local copies (issue 17) ------------------------------------------------------------------

    async def set_kept(self, account_id: str, kept: bool) -> bool:
        """*Keep a local copy* on (opens and syncs it) or off (removes it); returns whether it changed."""
        from console.core.errors import ConfigError, ConsoleError
        from console.ui.messages import show_error

        if self.copies is None:
            return False
        label = self.accounts.get(account_id).label
        try:
            await self.copies.service.set_kept(account_id, kept)
        except ConfigError as exc:
            show_error(self.dialog_parent, exc, "Saving the account")
            return False
        except (ConsoleError, OSError) as exc:
            text = exc.user_message.text if isinstance(exc, ConsoleError) else str(exc)
            self.statusMessage.emit(f"The local copy of “{label}” could not be {'opened' if kept else 'removed'}: "
                                    f"{text}", 10000)
            return False
        finally:
            self.accountsChanged.emit()
        self.statusMessage.emit(f"“{label}” keeps a local copy now: it syncs in the background." if kept else
                                f"The local copy of “{label}” was removed: its lists ask the vendor.", 6000)
        return True

    async def forget_copy(self, account_id: str, parent: QWidget | None = None) -> bool:
        """*Forget local copy*, after asking: its file and key go (it is fetched again at the next sync)."""
        from PySide6.QtWidgets import QMessageBox

        from console.core.errors import ConsoleError
        from console.ui.messages import confirm

        if self.copies is None:
            return False
        account = self.accounts.get(account_id)
        if not await confirm(
                parent or self.dialog_parent, name="confirmForgetCopy", title="Forget local copy",
                text=f"Forget the local copy of “{account.label}”?",
                detail="The copy on this computer and its key are removed; nothing is deleted at the vendor. "
                       "Lists and lookups ask the vendor until the copy is fetched again (at the next start or "
                       "Sync now). To keep none at all, clear “Keep a local copy”.",
                action="Forget", role=QMessageBox.ButtonRole.DestructiveRole, cancel_is_default=True):
            return False
        try:
            await self.copies.service.forget(account_id)
        except (ConsoleError, OSError) as exc:
            text = exc.user_message.text if isinstance(exc, ConsoleError) else str(exc)
            self.statusMessage.emit(f"The local copy of “{account.label}” could not be removed: {text}", 10000)
            return False
        finally:
            self.accountsChanged.emit()
        self.statusMessage.emit(f"The local copy of “{account.label}” was removed.", 6000)
        return True

    async def sync_now(self, account_id: str) -> bool:
        """*Sync now*: brings the account's local copy up to date (opening it if needed); returns whether it began."""
        from console.core.errors import ConsoleError

        if self.copies is None:
            return False
        account = self.accounts.get(account_id)
        if not account.local_copy:
            self.statusMessage.emit(f"“{account.label}” keeps no local copy: switch on “Keep a local copy” in "
                                    "File > Accounts.", 8000)
            return False
        try:
            await self.copies.service.sync_now(account_id)
        except ConsoleError as exc:
            self.statusMessage.emit(f"The local copy of “{account.label}” could not be opened: "
                                    f"{exc.user_message.text}", 10000)
            return False
        self.statusMessage.emit(f"Syncing the local copy of “{account.label}”…", 4000)
        return True

    def spawn_sync_now(self, account_id: str) -> None:
        """*Sync now* from a menu (:meth:`sync_now` in the background)."""
        self.tasks.spawn(self.sync_now(account_id))

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
