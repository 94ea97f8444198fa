"""Systeme.io against the published facts (shared/vendors/published-samples.md), through client and emulator.

The first page leaves ``startingAfter`` out and no page sends 0; a stored language outside the vendor's
28 codes survives an edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.services.datasets import changed_values
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.systeme import DEMO_API_KEY


class Recording(httpx.AsyncBaseTransport):
    """Sends through a real transport and keeps every request."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def ws() -> Iterator[DemoWorkspace]:
    workspace = DemoWorkspace.start(sizes={"systeme": 120}, vendors=("systeme",))
    yield workspace
    workspace.stop()


@pytest.fixture
async def client(ws: DemoWorkspace) -> Any:
    transport = Recording()
    context = ClientContext(account_id="t", base_url=ws.vendors["systeme"].base_url,
                            secrets={"api_key": DEMO_API_KEY}, settings=HttpSettings(), transport=transport)
    made = registry.get("systeme").make_client(context)
    made.recorded = transport.requests  # type: ignore[attr-defined]
    yield made
    await made.aclose()
    await transport.aclose()


async def _load_all(client: VendorClient, dataset: str, descending: bool = False) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = await client.page(dataset, Query(descending=descending), cursor, 10)
        ids.extend(r.id for r in page.items)
        if not page.has_more:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
async def test_pages_leave_starting_after_out_first_and_never_send_0(client: Any, descending: bool) -> None:
    ids = await _load_all(client, "contacts", descending)
    assert len(ids) == len(set(ids)) == 120
    sent = [r.url.params.get("startingAfter") for r in client.recorded]
    assert sent[0] is None
    assert all(s is not None and int(s) >= 1 for s in sent[1:]) and len(sent) == 12


async def test_a_stored_language_outside_the_list_survives_an_edit(client: Any, ws: DemoWorkspace) -> None:
    emulator: Any = ws.vendors["systeme"].emulator
    contact_id = emulator.contact_ids()[5]
    emulator.store_locale(contact_id, "xx")  # a code Systeme.io added after the console's list
    spec = registry.get("systeme").dataset("contacts")
    record = await client.get_record("contacts", str(contact_id))
    values = spec.form_values(record)
    assert values["locale"] == "xx"
    values["first_name"] = "Renamed"
    changes = changed_values(spec, record, values)
    assert changes == {"first_name": "Renamed"}
    result = await client.update_record("contacts", record, changes)
    assert result.record.fields["locale"] == "xx"
    assert emulator._contacts[contact_id]["locale"] == "xx"


async def test_contacts_whose_fields_carry_no_field_name_read_the_same(client: Any, ws: DemoWorkspace) -> None:
    # published-samples.md:32-33 [MOCK]: list items may carry {"slug", "value"} only.
    emulator: Any = ws.vendors["systeme"].emulator
    raw = httpx.get(f"{ws.vendors['systeme'].base_url}/contacts", params={"limit": 100},
                    headers={"X-API-Key": DEMO_API_KEY}).json()["items"]
    bare = [c for c in raw if c["fields"] and all("fieldName" not in f for f in c["fields"])]
    assert bare and len(bare) < len(raw), "the emulator should answer both shapes"
    spec = registry.get("systeme").dataset("contacts")
    first_name = next(c for c in spec.columns if c.key == "first_name")
    page = await client.page("contacts", Query(), None, 100)
    by_id = {r.id: r for r in page.items}
    for contact in bare:
        record = by_id[str(contact["id"])]
        stored = {f["slug"]: f["value"] for f in emulator._contacts[contact["id"]]["fields"]}
        assert first_name.extract(record) == stored["first_name"]
        assert spec.form_values(record)["surname"] == stored["surname"]
        assert stored["first_name"] in spec.title_of(record)
