"""Paging Systeme.io contacts through the emulator, and export under injected faults."""

from __future__ import annotations

import io
import json

import pytest

from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.export import export_dataset, make_writer
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.systeme import DEMO_API_KEY

SIZE = 10_000


@pytest.fixture(scope="module")
def big_workspace():
    workspace = DemoWorkspace.start(sizes={"systeme": SIZE}, vendors=("systeme",))
    yield workspace
    workspace.stop()


def make_client(workspace: DemoWorkspace, key: str = DEMO_API_KEY, **settings: float) -> VendorClient:
    hosted = workspace.vendors["systeme"]
    context = ClientContext(account_id="t", base_url=hosted.base_url, secrets={"api_key": key},
                            settings=HttpSettings(**settings))  # type: ignore[arg-type]
    return registry.get("systeme").make_client(context)


@pytest.mark.slow
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
async def test_paging_10000_contacts_every_id_once(big_workspace: DemoWorkspace, descending: bool) -> None:
    client = make_client(big_workspace)
    emulator = big_workspace.vendors["systeme"].emulator
    try:
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            page = await client.fetch_page("contacts", Query(descending=descending), cursor, 100)
            pages += 1
            seen.extend(r.id for r in page.items)
            if not page.has_more:
                break
            cursor = page.next_cursor
        expected = [str(i) for i in emulator.contact_ids()]  # type: ignore[attr-defined]
        assert len(seen) == SIZE
        assert len(set(seen)) == SIZE
        assert seen == (list(reversed(expected)) if descending else expected)
        assert pages == SIZE // 100
    finally:
        await client.aclose()


@pytest.mark.slow
async def test_export_survives_429_and_502_and_never_resends_writes(big_workspace: DemoWorkspace) -> None:
    hosted = big_workspace.vendors["systeme"]
    hosted.faults.configure(FaultConfig(every_nth={429: 25, 502: 40}, retry_after=1.0))
    hosted.faults.clear()
    client = make_client(big_workspace)
    try:
        # Writes under the same faults: each is sent once, whatever it meets.
        from console.core.errors import RateLimited, ServerError

        outcomes = []
        for n in range(60):
            try:
                await client.create_record("tags", {"name": f"chaos-{n}"})
                outcomes.append("ok")
            except (RateLimited, ServerError) as exc:
                outcomes.append(type(exc).__name__)
        assert "RateLimited" in outcomes and "ServerError" in outcomes and "ok" in outcomes

        out = io.StringIO()
        state = await export_dataset(client, "contacts", make_writer("jsonl", out))
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert all(isinstance(i, str) for i in ids)
        assert len(ids) == SIZE and len(set(ids)) == SIZE
        assert state.records == SIZE and state.duplicates == 0

        seen = hosted.faults.seen()
        faults = [s for s in seen if s.fault]
        assert sum(1 for s in faults if s.status == 429) >= 4
        assert sum(1 for s in faults if s.status == 502) >= 2
        writes = [s for s in seen if s.method in ("POST", "PATCH", "PUT", "DELETE")]
        # 60 creates were asked for and the server received exactly 60 writes: none was sent twice,
        # not even those that met a 429 or a 502.
        assert len(writes) == len(outcomes) == 60
        assert {s.status for s in writes} >= {201, 429, 502}
    finally:
        hosted.faults.configure(FaultConfig())
        await client.aclose()
