"""SetSmart through its emulator: quota waits instead of 429s, full-replace PUT, 409 dates, errors, and
reservations without the (optional) property names."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import httpx
import pytest

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    SlotUnavailable,
    ValidationError,
)
from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.services.export import export_dataset, make_writer
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.emulation import OptionalRoute
from console.vendors.setsmart import DEMO_API_KEY
from console.vendors.setsmart.client import PROPERTY_NAMES
from console.vendors.setsmart.errors import ERROR_TABLE, to_error
from tests.integration.transports import SentTransport


class Waits:
    """Records the waits the client announces (what the status bar shows)."""

    def __init__(self) -> None:
        self.waits: list[tuple[float, str]] = []

    def request_started(self, account_id: str) -> None: ...
    def request_finished(self, account_id: str, exchange: Any) -> None: ...
    def rate_limit_changed(self, account_id: str, snapshot: Any) -> None: ...
    def notice(self, account_id: str, text: str) -> None: ...

    def waiting(self, account_id: str, seconds: float, reason: str) -> None:
        self.waits.append((seconds, reason))


def client_for(ws: DemoWorkspace, observer: Any = None, key: str = DEMO_API_KEY) -> VendorClient:
    return registry.get("setsmart").make_client(ClientContext(
        account_id="t", base_url=ws.vendors["setsmart"].base_url, secrets={"api_key": key}, observer=observer,
        settings=HttpSettings(max_attempts=2)))


@pytest.fixture
def ws():
    workspace = DemoWorkspace.start(sizes={"setsmart": 2000}, vendors=("setsmart",))
    yield workspace
    workspace.stop()


@pytest.mark.slow
async def test_export_waits_for_the_quota_instead_of_429(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setsmart"].emulator
    emulator.rate_limit, emulator.rate_window = 100, 2.0  # type: ignore[attr-defined]
    observer = Waits()
    client = client_for(ws, observer)
    try:
        out = io.StringIO()
        state = await export_dataset(client, "reservations", make_writer("jsonl", out), page_size=10)
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert len(ids) == len(set(ids)) == 2000 == state.records
        assert state.pages == 200
        assert emulator.over_quota == 0  # type: ignore[attr-defined]
        refills = [w for w in observer.waits if "refill" in w[1]]
        assert refills, "the quota was never spent: the test did not exercise waiting"
        print(f"\nquota waits: {len(refills)}, {sum(s for s, _ in refills):.1f} s in all "
              f"({', '.join(f'{s:.2f}' for s, _ in refills)}); {state.seconds:.1f} s for 200 pages")
    finally:
        await client.aclose()


async def test_put_keeps_the_fields_the_form_does_not_show(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    emulator = ws.vendors["setsmart"].emulator
    try:
        record = (await client.fetch_page("properties", Query(), None, 5)).items[0]
        before = dict(emulator.properties[record.id])  # type: ignore[attr-defined]
        assert {"amenities", "nightly_rate", "created_at"} <= set(before)
        saved = (await client.update_record("properties", record, {"name": "Renamed Villa", "max_guests": "3"})).record
        after = emulator.properties[record.id]  # type: ignore[attr-defined]
        assert after["name"] == "Renamed Villa" and after["max_guests"] == 3
        for key in set(before) - {"name", "max_guests"}:
            assert after[key] == before[key], key
        assert saved.fields == after
        off = (await client.run_action("properties", saved, "deactivate", {}, {"confirm": "yes"})).record
        assert off.fields["status"] == "inactive" and off.fields["amenities"] == before["amenities"]
        with pytest.raises(ValidationError) as info:
            await client.update_record("properties", off, {"max_guests": "40", "bedrooms": "1"})
        assert "max_guests" in info.value.fields
    finally:
        await client.aclose()


async def test_reservation_overlap_is_409_at_the_dates_then_cancel(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    try:
        active = await client.fetch_page("properties", Query(filters={"status": "active"}), None, 20)
        prop = active.items[0]
        start = dt.date.today() + dt.timedelta(days=400)
        values = {"property_id": prop.id, "guest_name": "Ana Costa", "guest_email": "ana.costa@example.com",
                  "check_in": start.isoformat(), "check_out": (start + dt.timedelta(days=3)).isoformat(),
                  "guests": "2", "channel": "direct"}
        made = (await client.create_record("reservations", values)).record
        assert made.derived["property"] == prop.fields["name"]
        overlapping = {"check_in": (start + dt.timedelta(days=1)).isoformat(),
                       "check_out": (start + dt.timedelta(days=5)).isoformat()}
        with pytest.raises(SlotUnavailable) as info:
            await client.create_record("reservations", {**values, **overlapping})
        assert set(info.value.fields) == {"check_in", "check_out"}
        assert info.value.user_message.title == "Dates not available"
        found = await client.fetch_page("reservations", Query(filters={"property_id": prop.id, "q": "ana.costa"}),
                                        None, 50)
        assert [r.id for r in found.items] == [made.id]
        question = (await client.questions("reservations", made, "cancel"))[0]
        assert "Ana Costa" in question.text and start.isoformat() in question.text
        cancelled = (await client.run_action("reservations", made, "cancel", {}, {"confirm": "yes"})).record
        assert cancelled.fields["status"] == "cancelled"
        again = (await client.create_record("reservations", values)).record  # the nights are free again
        assert again.fields["status"] == "confirmed"
    finally:
        await client.aclose()


async def test_delete_refused_while_stays_are_to_come(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    emulator = ws.vendors["setsmart"].emulator
    try:
        today = dt.date.today().isoformat()
        upcoming = {r["property_id"] for r in emulator.reservations.values()  # type: ignore[attr-defined]
                    if r["status"] != "cancelled" and r["check_out"] > today}
        free = [p for p in emulator.properties if p not in upcoming]  # type: ignore[attr-defined]
        assert upcoming and free
        booked = await client.get_record("properties", sorted(upcoming)[0])
        with pytest.raises(Conflict) as info:
            await client.delete_record("properties", booked)
        assert info.value.user_message.title == "Property still booked"
        assert "Deactivate" in info.value.user_message.next_step
        assert booked.id in emulator.properties  # type: ignore[attr-defined]
        idle = await client.get_record("properties", free[0])
        await client.delete_record("properties", idle)
        assert idle.id not in emulator.properties  # type: ignore[attr-defined]
    finally:
        await client.aclose()


async def test_totals_and_filters(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    try:
        page = await client.fetch_page("properties", Query(filters={"q": "villa"}), None, 50)
        assert page.total is not None and 0 < page.total < 300
        assert all("villa" in (r.fields["name"] + r.fields["address"]).lower() for r in page.items)
        res = await client.fetch_page("reservations", Query(), None, 50)
        assert res.total == 2000 and res.next_cursor == 2
    finally:
        await client.aclose()


async def test_wrong_key(ws: DemoWorkspace) -> None:
    client = client_for(ws, key="wrong-key-000")
    try:
        with pytest.raises(AuthError) as info:
            await client.test_connection()
        assert "Settings" in info.value.user_message.next_step
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("status", "code", "kind", "title"),
    [
        (400, "validation_failed", ValidationError, "Please check the form"),
        (401, "invalid_api_key", AuthError, "Wrong API key"),
        (403, "forbidden", PermissionDenied, "Key not allowed"),
        (404, "not_found", NotFound, "Not found"),
        (409, "has_reservations", Conflict, "Property still booked"),
        (409, "already_cancelled", Conflict, "Already cancelled"),
        (409, "other", Conflict, "Conflict"),
        (409, "dates_unavailable", SlotUnavailable, "Dates not available"),
        (429, "rate_limited", RateLimited, "Request limit reached"),
        (500, "internal", ServerError, "SetSmart failed"),
        (502, "", ServerError, "SetSmart unavailable"),
    ],
)
def test_error_table(status: int, code: str, kind: type, title: str) -> None:
    body = {"error": {"code": code, "message": f"m-{code}", "details": {"name": ["is required"]} if status == 400
                      else {}}}
    error = to_error(httpx.Response(status, content=json.dumps(body).encode(), headers={"Retry-After": "3"}))
    assert type(error) is kind
    assert error.user_message.title == title
    if status == 400:
        assert error.fields == {"name": ["is required"]}
    if status == 429:
        assert isinstance(error, RateLimited) and error.retry_after == 3
    if status == 403:
        assert "lacks the permission" in error.user_message.text
    assert {"400", "401", "403", "404", "429", "500"} <= set(ERROR_TABLE)


# -- the one optional call: property names in reservations -----------------------------------------

NAMES_NOTE = ("Property names unavailable: SetSmart does not offer it (HTTP 404, not found), so reservations "
              "show the property's id instead of its name.")


def counted_client(ws: DemoWorkspace) -> tuple[VendorClient, SentTransport]:
    sent = SentTransport()
    return registry.get("setsmart").make_client(ClientContext(
        account_id="t", base_url=ws.vendors["setsmart"].base_url, secrets={"api_key": DEMO_API_KEY},
        settings=HttpSettings(max_attempts=1), transport=sent)), sent


async def test_without_property_names_reservations_load_with_the_property_id(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setsmart"].emulator
    # A SetSmart whose properties list is missing (404): the reservations' names are only enrichment.
    emulator.optional_routes = (OptionalRoute(r"/v1/properties", "test: no properties list", ("GET",)),)
    emulator.optional_endpoints = False
    client, sent = counted_client(ws)
    try:
        seen: list[str] = []
        for _reload in range(2):
            cursor = None
            for _page in range(3):
                page = await client.page("reservations", Query(), cursor, 20)
                assert page.notes == (NAMES_NOTE,)
                assert page.items and all(r.derived["property"] == r.fields["property_id"] for r in page.items)
                seen.extend(r.id for r in page.items)
                cursor = page.next_cursor
        assert len(set(seen)) == 60 and page.total == 2000
        one = await client.get_record("reservations", seen[0])
        assert one.derived["property"] == one.fields["property_id"]
        assert sent.count("/v1/properties", exact=True) == 1  # found missing once, not asked on every page
        with pytest.raises(NotFound):  # the properties list itself stays required
            await client.page("properties", Query(), None, 20)
    finally:
        emulator.optional_endpoints = True
        vars(emulator).pop("optional_routes", None)
        await client.aclose()


async def test_the_switch_off_changes_nothing_for_setsmart(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setsmart"].emulator
    assert type(emulator).optional_routes == ()  # every route is the README's contract (package docstring)
    emulator.optional_endpoints = False
    client, sent = counted_client(ws)
    try:
        properties = await client.page("properties", Query(), None, 20)
        assert properties.total == 300 and properties.notes == ()
        first = await client.page("reservations", Query(), None, 20)
        names_read = sent.count("/v1/properties", exact=True)
        second = await client.page("reservations", Query(), first.next_cursor, 20)
        for record in (*first.items, *second.items):
            assert record.derived["property"] == emulator.properties[record.fields["property_id"]]["name"]
        assert first.notes == second.notes == () and client.optional.gaps() == ()
        assert sent.count("/v1/properties", exact=True) == names_read  # the names are read once, not per page
        assert {c.key for c in type(client).optional_calls} == {PROPERTY_NAMES.key}
    finally:
        emulator.optional_endpoints = True
        await client.aclose()
