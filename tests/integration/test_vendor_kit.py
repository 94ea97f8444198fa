"""The vendor kit's proof: a sixth vendor made of one package (``tests/kitvendor``) and one registry entry.

The package holds a client, an error table, a dataset and an emulator, built only with the kit
(``ClientContext.http``, ``errorkit.CodeTable``, ``kit.vendor_spec``); the test registers it for its own
length and runs it through what serves every vendor: the generic window, the export, the lookup and the
command line's help. No other file names it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import AuthError
from console.core.lookup import classify
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.export import export_dataset, make_writer
from console.services.lookup import LookupService, State
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from tests import kitvendor

KIT = kitvendor.SPEC.id
SIZE = 130


@pytest.fixture(autouse=True)
def kit_vendor() -> Iterator[None]:
    """The sixth vendor, registered for one test (before the workspace and the window are made)."""
    with registry.registered(kitvendor.SPEC):
        yield
    assert KIT not in registry.ids()


@pytest.fixture
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={KIT: SIZE}, vendors=(KIT,))
    yield ws
    ws.stop()


@pytest.fixture
async def accounts(workspace: DemoWorkspace, tmp_path: Path) -> AsyncIterator[AccountService]:
    service = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await service.add_demo(workspace.accounts, workspace.secrets)
    yield service
    await service.aclose()


def client_for(ws: DemoWorkspace, secrets: dict[str, str] | None = None) -> VendorClient:
    account = ws.accounts[0]
    secrets = ws.secrets[account.id] if secrets is None else secrets
    return registry.get(KIT).make_client(ClientContext(account_id=account.id, base_url=account.base_url,
                                                       secrets=secrets))


def test_the_registry_lists_it_only_while_registered() -> None:
    assert registry.ids()[-1] == KIT and registry.VENDORS[-1] is kitvendor.SPEC
    with pytest.raises(ValueError, match="registered already"):
        registry.register(kitvendor.SPEC)
    spec = registry.get(KIT)
    assert spec.display_name == "Kit CRM" and spec.emulator is not None and spec.emulator.main_dataset == "people"
    assert spec.error_table["401"].title == "Wrong API key"


@pytest.mark.parametrize("emulators", [{KIT: SIZE}], indirect=True)
def test_the_window_loads_its_people_in_the_table(harness: Any, qtbot: Any) -> None:
    page = harness.window.select_account(f"demo-{KIT}-0")
    view = page.view("people")
    page.setCurrentWidget(view)
    view.activate()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)
    first = view.model.record(0)
    assert first is not None and first.fields["email"] == "jane.doe@example.com"
    assert [view.model.headerData(c, _horizontal()) for c in range(3)] == ["Name", "Email", "Phone"]
    while not (view.model.rowCount() == SIZE and not view.model.has_more):  # scrolled to the end, page by page
        view.table.scrollToBottom()
        rows = view.model.rowCount()
        qtbot.waitUntil(lambda rows=rows: view.model.rowCount() > rows or not view.model.has_more, timeout=5000)
    assert len({view.model.record(r).id for r in range(SIZE)}) == SIZE


def _horizontal() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


async def test_the_export_streams_every_person_once_in_order(workspace: DemoWorkspace) -> None:
    client = client_for(workspace)
    out = io.StringIO()
    try:
        progress = await export_dataset(client, "people", make_writer("csv", out), page_size=50)
    finally:
        await client.aclose()
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert progress.duplicates == 0
    assert [row["id"] for row in rows] == [str(n) for n in range(1, SIZE + 1)]
    assert rows[0]["email"] == "jane.doe@example.com"


async def test_a_refusal_speaks_the_kit_vendors_table(workspace: DemoWorkspace) -> None:
    client = client_for(workspace, secrets={"api_key": "wrong"})
    try:
        with pytest.raises(AuthError) as refused:
            await client.test_connection()
    finally:
        await client.aclose()
    assert refused.value.user_message == registry.get(KIT).error_table["401"]
    assert refused.value.message == "Invalid API key." and refused.value.vendor_code == "unauthorized"


async def test_the_lookup_finds_jane_by_email_phone_and_id(accounts: AccountService) -> None:
    service = LookupService(accounts, timeout=5.0)
    for text in ("JANE.DOE@example.com", "+1 415 555 0100", "1"):
        outcomes = [o async for o in service.stream(classify(text, "US"))]
        assert [(o.account_label, o.state) for o in outcomes] == [("Kit people (demo)", State.HITS)], text
        assert [h.record.fields["name"] for h in outcomes[0].hits] == ["Jane Doe"], text


def test_the_command_line_help_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "--help"])
    assert "launch27, setera, kitvendor)" in " ".join(capsys.readouterr().out.split())

