"""Setera OneCloud through its emulator: headers, search rights, method override, queues, 703 references,
and a thinner server without the optional endpoints (personal contacts, the contact search path)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    ServerError,
    UnsupportedOperation,
    ValidationError,
    VendorError,
)
from console.core.models import Query, Record
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.emulation import OptionalRoute
from console.vendors.setera import DEMO_DOMAIN, DEMO_SUPERUSER_TOKEN, DEMO_TOKEN, DEMO_USER
from console.vendors.setera.client import (
    CONTACT_SEARCH,
    LOCAL_SEARCH,
    PERSONAL_CHANGES,
    PERSONAL_CONTACTS,
    SeteraClient,
    e164,
)
from console.vendors.setera.errors import ERROR_TABLE, reference_of, to_error
from tests.integration.transports import SentTransport


@pytest.fixture(scope="module")
def ws():
    workspace = DemoWorkspace.start(sizes={"setera": 600}, vendors=("setera",))
    yield workspace
    workspace.stop()


def client_for(ws: DemoWorkspace, token: str = DEMO_TOKEN, **options: Any) -> VendorClient:
    return registry.get("setera").make_client(ClientContext(
        account_id="t", base_url=ws.vendors["setera"].base_url, fields={"domain": DEMO_DOMAIN, "user": DEMO_USER},
        secrets={"token": token}, options=options, settings=HttpSettings(max_attempts=1)))


def counted_client(ws: DemoWorkspace, **options: Any) -> tuple[VendorClient, SentTransport]:
    sent = SentTransport()
    client = registry.get("setera").make_client(ClientContext(
        account_id="t", base_url=ws.vendors["setera"].base_url, fields={"domain": DEMO_DOMAIN, "user": DEMO_USER},
        secrets={"token": DEMO_TOKEN}, options=options, settings=HttpSettings(max_attempts=1), transport=sent))
    return client, sent


async def test_directory_is_one_request_paged_in_memory(ws: DemoWorkspace) -> None:
    client, sent = counted_client(ws)
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
        assert sent.count("/contacts/list/") == 1
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
    client, requests = counted_client(ws, method_override=override)
    emulator = ws.vendors["setera"].emulator
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
        # What the client sent (its own transport notes it: the server's records may lag the answer).
        sent = [(m, p) for m, p in requests.requests if "/contacts/personal/" in p and m != "GET"]
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


# -- optional calls: personal contacts and the contact search path ---------------------------------

PERSONAL_NOTE = ("Personal contacts unavailable: Setera OneCloud does not offer it (HTTP 404, not found), "
                 "so the list shows the directory only.")


@pytest.fixture
def thin(ws: DemoWorkspace) -> Any:
    """The module's OneCloud as a server without the optional endpoints (they answer a plain 404)."""
    hosted = ws.vendors["setera"]
    hosted.emulator.optional_endpoints = False
    yield hosted.emulator
    hosted.emulator.optional_endpoints = True
    vars(hosted.emulator).pop("optional_routes", None)  # a test may have narrowed them


async def test_without_personal_contacts_the_directory_loads_and_the_endpoint_is_asked_once(
        ws: DemoWorkspace, thin: Any) -> None:
    client, sent = counted_client(ws)
    try:
        ids: list[str] = []
        for _reload in range(3):  # the list, then two reloads, each paged to the end
            ids, cursor = [], None
            while True:
                page = await client.page("contacts", Query(sort="name"), cursor, 200)
                assert page.notes == (PERSONAL_NOTE,)
                assert page.total == 600
                ids.extend(r.id for r in page.items)
                assert {r.derived["kind"] for r in page.items} == {"Directory"}
                if not page.has_more:
                    break
                cursor = page.next_cursor
        assert len(ids) == len(set(ids)) == 600
        assert sent.count("/contacts/list/") == 3
        assert sent.count("/contacts/personal/") == 1  # found missing once, never asked again
        one = await client.get_record("contacts", ids[0])  # a record read fresh: the directory alone too
        assert one.id == ids[0] and sent.count("/contacts/personal/") == 1
        queues = await client.page("queues", Query(), None, 50)
        assert queues.items and queues.notes == ()  # queues are not affected
    finally:
        await client.aclose()


