"""The window's control of the local copies (issue 17): the status bar's sync line, File > Accounts, Settings.

The window runs on the demo's Systeme.io emulator with a saved (not demo) account, so its copy is a
real encrypted file in the test's data folder (``VENDOR_CONSOLE_HOME``), its key in a keychain that
keeps what it is given (:class:`tests.keychains.Vault`). The demo's own accounts keep no copy here,
so only the saved account syncs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

from console.core.credentials import MemoryStore
from console.core.errors import KeychainUnavailable
from console.core.settings import AccountConfig, AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from console.services.mirror.copies import LocalCopies
from console.services.mirror.keys import KEY_FIELD
from console.services.mirror.store import mirror_path
from console.services.mirror.sync_progress import Phase, SyncProgress
from console.ui.local_copy import CopyControl
from console.ui.observer import QtHttpObserver
from console.ui.preferences import PreferencesStore
from console.ui.window import MainWindow
from tests.conftest import until
from tests.keychains import Vault

CONTACTS = 300
pytestmark = pytest.mark.parametrize("emulators", [{"systeme": CONTACTS}], indirect=True)


class Keychain(Vault):
    """A keychain that can be locked (then the copy lives in memory, and says so)."""

    def __init__(self) -> None:
        super().__init__()
        self.locked = False

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        if self.locked:
            raise KeychainUnavailable("locked")
        return await super().get(vendor, account_id, name)

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        if self.locked:
            raise KeychainUnavailable("locked")
        await super().set(vendor, account_id, name, value)


@dataclass
class Rig:
    """The window with its local copies over the emulator."""

    ws: DemoWorkspace
    window: MainWindow
    accounts: AccountService
    copies: LocalCopies
    keychain: Keychain

    @property
    def control(self) -> CopyControl:
        assert self.window.copy_control is not None
        return self.window.copy_control

    def key_kept(self, account_id: str) -> bool:
        return any(k[1] == account_id and k[2] == KEY_FIELD for k in self.keychain.data)


@pytest.fixture
def app_stays(qapp: QApplication) -> Iterator[None]:
    """Closing the window does not quit Qt (it would stop the loop the test runs on), as in the app."""
    app = qapp
    before = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    yield
    app.setQuitOnLastWindowClosed(before)


@pytest.fixture
async def rig(emulators: DemoWorkspace, app_stays: None) -> AsyncIterator[Rig]:
    window = MainWindow()
    observer = QtHttpObserver(window)
    keychain = Keychain()
    accounts = AccountService(accounts_file=AccountsFile(), keychain=keychain, observer=observer)
    await accounts.add_demo(emulators.accounts, emulators.secrets)
    for demo in emulators.accounts:
        accounts.update(demo.id, local_copy=False)
    datasets = DatasetService(accounts)
    copies = LocalCopies(accounts, datasets)
    window.attach(accounts, datasets, observer, copies)
    window.show()
    rig = Rig(emulators, window, accounts, copies, keychain)
    yield rig
    window.close()
    await until(lambda: not len(window.tasks), what="the window's tasks to end")
    await copies.aclose()
    await accounts.aclose()
    window.deleteLater()


async def saved_account(rig: Rig, label: str = "Shop", *, session_only: bool = False) -> AccountConfig:
    """A saved Systeme.io account on the emulator (its secret in the keychain, or for this run only)."""
    demo = next(a for a in rig.ws.accounts if a.vendor == "systeme")
    account = replace(demo, id=AccountConfig.new_id(), label=label, demo=False, local_copy=True,
                      fields=dict(demo.fields), options=dict(demo.options))
    await rig.accounts.add(account, rig.ws.secrets[demo.id], session_only=session_only)
    return account


def progress_of(rig: Rig, account_id: str, dataset: str = "contacts") -> SyncProgress:
    return next(p for p in rig.copies.progress(account_id) if p.dataset == dataset)


async def complete(rig: Rig, account_id: str) -> None:
    await until(lambda: rig.copies.is_complete(account_id, "contacts") and rig.copies.is_complete(account_id, "tags")
                and rig.copies.current() is None, 20, "the copy complete", signal=rig.control.bridge.progressChanged)


async def answer(name: str, button_text: str) -> None:
    """Waits for the question box ``name`` and presses its button ``button_text``."""
    await until(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox)
                and QApplication.activeModalWidget().objectName() == name, what=f"the {name} box")
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
    button.click()


def once(signal: Any, when: Callable[..., bool], do: Callable[[], None]) -> None:
    """Calls ``do`` the first time ``signal`` fires with arguments that ``when`` accepts (a person's click then)."""
    done: list[bool] = []

    def heard(*args: Any) -> None:
        if not done and when(*args):
            done.append(True)
            do()

    signal.connect(heard)


async def test_the_status_bar_shows_the_sync_and_its_pause_resume_and_cancel_reach_it(rig: Rig) -> None:
    shop = await saved_account(rig)
    status = rig.control.status
    assert status.isHidden()  # nothing syncs
    bridge = rig.control.bridge
    # The person presses Pause once the first page is stored, and Cancel once the pause holds.
    once(bridge.progressChanged, lambda _a, p: p.dataset == "contacts" and p.fetched > 0, status.pause_button.click)
    await rig.copies.open(shop.id)
    await until(lambda: progress_of(rig, shop.id).phase is Phase.PAUSED, 10, "the pause to hold",
                signal=bridge.progressChanged)
    held = progress_of(rig, shop.id)
    assert 0 < held.fetched < CONTACTS
    assert status.isVisible() and status.pause_button.text() == "Resume"
    await until(lambda: status.label.text() == held.text, what="the paused line")
    assert status.label.text() == f"Sync of Shop contacts paused at {held.count}"
    status.pause_button.click()  # Resume
    assert not rig.copies.sync(shop.id).paused  # type: ignore[union-attr]
    once(bridge.progressChanged, lambda _a, p: p.phase is Phase.SYNCING and p.fetched > held.fetched,
         status.cancel_button.click)
    await until(lambda: progress_of(rig, shop.id).phase is Phase.CANCELLED, 10, "the cancel",
                signal=bridge.progressChanged)
    cancelled = progress_of(rig, shop.id)
    assert held.fetched < cancelled.fetched < CONTACTS
    assert not rig.copies.is_complete(shop.id, "contacts")
    await until(lambda: status.isHidden(), what="the sync line to go")
    assert "cancelled at" in rig.window.statusBar().currentMessage()
    assert "it goes on from there next time" in rig.window.statusBar().currentMessage()

    # Sync now from the account's context menu goes on from the stored page.
    rig.window.populate_accounts(select=shop.id)
    menu = rig.window.tree.context_menu(shop.id)
    assert menu is not None
    [sync_now] = menu.actions()
    assert sync_now.text() == "Sync now" and sync_now.isEnabled()
    sync_now.trigger()
    await complete(rig, shop.id)
    mirror = rig.copies.mirror(shop.id)
    assert mirror is not None and mirror.count("contacts") == CONTACTS
    assert status.isHidden()
    demo = next(a for a in rig.accounts.accounts() if a.demo)
    demo_menu = rig.window.tree.context_menu(demo.id)
    assert demo_menu is not None and not demo_menu.actions()[0].isEnabled()  # it keeps no copy here


async def test_the_accounts_manager_keeps_syncs_and_forgets_the_copy(rig: Rig) -> None:
    shop = await saved_account(rig)
    path = mirror_path(shop.id)
    await rig.copies.open(shop.id)
    await complete(rig, shop.id)
    assert path.exists() and rig.key_kept(shop.id)
    rig.window.open_accounts_manager()
    manager = rig.window.accounts_manager
    assert manager is not None
    await manager.refresh()
    manager.select(shop.id)
    assert manager.keep_copy.isVisible() and manager.keep_copy.isChecked()
    assert manager.sync_button.isEnabled() and manager.forget_button.isEnabled()
    lines = manager.copy_lines.text().splitlines()
    assert lines == ["Local copy: on this computer, encrypted.", "Shop contacts synced (synced just now)",
                     "Shop tags synced (synced just now)"]

    # Sync now: the lines follow the refresh as it goes (what the label shows next, held back a moment
    # while changes come fast: the throttle).
    seen: list[str] = []
    label = manager.copy_lines
    rig.control.bridge.progressChanged.connect(lambda _a, _p: seen.append(label._pending or label.text()))
    manager.sync_button.click()
    await until(lambda: any("Checking Shop contacts for changes" in text for text in seen), 5, "the live line",
                signal=rig.control.bridge.progressChanged)
    await complete(rig, shop.id)

    # Keep a local copy off: the file and its key go, lists ask the vendor; on again: it syncs anew.
    manager.keep_copy.click()
    await until(lambda: not rig.accounts.get(shop.id).local_copy and not len(manager.tasks), what="kept off")
    assert not path.exists() and not rig.key_kept(shop.id) and rig.copies.sync(shop.id) is None
    assert AccountsFile().load()[0].local_copy is False  # saved
    assert manager.copy_lines.text() == "No local copy: lists and lookups ask the vendor each time."
    assert not manager.sync_button.isEnabled() and not manager.forget_button.isEnabled()
    manager.keep_copy.click()
    await until(lambda: rig.accounts.get(shop.id).local_copy and rig.copies.sync(shop.id) is not None,
                what="kept on")
    await complete(rig, shop.id)
    assert path.exists()

    # Forget local copy asks first: Cancel keeps it, Forget removes the file and the key.
    manager.forget_button.click()
    await answer("confirmForgetCopy", "Cancel")
    await until(lambda: not len(manager.tasks), what="the question answered")
    assert path.exists() and rig.copies.sync(shop.id) is not None
    manager.forget_button.click()
    await answer("confirmForgetCopy", "Forget")
    await until(lambda: not path.exists() and not len(manager.tasks), what="the copy forgotten")
    assert not rig.key_kept(shop.id) and rig.copies.sync(shop.id) is None
    assert rig.accounts.get(shop.id).local_copy  # still kept: Sync now fetches it again
    assert manager.copy_lines.text().startswith("Local copy: not open yet")
    assert "was removed" in rig.window.statusBar().currentMessage()
    manager.close()


async def test_removing_an_account_removes_its_copy_first(rig: Rig) -> None:
    shop = await saved_account(rig)
    await rig.copies.open(shop.id)
    await complete(rig, shop.id)
    assert mirror_path(shop.id).exists()
    assert rig.window.controller is not None
    assert await rig.window.controller.remove_account(shop.id, confirm=False)
    assert not mirror_path(shop.id).exists() and not rig.key_kept(shop.id)
    assert rig.copies.sync(shop.id) is None
    # An account whose copy is not open (a file left by `vendor-console sync`) loses it too.
    other = await saved_account(rig, "Newsletter")
    rig.accounts.update(other.id, local_copy=False)
    file = mirror_path(other.id)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"left by an earlier session")
    assert await rig.window.controller.remove_account(other.id, confirm=False)
    assert not file.exists()


