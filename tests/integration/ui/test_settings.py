"""Edit > Settings: every setting applies at once and is kept; bad saved values fall back to defaults."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from console.ui.preferences import Preferences, PreferencesStore
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 300}], indirect=True)


def test_settings_apply_now_and_are_kept(harness: Any, qtbot: Any) -> None:
    window = harness.window
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=8000)
    assert harness.accounts._clients  # a live connection
    window.registry.trigger("app.settings")
    dialog = find_modal(qtbot, QDialog, "settingsDialog")
    dialog.page_size.setValue(20)
    dialog.timeout.setValue(7)
    dialog.retries.setValue(1)
    dialog.region.setCurrentIndex(dialog.region.findData("GB"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.log_level.setCurrentIndex(dialog.log_level.findData("WARNING"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "Settings saved" in window.statusBar().currentMessage(), timeout=3000)
    try:
        assert view.model.page_size == 20 and not harness.accounts._clients
        assert harness.accounts.settings.timeout == 7 and harness.accounts.settings.max_attempts == 2
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80  # dark
        assert logging.getLogger("console").level == logging.WARNING
        assert window.lookup.history.region() == "GB"
        assert window.lookup_panel.region.currentData() == "GB"
        assert PreferencesStore().load() == Preferences(20, 7, 1, "dark", "WARNING")
        view.refresh()  # the next page comes in twenties, over a new connection
        qtbot.waitUntil(lambda: view.model.rowCount() == 20, timeout=8000)
        ARTIFACTS.mkdir(exist_ok=True)
        window.grab().save(str(ARTIFACTS / "dark-theme.png"))
        window.registry.trigger("app.settings")
        again = find_modal(qtbot, QDialog, "settingsDialog")
        assert again.page_size.value() == 20 and again.theme.currentData() == "dark"
        again.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
        assert again.page_size.value() == 50 and again.theme.currentData() == "system"
        again.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: window.preferences == Preferences(), timeout=3000)
        qtbot.waitUntil(lambda: QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180,
                        timeout=3000)
    finally:
        logging.getLogger("console").setLevel(logging.INFO)


def test_bad_saved_values_read_as_defaults(harness: Any) -> None:
    store = PreferencesStore()
    for key, value in (("page_size", "lots"), ("timeout", "9999"), ("retries", "-1"), ("theme", "purple"),
                       ("log_level", "LOUD")):
        store.settings.setValue(f"preferences/{key}", value)
    store.settings.sync()
    assert PreferencesStore().load() == Preferences()
