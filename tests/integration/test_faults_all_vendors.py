"""Every dataset of every demo account, exported through injected faults, equals the clean export."""

from __future__ import annotations

import io
import json

import pytest

from console.http.types import HttpSettings
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.export import export_dataset, make_writer
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient

SIZE = 300
ACCOUNTS = [(spec.id, n) for spec in registry.VENDORS if spec.emulator is not None
            for n in range(len(spec.emulator.demo_accounts))]


@pytest.fixture(scope="module")
def workspace():
    ws = DemoWorkspace.start(sizes={spec.id: SIZE for spec in registry.VENDORS})
    yield ws
    ws.stop()


def client_for(ws: DemoWorkspace, vendor: str, n: int) -> VendorClient:
    account = [a for a in ws.accounts if a.vendor == vendor][n]
    return registry.get(vendor).make_client(ClientContext(
        account_id=account.id, base_url=account.base_url, fields=account.fields, secrets=ws.secrets[account.id],
        options=account.options, settings=HttpSettings(max_attempts=6)))


async def export_ids(client: VendorClient, dataset: str) -> list[str]:
    out = io.StringIO()
    await export_dataset(client, dataset, make_writer("jsonl", out), page_size=50)
    return [json.loads(line)["id"] for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(("vendor", "n"), ACCOUNTS, ids=[f"{v}-{n}" for v, n in ACCOUNTS])
async def test_every_dataset_survives_faults(workspace: DemoWorkspace, vendor: str, n: int) -> None:
    hosted = workspace.vendors[vendor]
    client = client_for(workspace, vendor, n)
    try:
        clean = {ds.name: await export_ids(client, ds.name) for ds in registry.get(vendor).datasets}
        hosted.faults.configure(FaultConfig(every_nth={429: 2, 502: 5, 503: 7}, retry_after=0.05, drop_rate=0.03,
                                            safe_only=True, seed=n + 7))
        hosted.faults.clear()
        for dataset, expected in clean.items():
            assert expected, f"{vendor} {dataset}: the demo has no rows"
            assert await export_ids(client, dataset) == expected, dataset
        faults = [s for s in hosted.faults.seen() if s.fault]
        assert faults, "no fault was injected: the test proved nothing"
        print(f"\n{vendor}-{n}: {len(clean)} datasets, {sum(map(len, clean.values()))} rows, "
              f"{len(faults)} faults met and retried")
    finally:
        hosted.faults.configure(FaultConfig())
        await client.aclose()
