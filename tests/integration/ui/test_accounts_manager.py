"""File > Accounts: every account's state, and renaming, moving, re-entering a secret, safe mode, removing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from console.core.errors import KeychainUnavailable
from console.core.settings import AccountConfig
from console.services.accounts import Health
from console.ui.accounts_manager import AccountsManager
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 120, "setsmart": 40}], indirect=True)

SYSTEME = "demo-systeme-0"
SETSMART = "demo-setsmart-0"


def run(qtbot: Any, coro: Any, timeout: int = 8000) -> Any:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def open_manager(harness: Any, qtbot: Any) -> AccountsManager:
    harness.window.registry.actions["account.manage"].trigger()
    manager: AccountsManager = harness.window.accounts_manager
    qtbot.waitUntil(lambda: manager.isVisible() and len(manager.states) == len(harness.accounts.accounts()),
                    timeout=5000)
    return manager


def row_of(manager: AccountsManager, account_id: str) -> int:
    return manager._ids.index(account_id)


def cell(manager: AccountsManager, account_id: str, column: int) -> str:
    item = manager.table.item(row_of(manager, account_id), column)
    assert item is not None
    return item.text()


def shop_account(harness: Any, qtbot: Any) -> AccountConfig:
    """A saved (not demo) Systeme.io account on the emulator, its key in the (memory) keychain."""
    base = harness.workspace.vendors["systeme"].base_url
    account = AccountConfig(id=AccountConfig.new_id(), vendor="systeme", label="Shop", base_url=base)
    run(qtbot, harness.accounts.add(account, harness.workspace.secrets[SYSTEME]))
    harness.window.populate_accounts(select=SYSTEME)
    return account


def test_states_and_renaming(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() >= 50 and not view.model.loading, timeout=8000)
    manager = open_manager(harness, qtbot)
    assert manager.states[SYSTEME].health is Health.CONNECTED
    assert manager.states[SETSMART].health is Health.NOT_YET  # never opened in this session
    assert cell(manager, SYSTEME, 3) == "Connected" and cell(manager, SETSMART, 3) == "Not connected yet"
    manager.select(SYSTEME)
    assert "answered HTTP 200" in manager.detail.text()
    assert not manager.url_button.isEnabled()  # the demo's addresses are fixed at its start
    ARTIFACTS.mkdir(exist_ok=True)
    manager.grab().save(str(ARTIFACTS / "accounts-manager.png"))

    manager.rename_button.click()
    prompt = find_modal(qtbot, QDialog, "textPrompt")
    prompt.edit.setText("   ")
    prompt._on_ok()
    assert prompt.isVisible() and prompt.message.text() == "Enter a name."
    prompt.edit.setText(harness.accounts.get(SETSMART).label)
    prompt._on_ok()
    assert prompt.isVisible() and "Another account" in prompt.message.text()
    prompt.edit.setText("Newsletter")
    prompt._on_ok()
    qtbot.waitUntil(lambda: cell(manager, SYSTEME, 0) == "Newsletter", timeout=3000)
    assert harness.accounts.get(SYSTEME).label == "Newsletter"
    labels = [harness.window.tree.topLevelItem(i).child(0).text(0)
              for i in range(harness.window.tree.topLevelItemCount())]
    assert "Newsletter" in labels
    assert harness.window.windowTitle().startswith("Newsletter · Systeme.io")


def test_wrong_secret_needs_login_then_the_right_one_connects(harness: Any, qtbot: Any) -> None:
    from console.vendors.systeme import DEMO_API_KEY

    account = shop_account(harness, qtbot)
    manager = open_manager(harness, qtbot)
    manager.select(account.id)
    assert manager.url_button.isEnabled()
    manager.secret_button.click()
    dialog = find_modal(qtbot, QDialog, "secretDialog")
    dialog.edits["api_key"].setText("wrong-key-0000")
    dialog._on_ok()
    qtbot.waitUntil(lambda: manager.states[account.id].health is Health.NEEDS_LOGIN, timeout=8000)
    assert "Wrong API key" in manager.detail.text()
    assert cell(manager, account.id, 3) == "Needs login"
    manager.secret_button.click()
    dialog = find_modal(qtbot, QDialog, "secretDialog")
    dialog.edits["api_key"].setText(DEMO_API_KEY)
    dialog._on_ok()
    qtbot.waitUntil(lambda: manager.states[account.id].health is Health.CONNECTED, timeout=8000)
    assert "connection works" in manager.detail.text()
    assert "wrong-key-0000" not in manager.detail.text() and DEMO_API_KEY not in manager.detail.text()


def test_base_url_is_checked_and_applied(harness: Any, qtbot: Any) -> None:
    account = shop_account(harness, qtbot)
    manager = open_manager(harness, qtbot)
    manager.select(account.id)
    manager.url_button.click()
    prompt = find_modal(qtbot, QDialog, "textPrompt")
    prompt.edit.setText("ftp://files.example.com")
    prompt._on_ok()
    assert "https://" in prompt.message.text()
    prompt.edit.setText("http://api.example.com/api")
    prompt._on_ok()
    assert "plain http" in prompt.message.text()
    assert harness.accounts.get(account.id).base_url == account.base_url  # nothing changed yet
    moved = account.base_url.replace("127.0.0.1", "localhost") + "/"
    prompt.edit.setText(moved)
    prompt._on_ok()
    qtbot.waitUntil(lambda: "localhost" in cell(manager, account.id, 2), timeout=3000)
    assert harness.accounts.get(account.id).base_url == moved.rstrip("/")
    assert run(qtbot, manager.check(account.id))  # the next login goes to the new address
    assert manager.states[account.id].health is Health.CONNECTED


def test_keychain_unavailable_is_said(harness: Any, qtbot: Any, monkeypatch: Any) -> None:
    account = shop_account(harness, qtbot)

    async def broken(*_args: Any) -> str | None:
        raise KeychainUnavailable("The keychain is locked.")

    monkeypatch.setattr(harness.keychain, "get", broken)
    manager = open_manager(harness, qtbot)
    assert manager.states[account.id].health is Health.NO_KEYCHAIN
    assert cell(manager, account.id, 3) == "Keychain unavailable"
    assert manager.states[SYSTEME].health is not Health.NO_KEYCHAIN  # the demo keeps its keys in memory


def test_safe_mode_and_remove_from_the_manager(harness: Any, qtbot: Any) -> None:
    window = harness.window
    account = shop_account(harness, qtbot)
    manager = open_manager(harness, qtbot)
    manager.select(account.id)
    manager.read_only_button.click()
    assert harness.accounts.get(account.id).read_only
    qtbot.waitUntil(lambda: cell(manager, account.id, 4) == "Read-only", timeout=3000)
    page = window.select_account(account.id)
    assert all(not v.new_button.isVisible() for v in page.views)
    manager.select(account.id)
    qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=5000)  # removing closes its page
    manager.remove_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmRemove")
    next(b for b in box.buttons() if b.text() == "Remove").click()
    qtbot.waitUntil(lambda: account.id not in manager._ids, timeout=5000)
    assert harness.accounts.by_label("Shop") is None
    assert QApplication.activeModalWidget() is None


def test_plain_http_needs_the_red_switch(harness: Any, qtbot: Any) -> None:
    window = harness.window
    window.add_button.click()
    dialog = find_modal(qtbot, QDialog, "accountDialog")
    dialog.base_url.setText("http://crm.example.internal/api")
    assert any("Use https://" in p for p in dialog.problems(for_test=True))
    assert not dialog.insecure.isChecked() and "b3261e" in dialog.insecure.styleSheet()  # off, in red
    dialog.insecure.setChecked(True)
    assert not any("https" in p for p in dialog.problems(for_test=True))
    assert dialog.values()[0].allow_insecure
    dialog.reject()
    account = shop_account(harness, qtbot)
    manager = open_manager(harness, qtbot)
    manager.select(account.id)
    manager.url_button.click()
    prompt = find_modal(qtbot, QDialog, "textPrompt")
    prompt.edit.setText("http://crm.example.internal/api")
    prompt._on_ok()
    assert "Use https://" in prompt.message.text()
    prompt.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    manager.insecure_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmInsecure")
    next(b for b in box.buttons() if b.text() == "Allow http").click()
    qtbot.waitUntil(lambda: harness.accounts.get(account.id).allow_insecure, timeout=3000)
    qtbot.waitUntil(lambda: "insecure http allowed" in cell(manager, account.id, 4), timeout=3000)
    tips = [harness.window.tree.topLevelItem(i).child(j).toolTip(0)
            for i in range(harness.window.tree.topLevelItemCount())
            for j in range(harness.window.tree.topLevelItem(i).childCount())]
    assert any("Insecure: plain http:// allowed" in tip for tip in tips)  # the sidebar says so too
    manager.select(account.id)
    manager.url_button.click()
    prompt = find_modal(qtbot, QDialog, "textPrompt")
    prompt.edit.setText("http://crm.example.internal/api")
    prompt._on_ok()
    qtbot.waitUntil(lambda: harness.accounts.get(account.id).base_url == "http://crm.example.internal/api",
                    timeout=3000)