async def test_personal_contact_writes_end_in_one_clear_refusal(ws: DemoWorkspace, thin: Any) -> None:
    values = {"firstName": "Kim", "lastName": "Thin", "email": "kim.thin@example.com"}
    client, sent = counted_client(ws)
    fake = Record("setera", "contacts", "p-gone", {"id": "p-gone"}, {"kind": "Personal", "_form": {}})
    try:
        with pytest.raises(UnsupportedOperation) as info:  # no list read yet: the create finds it missing
            await client.create_record("contacts", values)
        message = info.value.user_message
        assert message.title == "Personal contacts not available"
        assert message.text.startswith("This OneCloud server does not offer personal contacts (it answered HTTP "
                                       "404), so they cannot be created, changed or deleted here.")
        assert sent.count("/contacts/personal/", "POST") == 1
        writes = (lambda: client.create_record("contacts", values),
                  lambda: client.update_record("contacts", fake, {"title": "x"}),
                  lambda: client.delete_record("contacts", fake))
        for write in writes:
            with pytest.raises(UnsupportedOperation) as again:
                await write()
            assert again.value.user_message.title == "Personal contacts not available"
        assert [m for m, _p in sent.requests] == ["POST"]  # refused without a request once known
        assert not thin.personal.get(f"{DEMO_USER}@{DEMO_DOMAIN}", {}).get("p-gone")
    finally:
        await client.aclose()
    listed_first, sent = counted_client(ws)  # the usual order: the list finds them missing, New is refused
    try:
        await listed_first.page("contacts", Query(), None, 50)
        with pytest.raises(UnsupportedOperation) as info:
            await listed_first.create_record("contacts", values)
        assert info.value.user_message.title == "Personal contacts not available"
        assert sent.count("/contacts/personal/", "POST") == 0
    finally:
        await listed_first.aclose()


async def test_a_server_that_lists_personal_contacts_but_refuses_their_writes(ws: DemoWorkspace, thin: Any) -> None:
    thin.optional_endpoints = True
    client, sent = counted_client(ws)
    made = (await client.create_record("contacts", {"firstName": "Ines", "lastName": "Partial"})).record
    try:
        thin.optional_routes = (OptionalRoute(r"/api/contacts/personal/.*", "test: no writes", ("PUT", "DELETE")),)
        thin.optional_endpoints = False
        with pytest.raises(UnsupportedOperation) as info:  # a 404 while OneCloud still lists it: no endpoint
            await client.update_record("contacts", made, {"title": "Buyer"})
        assert info.value.user_message.title == "Personal contacts not available"
        page = await client.page("contacts", Query(filters={"query": "partial"}), None, 50)
        assert [(r.id, r.derived["kind"]) for r in page.items] == [(made.id, "Personal")]  # still listed
        assert page.notes == ("Changes to personal contacts unavailable: Setera OneCloud does not offer it "
                              "(HTTP 404, not found), so personal contacts are read only here.",)
        with pytest.raises(UnsupportedOperation):
            await client.delete_record("contacts", made)
        assert sent.count("/contacts/personal/", "PUT") == 1 and sent.count("/contacts/personal/", "DELETE") == 0
    finally:
        thin.optional_endpoints = True
        cleaner = client_for(ws)
        await cleaner.delete_record("contacts", made)
        await cleaner.aclose()
        await client.aclose()


async def test_a_personal_contact_deleted_elsewhere_stays_not_found(ws: DemoWorkspace) -> None:
    client, sent = counted_client(ws)
    try:
        made = (await client.create_record("contacts", {"firstName": "Ola", "lastName": "Gone"})).record
        await client.delete_record("contacts", made)
        with pytest.raises(NotFound):  # not listed any more: the contact is gone, the endpoint is there
            await client.update_record("contacts", made, {"title": "x"})
        assert client.optional.gaps() == ()
        assert sent.count("/contacts/personal/") == 1  # the one look that told the two apart
    finally:
        await client.aclose()


