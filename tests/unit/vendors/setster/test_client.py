"""The Setster client against Setster's published bodies (published-samples.md:37-58), by hand.

A recording transport answers each (method, path) from a table, so every case is exact: the
published 403 refused-create body, the published 401 wrong-key body, integer ids, ISO ``Z``
timestamps with milliseconds, the default form-encoded ``data=<JSON>`` body and records of one
answer that share an id.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from console.core.errors import AuthError, Conflict, SlotUnavailable
from console.core.models import Query, Record
from console.http.types import HttpSettings
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.setster.errors import ChangeRefused

BASE = "https://www.setster.com/api/v2"
OK: dict[str, Any] = {"statusCode": None, "statusDescriptions": "OK"}
#: published-samples.md:44: "The appointment can not be created".
REFUSED = {"statusCode": None, "statusDescriptions": "OK", "data": {}}
#: published-samples.md:49: a wrong API key.
WRONG_KEY = {"statusCode": 3, "statusDescriptions": "Account is not active", "data": {}}
LOGIN = {**OK, "data": {"user": {"id": 2343, "company_id": 2423, "is_owner": True},
                        "session_token": "bl0l9e0g9t1lvul5fg635jre32"}}
TZ = {**OK, "data": {"553": {"dbName": "America/New_York"}, "540": {"dbName": "America/Chicago"}}}
ACCOUNT = {**OK, "data": {"company_id": 2423, "timezone_id": 553, "timezone": -300}}
SERVICES = {**OK, "data": [{"id": 305, "name": "Consultation", "duration": 30}]}
EMPLOYEES = {**OK, "data": [{"id": 201, "first_name": "Maya", "last_name": "Patel"}]}
LOCATIONS = {**OK, "data": [{"id": 101, "name": "Downtown", "timezone_id": 553, "is_main": True},
                            {"id": 103, "name": "Lakeside", "timezone_id": 540, "is_main": False}]}
BOOKING = {"service_id": "305", "location_id": "101", "employee_id": "201", "client_name": "Ines Ferreira",
           "client_email": "ines@example.com", "start_date": "2026-11-20 10:00:00"}

Answer = dict[str, Any] | tuple[int, dict[str, Any]] | Callable[[httpx.Request], httpx.Response]


class Server:
    """Answers from a table of (method, path) -> body (200), (status, body) or a function."""

    def __init__(self, routes: dict[tuple[str, str], Answer]) -> None:
        self.routes: dict[tuple[str, str], Answer] = {
            ("POST", "/api/v2/account/authenticate"): LOGIN, ("GET", "/api/v2/tz/list"): TZ,
            ("GET", "/api/v2/account"): ACCOUNT, ("GET", "/api/v2/service"): SERVICES,
            ("GET", "/api/v2/employee"): EMPLOYEES, ("GET", "/api/v2/location"): LOCATIONS, **routes}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, text="Not Found")
        if callable(answer):
            return answer(request)
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(status, json=body)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.url.path == f"/api/v2{path}")


def client_with(server: Server, **options: Any) -> VendorClient:
    context = ClientContext(account_id="a", base_url=BASE, fields={"email": "owner@example.com"},
                            secrets={"api_key": "key-123456"}, options=options,
                            settings=HttpSettings(max_attempts=2), transport=httpx.MockTransport(server))
    return registry.get("setster").make_client(context)


def free_times(*times: str) -> dict[str, Any]:
    return {**OK, "data": {"interval": 30, "day": 20, "month": 11, "year": 2026, "times": list(times)}}


# -- a write refused again after a fresh login (item 3) ----------------------------------------------


async def test_a_booking_refused_after_a_fresh_login_is_setster_refusing_it_not_the_session() -> None:
    server = Server({("POST", "/api/v2/appointment"): (403, REFUSED),
                     ("GET", "/api/v2/availability"): free_times("09:30:00", "10:00:00")})
    client = client_with(server)
    with pytest.raises(ChangeRefused) as info:
        await client.create_record("appointments", BOOKING)
    error = info.value
    assert not isinstance(error, AuthError) and isinstance(error, Conflict)
    assert error.user_message.title == "Setster refused this change"
    assert error.user_message.text == ("The appointment could not be created: the time may no longer be free, "
                                       "or the account may not allow it.")
    assert error.user_message.next_step.startswith("Pick another time")
    assert error.fields == {"start_date": [f"{error.user_message.text} {error.user_message.next_step}"]}
    # Logged in, refused, logged in again, resent once, refused again: final.
    assert server.count("POST", "/account/authenticate") == 2
    assert server.count("POST", "/appointment") == 2
    await client.aclose()


async def test_a_refused_booking_whose_time_is_no_longer_free_says_just_taken() -> None:
    server = Server({("POST", "/api/v2/appointment"): (403, REFUSED),
                     ("GET", "/api/v2/availability"): free_times("09:30:00", "10:30:00")})
    client = client_with(server)
    with pytest.raises(SlotUnavailable) as info:
        await client.create_record("appointments", BOOKING)
    (text,) = info.value.fields["start_date"]
    assert "just taken" in text and text.endswith("Pick another time from the list.")
    asked = next(r for r in server.requests if r.url.path.endswith("/availability"))
    assert dict(asked.url.params) == {"service_id": "305", "start_date": "2026-11-20", "t": "daily",
                                      "return": "times", "location_id": "101", "provider_id": "201",
                                      "session_token": "bl0l9e0g9t1lvul5fg635jre32", "company_id": "2423"}
    await client.aclose()


async def test_when_the_free_times_cannot_be_read_the_refusal_stays_on_the_time_field() -> None:
    server = Server({("POST", "/api/v2/appointment"): (403, REFUSED),
                     ("GET", "/api/v2/availability"): (400, {"statusCode": 1, "statusDescriptions": "bad",
                                                             "data": None})})
    client = client_with(server)
    with pytest.raises(ChangeRefused) as info:
        await client.create_record("appointments", BOOKING)
    assert set(info.value.fields) == {"start_date"}
    await client.aclose()


def _appointment(**extra: Any) -> Record:
    fields = {"id": 70001, "service_id": 305, "location_id": 101, "employee_id": 201, "status": "2", **extra}
    return Record("setster", "appointments", "70001", fields, {})


@pytest.mark.parametrize(("method", "path", "act", "text"), [
    ("POST", "/client", lambda c: c.create_record("clients", {"name": "A", "email": "a@example.com"}),
     "The client could not be added: the account may not allow it."),
    ("PUT", "/client/5001",
     lambda c: c.update_record("clients", Record("setster", "clients", "5001", {}, {}), {"city": "Boston"}),
     "The client could not be saved: the account may not allow it."),
    ("DELETE", "/client/5001", lambda c: c.delete_record("clients", Record("setster", "clients", "5001", {}, {})),
     "The client could not be deleted: it may still have appointments, or the account may not allow it."),
    ("PUT", "/appointment/70001",
     lambda c: c.run_action("appointments", _appointment(), "cancel", {}, {"confirm": "yes"}),
     "The appointment could not be cancelled: the account may not allow it."),
    ("PUT", "/appointment/70001", lambda c: c.update_record("appointments", _appointment(), {"note": "x"}),
     "The appointment could not be changed: the account may not allow it."),
    ("DELETE", "/appointment/70001", lambda c: c.delete_record("appointments", _appointment()),
     "The appointment could not be deleted: the account may not allow it."),
])
async def test_every_write_refused_twice_is_a_refused_change(method: str, path: str, act: Any, text: str) -> None:
    server = Server({(method, f"/api/v2{path}"): (403, REFUSED)})
    client = client_with(server)
    with pytest.raises(ChangeRefused) as info:
        await act(client)
    assert info.value.user_message.text == text
    assert info.value.fields == {}
    assert server.count(method, path) == 2
    await client.aclose()


async def test_a_reschedule_refused_says_moved_and_checks_the_new_time() -> None:
    server = Server({("PUT", "/api/v2/appointment/70001"): (403, REFUSED),
                     ("GET", "/api/v2/availability"): free_times("11:00:00")})
    client = client_with(server)
    with pytest.raises(ChangeRefused) as info:
        await client.run_action("appointments", _appointment(), "reschedule", {"start_date": "2026-11-20 11:00:00"},
                                {})
    assert info.value.user_message.text.startswith("The appointment could not be moved: the new time")
    assert set(info.value.fields) == {"start_date"}
    asked = next(r for r in server.requests if r.url.path.endswith("/availability"))
    assert asked.url.params["provider_id"] == "201" and asked.url.params["service_id"] == "305"
    await client.aclose()


async def test_a_read_refused_after_a_fresh_login_stays_a_session_failure() -> None:
    server = Server({("GET", "/api/v2/appointment"): (403, REFUSED)})
    client = client_with(server)
    with pytest.raises(AuthError) as info:
        await client.fetch_page("appointments", Query(), None, 50)
    assert info.value.user_message.title == "Session refused"
    assert server.count("GET", "/appointment") == 2
    await client.aclose()


# -- the wrong key (item 3, item 8) ---------------------------------------------------------------------


async def test_the_published_wrong_key_answer_names_the_key_first_then_the_subscription() -> None:
    server = Server({("POST", "/api/v2/account/authenticate"): (401, WRONG_KEY)})
    client = client_with(server)
    with pytest.raises(AuthError) as info:
        await client.fetch_page("services", Query(), None, 10)
    um = info.value.user_message
    assert um.title == "Wrong API key or inactive account"
    assert "Account is not active or Incorrect API key" in um.text
    assert um.text.index("API key may be wrong") < um.text.index("subscription")
    assert um.next_step.index("API key") < um.next_step.index("subscription")
    assert info.value.message == "Account is not active" and info.value.status == 401
    assert "key-123456" not in str(info.value)
    await client.aclose()


# -- bodies -------------------------------------------------------------------------------------------


def _echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={**OK, "data": {"client_id": 5009, "name": "A", "email": "a@example.com"}})


@pytest.mark.parametrize(("options", "content_type", "read"), [
    ({}, "application/x-www-form-urlencoded",
     lambda raw: json.loads(dict(urllib.parse.parse_qsl(raw))["data"])),
    ({"body": "form_data"}, "application/x-www-form-urlencoded",
     lambda raw: json.loads(dict(urllib.parse.parse_qsl(raw))["data"])),
    ({"body": "json"}, "application/json", json.loads),
    ({"body": "json_data"}, "application/json", lambda raw: json.loads(raw)["data"]),
    ({"body": "form"}, "application/x-www-form-urlencoded", lambda raw: dict(urllib.parse.parse_qsl(raw))),
])
async def test_writes_default_to_a_form_field_data_holding_json(options: dict[str, str], content_type: str,
                                                                 read: Callable[[str], Any]) -> None:
    server = Server({("POST", "/api/v2/client"): _echo})
    client = client_with(server, **options)
    made = await client.create_record("clients", {"name": "A", "email": "a@example.com"})
    assert made.record.id == "5009"
    sent = next(r for r in server.requests if r.url.path.endswith("/client"))
    assert sent.headers["content-type"].startswith(content_type)
    assert read(sent.content.decode()) == {"company_id": "2423", "name": "A", "email": "a@example.com"}
    await client.aclose()


def test_the_body_option_defaults_to_the_published_form() -> None:
    option = next(o for o in registry.get("setster").options if o.key == "body")
    assert option.default == "form_data"
    assert {c.value for c in option.choices} == {"form_data", "json", "json_data", "form"}


# -- integer ids, Z timestamps, shared ids ----------------------------------------------------------


def _appointments(*items: dict[str, Any]) -> dict[str, Any]:
    return {**OK, "data": list(items)}


def _item(ident: int, client: str = "Jane Doe", **extra: Any) -> dict[str, Any]:
    return {"id": ident, "company_id": 2423, "service_id": 305, "employee_id": 201, "location_id": 103,
            "client_name": client, "start_date": "2026-11-20 10:00", "end_date": "2026-11-20 10:30",
            "created_at": "2012-03-18T02:48:03.798Z", "last_updated": "2012-03-18T02:48:03.798Z",
            "status": 2, "custom_fields": {}, **extra}


async def test_integer_ids_and_iso_z_times_with_milliseconds_are_read() -> None:
    server = Server({("GET", "/api/v2/appointment"): _appointments(_item(70001)),
                     ("GET", "/api/v2/client"): {**OK, "data": [
                         {"client_id": 5001, "company_id": 2423, "name": "Jane", "email": "jane@example.com",
                          "date_created": "2012-03-18T02:48:03.798Z", "last_app_date": "2026-11-20T15:00:00.000Z"}]}})
    client = client_with(server)
    (record,) = (await client.fetch_page("appointments", Query(), None, 50)).items
    assert record.id == "70001" and record.fields["id"] == 70001  # the id is a string; fields as sent
    new_york = ZoneInfo("America/New_York")
    created = record.derived["created"]
    assert created == dt.datetime(2012, 3, 18, 2, 48, 3, 798000, tzinfo=dt.UTC)
    assert created.tzinfo == new_york  # shown in the company's zone
    assert record.derived["start"] == dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert (record.derived["service"], record.derived["employee"], record.derived["location"]) == (
        "Consultation", "Maya Patel", "Lakeside")
    (person,) = (await client.fetch_page("clients", Query(), None, 50)).items
    assert person.id == "5001"
    assert person.derived["created"] == dt.datetime(2012, 3, 18, 2, 48, 3, 798000, tzinfo=dt.UTC)
    assert person.derived["last_app"] == dt.datetime(2026, 11, 20, 10, 0, tzinfo=new_york)
    await client.aclose()


async def test_records_of_one_answer_sharing_an_id_keep_the_first_and_are_counted() -> None:
    answer = _appointments(_item(7, "First"), _item(7, "Second"), _item(8, "Third"), _item(8, "Fourth"),
                           _item(7, "Fifth"))
    server = Server({("GET", "/api/v2/appointment"): answer})
    client = client_with(server)
    page = await client.page("appointments", Query(), None, 5)
    assert [(r.id, r.fields["client_name"]) for r in page.items] == [("7", "First"), ("8", "Third")]
    assert page.duplicates == 3
    assert page.notes == ()  # the count is said by the list and the CLI, in one sentence over every page
    assert page.has_more and page.next_cursor == 5  # paging goes by the answer's length, not the records kept
    await client.aclose()


async def test_one_shared_id_in_a_whole_list_is_counted() -> None:
    server = Server({("GET", "/api/v2/service"): {**OK, "data": [{"id": 305, "name": "A"}, {"id": 305, "name": "B"}]}})
    client = client_with(server)
    page = await client.page("services", Query(), None, 100)
    assert [r.fields["name"] for r in page.items] == ["A"]
    assert page.duplicates == 1 and page.total == 1
    assert page.notes == ()
    await client.aclose()


async def test_an_answer_without_shared_ids_has_no_note() -> None:
    server = Server({("GET", "/api/v2/appointment"): _appointments(_item(7), _item(8))})
    client = client_with(server)
    page = await client.page("appointments", Query(), None, 50)
    assert page.duplicates == 0 and page.notes == () and not page.has_more
    await client.aclose()


async def test_an_id_already_on_an_earlier_page_is_no_duplicate_of_this_answer() -> None:
    # The start/end overlap between pages is paging (README decision), dropped above the client, not counted.
    pages = iter([_appointments(_item(7), _item(8)), _appointments(_item(8), _item(9))])
    server = Server({("GET", "/api/v2/appointment"): lambda request: httpx.Response(200, json=next(pages))})
    client = client_with(server)
    first = await client.page("appointments", Query(), None, 2)
    second = await client.page("appointments", Query(), first.next_cursor, 2)
    assert [r.id for r in second.items] == ["8", "9"]
    assert second.duplicates == 0 and second.notes == ()
    await client.aclose()
