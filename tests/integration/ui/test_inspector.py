"""The request inspector: every exchange, filters, pretty bodies, copy as curl, and never a secret."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console.http.requestlog import PLACEHOLDER
from console.sandbox.faults import FaultConfig
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.parametrize(
    "emulators", [{"systeme": 200, "setster": 200, "launch27": 200, "setera": 200, "setsmart": 200}], indirect=True)


def browse_every_account(harness: Any, qtbot: Any) -> None:
    for account in harness.accounts.accounts():
        page = harness.window.select_account(account.id)
        view = page.current_view()
        qtbot.waitUntil(lambda v=view: v.model.rowCount() > 0 or v.model.error is not None, timeout=10000)


def secrets_of(harness: Any) -> set[str]:
    known = {value for secrets in harness.workspace.secrets.values() for value in secrets.values()}
    for account in harness.accounts.accounts():  # session tokens the vendors handed out
        client = harness.accounts._clients.get(account.id)
        for name in ("token", "bearer", "single_access_token"):
            value = getattr(getattr(client, "auth", None), name, None) or getattr(client, name, None)
            if isinstance(value, str) and len(value) > 6:
                known.add(value)
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
    qtbot.wait(100)
    ARTIFACTS.mkdir(exist_ok=True)
    assert inspector.grab().save(str(ARTIFACTS / "request-inspector.png"))
    assert QApplication.activeModalWidget() is None
