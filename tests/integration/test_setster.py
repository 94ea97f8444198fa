"""Setster through its emulator: paging under both readings, session expiry, writes and slots.

The emulator answers Setster's published bodies by default (published-samples.md:37-58): integer
ids in lists, ``statusDescriptions``, ISO ``Z`` times, the 403 refused-create body and the 401
``statusCode: 3`` wrong-key body; the tests below hold the client to them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from console.core.errors import AuthError, NotFound, SlotUnavailable, ValidationError
from console.core.models import Query
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.services.export import export_dataset, make_writer
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.setster import DEMO_API_KEY, DEMO_OWNER

TODAY = dt.date(2026, 11, 18)  # a Wednesday: fixed so slot tests do not depend on the weekday


def client_for(ws: DemoWorkspace, key: str = DEMO_API_KEY, **options: Any) -> VendorClient:
    base = ws.vendors["setster"].base_url
    return registry.get("setster").make_client(ClientContext(
        account_id="t", base_url=base, fields={"email": DEMO_OWNER}, secrets={"api_key": key}, options=options,
        settings=HttpSettings(max_attempts=2)))


@pytest.fixture(scope="module")
def ws():
    workspace = DemoWorkspace.start(sizes={"setster": 700}, vendors=("setster",))
    yield workspace
    workspace.stop()


async def all_ids(client: VendorClient, dataset: str, limit: int, query: Query | None = None) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = await client.fetch_page(dataset, query or Query(descending=False), cursor, limit)
        ids.extend(r.id for r in page.items)
        if not page.has_more:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("reading", ["offset_count", "start_end"])
@pytest.mark.parametrize("limit", [50, 100, 333])
async def test_paging_is_right_under_both_readings(ws: DemoWorkspace, reading: str, limit: int) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.paging = reading  # type: ignore[attr-defined]
    client = client_for(ws)
    try:
        ids = await all_ids(client, "appointments", limit)
        assert ids == emulator.appointment_ids()  # type: ignore[attr-defined]
        clients = await all_ids(client, "clients", limit)
        assert len(clients) == len(set(clients)) == len(emulator.clients)  # type: ignore[attr-defined]
        for dataset in ("services", "employees", "locations"):
            items = await all_ids(client, dataset, limit)
            assert len(items) == len(set(items)) > 0
    finally:
        emulator.paging = "offset_count"  # type: ignore[attr-defined]
        await client.aclose()


@pytest.mark.parametrize("key", ["statusDescription", "statusDescriptions", "description"])
async def test_every_description_spelling(ws: DemoWorkspace, key: str) -> None:
    emulator = ws.vendors["setster"].emulator
    before = emulator.description_key  # type: ignore[attr-defined]
    emulator.description_key = key  # type: ignore[attr-defined]
    client = client_for(ws)
    try:
        with pytest.raises(NotFound) as info:
            await client.get_record("appointments", "999999")
        assert info.value.message == "Appointment not found"
    finally:
        emulator.description_key = before  # type: ignore[attr-defined]
        await client.aclose()


async def test_filters_and_sort(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    try:
        page = await client.fetch_page("appointments", Query(filters={"employee_id": "203", "status": "2"},
                                                              sort="start_date", descending=True), None, 500)
        assert page.items
        # Ids come as JSON integers in list answers (published-samples.md:41); the record's id is a string.
        assert all(r.fields["employee_id"] == 203 and r.fields["status"] == "2" for r in page.items)
        assert all(isinstance(r.fields["id"], int) and r.id == str(r.fields["id"]) for r in page.items)
        starts = [r.derived["start"] for r in page.items]
        assert starts == sorted(starts, reverse=True)
        assert all(r.derived["employee"] == "Lena Fischer" for r in page.items)
        first = page.items[0]
        email = first.fields["client_email"]
        by_email = await client.fetch_page("appointments", Query(filters={"client_email": email.upper()}), None, 50)
        assert first.id in {r.id for r in by_email.items}
        day = first.derived["start"].date().isoformat()
        by_day = await client.fetch_page("appointments", Query(filters={"start_date": day, "end_date": day}),
                                         None, 500)
        assert by_day.items and all(r.derived["start"].date().isoformat() == day for r in by_day.items)
        assert all(r.derived["start"].tzinfo is not None for r in by_day.items)
    finally:
        await client.aclose()


async def test_session_expiry_mid_export_relogs_once(ws: DemoWorkspace) -> None:
    big = DemoWorkspace.start(sizes={"setster": 5000}, vendors=("setster",))
    emulator = big.vendors["setster"].emulator
    client = client_for(big)
    expired = []

    def progress(state: Any) -> None:
        if state.pages == 2 and not expired:
            emulator.expire_sessions()  # type: ignore[attr-defined]
            expired.append(True)

    try:
        out = io.StringIO()
        state = await export_dataset(client, "appointments", make_writer("jsonl", out), page_size=100,
                                     progress=progress)
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert len(ids) == len(set(ids)) == 5000 == state.records
        assert emulator.logins == 2  # type: ignore[attr-defined]
        assert client.session.renewals == 1  # type: ignore[attr-defined]
    finally:
        await client.aclose()
        big.stop()


@pytest.mark.parametrize("status", [401, 403])
async def test_expiry_answered_with_401_or_403(ws: DemoWorkspace, status: int) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.expired_status = status  # type: ignore[attr-defined]
    client = client_for(ws)
    try:
        await client.fetch_page("services", Query(), None, 10)
        before = emulator.logins  # type: ignore[attr-defined]
        emulator.expire_sessions()  # type: ignore[attr-defined]
        page = await client.fetch_page("services", Query(), None, 10)
        assert page.items and emulator.logins == before + 1  # type: ignore[attr-defined]
    finally:
        emulator.expired_status = 403  # type: ignore[attr-defined]
        await client.aclose()


async def test_wrong_key_is_an_auth_error_that_names_the_key_first(ws: DemoWorkspace) -> None:
    # The emulator answers the published 401 with statusCode 3 (published-samples.md:49).
    client = client_for(ws, key="not-the-key-123")
    try:
        with pytest.raises(AuthError) as info:
            await client.fetch_page("services", Query(), None, 10)
        um = info.value.user_message
        assert um.title == "Wrong API key or inactive account"
        assert um.text.index("API key") < um.text.index("subscription")
        assert info.value.status == 401 and info.value.vendor_code == "3 ACCOUNT_NOT_ACTIVE"
        assert info.value.message == "Account is not active"
    finally:
        await client.aclose()


@pytest.mark.parametrize("body", [None, "form_data", "json", "json_data", "form"])
async def test_client_crud_in_every_body_style(ws: DemoWorkspace, body: str | None) -> None:
    client = client_for(ws, **({"body": body} if body else {}))
    try:
        made = await client.create_record("clients", {"name": "Body Test", "email": f"body.{body}@example.com",
                                                      "phone": "555 0100"})
        assert made.record.fields["email"] == f"body.{body}@example.com"
        changed = await client.update_record("clients", made.record, {"city": "Boston"})
        assert changed.record.fields["city"] == "Boston"
        with pytest.raises(ValidationError):
            await client.create_record("clients", {"name": "", "email": "x@example.com"})
        await client.delete_record("clients", made.record)
        with pytest.raises(NotFound):
            await client.get_record("clients", made.record.id)
    finally:
        await client.aclose()


async def test_book_into_a_taken_slot_then_a_free_one(ws: DemoWorkspace) -> None:
    client = client_for(ws)
    day = dt.date.today() + dt.timedelta(days=2 if dt.date.today().weekday() != 4 else 3)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    values = {"service_id": "305", "location_id": "101", "employee_id": "202", "client_name": "Slot Test",
              "client_email": "slot.test@example.com"}
    try:
        slots = await client.slots("appointments", "start_date", values, day)
        assert slots, "no free time in the seeded week"
        first = await client.create_record("appointments", {**values, "start_date": slots[0].value})
        assert first.record.derived["start"].strftime("%H:%M") == slots[0].label
        # Published refusal (403, statusCode null, "OK"): a new login, the same refusal, then the
        # free times of the day say why.
        logins = ws.vendors["setster"].emulator.logins  # type: ignore[attr-defined]
        with pytest.raises(SlotUnavailable) as info:
            await client.create_record("appointments", {**values, "start_date": slots[0].value})
        (text,) = info.value.fields["start_date"]
        assert "just taken" in text and info.value.user_message.title == "Time no longer free"
        assert ws.vendors["setster"].emulator.logins == logins + 1  # type: ignore[attr-defined]
        again = await client.slots("appointments", "start_date", values, day)
        assert slots[0].value not in {s.value for s in again}
        questions = await client.questions("appointments", first.record, "cancel")
        assert "Slot Test" in questions[0].text
        cancelled = await client.run_action("appointments", first.record, "cancel", {}, {"confirm": "yes"})
        assert cancelled.record.fields["status"] == "3"
        moved = await client.run_action("appointments", first.record, "reschedule",
                                        {"start_date": again[-1].value}, {})
        assert moved.record.fields["start_date"].startswith(again[-1].value[:16])
        await client.delete_record("appointments", first.record)
    finally:
        await client.aclose()


async def test_a_coded_slot_refusal_is_read_without_a_new_login(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.refusal = "coded"  # type: ignore[attr-defined]
    client = client_for(ws)
    day = dt.date.today() + dt.timedelta(days=3)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    values = {"service_id": "301", "location_id": "103", "employee_id": "206", "client_name": "Coded Test",
              "client_email": "coded.test@example.com"}
    try:
        slots = await client.slots("appointments", "start_date", values, day)
        made = await client.create_record("appointments", {**values, "start_date": slots[0].value})
        logins = emulator.logins  # type: ignore[attr-defined]
        with pytest.raises(SlotUnavailable) as info:
            await client.create_record("appointments", {**values, "start_date": slots[0].value})
        assert info.value.fields == {"start_date": ["That time was just taken. Pick another slot."]}
        assert emulator.logins == logins  # type: ignore[attr-defined]
        await client.delete_record("appointments", made.record)
    finally:
        emulator.refusal = "published"  # type: ignore[attr-defined]
        await client.aclose()


async def test_published_times_and_ids_are_read(ws: DemoWorkspace) -> None:
    from zoneinfo import ZoneInfo

    emulator = ws.vendors["setster"].emulator
    client = client_for(ws)
    try:
        page = await client.fetch_page("appointments", Query(descending=False), None, 50)
        for record in page.items:
            stored = emulator.appointments[record.id]  # type: ignore[attr-defined]
            zone = ZoneInfo({"553": "America/New_York", "540": "America/Chicago"}[stored["timezone_id"]])
            created = dt.datetime.strptime(stored["created_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            assert record.fields["created_at"].endswith("Z") and "." in record.fields["created_at"]
            assert record.derived["created"].replace(microsecond=0) == created
            assert str(record.derived["created"].tzinfo) == "America/New_York"  # the company's zone
            assert isinstance(record.fields["service_id"], int) and record.derived["service"]
        clients = await client.fetch_page("clients", Query(), None, 20)
        for person in clients.items:
            assert isinstance(person.fields["client_id"], int) and person.id == str(person.fields["client_id"])
            assert person.fields["date_created"].endswith("Z") and person.derived["created"] is not None
        # A single GET keeps string ids and an offset (setster.md:88, :90): the same record either way.
        again = await client.get_record("appointments", page.items[0].id)
        assert again.fields["id"] == page.items[0].id
        assert again.derived["created"] == page.items[0].derived["created"].replace(microsecond=0)
    finally:
        await client.aclose()


async def test_records_sharing_an_id_in_one_answer_are_counted_and_said(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.duplicate_ids = 2  # type: ignore[attr-defined]
    client = client_for(ws)
    try:
        page = await client.page("appointments", Query(descending=False), None, 50)
        assert len(page.items) == 48 and page.duplicates == 2
        assert page.items[0].id == emulator.appointment_ids()[0]  # type: ignore[attr-defined]
        assert page.notes == ()  # the count is said once over every page, by the list and the CLI
        assert page.next_cursor == 50  # the pager still moves by the answer's 50 places
        services = await client.page("services", Query(), None, 100)
        assert services.duplicates == 2 and len(services.items) == len(emulator.services) - 2  # type: ignore[attr-defined]
    finally:
        emulator.duplicate_ids = 0  # type: ignore[attr-defined]
        await client.aclose()


def _optional_requests(ws: DemoWorkspace) -> list[tuple[str, str]]:
    emulator = ws.vendors["setster"].emulator
    return [(s.method, s.path) for s in ws.vendors["setster"].faults.seen()
            if any(r.matches(s.method, s.path) for r in emulator.optional_routes)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("timezone", ["", "America/New_York"])
async def test_every_dataset_loads_without_the_optional_endpoints(ws: DemoWorkspace, timezone: str) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.optional_endpoints = False
    ws.vendors["setster"].faults.clear()
    client = client_for(ws, timezone=timezone)
    try:
        pages = {}
        for dataset in ("appointments", "clients", "services", "employees", "locations"):
            first = await client.page(dataset, Query(descending=False), None, 20)
            second = await client.page(dataset, Query(descending=False), first.next_cursor, 20) \
                if first.has_more else first
            assert first.items and second.items, dataset
            pages[dataset] = second
        # Each missing endpoint was asked once, whatever the pages and datasets.
        asked = _optional_requests(ws)
        assert sorted(asked) == [("GET", "/api/v2/account"), ("GET", "/api/v2/tz/list")]
        notes = pages["appointments"].notes
        assert any(n.startswith("Time zone names unavailable: Setster does not offer it (HTTP 404") for n in notes)
        assert any(n.startswith("Account details unavailable: Setster does not offer it (HTTP 404") for n in notes)
        assert pages["services"].notes == ()
        assert any(n.startswith("Time zone names unavailable") for n in pages["locations"].notes)
        # The names still come from the [C] lists; times are read in the chosen zone, else UTC.
        record = pages["appointments"].items[0]
        assert record.derived["service"] and record.derived["employee"] and record.derived["location"]
        assert str(record.derived["start"].tzinfo) == (timezone or "UTC")
        # One record is read through its list when the single GET is missing: asked once, then not again.
        for dataset, page in pages.items():
            for wanted in page.items[:2]:
                got = await client.get_record(dataset, wanted.id)
                assert got.id == wanted.id and got.fields == wanted.fields
        with pytest.raises(NotFound):
            await client.get_record("appointments", "999999")
        single = [p for p in _optional_requests(ws) if p not in asked]
        assert len(single) == 1 and single[0][1].startswith("/api/v2/appointment/")
        assert any(n.startswith("Reading a record by its id unavailable") for n in client.optional.notes("clients"))
    finally:
        emulator.optional_endpoints = True
        await client.aclose()


async def test_an_export_counts_and_says_the_records_that_shared_an_id(ws: DemoWorkspace) -> None:
    emulator = ws.vendors["setster"].emulator
    emulator.duplicate_ids = 1  # type: ignore[attr-defined]
    client = client_for(ws)
    try:
        out = io.StringIO()
        state = await export_dataset(client, "appointments", make_writer("jsonl", out), page_size=100)
        # One per answer of more than one record: each counted and said, none dropped silently.
        assert 1 <= state.answer_duplicates <= state.pages and state.duplicates == 0
        assert state.records + state.answer_duplicates == len(emulator.appointments)  # type: ignore[attr-defined]
        assert f"{state.answer_duplicates} records were left out" in state.duplicate_warning()
    finally:
        emulator.duplicate_ids = 0  # type: ignore[attr-defined]
        await client.aclose()
