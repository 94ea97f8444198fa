"""The request inspector: every exchange, filters, pretty bodies, copy as curl, and never a secret."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from console.app import AppController
from console.core import log
from console.core.errors import ConsoleError
from console.http.requestlog import PLACEHOLDER
from console.sandbox.faults import FaultConfig
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize(
    "emulators", [{"systeme": 200, "setster": 200, "launch27": 200, "setera": 200, "setsmart": 200}], indirect=True)


def browse_every_account(harness: Any, qtbot: Any) -> None:
    for account in harness.accounts.accounts():
        page = harness.window.select_account(account.id)
        view = page.current_view()
        qtbot.waitUntil(lambda v=view: v.model.rowCount() > 0 or v.model.error is not None, timeout=10000)


def secrets_of(harness: Any) -> set[str]:
    known = {value for secrets in harness.workspace.secrets.values() for value in secrets.values()}
    for account in harness.accounts.accounts():  # session tokens the vendors handed out, as the clients hold them
        client = harness.accounts._clients.get(account.id)
        holders = [client, getattr(client, "auth", None), getattr(getattr(client, "http", None), "session", None)]
        for holder in holders:
            for name in ("token", "bearer", "single_access_token", "password"):
                value = getattr(holder, name, None)
                if isinstance(value, str) and len(value) > 6:
                    known.add(value)
    vendors = harness.workspace.vendors  # and as the emulators issued them
    if "setster" in vendors:
        known |= set(vendors["setster"].emulator.sessions)
    if "launch27" in vendors:
        known |= set(vendors["launch27"].emulator.tokens)
    return known


def test_no_secret_anywhere_in_the_inspector(harness: Any, qtbot: Any) -> None:
    browse_every_account(harness, qtbot)
    harness.window.registry.trigger("view.requests")
    inspector = harness.window.inspector
    qtbot.waitUntil(inspector.isVisible, timeout=2000)
    secrets = secrets_of(harness)
    assert len(secrets) >= 6
    model = inspector.proxy
    assert model.rowCount() >= 8
    seen_text = []
    for row in range(model.rowCount()):
        inspector.table.selectRow(row)
        seen_text += [inspector.request_text.toPlainText(), inspector.response_text.toPlainText(),
                      inspector.reference.text()]
        seen_text += [str(model.index(row, c).data()) for c in range(model.columnCount())]
        inspector.copy_curl()
        seen_text.append(QGuiApplication.clipboard().text())
    everything = "\n".join(seen_text)
    leaks = [s for s in secrets if s in everything]
    assert leaks == [], "secrets shown in the inspector"
    assert PLACEHOLDER in everything  # the curl commands name where the secret goes
    assert "x-api-key: ***" in everything and "authorization: ***" in everything


def test_filters_bodies_and_curl(harness: Any, qtbot: Any) -> None:
    browse_every_account(harness, qtbot)
    harness.workspace.vendors["systeme"].faults.configure(FaultConfig(rates={404: 1.0}))
    try:
        harness.window.select_account(harness.accounts.by_label("Marketing (demo)").id).current_view().refresh()
        qtbot.waitUntil(lambda: any(e.status == 404 for e in harness.accounts.request_log), timeout=5000)
    finally:
        harness.workspace.vendors["systeme"].faults.configure(FaultConfig())
    harness.window.open_inspector()
    inspector = harness.window.inspector
    total = inspector.proxy.rowCount()
    inspector.status.setCurrentIndex(inspector.status.findData("4"))
    assert 0 < inspector.proxy.rowCount() < total
    assert all(inspector.proxy.index(r, 4).data() == "404" for r in range(inspector.proxy.rowCount()))
    inspector.status.setCurrentIndex(0)
    marketing = harness.accounts.by_label("Marketing (demo)").id
    inspector.account.setCurrentIndex(inspector.account.findData(marketing))
    assert all(inspector.proxy.index(r, 1).data() == "Marketing (demo)" for r in range(inspector.proxy.rowCount()))
    ok_row = next(r for r in range(inspector.proxy.rowCount()) if inspector.proxy.index(r, 4).data() == "200")
    inspector.table.selectRow(ok_row)
    body = inspector.response_text.toPlainText().split("\n\n", 1)[1]
    assert json.loads(body)["items"]  # pretty-printed JSON
    assert "\n  " in body
    inspector.copy_curl()
    curl = QGuiApplication.clipboard().text()
    assert curl.startswith("curl -X GET 'http://127.0.0.1:") and f"x-api-key: {PLACEHOLDER}" in curl
    said = "Copied GET /api/contacts as a curl command (secrets as <secret>)."
    assert inspector.note.text() == said and harness.window.statusBar().currentMessage() == said
    # Newest first, and new requests appear as they finish.
    inspector.account.setCurrentIndex(0)
    before = inspector.model.rowCount()
    harness.window.current_view().refresh()
    qtbot.waitUntil(lambda: inspector.model.rowCount() > before, timeout=5000)
    assert inspector.model.rows[0].seq > inspector.model.rows[-1].seq


def test_screenshot_of_the_inspector(harness: Any, qtbot: Any) -> None:
    browse_every_account(harness, qtbot)
    harness.window.open_inspector()
    inspector = harness.window.inspector
    inspector.table.selectRow(0)
    qtbot.waitUntil(lambda: harness.quiet() and inspector.response_text.toPlainText() != "", timeout=5000)
    ARTIFACTS.mkdir(exist_ok=True)
    assert inspector.grab().save(str(ARTIFACTS / "request-inspector.png"))
    assert QApplication.activeModalWidget() is None


def test_the_inspector_opens_over_the_window_and_esc_closes_it(harness: Any, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    window = harness.window
    browse_every_account(harness, qtbot)
    window.resize(1300, 860)
    window.move(60, 20)
    qtbot.waitUntil(lambda: window.geometry().width() == 1300, timeout=2000)
    window.registry.trigger("view.requests")
    inspector = window.inspector
    qtbot.waitUntil(lambda: inspector.isVisible() and QApplication.activeWindow() is inspector, timeout=3000)
    # A tool window of the main window: kept above it, and over it.
    assert inspector.parentWidget() is window and inspector.isWindow()
    assert inspector.windowType() == Qt.WindowType.Tool
    outer, inner = window.frameGeometry(), inspector.frameGeometry()
    assert outer.contains(inner.center())
    assert abs(inner.center().x() - outer.center().x()) <= 20 and abs(inner.center().y() - outer.center().y()) <= 40
    assert inspector.width() <= window.width() and inspector.height() <= window.height()
    ARTIFACTS.mkdir(exist_ok=True)
    screen = window.screen().grabWindow(0)  # the whole screen: the log over the window, as a person sees it
    assert screen.save(str(ARTIFACTS / "request-inspector-over-window.png"))
    # Esc closes it, wherever the focus is in it.
    inspector.table.setFocus()
    qtbot.keyClick(inspector.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not inspector.isVisible(), timeout=2000)
    window.open_inspector()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is inspector, timeout=3000)
    inspector.response_text.setFocus()
    qtbot.keyClick(inspector.response_text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not inspector.isVisible(), timeout=2000)
    assert window.isVisible()  # only the inspector closed


def test_empty_panes_say_what_to_do(harness: Any, qtbot: Any) -> None:
    from console.services.activity import RequestLog
    from console.ui.inspector import EMPTY_LOG, NO_SELECTION, NOTHING_MATCHES, RequestInspector

    empty = RequestInspector(RequestLog(), [], harness.window)  # a session that has sent nothing yet
    try:
        assert empty.listing.currentWidget() is empty.empty and empty.empty.text() == EMPTY_LOG
        assert EMPTY_LOG == "No requests yet: open a dataset or press F5"
        for pane in (empty.response_text, empty.request_text):
            assert pane.toPlainText() == "" and pane.placeholderText() == NO_SELECTION
        assert NO_SELECTION == "Select a request to see its headers and body"
        assert not empty.curl_button.isEnabled()
    finally:
        empty.deleteLater()
    browse_every_account(harness, qtbot)
    harness.window.open_inspector()
    inspector = harness.window.inspector
    assert inspector.listing.currentWidget() is inspector.table and inspector.current() is None
    assert inspector.response_text.toPlainText() == "" and inspector.response_text.placeholderText() == NO_SELECTION
    inspector.table.selectRow(0)
    assert inspector.response_text.toPlainText() != ""
    inspector.status.setCurrentIndex(inspector.status.findData("x"))  # no request went unanswered
    assert inspector.proxy.rowCount() == 0
    assert inspector.listing.currentWidget() is inspector.empty and inspector.empty.text() == NOTHING_MATCHES
    assert inspector.response_text.toPlainText() == ""  # nothing selected any more
    inspector.status.setCurrentIndex(0)
    assert inspector.listing.currentWidget() is inspector.table


def test_the_windows_keys_work_in_the_inspector_and_esc_is_its_own(harness: Any, qtbot: Any) -> None:
    """F5 (the main window's) reloads the list from the inspector; Esc closes the inspector, not the lookup."""
    from PySide6.QtCore import Qt

    window = harness.window
    browse_every_account(harness, qtbot)
    window.lookup_box.setText("jane")
    window.registry.trigger("lookup.open")
    qtbot.waitUntil(lambda: window.lookup_area.is_open and window.lookup_area.escape.isEnabled(), timeout=5000)
    window.open_inspector()
    inspector = window.inspector
    qtbot.waitUntil(lambda: QApplication.activeWindow() is inspector, timeout=3000)
    qtbot.waitUntil(harness.quiet, timeout=10000)
    before = inspector.model.rows[0].seq if inspector.model.rows else -1
    qtbot.keyClick(inspector.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: inspector.model.rows[0].seq > before, timeout=5000)
    qtbot.keyClick(inspector.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not inspector.isVisible(), timeout=2000)
    assert window.lookup_area.is_open  # the lookup's Esc is the main window's, not the inspector's


@pytest.mark.allow_warnings
def test_no_secret_anywhere_after_login_failed_login_export_and_crash(
        harness: Any, qtbot: Any, console_home: Path, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """Every place a secret could end up, after the paths that handle secrets: zero hits."""

    log_path = console_home / "logs" / "vendor-console.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, encoding="utf-8")  # the app's file handler, with its filter
    handler.addFilter(log.RedactingFilter())
    root = logging.getLogger("console")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # the most talkative level: headers both ways
    try:
        _exercise_every_secret_path(harness, qtbot, console_home, caplog, tmp_path)
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(logging.INFO)


def _exercise_every_secret_path(harness: Any, qtbot: Any, console_home: Path, caplog: pytest.LogCaptureFixture,
                                tmp_path: Path) -> None:
    window = harness.window
    browse_every_account(harness, qtbot)  # logins: keys, passwords, session tokens, JWTs
    secrets = secrets_of(harness)
    texts: list[str] = []

    # A failed login from the window: a wrong password typed into the secret dialog.
    launch27 = next(a for a in harness.accounts.accounts() if a.vendor == "launch27")
    wrong_password = "wrong-Pass-word-7c1d9e"
    secrets.add(wrong_password)
    task = asyncio.ensure_future(window.enter_secret(launch27.id))
    dialog = find_modal(qtbot, QDialog, "secretDialog")
    for edit in dialog.edits.values():
        edit.setText(wrong_password)
    dialog._on_ok()
    qtbot.waitUntil(task.done, timeout=5000)
    view = window.select_account(launch27.id).current_view()
    view.refresh()
    qtbot.waitUntil(lambda: view.model.error is not None, timeout=10000)
    error: ConsoleError = view.model.error
    texts += [str(error), repr(error), error.user_message.render(), view.banner_text.text()]
    box = QApplication.activeModalWidget()  # the app may ask for the secret again: answer with nothing
    if box is not None:
        texts += [getattr(box, "text", lambda: "")(), box.windowTitle()]
        box.close()

    # An export, and its file.
    systeme = next(a for a in harness.accounts.accounts() if a.vendor == "systeme")
    window.select_account(systeme.id)
    out = tmp_path / "contacts.csv"
    export = asyncio.ensure_future(window.export_view(out))
    qtbot.waitUntil(lambda: out.exists(), timeout=15000)
    qtbot.waitUntil(export.done, timeout=5000)
    texts.append(out.read_text(encoding="utf-8"))

    # A crash whose message carries secrets.
    controller = AppController(window, argparse.Namespace())
    try:
        raise RuntimeError("broke while holding " + " ".join(sorted(secrets)))
    except RuntimeError:
        controller.on_exception(*sys.exc_info())
    crash = find_modal(qtbot, QMessageBox, "crashDialog")
    texts += [crash.text(), crash.informativeText(), crash.detailedText()]
    crash.button(QMessageBox.StandardButton.Ok).click()

    # The inspector's data and every pane of it, with Copy as curl.
    for exchange in harness.accounts.request_log:
        texts += [repr(exchange), exchange.response_body, exchange.as_curl()]
    window.open_inspector()
    inspector = window.inspector
    for row in range(inspector.proxy.rowCount()):
        inspector.table.selectRow(row)
        texts += [inspector.request_text.toPlainText(), inspector.response_text.toPlainText()]
        inspector.copy_curl()
        texts.append(QGuiApplication.clipboard().text())
    written = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in console_home.rglob("*") if p.is_file())
    assert "x-api-key" in (console_home / "logs" / "vendor-console.log").read_text().lower()  # headers logged
    assert any(p.suffix == ".ini" for p in console_home.rglob("*"))  # QSettings files are in the haystack
    places = {"log lines": caplog.text, "config dir, QSettings and log files": written,
              "window texts": "\n".join(texts)}
    leaks = {where: sorted(s for s in secrets if s in text) for where, text in places.items()}
    assert len(secrets) >= 10
    print(f"\nsecrets checked: {len(secrets)}; characters searched: {sum(map(len, places.values())):,}; "
          f"leaks: {sum(map(len, leaks.values()))}")
    for where, found in leaks.items():  # where exactly, to fix it
        for secret in found:
            at = places[where].index(secret)
            print(f"LEAK in {where}: ...{places[where][max(0, at - 300):at + 40]!r}")
    assert leaks == {where: [] for where in places}
    assert "Wrong" in error.user_message.render() or "password" in error.user_message.render().lower()
