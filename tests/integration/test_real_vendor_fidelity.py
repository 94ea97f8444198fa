"""Every vendor as a real, thinner server would be: without the optional endpoints, and refusing a secret.

One demo workspace with all five vendors (small sizes). With every emulator's optional endpoints removed
(``optional_endpoints = False``: they answer a plain 404), every dataset of every demo account still
loads through the service layer, the note says once what is missing, and the missing endpoint is not
asked again on later pages. A refused secret shows as "Needs login" in the accounts manager's state for
every vendor, whatever status the vendor uses for it (Launch27 2.0: 406).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import AuthError
from console.core.models import Query
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService, Health
from console.services.datasets import DatasetService
from console.vendors import registry

SIZES = {"systeme": 120, "setster": 120, "setsmart": 60, "launch27": 120, "setera": 120}
ACCOUNTS = [(spec.id, n, demo.label) for spec in registry.VENDORS if spec.emulator is not None
            for n, demo in enumerate(spec.emulator.demo_accounts)]
DATASETS = [(vendor, n, label, ds.name) for vendor, n, label in ACCOUNTS for ds in registry.get(vendor).datasets]


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes=SIZES)
    yield ws
    ws.stop()


@pytest.fixture
async def services(workspace: DemoWorkspace, tmp_path: Path) -> Iterator[tuple[AccountService, DatasetService]]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    yield accounts, DatasetService(accounts)
    workspace.set_optional_endpoints(True)
    await accounts.aclose()


def _seen(workspace: DemoWorkspace, vendor: str) -> list[tuple[str, str]]:
    return [(s.method, s.path) for s in workspace.vendors[vendor].faults.seen()]


@pytest.mark.parametrize(("vendor", "n", "label", "dataset"), DATASETS,
                         ids=[f"{label}/{ds}" for _v, _n, label, ds in DATASETS])
async def test_every_dataset_loads_without_the_optional_endpoints(
        workspace: DemoWorkspace, services: tuple[AccountService, DatasetService],
        vendor: str, n: int, label: str, dataset: str) -> None:
    accounts, datasets = services
    workspace.set_optional_endpoints(False)
    workspace.vendors[vendor].faults.clear()
    account = f"demo-{vendor}-{n}"
    spec = registry.get(vendor).dataset(dataset)
    query = Query(filters={f.key: "" for f in spec.filters}, descending=spec.default_descending)
    first = await datasets.fetch_page(account, dataset, query, None, 20)
    pages = [first]
    while pages[-1].has_more and len(pages) < 3:
        pages.append(await datasets.fetch_page(account, dataset, query, pages[-1].next_cursor, 20))
    # Only a list whose own listing is an optional call (Launch27 2.0's services, [L]) may come back
    # empty, and it says why.
    assert sum(len(p.items) for p in pages) > 0 or pages[-1].notes, f"{label}/{dataset} loaded nothing"
    # Every 404 the client met was an optional endpoint's, and each was asked once, whatever the pages.
    emulator = workspace.vendors[vendor].emulator
    missing = [(m, p) for m, p in _seen(workspace, vendor)
               if any(r.matches(m, p) for r in emulator.optional_routes)]  # type: ignore[attr-defined]
    assert len(missing) == len(set(missing)), f"asked again: {missing}"
    client = await accounts.client(account)
    notes = client.optional.notes(dataset)
    assert set(notes) <= set(pages[-1].notes)
    if missing:
        assert client.optional.gaps(), "an optional endpoint was missing and nothing says so"


@pytest.mark.parametrize(("vendor", "n", "label"), ACCOUNTS, ids=[label for _v, _n, label in ACCOUNTS])
async def test_a_refused_secret_needs_login_for_every_vendor(
        services: tuple[AccountService, DatasetService], vendor: str, n: int, label: str) -> None:
    accounts, _datasets = services
    account = accounts.get(f"demo-{vendor}-{n}")
    spec = registry.get(vendor)
    wrong = {f.name: f"wrong-{f.name}-0000" for f in spec.secrets_for(account.fields)}
    await accounts.set_secrets(account.id, wrong, session_only=True)
    with pytest.raises(AuthError):
        await accounts.check(account.id)
    state = await accounts.state(account.id)
    assert state.health is Health.NEEDS_LOGIN, state
    assert "wrong-" not in state.detail
