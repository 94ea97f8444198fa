"""The account service against an emulator: replacing a client never cuts a request on its way."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.models import Query
from console.core.settings import AccountsFile
from console.http.types import HttpSettings
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from tests.conftest import until


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={"systeme": 120}, vendors=("systeme",))
    yield ws
    ws.stop()


@pytest.mark.parametrize("change", ["settings", "base_url", "secret"])
async def test_a_replaced_client_closes_after_its_requests(workspace: DemoWorkspace, tmp_path: Path,
                                                           change: str) -> None:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    datasets = DatasetService(accounts)
    account = workspace.accounts[0]
    workspace.vendors["systeme"].faults.configure(FaultConfig(latency=0.3))
    try:
        old = await accounts.client(account.id)
        pages = [asyncio.ensure_future(datasets.fetch_page(account.id, "contacts", Query(), None, 10))
                 for _ in range(3)]
        await until(lambda: old.http.active == 3)  # the three are on their way
        if change == "settings":
            await accounts.apply_settings(HttpSettings(timeout=5.0))
        elif change == "base_url":
            accounts.update(account.id, base_url=account.base_url.replace("127.0.0.1", "localhost"))
        else:
            await accounts.set_secrets(account.id, workspace.secrets[account.id], session_only=False)
        new = await accounts.client(account.id)
        assert new is not old
        results = await asyncio.gather(*pages)  # none was cut
        assert all(len(page.items) == 10 for page in results)
        await until(lambda: old.http._client.is_closed)  # closed once its requests ended
        assert not new.http._client.is_closed
        assert (await datasets.fetch_page(account.id, "contacts", Query(), None, 5)).items
    finally:
        workspace.vendors["systeme"].faults.configure(FaultConfig())
        await accounts.aclose()
    assert new.http._client.is_closed