async def test_the_refresh_interval_in_settings_applies_to_every_copy_and_is_kept(rig: Rig) -> None:
    shop = await saved_account(rig)
    sync = await rig.copies.open(shop.id)
    assert sync is not None and sync.interval == 15 * 60.0
    rig.window.registry.trigger("app.settings")
    await until(lambda: isinstance(QApplication.activeModalWidget(), QDialog)
                and QApplication.activeModalWidget().objectName() == "settingsDialog", what="the settings")
    dialog = QApplication.activeModalWidget()
    assert dialog.copy_refresh.value() == 15 and dialog.copy_refresh.suffix() == " min"  # type: ignore[attr-defined]
    dialog.copy_refresh.setValue(5)  # type: ignore[attr-defined]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]
    await until(lambda: rig.copies.interval == 300.0, what="the interval applied")
    assert sync.interval == 300.0
    assert PreferencesStore().load().copy_refresh_minutes == 5
    assert rig.window.preferences.copy_refresh_seconds == 300.0


async def test_a_copy_kept_in_memory_says_so_once(rig: Rig) -> None:
    rig.keychain.locked = True
    shop = await saved_account(rig, session_only=True)
    said: list[tuple[str, str]] = []
    rig.control.bridge.noticeReady.connect(lambda account_id, text: said.append((account_id, text)))
    await rig.copies.open_all()
    await until(lambda: said, what="the notice")
    [(account_id, text)] = said
    assert account_id == shop.id and "kept in memory for this session only" in text
    box = rig.control.notices.box
    assert box is not None and box.isVisible() and box.objectName() == "copyNotice"
    assert box.informativeText() == text
    assert rig.window.isEnabled()  # said, not asked: the window goes on
    # Switched off and on again, the copy is in memory again: it is not said again.
    assert rig.window.controller is not None
    assert await rig.window.controller.set_kept(shop.id, False)
    assert await rig.window.controller.set_kept(shop.id, True)
    assert rig.copies.notice(shop.id) == text and said == [(account_id, text)]
    await complete(rig, shop.id)
    assert not mirror_path(shop.id).exists()
    box.close()


