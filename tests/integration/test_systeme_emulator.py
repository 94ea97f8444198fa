"""The Systeme.io emulator keeps the contract of shared/vendors/systeme.md (checked over real HTTP)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from console.sandbox.server import EmulatorHost
from console.sandbox.workspace import DemoWorkspace
from console.vendors.systeme import DEMO_API_KEY


@pytest.fixture(scope="module")
def ws():
    workspace = DemoWorkspace.start(sizes={"systeme": 120}, vendors=("systeme",))
    yield workspace
    workspace.stop()


@pytest.fixture
def api(ws: DemoWorkspace):
    with httpx.Client(base_url=ws.vendors["systeme"].base_url, headers={"X-API-Key": DEMO_API_KEY}) as client:
        yield client


def test_auth_and_rate_limit_headers_on_every_answer(ws: DemoWorkspace) -> None:
    base = ws.vendors["systeme"].base_url
    for headers, status in (({}, 401), ({"X-API-Key": "nope"}, 401), ({"X-API-Key": DEMO_API_KEY}, 200)):
        r = httpx.get(f"{base}/tags", headers=headers)
        assert r.status_code == status
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-refill"} <= set(r.headers)
        if status == 401:
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["detail"]


def test_paging_envelope_limits_and_order(api: httpx.Client, ws: DemoWorkspace) -> None:
    page = api.get("/contacts", params={"limit": 10}).json()
    assert set(page) == {"items", "hasMore"} and page["hasMore"] is True
    ids = [c["id"] for c in page["items"]]
    assert ids == sorted(ids, reverse=True)  # default order: desc
    nxt = api.get("/contacts", params={"limit": 10, "startingAfter": ids[-1]}).json()
    assert nxt["items"][0]["id"] == ids[-1] - 1
    assert len(api.get("/contacts", params={"limit": 5000}).json()["items"]) == 100  # clamped
    assert len(api.get("/contacts", params={"limit": 1}).json()["items"]) == 10
    emulator = ws.vendors["systeme"].emulator
    emulator.limit_policy = "reject"  # type: ignore[attr-defined]
    try:
        r = api.get("/contacts", params={"limit": 101})
        assert r.status_code == 422
        assert r.json()["violations"][0]["propertyPath"] == "limit"
    finally:
        emulator.limit_policy = "clamp"  # type: ignore[attr-defined]
    assert api.get("/contacts", params={"order": "sideways"}).status_code == 422
    assert api.get("/contacts", params={"email": "not-an-email"}).status_code == 422


def test_merge_patch_only(api: httpx.Client) -> None:
    contact = api.get("/contacts", params={"limit": 10}).json()["items"][0]
    r = api.patch(f"/contacts/{contact['id']}", json={"locale": "fr"})
    assert r.status_code == 415
    r = api.patch(f"/contacts/{contact['id']}", content=json.dumps({
        "locale": "fr", "fields": [{"slug": "country", "value": "US"}, {"slug": "phone_number", "value": None}]}),
        headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200
    fields = {f["slug"]: f["value"] for f in r.json()["fields"]}
    assert fields["country"] == "US" and "phone_number" not in fields
    assert fields["first_name"]  # untouched fields stay


def test_forced_429_has_retry_after(api: httpx.Client, ws: DemoWorkspace) -> None:
    ws.vendors["systeme"].emulator.force_rate_limit(1, retry_after=2)  # type: ignore[attr-defined]
    r = api.get("/tags")
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    assert api.get("/tags").status_code == 200


def test_webhooks_crud_and_signed_deliveries(api: httpx.Client, ws: DemoWorkspace) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    async def receiver(scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        received.append((dict(request.headers), await request.body()))
        await Response(status_code=200)(scope, receive, send)

    host = EmulatorHost()
    (port,) = host.start([receiver])
    emulator = ws.vendors["systeme"].emulator
    emulator.deliver_synchronously = True  # type: ignore[attr-defined]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        r = api.post("/webhooks", json={"name": "Desk", "url": url, "secret": "whsec-1",
                                        "subscriptions": ["CONTACT_CREATED", {"event": "CONTACT_TAG_ADDED",
                                                                             "schemaVersion": 1}]})
        assert r.status_code == 201
        hook = r.json()
        assert [s["event"] for s in hook["subscriptions"]] == ["CONTACT_CREATED", "CONTACT_TAG_ADDED"]
        assert hook["subscriptions"][0]["disabledAt"] is None
        clash = api.post("/webhooks", json={"name": "Desk", "url": url + "2", "secret": "s",
                                            "subscriptions": ["CONTACT_CREATED"]})
        assert clash.status_code == 422 and clash.json()["violations"][0]["propertyPath"] == "name"
        created = api.post("/contacts", json={"email": "hook.test@example.com"}).json()
        api.post(f"/contacts/{created['id']}/tags", json={"tagId": 1})
        events = [h["x-webhook-event"] for h, _b in received]
        assert events == ["CONTACT_CREATED", "CONTACT_TAG_ADDED"]
        for headers, body in received:
            expected = hmac.new(b"whsec-1", body, hashlib.sha256).hexdigest()
            assert headers["x-webhook-signature"] == expected
            assert headers["x-webhook-message-id"]
        assert json.loads(received[1][1])["tag"] == {"id": 1, "name": "vip"}
        assert api.get(f"/webhooks/{hook['id']}").json()["name"] == "Desk"
        assert api.delete(f"/webhooks/{hook['id']}").status_code == 204
        assert api.get(f"/webhooks/{hook['id']}").status_code == 404
    finally:
        emulator.deliver_synchronously = False  # type: ignore[attr-defined]
        host.stop()


def test_starting_after_is_1_or_more_and_left_out_on_the_first_page(api: httpx.Client) -> None:
    # published-samples.md:21 [SPEC]: startingAfter is an integer, minimum 1.
    first = api.get("/contacts", params={"limit": 10, "order": "asc"})
    assert first.status_code == 200 and first.json()["hasMore"] is True
    for bad in ("0", "-1"):
        r = api.get("/contacts", params={"limit": 10, "startingAfter": bad})
        assert r.status_code == 422, bad
        assert r.json()["violations"][0]["propertyPath"] == "startingAfter"
    assert api.get("/contacts", params={"limit": 10, "startingAfter": 1}).status_code == 200


def test_contacts_speak_the_vendors_28_locale_codes(api: httpx.Client, ws: DemoWorkspace) -> None:
    from console.vendors.systeme.emulator_seed import LOCALES

    emulator: Any = ws.vendors["systeme"].emulator
    seeded = {c["locale"] for c in emulator._contacts.values()}
    assert seeded <= set(LOCALES)
    assert seeded - {"en", "fr", "de", "es", "it", "nl", "pt", "pl"}, "only the countries' languages are seeded"
    assert api.post("/contacts", json={"email": "ja.code@example.com", "locale": "ja"}).status_code == 422
    created = api.post("/contacts", json={"email": "jp.code@example.com", "locale": "jp"})
    assert created.status_code == 201 and created.json()["locale"] == "jp"
    r = api.patch(f"/contacts/{created.json()['id']}", content=json.dumps({"locale": "da"}),
                  headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 422 and r.json()["violations"][0]["propertyPath"] == "locale"