async def test_without_contact_search_the_loaded_directory_is_searched(ws: DemoWorkspace, thin: Any) -> None:
    client, sent = counted_client(ws)
    alex = next(c for c in thin.directory if c["id"] == f"alex@{DEMO_DOMAIN}")
    mobile = next(n["number"] for n in alex["phoneNumbers"] if n["type"] == "mobile")  # "+46 70 ..."
    national = "0" + "".join(ch for ch in mobile if ch.isdigit())[2:]
    try:
        found = await client.page("contacts", Query(filters={"query": "nyberg"}), None, 50)
        assert [r.derived["name"] for r in found.items] == ["Oskar Nyberg"]
        search_note = next(n for n in found.notes if n.startswith("OneCloud's contact search unavailable"))
        assert search_note.startswith("OneCloud's contact search unavailable: Setera OneCloud has no contact search "
                                      "at /contacts/search/{domain}/{user} (HTTP 404), so the search is done on the "
                                      "loaded directory")
        assert search_note.endswith("set it as the account's “Contact search path” (Advanced).")
        assert PERSONAL_NOTE in found.notes
        for text in (national, mobile):
            page = await client.page("contacts", Query(filters={"query": text}), None, 50)
            assert f"alex@{DEMO_DOMAIN}" in [r.id for r in page.items], text
        assert (await client.page("contacts", Query(filters={"query": "zz-nobody-zz"}), None, 50)).items == []
        assert sent.count("/contacts/search/") == 1  # found missing once
        assert sent.count("/contacts/list/") == 1  # one directory load serves every search after it
        plain = await client.page("contacts", Query(), None, 50)
        assert plain.total == 600 and search_note in plain.notes
        assert sent.count("/contacts/list/") == 2 and sent.count("/contacts/search/") == 1
    finally:
        await client.aclose()


async def test_search_path_none_searches_the_loaded_directory_without_asking(ws: DemoWorkspace) -> None:
    client, sent = counted_client(ws, search_path=LOCAL_SEARCH)
    try:
        found = await client.page("contacts", Query(filters={"query": "nyberg"}), None, 50)
        assert [r.derived["name"] for r in found.items] == ["Oskar Nyberg"]
        assert found.notes == () and client.optional.gaps() == ()
        assert sent.count("/contacts/search/") == 0
    finally:
        await client.aclose()


async def test_with_the_optional_endpoints_everything_is_as_before(ws: DemoWorkspace) -> None:
    assert ws.vendors["setera"].emulator.optional_endpoints
    client, sent = counted_client(ws)
    try:
        made = (await client.create_record("contacts", {"firstName": "Lova", "lastName": "Whole"})).record
        page = await client.page("contacts", Query(), None, 700)
        assert page.total == 601 and page.notes == ()
        assert [r.derived["kind"] for r in page.items if r.id == made.id] == ["Personal"]
        found = await client.page("contacts", Query(filters={"query": "whole"}), None, 50)
        assert [(r.id, r.derived["kind"]) for r in found.items] == [(made.id, "Personal")]  # editable from a search
        assert sent.count("/contacts/search/") == 1 and sent.count("/contacts/personal/") == 1
        await client.delete_record("contacts", made)
        assert client.optional.gaps() == ()
    finally:
        await client.aclose()


def test_every_optional_route_cites_its_line_and_covers_the_optional_calls() -> None:
    from console.vendors.setera.emulator import SeteraEmulator

    routes = SeteraEmulator.optional_routes
    assert routes and all(re.match(r"setera\.md:\d+ ", r.source) for r in routes)
    base = f"/api/contacts/%s/{DEMO_DOMAIN}/{DEMO_USER}"
    assert any(r.matches("GET", base % "personal") for r in routes)
    assert any(r.matches("PUT", base % "personal" + "/p-1") for r in routes)
    assert any(r.matches("GET", base % "search") for r in routes)
    assert not any(r.matches("GET", base % "list") for r in routes)
    assert not any(r.matches(m, p) for r in routes for m, p in (
        ("GET", f"/api/user/acd-attendant-group/v1/{DEMO_DOMAIN}/{DEMO_USER}"),
        ("POST", f"/api/user/acd-attendant-group/{DEMO_DOMAIN}/{DEMO_USER}/35/{DEMO_DOMAIN}/agents/a@b")))
    assert set(SeteraClient.optional_calls) == {PERSONAL_CONTACTS, PERSONAL_CHANGES, CONTACT_SEARCH}