async def test_adding_an_account_asks_to_keep_a_copy_and_opens_it(rig: Rig) -> None:
    from console.vendors.systeme import DEMO_API_KEY

    assert rig.window.controller is not None
    adding = rig.window.tasks.spawn(rig.window.controller.add_account())
    await until(lambda: isinstance(QApplication.activeModalWidget(), QDialog)
                and QApplication.activeModalWidget().objectName() == "accountDialog", what="the add dialog")
    dialog: Any = QApplication.activeModalWidget()
    assert dialog.keep_copy.isChecked()  # on by default
    dialog.label.setText("Shop")
    dialog.base_url.setText(rig.ws.vendors["systeme"].base_url)
    dialog.field_edits["api_key"].setText(DEMO_API_KEY)
    dialog.keep_copy.setChecked(False)
    assert dialog.values()[0].local_copy is False
    dialog.keep_copy.setChecked(True)
    dialog._on_save()
    account = await adding
    assert account is not None and account.local_copy
    assert AccountsFile().load()[0].local_copy
    await until(lambda: rig.copies.sync(account.id) is not None, what="the copy opened")
    await complete(rig, account.id)
    assert mirror_path(account.id).exists()


async def test_without_local_copies_nothing_shows(emulators: DemoWorkspace, tmp_path: Path, app_stays: None) -> None:
    window = MainWindow()
    observer = QtHttpObserver(window)
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore(), observer=observer)
    await accounts.add_demo(emulators.accounts, emulators.secrets)
    window.attach(accounts, DatasetService(accounts), observer)
    try:
        assert window.copy_control is None and window.status_panel.sync_status is None
        assert window.tree.context_menu(emulators.accounts[0].id) is None
        window.open_accounts_manager()
        manager = window.accounts_manager
        assert manager is not None and manager.keep_copy.isHidden() and manager.copy_lines.isHidden()
        manager.close()
    finally:
        window.close()
        await accounts.aclose()
        window.deleteLater()
