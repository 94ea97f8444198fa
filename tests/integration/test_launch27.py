"""Launch27 through its emulator, both API generations: paging, logins, bookings, cancel rules."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from typing import Any

import pytest

from console.core.errors import AuthError, SlotUnavailable, ValidationError, VendorError
from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.services.export import export_dataset, make_writer
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.launch27 import DEMO_ADMIN, DEMO_API_KEY, DEMO_PASSWORD

ALL = Query(filters={"from": "2000-01-01", "to": "2100-01-01"}, descending=False)


@pytest.fixture(scope="module")
def ws():
    workspace = DemoWorkspace.start(sizes={"launch27": 600}, vendors=("launch27",))
    yield workspace
    workspace.stop()


def client_for(ws: DemoWorkspace, api: str, *, password: str = DEMO_PASSWORD, key: str = DEMO_API_KEY) -> VendorClient:
    hosted = ws.vendors["launch27"]
    base = f"http://127.0.0.1:{hosted.port}{'/api' if api == '2.0' else '/v1'}"
    secrets = {"password": password, **({"api_key": key} if api == "2.0" else {})}
    return registry.get("launch27").make_client(ClientContext(
        account_id=f"t-{api}", base_url=base, fields={"api": api, "email": DEMO_ADMIN}, secrets=secrets,
        options={"timezone": "America/New_York"} if api == "2.0" else {}, settings=HttpSettings(max_attempts=2)))


def next_open_day(days: int = 2) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


GENERATIONS = pytest.mark.parametrize("api", ["2.0", "v1"])


@GENERATIONS
async def test_export_every_booking_once(ws: DemoWorkspace, api: str) -> None:
    client = client_for(ws, api)
    try:
        out = io.StringIO()
        state = await export_dataset(client, "bookings", make_writer("jsonl", out), query=ALL, page_size=70)
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert len(ids) == len(set(ids)) == 600 == state.records
        page = await client.fetch_page("services", Query(), None, 50)
        assert len(page.items) == 5 and page.items[0].derived["extras"]
    finally:
        await client.aclose()


@GENERATIONS
async def test_times_are_shown_in_the_account_zone(ws: DemoWorkspace, api: str) -> None:
    client = client_for(ws, api)
    try:
        page = await client.fetch_page("bookings", ALL, None, 30)
        for record in page.items:
            start = record.derived["start"]
            assert str(start.tzinfo) == "America/New_York"
            assert 8 <= start.hour <= 15
        raw = page.items[0].fields["service_date"]
        assert raw.endswith("Z") if api == "v1" else len(raw) == len("2026-01-01T08:00")
    finally:
        await client.aclose()


async def test_v1_search_completed_and_sort(ws: DemoWorkspace) -> None:
    client = client_for(ws, "v1")
    try:
        first = (await client.fetch_page("bookings", ALL, None, 10)).items[0]
        street = first.derived["place"].split(",")[0]
        found = await client.fetch_page("bookings", Query(filters={**ALL.filters, "query": street}), None, 200)
        assert first.id in {r.id for r in found.items}
        done = await client.fetch_page("bookings", Query(filters={**ALL.filters, "options": "completed"}), None, 200)
        assert done.items and all(r.derived["status"] == "completed" for r in done.items)
        newest = await client.fetch_page("bookings", Query(filters=ALL.filters, sort="service_date", descending=True),
                                          None, 20)
        starts = [r.derived["start"] for r in newest.items]
        assert starts == sorted(starts, reverse=True)
    finally:
        await client.aclose()


async def test_wrong_api_key_gives_the_406_message(ws: DemoWorkspace) -> None:
    client = client_for(ws, "2.0", key="test_wrongwrongwrong")
    try:
        with pytest.raises(AuthError) as info:
            await client.test_connection()
        assert info.value.status == 406
        assert info.value.user_message.title == "Wrong API key"
        assert "Invalid API key" in info.value.message
    finally:
        await client.aclose()


@GENERATIONS
async def test_wrong_password_gives_the_401_message(ws: DemoWorkspace, api: str) -> None:
    client = client_for(ws, api, password="not-the-password")
    try:
        with pytest.raises(AuthError) as info:
            await client.test_connection()
        assert info.value.status == 401
        assert info.value.user_message.title == "Wrong email or password"
    finally:
        await client.aclose()


@GENERATIONS
async def test_session_expiry_relogs_once(ws: DemoWorkspace, api: str) -> None:
    emulator = ws.vendors["launch27"].emulator
    client = client_for(ws, api)
    try:
        await client.fetch_page("bookings", ALL, None, 10)
        logins = emulator.logins  # type: ignore[attr-defined]
        emulator.expire_sessions()  # type: ignore[attr-defined]
        page = await client.fetch_page("bookings", ALL, None, 10)
        assert page.items
        assert emulator.logins == logins + 1  # type: ignore[attr-defined]
    finally:
        await client.aclose()


def booking_values(slot: str, **extra: Any) -> dict[str, Any]:
    return {"service_id": "2", "frequency_id": "1", "service_date": slot, "first_name": "Ada", "last_name": "Byron",
            "email": "ada.byron@example.com", "phone": "212 555 0101", "address": "1 Bleecker St",
            "city": "New York", "state": "NY", "zip": "10012", "payment_method": "cash", **extra}


@GENERATIONS
async def test_book_validate_take_reschedule_cancel(ws: DemoWorkspace, api: str) -> None:
    client = client_for(ws, api)
    try:
        day = next_open_day(4 if api == "v1" else 5)
        slots = await client.slots("bookings", "service_date", {"service_id": "2"}, day)
        assert slots
        with pytest.raises(ValidationError) as info:
            await client.create_record("bookings", booking_values(slots[0].value, zip="94105"))
        assert info.value.fields == {"zip": ["We do not serve this ZIP code yet"]}
        with pytest.raises(ValidationError) as info:
            await client.create_record("bookings", booking_values(slots[0].value, state="NEWY"))
        assert "state" in info.value.fields
        made = (await client.create_record("bookings", booking_values(slots[0].value))).record
        assert made.derived["start"].strftime("%H:%M") == slots[0].value[11:16]
        assert made.derived["status"] == "scheduled"
        # Fill the spot with other customers, then try to book it again: the spot error goes to the field.
        emulator = ws.vendors["launch27"].emulator
        start = dt.datetime.fromisoformat(slots[0].value[:16])
        for customer in list(emulator.customers.values())[:3]:  # type: ignore[attr-defined]
            if emulator._spot_free(start, None):  # type: ignore[attr-defined]
                emulator._add_booking(customer, 1, 1, start)  # type: ignore[attr-defined]
        with pytest.raises(SlotUnavailable) as taken:
            await client.create_record("bookings", booking_values(slots[0].value, email="second@example.com"))
        assert list(taken.value.fields) == ["service_date"]
        later = await client.slots("bookings", "service_date", {"service_id": "2", "service_date": "x"}, day)
        moved = (await client.run_action("bookings", made, "reschedule", {"service_date": later[-1].value}, {})).record
        assert moved.derived["start"].strftime("%H:%M") == later[-1].value[11:16]
        questions = await client.questions("bookings", moved, "cancel")
        keys = [q.key for q in questions]
        assert keys[0] == "confirm" and ("reason" in keys) == (api == "v1")
        answers = {q.key: q.choices[0].value for q in questions}
        cancelled = (await client.run_action("bookings", moved, "cancel", {}, answers)).record
        assert cancelled.derived["status"] == "cancelled"
    finally:
        await client.aclose()


@GENERATIONS
async def test_recurring_cancel_needs_its_answer(ws: DemoWorkspace, api: str) -> None:
    client = client_for(ws, api)
    emulator = ws.vendors["launch27"].emulator
    try:
        day = next_open_day(6)
        start = dt.datetime.combine(day, dt.time(15))
        customer = next(iter(emulator.customers.values()))  # type: ignore[attr-defined]
        raw = emulator._add_booking(customer, 3, 2, start)  # type: ignore[attr-defined]
        record = await client.get_record("bookings", str(raw["id"]))
        assert record.derived["recurring"]
        questions = {q.key: q for q in await client.questions("bookings", record, "cancel")}
        assert "recurring" in questions and "Weekly" in questions["recurring"].text
        answers = {"confirm": "yes", "reason": "Other"}
        with pytest.raises(VendorError):  # the vendor refuses a recurring cancel without its confirmation
            await _cancel_without_recurring(client, record, api)
        before = len(emulator.bookings)  # type: ignore[attr-defined]
        done = await client.run_action("bookings", record, "cancel", {}, {**answers, "recurring": "this"})
        assert done.record.derived["status"] == "cancelled"
        assert len(emulator.bookings) == before + 1  # type: ignore[attr-defined]  # the next visit is booked
    finally:
        await client.aclose()


async def _cancel_without_recurring(client: VendorClient, record: Any, api: str) -> None:
    """Sends the cancel the vendor's way but without the recurring confirmation."""
    http = client.http
    if api == "2.0":
        await http.call("DELETE", f"/bookings/{record.id}", parse=lambda r: r.data)
    else:
        await http.call("POST", f"/staff/bookings/{record.id}/cancel", json_body={"reason": "Other"},
                        parse=lambda r: r.data)


