"""Systeme.io client requests and answer parsing, against a recording transport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.core.errors import BadResponse
from console.core.models import Query, Record
from console.http.types import HttpSettings
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient


class Recorder:
    def __init__(self, answers: list[httpx.Response]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0)


def client_with(answers: list[httpx.Response], **settings: Any) -> tuple[VendorClient, Recorder]:
    recorder = Recorder(answers)
    context = ClientContext(account_id="a", base_url="https://api.systeme.io/api", secrets={"api_key": "sk-test-123"},
                            settings=HttpSettings(**settings), transport=httpx.MockTransport(recorder))
    return registry.get("systeme").make_client(context), recorder


CONTACT = {"id": 5, "email": "a@example.com", "locale": "en", "fields": [{"slug": "first_name", "value": "Al",
                                                                         "fieldName": "First name"}],
           "tags": [{"id": 1, "name": "vip"}]}


async def test_list_sends_key_paging_and_filters() -> None:
    client, rec = client_with([httpx.Response(200, json={"items": [CONTACT], "hasMore": True})])
    page = await client.fetch_page("contacts", Query(filters={"email": "a@example.com", "bounced": "true",
                                                              "registeredAfter": "2024-01-01"}, descending=False),
                                   cursor=4, limit=500)
    req = rec.requests[0]
    assert req.headers["X-API-Key"] == "sk-test-123"
    assert req.headers["Accept"] == "application/json"
    assert req.url.path == "/api/contacts"
    params = dict(req.url.params)
    assert params == {"limit": "100", "order": "asc", "startingAfter": "4", "email": "a@example.com",
                      "bounced": "true", "registeredAfter": "2024-01-01T00:00:00+00:00"}
    assert page.next_cursor == 5 and page.has_more and page.total is None
    assert page.items[0].id == "5"
    await client.aclose()


async def test_limit_is_clamped_low() -> None:
    client, rec = client_with([httpx.Response(200, json={"items": [], "hasMore": False})])
    await client.fetch_page("tags", Query(), None, 3)
    assert rec.requests[0].url.params["limit"] == "10"
    await client.aclose()


async def test_edit_is_a_merge_patch_of_changed_fields_only() -> None:
    updated = dict(CONTACT, locale="fr")
    client, rec = client_with([httpx.Response(200, json=updated)])
    record = Record("systeme", "contacts", "5", CONTACT)
    result = await client.update_record("contacts", record, {"locale": "fr", "phone_number": ""})
    req = rec.requests[0]
    assert req.method == "PATCH"
    assert req.headers["Content-Type"] == "application/merge-patch+json"
    assert json.loads(req.content) == {"locale": "fr", "fields": [{"slug": "phone_number", "value": None}]}
    assert result.record.fields["locale"] == "fr"
    await client.aclose()


async def test_tag_changes_are_attach_and_detach_calls() -> None:
    client, rec = client_with([httpx.Response(204), httpx.Response(204),
                               httpx.Response(200, json=dict(CONTACT, tags=[{"id": 2, "name": "new"}]))])
    record = Record("systeme", "contacts", "5", CONTACT)
    result = await client.update_record("contacts", record, {"tags": ["2"]})
    calls = [(r.method, r.url.path, r.content) for r in rec.requests]
    assert calls[0] == ("POST", "/api/contacts/5/tags", b'{"tagId":2}')
    assert calls[1][:2] == ("DELETE", "/api/contacts/5/tags/1")
    assert calls[2][:2] == ("GET", "/api/contacts/5")
    assert result.warnings == []
    await client.aclose()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "not valid JSON"),
        (b'{"items": [{"id": 1}', "not valid JSON"),
        (json.dumps({"data": []}).encode(), "no 'items' list"),
        (json.dumps({"items": [], "hasMore": "yes"}).encode(), "boolean 'hasMore'"),
        (json.dumps({"items": [], "hasMore": True}).encode(), "page is empty"),
        (json.dumps({"items": [{"email": "x"}], "hasMore": False}).encode(), "no usable id"),
        (json.dumps({"items": ["x"], "hasMore": False}).encode(), "not an object"),
        (json.dumps({"items": [{"id": 1, "tags": "vip"}], "hasMore": False}).encode(), "'tags' is not a list"),
        (json.dumps([1, 2]).encode(), "no 'items' list"),
    ],
)
@pytest.mark.allow_warnings
async def test_malformed_answers_are_bad_response(body: bytes, why: str) -> None:
    client, _rec = client_with([httpx.Response(200, content=body)], max_attempts=1)
    with pytest.raises(BadResponse) as info:
        await client.fetch_page("contacts", Query(), None, 50)
    assert why in info.value.message
    assert "sk-test-123" not in str(info.value)
    await client.aclose()


@pytest.mark.allow_warnings
async def test_a_malformed_page_is_retried_once_then_succeeds() -> None:
    client, rec = client_with([httpx.Response(200, content=b"{oops"),
                               httpx.Response(200, json={"items": [CONTACT], "hasMore": False})])
    page = await client.fetch_page("contacts", Query(), None, 50)
    assert len(rec.requests) == 2 and len(page.items) == 1
    await client.aclose()


async def test_a_post_is_never_retried() -> None:
    client, rec = client_with([httpx.Response(503, json={"detail": "busy"})])
    from console.core.errors import ServerError

    with pytest.raises(ServerError):
        await client.create_record("tags", {"name": "x"})
    assert len(rec.requests) == 1
    await client.aclose()


async def test_a_long_retry_after_raises_instead_of_hanging() -> None:
    from console.core.errors import RateLimited

    client, rec = client_with([httpx.Response(429, json={"detail": "slow"}, headers={"Retry-After": "3600"})])
    with pytest.raises(RateLimited) as info:
        await client.fetch_page("tags", Query(), None, 50)
    assert info.value.retry_after == 3600
    assert len(rec.requests) == 1
    await client.aclose()


async def test_the_first_page_leaves_starting_after_out() -> None:
    # published-samples.md:21 [SPEC]: startingAfter is omitted on the first page, never 0.
    client, rec = client_with([httpx.Response(200, json={"items": [CONTACT], "hasMore": True}),
                               httpx.Response(200, json={"items": [], "hasMore": False})])
    page = await client.fetch_page("contacts", Query(), None, 50)
    assert "startingAfter" not in rec.requests[0].url.params
    await client.fetch_page("contacts", Query(), page.next_cursor, 50)
    assert rec.requests[1].url.params["startingAfter"] == "5"
    await client.aclose()


@pytest.mark.parametrize("cursor", [0, "0", -3, "abc", True])
async def test_a_cursor_below_1_is_never_sent(cursor: object) -> None:
    client, rec = client_with([httpx.Response(200, json={"items": [], "hasMore": False})])
    with pytest.raises(BadResponse):
        await client.fetch_page("contacts", Query(), cursor, 50)  # type: ignore[arg-type]
    assert rec.requests == []
    await client.aclose()


@pytest.mark.allow_warnings
async def test_a_page_whose_last_id_is_0_cannot_continue() -> None:
    body = {"items": [dict(CONTACT, id=0)], "hasMore": True}
    client, _rec = client_with([httpx.Response(200, json=body)], max_attempts=1)
    with pytest.raises(BadResponse) as info:
        await client.fetch_page("contacts", Query(), None, 50)
    assert "cannot continue" in info.value.message
    await client.aclose()


async def test_a_string_id_continues_as_the_integer() -> None:
    client, _rec = client_with([httpx.Response(200, json={"items": [dict(CONTACT, id="12")], "hasMore": True})])
    page = await client.fetch_page("contacts", Query(), None, 50)
    assert page.next_cursor == 12 and page.items[0].id == "12"
    await client.aclose()


async def test_fields_without_field_name_read_and_edit_by_slug() -> None:
    # published-samples.md:32-33 [MOCK]: list items may carry {"slug", "value"} only.
    bare = dict(CONTACT, fields=[{"slug": "first_name", "value": "Al"}, {"slug": "surname", "value": "Doe"},
                                 {"slug": "phone_number", "value": "+33 6 12 34 56 78"}])
    client, rec = client_with([httpx.Response(200, json={"items": [bare], "hasMore": False}),
                               httpx.Response(200, json=dict(bare, fields=[{"slug": "first_name", "value": "Bo"}]))])
    page = await client.fetch_page("contacts", Query(), None, 50)
    record = page.items[0]
    spec = registry.get("systeme").dataset("contacts")
    columns = {c.key: c.extract(record) for c in spec.columns}
    assert columns["first_name"] == "Al" and columns["surname"] == "Doe"
    assert spec.title_of(record) == "Al Doe <a@example.com>"
    assert spec.form_values(record)["phone_number"] == "+33 6 12 34 56 78"
    assert spec.identity is not None and spec.identity(record).names == ("Al Doe",)
    result = await client.update_record("contacts", record, {"first_name": "Bo"})
    assert json.loads(rec.requests[1].content) == {"fields": [{"slug": "first_name", "value": "Bo"}]}
    assert spec.form_values(result.record)["first_name"] == "Bo"
    await client.aclose()
