"""The accounts controller on its own: each operation saves and says so; File > Accounts needs no main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog

from console.core.credentials import MemoryStore
from console.core.settings import AccountConfig, AccountsFile
from console.services.accounts import AccountService
from console.ui.accounts_controller import AccountsController
from console.ui.accounts_manager import AccountsManager
from tests.conftest import until


class Recorder:
    """Every signal of a controller, in order, as (name, arguments)."""

    def __init__(self, controller: AccountsController) -> None:
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        for name in ("accountAdded", "accountChanged", "accountRemoved", "accountsChanged", "readOnlyChanged",
                     "addressChanged", "secretEntered", "statusMessage"):
            getattr(controller, name).connect(lambda *args, n=name: self.seen.append((n, args)))

    def names(self) -> list[str]:
        return [name for name, _args in self.seen]


async def saved_accounts(tmp_path: Path) -> tuple[AccountService, AccountConfig, AccountConfig]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    shop = AccountConfig(id=AccountConfig.new_id(), vendor="systeme", label="Shop",
                         base_url="https://api.systeme.io/api")
    rentals = AccountConfig(id=AccountConfig.new_id(), vendor="setsmart", label="Rentals",
                            base_url="https://api.setsmart.example/v1")
    await accounts.add(shop, {"api_key": "key-0001"})
    await accounts.add(rentals, {"api_key": "key-0002"})
    return accounts, shop, rentals


async def test_each_operation_saves_and_signals(tmp_path: Path) -> None:
    accounts, shop, rentals = await saved_accounts(tmp_path)
    released: list[str] = []

    async def release(account_id: str) -> None:
        released.append(account_id)

    controller = AccountsController(accounts, release_page=release)
    signals = Recorder(controller)

    assert controller.rename_account(shop.id, "  ") == "Enter a name."
    assert "Another account" in controller.rename_account(shop.id, "rentals")
    assert signals.seen == []  # a refused change says nothing
    assert controller.rename_account(shop.id, " Newsletter ") == ""
    assert accounts.get(shop.id).label == "Newsletter"
    assert signals.seen == [("accountChanged", (shop.id,)), ("accountsChanged", ())]

    signals.seen.clear()
    controller.set_read_only(rentals.id, True)
    assert accounts.get(rentals.id).read_only
    assert signals.names() == ["accountChanged", "accountsChanged", "readOnlyChanged", "statusMessage"]
    assert signals.seen[2] == ("readOnlyChanged", (rentals.id, True))
    assert signals.seen[3][1] == ("“Rentals” is read-only now: changes are hidden.", 6000)

    signals.seen.clear()
    assert "https://" in controller.change_base_url(shop.id, "ftp://files.example.com")
    assert signals.seen == []
    assert controller.change_base_url(shop.id, "https://eu.systeme.io/api/") == ""
    assert accounts.get(shop.id).base_url == "https://eu.systeme.io/api"
    assert signals.names() == ["accountChanged", "accountsChanged", "addressChanged"]

    assert controller.account_order() == [shop.id, rentals.id]  # the catalog's vendor order
    signals.seen.clear()
    assert await controller.remove_account(shop.id, confirm=False)
    assert released == [shop.id]  # what shows the account closes before it goes
    assert controller.get(shop.id) is None
    assert signals.names() == ["accountRemoved", "accountsChanged", "statusMessage"]
    assert AccountsFile(tmp_path).load() == [accounts.get(rentals.id)]  # saved as it is now


async def test_the_accounts_manager_works_without_a_window(tmp_path: Path) -> None:
    accounts, shop, rentals = await saved_accounts(tmp_path)
    controller = AccountsController(accounts)
    manager = AccountsManager(controller)
    try:
        manager.show()
        await manager.refresh()
        assert manager._ids == [shop.id, rentals.id]
        assert manager.table.item(0, 0).text() == "Shop"

        manager.select(rentals.id)
        manager.read_only_button.click()
        assert accounts.get(rentals.id).read_only
        await until(lambda: manager.table.item(1, 4).text() == "Read-only", what="the manager follows the change")

        manager.select(shop.id)
        manager.rename_button.click()
        await until(lambda: isinstance(QApplication.activeModalWidget(), QDialog), what="the rename prompt")
        prompt = QApplication.activeModalWidget()
        assert prompt is not None and prompt.objectName() == "textPrompt"
        prompt.edit.setText("Newsletter")  # type: ignore[attr-defined]
        prompt._on_ok()  # type: ignore[attr-defined]
        await until(lambda: manager.table.item(0, 0).text() == "Newsletter", what="the renamed row")
        assert accounts.get(shop.id).label == "Newsletter"
        await until(lambda: not len(manager.tasks), what="the manager's tasks to end")
    finally:
        manager.close()
        manager.deleteLater()
