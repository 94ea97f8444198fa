"""Writes whose answer is lost are never sent again blindly: the record is read again first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import WriteOutcomeUnknown
from console.core.models import Query
from console.core.settings import AccountsFile
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService

pytestmark = pytest.mark.allow_warnings  # the cut connections are logged

LOST = FaultConfig(lost_rate=1.0)  # the server makes the change, the answer never arrives
CUT = FaultConfig(drop_rate=1.0)  # the connection breaks after sending; the server never makes it


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={"systeme": 60}, vendors=("systeme",))
    yield ws
    ws.stop()


@pytest.fixture
async def datasets(workspace: DemoWorkspace, tmp_path: Path) -> AsyncIterator[DatasetService]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    yield DatasetService(accounts)
    workspace.vendors["systeme"].faults.configure(FaultConfig())
    await accounts.aclose()


def writes(ws: DemoWorkspace, method: str, path: str) -> int:
    return ws.vendors["systeme"].emulator.write_log().count((method, path))


@pytest.mark.parametrize(("fault", "made"), [(LOST, True), (CUT, False)], ids=["answer-lost", "never-made"])
async def test_update(workspace: DemoWorkspace, datasets: DatasetService, fault: FaultConfig, made: bool) -> None:
    account = workspace.accounts[0].id
    record = (await datasets.fetch_page(account, "contacts", Query(), None, 5)).items[2]
    values = {**datasets.spec(account, "contacts").form_values(record), "company_name": f"Outcome {made}"}
    path = f"/api/contacts/{record.id}"
    before = writes(workspace, "PATCH", path)
    workspace.vendors["systeme"].faults.configure(fault)
    with pytest.raises(WriteOutcomeUnknown):
        await datasets.update(account, record, values)
    workspace.vendors["systeme"].faults.configure(FaultConfig())
    assert writes(workspace, "PATCH", path) == before + made  # sent once, not repeated by the client
    done, fresh = await datasets.check_update(account, record, values)
    assert done is made
    if not done:  # what "Check and retry" does then: send it again, against the fresh record
        await datasets.update(account, fresh, values)
    done, _fresh = await datasets.check_update(account, record, values)
    assert done and writes(workspace, "PATCH", path) == before + 1  # the vendor saw the change once


@pytest.mark.parametrize(("fault", "made"), [(LOST, True), (CUT, False)], ids=["answer-lost", "never-made"])
async def test_create_and_delete(workspace: DemoWorkspace, datasets: DatasetService, fault: FaultConfig,
                                 made: bool) -> None:
    account = workspace.accounts[0].id
    email = f"outcome-{int(made)}@example.org"
    values = {"email": email, "first_name": "Olga", "surname": "Outcome"}
    workspace.vendors["systeme"].faults.configure(fault)
    with pytest.raises(WriteOutcomeUnknown):
        await datasets.create(account, "contacts", values)
    workspace.vendors["systeme"].faults.configure(FaultConfig())
    found = await datasets.check_create(account, "contacts", values)
    assert (found is not None) is made
    if found is None:
        found = (await datasets.create(account, "contacts", values)).record
    assert found.fields["email"] == email
    emulator = workspace.vendors["systeme"].emulator
    assert emulator.write_log().count(("POST", "/api/contacts")) >= 1
    path = f"/api/contacts/{found.id}"
    workspace.vendors["systeme"].faults.configure(fault)
    with pytest.raises(WriteOutcomeUnknown):
        await datasets.delete(account, found)
    workspace.vendors["systeme"].faults.configure(FaultConfig())
    assert await datasets.check_delete(account, found) is made
    if not made:
        await datasets.delete(account, found)
    assert await datasets.check_delete(account, found)
    assert writes(workspace, "DELETE", path) == 1