# -- optional calls (issue 14 item 1) ------------------------------------------------------------


@pytest.fixture
def without_optional(ws: DemoWorkspace) -> Any:
    """The emulator answers 404 on every endpoint launch27.md does not confirm (a server without them)."""
    emulator = ws.vendors["launch27"].emulator
    emulator.optional_endpoints = False
    yield emulator
    emulator.optional_endpoints = True


def asked(client: VendorClient, path: str) -> int:
    """How many requests went to a path (query strings aside)."""
    return sum(1 for e in client.http.request_log if e.url.split("?")[0].endswith(path))


async def test_v2_bookings_load_without_the_optional_endpoints(ws: DemoWorkspace, without_optional: Any) -> None:
    client = client_for(ws, "2.0")
    try:
        first = await client.page("bookings", ALL, None, 50)
        second = await client.page("bookings", ALL, first.next_cursor, 50)
        assert len(first.items) == 50 and second.items  # before: 404 on GET /api/frequencies failed the list
        assert "Frequency names unavailable: Launch27 does not offer it (HTTP 404, not found), so bookings show " \
               "frequency numbers" in " ".join(first.notes)
        assert any(n.startswith("Services list unavailable: Launch27 does not offer it") for n in first.notes)
        assert second.notes == first.notes
        records = [*first.items, *second.items]
        repeating = next(r for r in records if r.fields["frequency_id"] != 1)
        assert repeating.derived["frequency"] == f"frequency {repeating.fields['frequency_id']}"
        assert repeating.derived["recurring"]
        once = next(r for r in records if r.fields["frequency_id"] == 1)
        assert not once.derived["recurring"]
        assert once.derived["service"].startswith("service ")
        services = await client.page("services", Query(), None, 50)
        assert list(services.items) == [] and any("services list is empty" in n for n in services.notes)
        assert [c.value for c in await client.lookup("frequencies")] == ["1"]
        assert asked(client, "/api/frequencies") == 1 and asked(client, "/api/services") == 1  # asked once
    finally:
        await client.aclose()


