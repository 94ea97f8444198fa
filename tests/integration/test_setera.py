"""Setera OneCloud through its emulator: headers, search rights, method override, queues, 703 references."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    ServerError,
    ValidationError,
    VendorError,
)
from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.setera import DEMO_DOMAIN, DEMO_SUPERUSER_TOKEN, DEMO_TOKEN, DEMO_USER
from console.vendors.setera.client import e164
from console.vendors.setera.errors import ERROR_TABLE, reference_of, to_error


@pytest.fixture(scope="module")
def ws():
    workspace = DemoWorkspace.start(sizes={"setera": 600}, vendors=("setera",))
    yield workspace
    workspace.stop()


def client_for(ws: DemoWorkspace, token: str = DEMO_TOKEN, **options: Any) -> VendorClient:
    return registry.get("setera").make_client(ClientContext(
        account_id="t", base_url=ws.vendors["setera"].base_url, fields={"domain": DEMO_DOMAIN, "user": DEMO_USER},
        secrets={"token": token}, options=options, settings=HttpSettings(max_attempts=1)))


async def test_directory_is_one_request_paged_in_memory(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    ws.vendors["setera"].faults.clear()
    try:
        ids: list[str] = []
        cursor = None
        while True:
            page = await client.fetch_page("contacts", Query(sort="name", descending=False), cursor, 50)
            ids.extend(r.id for r in page.items)
            assert page.total == 600
            if not page.has_more:
                break
            cursor = page.next_cursor
        assert len(ids) == len(set(ids)) == 600
        list_calls = [s for s in ws.vendors["setera"].faults.seen() if "/contacts/list/" in s.path]
        assert len(list_calls) == 1
        first = await client.fetch_page("contacts", Query(sort="name", descending=False), None, 600)
        names = [r.derived["name"].lower() for r in first.items]
        assert names == sorted(names)
        alex = next(r for r in first.items if r.id == f"alex@{DEMO_DOMAIN}")
        assert alex.derived["E.164_numbers"]["mobile"].startswith("+4670")
        assert all(n.startswith("+") and n[1:].isdigit() for n in alex.derived["E.164_numbers"].values())
    finally:
        await client.aclose()


async def test_search_needs_a_user_token(ws: DemoWorkspace) -> None:
    user = client_for(ws)
    superuser = client_for(ws, DEMO_SUPERUSER_TOKEN)
    try:
        found = await user.fetch_page("contacts", Query(filters={"query": "nyberg"}), None, 50)
        assert [r.derived["name"] for r in found.items] == ["Oskar Nyberg"]
        with pytest.raises(PermissionDenied) as info:
            await superuser.fetch_page("contacts", Query(filters={"query": "nyberg"}), None, 50)
        assert info.value.user_message.title == "A user token is needed"
        assert "superuser" in info.value.user_message.text
        assert info.value.reference  # the 703 log token
        page = await superuser.fetch_page("contacts", Query(), None, 10)  # the directory itself is allowed
        assert page.items
    finally:
        await user.aclose()
        await superuser.aclose()


@pytest.mark.parametrize("override", ["off", "on"])
async def test_personal_contacts_and_method_override(ws: DemoWorkspace, override: str) -> None:
    client = client_for(ws, method_override=override)
    hosted = ws.vendors["setera"]
    emulator = hosted.emulator
    hosted.faults.clear()
    before = len(emulator.write_log())
    try:
        made = (await client.create_record("contacts", {"firstName": "Kim", "lastName": f"Test {override}",
                                                        "email": f"kim.{override}@example.com",
                                                        "mobile": "070-123 45 67"})).record
        assert made.derived["kind"] == "Personal"
        assert made.derived["E.164_numbers"] == {"mobile": "+46701234567"}
        changed = (await client.update_record("contacts", made, {"title": "Buyer"})).record
        assert changed.fields["title"] == "Buyer"
        with pytest.raises(ValidationError) as info:
            await client.update_record("contacts", changed, {"firstName": ""})
        assert info.value.fields == {"firstName": ["must not be empty"]}
        assert info.value.reference
        await client.delete_record("contacts", changed)
        sent = [(s.method, s.path) for s in hosted.faults.seen() if "/contacts/personal/" in s.path]
        received = [w for w in emulator.write_log()[before:] if "/contacts/personal/" in w[1]]
        if override == "on":
            assert [m for m, _p in sent] == ["POST", "POST", "POST", "POST"]
            assert [m for m, _p in received] == ["POST", "PUT", "PUT", "DELETE"]
        else:
            assert [m for m, _p in sent] == ["POST", "PUT", "PUT", "DELETE"]
        with pytest.raises(NotFound):
            await client.delete_record("contacts", changed)
    finally:
        await client.aclose()


async def test_queue_login_and_logout(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    try:
        queues = (await client.fetch_page("queues", Query(), None, 50)).items
        out = next(q for q in queues if q.derived["me"] == "out")
        now_in = (await client.run_action("queues", out, "login", {}, {})).record
        assert now_in.derived["me"] == "in"
        assert now_in.derived["agents_in"] >= 1
        back = (await client.run_action("queues", now_in, "logout", {}, {})).record
        assert back.derived["me"] == "out"
    finally:
        await client.aclose()


async def test_missing_accept_header_and_wrong_token(ws: DemoWorkspace) -> None:
    base = ws.vendors["setera"].base_url
    async with httpx.AsyncClient() as raw:
        r = await raw.get(f"{base}/contacts/list/{DEMO_DOMAIN}/{DEMO_USER}",
                          headers={"Authorization": f"Bearer {DEMO_TOKEN}", "Accept": ""})
        assert r.status_code == 400 and reference_of(r.headers)
    client = client_for(ws, token="revoked-token-1")
    try:
        with pytest.raises(AuthError) as info:
            await client.test_connection()
        assert info.value.reference
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("status", "kind", "title"),
    [(400, ValidationError, "Request not accepted"), (401, AuthError, "Token not accepted"),
     (403, PermissionDenied, "Not allowed"), (404, NotFound, "Not found"), (405, VendorError, "Method not allowed"),
     (409, Conflict, "Conflict"), (500, ServerError, "OneCloud failed"), (501, VendorError, "Not available")],
)
@pytest.mark.parametrize("warning", ['703 - "Error occurred, see ab12cd34"', "703 Error occurred, see ab12cd34", ""])
def test_every_status_and_the_703_reference(status: int, kind: type, title: str, warning: str) -> None:
    headers = {"Warning": warning} if warning else {}
    error = to_error(httpx.Response(status, content=json.dumps({"message": "m"}).encode(), headers=headers))
    assert type(error) is kind
    assert error.user_message.title == title
    assert error.reference == ("ab12cd34" if warning else None)
    assert {"400", "401", "403", "404", "405", "409", "500", "501"} <= set(ERROR_TABLE)


@pytest.mark.parametrize(("number", "code", "expected"), [
    ("+46 70 123 45 67", "46", "+46701234567"), ("070-123 45 67", "46", "+46701234567"),
    ("0046 8 123 456", "46", "+468123456"), ("(512) 555-0100", "1", "+15125550100"), ("", "46", "")])
def test_e164(number: str, code: str, expected: str) -> None:
    assert e164(number, code) == expected
