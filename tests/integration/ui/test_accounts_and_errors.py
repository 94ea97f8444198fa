"""Adding and removing accounts in the window, and failures shown in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from console.core.credentials import MemoryStore
from console.core.errors import KeychainUnavailable
from console.sandbox.faults import FaultConfig
from console.vendors.systeme import DEMO_API_KEY
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 120}], indirect=True)


class NoKeychain(MemoryStore):
    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        raise KeychainUnavailable("This computer has no usable keychain.")


def fill_account(dialog: Any, label: str, base_url: str, key: str) -> None:
    dialog.label.setText(label)
    dialog.base_url.setText(base_url)
    dialog.field_edits["api_key"].setText(key)


def test_add_account_with_test_connection(harness: Any, qtbot: Any) -> None:
    window = harness.window
    base = harness.workspace.vendors["systeme"].base_url
    window.add_button.click()
    dialog = find_modal(qtbot, QDialog, "accountDialog")
    assert dialog.base_url.text() == "https://api.systeme.io/api"  # the vendor's documented default
    fill_account(dialog, "Shop", "http://example.com/api", "k")
    dialog.test_button.click()
    assert "https://" in dialog.message.text()  # plain http only on loopback
    fill_account(dialog, "Shop", base, "wrong-key-0000")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Wrong API key" in dialog.message.text(), timeout=5000)
    dialog.field_edits["api_key"].setText(DEMO_API_KEY)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Connection works" in dialog.message.text(), timeout=5000)
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "add-account.png"))
    dialog.label.setText("Marketing (demo)")
    dialog._on_save()
    assert "already labelled" in dialog.message.text()
    dialog.label.setText("Shop")
    dialog._on_save()
    qtbot.waitUntil(lambda: harness.accounts.by_label("Shop") is not None, timeout=5000)
    shop = harness.accounts.by_label("Shop")
    qtbot.waitUntil(lambda: window.current_page() is not None and window.current_page().account.id == shop.id,
                    timeout=5000)
    assert harness.keychain._data  # the key went to the keychain store
    qtbot.waitUntil(lambda: window.current_view() is not None
                    and window.current_view().account.id == shop.id
                    and window.current_view().model.rowCount() == 50, timeout=5000)
    text = (harness.accounts.file.path).read_text()
    assert DEMO_API_KEY not in text and "Shop" in text


def test_no_keychain_offers_this_run_only(harness: Any, qtbot: Any) -> None:
    harness.accounts.keychain = NoKeychain()
    base = harness.workspace.vendors["systeme"].base_url
    harness.window.add_button.click()
    dialog = find_modal(qtbot, QDialog, "accountDialog")
    fill_account(dialog, "Ephemeral", base, DEMO_API_KEY)
    dialog._on_save()
    box = find_modal(qtbot, QMessageBox, "noKeychainBox")
    assert "no usable keychain" in box.text()
    next(b for b in box.buttons() if "this run only" in b.text()).click()
    qtbot.waitUntil(lambda: harness.accounts.by_label("Ephemeral") is not None, timeout=5000)
    ephemeral = harness.accounts.by_label("Ephemeral")
    qtbot.waitUntil(lambda: harness.window.current_page() is not None
                    and harness.window.current_page().account.id == ephemeral.id, timeout=5000)
    assert ephemeral.session_only
    assert DEMO_API_KEY not in harness.accounts.file.path.read_text()


def test_remove_account_asks_and_removes(harness: Any, qtbot: Any) -> None:
    window = harness.window
    demo_id = window.current_view().account.id
    window.remove_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmRemove")
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(harness.window_idle, timeout=5000)  # the question has had its answer
    assert harness.accounts.get(demo_id)
    window.remove_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmRemove")
    next(b for b in box.buttons() if b.text() == "Remove").click()
    qtbot.waitUntil(lambda: not harness.accounts.accounts(), timeout=5000)
    assert "No accounts yet" in window.welcome.text()


@pytest.mark.allow_warnings
def test_server_errors_show_a_banner_and_retry_works(harness: Any, qtbot: Any) -> None:
    harness.workspace.set_faults(FaultConfig(rates={503: 1.0}))
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=15000)
    assert "Systeme.io unavailable" in view.banner_text.text()
    assert "temporarily unavailable" in view.banner_text.text()
    ARTIFACTS.mkdir(exist_ok=True)
    harness.window.grab().save(str(ARTIFACTS / "error-banner.png"))
    harness.workspace.set_faults(None)
    view.retry_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 50, timeout=5000)
    assert not view.banner.isVisible()


def test_short_rate_limit_waits_in_the_status_bar_and_goes_through(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() == 50, timeout=5000)
    harness.workspace.vendors["systeme"].emulator.force_rate_limit(1, retry_after=1.0)
    messages: list[str] = []
    harness.window.statusBar().messageChanged.connect(messages.append)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: any("waiting 1.0 s (rate limit)" in m for m in messages), timeout=3000)
    qtbot.waitUntil(lambda: "Waiting" in harness.window.quota.text(), timeout=1000)
    qtbot.waitUntil(lambda: view.model.rowCount() == 100, timeout=5000)
    assert not view.banner.isVisible()


def test_wrong_key_offers_to_enter_it_again(harness: Any, qtbot: Any) -> None:
    emulator = harness.workspace.vendors["systeme"].emulator
    emulator.api_keys.discard(DEMO_API_KEY)
    emulator.api_keys.add("rotated-key-4242")
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=5000)
    assert "Wrong API key" in view.banner_text.text()
    assert view.credentials_button.isVisible()
    view.credentials_button.click()
    dialog = find_modal(qtbot, QDialog, "secretDialog")
    dialog.edits["api_key"].setText("rotated-key-4242")
    dialog._on_ok()
    qtbot.waitUntil(lambda: view.model.rowCount() == 50, timeout=5000)
    assert not view.banner.isVisible()