async def test_v1_lists_need_no_optional_endpoint(ws: DemoWorkspace, without_optional: Any) -> None:
    client = client_for(ws, "v1")
    try:
        bookings = await client.page("bookings", ALL, None, 50)
        services = await client.page("services", Query(), None, 50)
        assert len(bookings.items) == 50 and len(services.items) == 5
        assert bookings.notes == services.notes == ()
        assert (await client.fetch_page("bookings", ALL, bookings.next_cursor, 50)).items
    finally:
        await client.aclose()


# -- 2.0 "All dates" (issue 14 item 2) -----------------------------------------------------------


async def test_v2_all_dates_and_an_unfiltered_export_bring_the_whole_history(ws: DemoWorkspace) -> None:
    emulator: Any = ws.vendors["launch27"].emulator
    client = client_for(ws, "2.0")
    try:
        await client.fetch_page("bookings", Query(), None, 50)  # "All dates": no from/to filter
        (url,) = [e.url for e in client.http.request_log if "/api/bookings?" in e.url]
        assert "from=2000-01-01" in url and f"to={emulator.today.year + 5}-" in url
        out = io.StringIO()
        await export_dataset(client, "bookings", make_writer("jsonl", out), query=Query(), page_size=200)
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert sorted(r["id"] for r in rows) == sorted(map(str, emulator.bookings))  # before: only upcoming ones
        assert any(r["completed"] for r in rows)
        assert any(r["service_date"][:10] < emulator.today.isoformat() for r in rows)
        past = await client.fetch_page("bookings", Query(filters={"to": emulator.today.isoformat()}), None, 1000)
        assert past.items and all(r.fields["service_date"][:10] <= emulator.today.isoformat() for r in past.items)
    finally:
        await client.aclose()


