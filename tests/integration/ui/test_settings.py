"""Edit > Settings: every setting applies at once and is kept; bad saved values fall back to defaults."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

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
        qtbot.waitUntil(harness.quiet, timeout=5000)  # the connections renewed by OK are closed
    finally:
        logging.getLogger("console").setLevel(logging.INFO)


def test_the_theme_shows_as_chosen_and_cancel_puts_it_back(harness: Any, qtbot: Any) -> None:
    from console.ui.delete_queue import DEFAULT_UNDO_SECONDS, SESSION

    window = harness.window

    def dark() -> bool:
        return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80

    assert window.preferences.undo_seconds == 10 and SESSION.seconds == 10 and not dark()
    qtbot.waitUntil(harness.quiet, timeout=8000)  # the first list is in: no request on its way
    window.registry.trigger("app.settings")
    dialog = find_modal(qtbot, QDialog, "settingsDialog")
    try:
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        assert dark()  # at once, with the dialog still open
        dialog.undo_seconds.setValue(25)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        qtbot.waitUntil(lambda: not dark(), timeout=3000)
        assert PreferencesStore().load() == Preferences() and SESSION.seconds == 10
        window.registry.trigger("app.settings")
        again = find_modal(qtbot, QDialog, "settingsDialog")
        assert again.theme.currentData() == "system" and again.undo_seconds.value() == 10
        again.undo_seconds.setValue(25)
        again.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: SESSION.seconds == 25, timeout=3000)  # the next delete waits 25 s
        assert PreferencesStore().load().undo_seconds == 25 and window.preferences.undo_seconds == 25
        # OK goes on to renew the accounts' connections: the test ends once that is done, not while an old
        # connection is still closing (its socket was once reported unclosed in the next test's setup).
        qtbot.waitUntil(lambda: "Settings saved" in window.statusBar().currentMessage() and harness.quiet(),
                        timeout=5000)
    finally:
        SESSION.seconds = DEFAULT_UNDO_SECONDS


@pytest.mark.allow_warnings
def test_bad_saved_values_read_as_defaults(harness: Any) -> None:
    store = PreferencesStore()
    for key, value in (("page_size", "lots"), ("timeout", "9999"), ("retries", "-1"), ("theme", "purple"),
                       ("log_level", "LOUD"), ("undo_seconds", "0")):
        store.settings.setValue(f"preferences/{key}", value)
    store.settings.sync()
    assert PreferencesStore().load() == Preferences()


DAMAGE = {"layout.ini": b"\x00\xff\xfe[window\ngeometry==\x01\n[[[\nkey",
          "settings.ini": b"\xff[preferences\n[[[\npage_size",
          "lookups.json": b"[1, 2", "accounts.json": b"{not json at all"}


@pytest.fixture
def damaged_config(console_home: Path) -> Path:
    for name, content in DAMAGE.items():
        (console_home / name).write_bytes(content)
    return console_home


@pytest.mark.allow_warnings
def test_damaged_files_are_moved_aside_and_said(damaged_config: Path, harness: Any, qtbot: Any) -> None:
    window = harness.window
    box = find_modal(qtbot, QMessageBox, "resetNotice")
    said = box.informativeText()
    for name in ("layout.ini", "settings.ini", "lookups"):
        assert name in said
    assert "moved to layout.ini.bad-1" in said and str(damaged_config) in said
    ARTIFACTS.mkdir(exist_ok=True)
    box.grab().save(str(ARTIFACTS / "reset-notice.png"))
    box.accept()
    harness.accounts.load()  # the app reads the saved accounts at startup
    box = window.show_reset_notice()
    assert box is not None and "accounts file could not be read" in box.informativeText()
    assert "accounts.json.bad-1" in box.informativeText()
    box.accept()
    for name, content in DAMAGE.items():  # every damaged file kept as it was, for inspection
        assert (damaged_config / f"{name}.bad-1").read_bytes() == content
    assert window.show_reset_notice() is None  # said once
    view = harness.view("contacts")  # and the console works
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=8000)
    window.save_layout()
    assert QSettings(str(damaged_config / "layout.ini"), QSettings.Format.IniFormat).status() == \
        QSettings.Status.NoError
