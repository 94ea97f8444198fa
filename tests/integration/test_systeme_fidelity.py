"""Systeme.io against the published facts (shared/vendors/published-samples.md), through client and emulator.

The first page leaves ``startingAfter`` out and no page sends 0; a stored language outside the vendor's
28 codes survives an edit; fields without ``fieldName`` read the same. Without the emulator's optional
endpoints (a server that offers only the confirmed ones) contacts and tags load and every write works,
and every call the client makes is the one the package docstring classifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import console.vendors.systeme as systeme_package
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
    async with httpx.AsyncClient(base_url=ws.vendors["systeme"].base_url, headers={"X-API-Key": DEMO_API_KEY}) as api:
        raw = (await api.get("/contacts", params={"limit": 100})).json()["items"]
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


FACTS = Path(__file__).resolve().parents[3] / "shared" / "vendors" / "systeme.md"


def _call(request: httpx.Request) -> str:
    path = re.sub(r"/\d+", "/{id}", request.url.path.removeprefix("/api"))
    return f"{request.method} {path}"


def _documented_calls() -> set[str]:
    doc = systeme_package.__doc__ or ""
    calls = re.findall(r"``(GET|POST|PUT|PATCH|DELETE) (/[^`]+)``", doc)
    return {f"{method} {path.replace('{tagId}', '{id}')}" for method, path in calls}


async def test_without_the_optional_endpoints_everything_loads_and_every_call_is_documented(
        client: Any, ws: DemoWorkspace) -> None:
    ws.set_optional_endpoints(False)
    try:
        assert "API key accepted" in await client.test_connection()
        contacts = await _load_all(client, "contacts")
        tags = await _load_all(client, "tags")
        assert len(contacts) >= 120 and len(tags) >= 15
        page = await client.page("contacts", Query(), None, 10)
        assert page.notes == () and client.optional.gaps() == ()
        # Every write the console offers works on such a server too.
        tag = (await client.create_record("tags", {"name": "fidelity-tag"})).record
        tag = (await client.update_record("tags", tag, {"name": "fidelity-renamed"})).record
        assert (await client.get_record("tags", tag.id)).fields["name"] == "fidelity-renamed"
        made = await client.create_record("contacts", {"email": "fidelity@example.com", "locale": "ua",
                                                       "first_name": "Olena", "tags": [tag.id]})
        assert made.warnings == [] and made.record.fields["locale"] == "ua"
        edited = await client.update_record("contacts", made.record, {"surname": "Koval", "tags": []})
        assert edited.warnings == []
        await client.delete_record("contacts", edited.record)
        await client.delete_record("tags", tag)
    finally:
        ws.set_optional_endpoints(True)
    made_calls = {_call(r) for r in client.recorded}
    assert made_calls == _documented_calls(), "the package docstring's audit and the client's calls differ"
    emulator: Any = ws.vendors["systeme"].emulator
    assert not [r for r in client.recorded
                if any(route.matches(r.method, r.url.path) for route in emulator.optional_routes)]


def test_the_optional_routes_answer_404_when_switched_off_and_cite_their_line(ws: DemoWorkspace) -> None:
    emulator: Any = ws.vendors["systeme"].emulator
    base = ws.vendors["systeme"].base_url
    headers = {"X-API-Key": DEMO_API_KEY}
    hook = httpx.post(f"{base}/webhooks", headers=headers, json={
        "name": "optional-check", "url": "http://127.0.0.1:9/hook", "secret": "s", "subscriptions": ["SALE_NEW"]})
    assert hook.status_code == 201
    probes = [("POST", "/contact_fields", {"fieldName": "Optional check", "slug": "optional_check"}),
              ("DELETE", "/contact_fields/optional_check", None), ("GET", f"/webhooks/{hook.json()['id']}", None)]
    ws.set_optional_endpoints(False)
    try:
        for method, path, body in probes:
            r = httpx.request(method, f"{base}{path}", headers=headers, json=body)
            assert r.status_code == 404 and r.headers["content-type"].startswith("text/plain"), path
        assert httpx.get(f"{base}/contact_fields", headers=headers).status_code == 200  # [C]: stays
    finally:
        ws.set_optional_endpoints(True)
    for method, path, body in probes[:2]:
        assert httpx.request(method, f"{base}{path}", headers=headers, json=body).status_code in (201, 204)
    assert len(emulator.optional_routes) == 3
    lines = FACTS.read_text(encoding="utf-8").splitlines() if FACTS.exists() else []
    for route in emulator.optional_routes:
        match = re.fullmatch(r"systeme\.md:(\d+) .*\[(L|I)\]\)?", route.source)
        assert match, route.source
        if lines:
            resource = route.pattern.removeprefix("/api/").split("/")[0]
            line = lines[int(match[1]) - 1]
            assert f"/{resource}" in line and any(m in line for m in route.methods), (route.source, line)