# -- v1 clock, quotas and text/plain answers (issue 14 items 6 and 8) ----------------------------


async def test_v1_times_follow_the_accounts_clock(ws: DemoWorkspace) -> None:
    from console.core.models import FieldKind
    from console.ui.formatting import display

    emulator: Any = ws.vendors["launch27"].emulator
    twelve = client_for(ws, "v1")
    try:
        record = (await twelve.fetch_page("bookings", ALL, None, 5)).items[0]
        start = record.derived["start"]
        shown = display(FieldKind.DATETIME, start)  # the table and the detail pane show it so
        assert shown.endswith(("AM EST", "PM EST", "AM EDT", "PM EDT")) and f"{start.hour % 12 or 12}:00" in shown
        assert registry.get("launch27").datasets[0].title_of(record).endswith(shown[-11:])
        slot = (await twelve.slots("bookings", "service_date", {"service_id": "2"}, next_open_day()))[0]
        assert slot.label.startswith(("8:00 AM", "9:00 AM", "10:00 AM", "11:00 AM", "12:00 PM", "1:00 PM"))
    finally:
        await twelve.aclose()
    emulator.time_format = "24"
    try:
        for client in (client_for(ws, "v1"), client_for(ws, "2.0")):
            try:
                start = (await client.fetch_page("bookings", ALL, None, 5)).items[0].derived["start"]
                assert not hasattr(start, "hour_clock")
                assert display(FieldKind.DATETIME, start)[-9:-4] == f"{start:%H:%M}"
            finally:
                await client.aclose()
    finally:
        emulator.time_format = "12"


async def test_v1_tracks_the_stricter_quota_and_reads_plain_text_json(ws: DemoWorkspace) -> None:
    client = client_for(ws, "v1")
    try:
        page = await client.fetch_page("bookings", ALL, None, 20)
        for _ in range(3):
            page = await client.fetch_page("bookings", ALL, page.next_cursor, 20)
        labels = [dict(e.response_headers).get("content-type", "") for e in client.http.request_log]
        assert any(t.startswith("text/plain") for t in labels)  # parsed all the same (published-samples.md:63)
        snap = client.http.rate_limit.snapshot
        assert snap is not None and snap.limit == 10 and snap.window == 1.0  # 10 a second, not 30
        assert snap.remaining is not None and snap.remaining < 10
    finally:
        await client.aclose()


def test_booking_ids_are_not_consecutive(ws: DemoWorkspace) -> None:
    ids = sorted(ws.vendors["launch27"].emulator.bookings)  # type: ignore[attr-defined]
    assert len({b - a for a, b in itertools.pairwise(ids)}) > 1  # published-samples.md:68
