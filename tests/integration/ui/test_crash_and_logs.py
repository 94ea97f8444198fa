"""An unexpected error shows a crash dialog (masked, copyable, with the log's path) and the app goes on;
Help > Open log folder opens the folder the logs are in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from console.app import AppController
from console.core import log
from tests.conftest import find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 200}], indirect=True)


@pytest.mark.allow_warnings
def test_an_unexpected_error_shows_a_crash_dialog_and_the_app_goes_on(harness: Any, qtbot: Any,
                                                                       console_home: Path) -> None:
    secret = "sk_live_crash_9f8e7d6c5b4a"
    log.register_secret(secret)
    controller = AppController(harness.window, argparse.Namespace())
    try:
        raise RuntimeError(f"the widget broke while holding {secret}")
    except RuntimeError:
        controller.on_exception(*sys.exc_info())  # what sys.excepthook does
    box = find_modal(qtbot, QMessageBox, "crashDialog")
    details = box.detailedText()
    assert "RuntimeError: the widget broke" in details and "Traceback" in details
    assert secret not in details and "***" in details
    assert str(console_home / "logs" / "vendor-console.log") in box.informativeText()
    copy = next(b for b in box.buttons() if b.objectName() == "copyCrash")
    copy.click()
    assert QGuiApplication.clipboard().text() == details
    assert box.isVisible()  # copying does not close it
    box.button(QMessageBox.StandardButton.Ok).click()
    view = harness.view("contacts")  # the app goes on
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=8000)


def test_open_log_folder(harness: Any, console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(harness.window, "open_url", lambda url: opened.append(url.toLocalFile()) or True)
    harness.window.registry.trigger("help.logs")
    assert opened == [str(console_home / "logs")]
    assert (console_home / "logs").is_dir()
