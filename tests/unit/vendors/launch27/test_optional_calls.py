"""Launch27 v1's enriching calls (settings, frequencies, cancellation policy) never fail the bookings.

The emulator runs in-process (httpx's ASGI transport); the calls are turned into 404s as a server
without them would answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.core.models import Query
from console.http.types import HttpSettings
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient
from console.vendors.emulation import OptionalRoute
from console.vendors.launch27 import DEMO_ADMIN, DEMO_PASSWORD

ALL = Query(filters={"from": "2000-01-01", "to": "2100-01-01"}, descending=False)


@pytest.fixture
async def client() -> AsyncIterator[VendorClient]:
    emulator: Any = registry.get("launch27").emulator.factory(size=60)
    emulator.optional_routes = tuple(OptionalRoute(path, "a server without it") for path in
                                     ("/v1/settings", "/v1/booking/frequencies", "/v1/policy/cancellation"))
    emulator.optional_endpoints = False
    made = registry.get("launch27").make_client(ClientContext(
        account_id="l27-v1", base_url="http://tenant.test/v1", fields={"api": "v1", "email": DEMO_ADMIN},
        secrets={"password": DEMO_PASSWORD}, settings=HttpSettings(max_attempts=1),
        transport=httpx.ASGITransport(app=emulator)))
    yield made
    await made.aclose()


def asked(client: VendorClient, path: str) -> int:
    return sum(1 for e in client.http.request_log if e.url.split("?")[0].endswith(path))


async def test_bookings_load_without_settings_and_say_so_once(client: VendorClient) -> None:
    first = await client.page("bookings", ALL, None, 20)
    second = await client.page("bookings", ALL, first.next_cursor, 20)
    assert len(first.items) == len(second.items) == 20
    assert first.notes == ("Account settings unavailable: Launch27 does not offer it (HTTP 404, not found), so "
                           "times are shown on a 24-hour clock, in this computer's time zone unless the account "
                           "sets one.",)
    assert not hasattr(first.items[0].derived["start"], "hour_clock")
    assert asked(client, "/v1/settings") == 1


async def test_form_and_cancel_work_without_frequencies_and_policy(client: VendorClient) -> None:
    page = await client.page("bookings", ALL, None, 60)
    named = {str(r.fields["frequency"]["id"]): r.fields["frequency"]["name"] for r in page.items}
    choices = await client.lookup("frequencies")
    assert {c.value: c.label for c in choices} == {"1": "One Time", **named}  # from the bookings read
    await client.lookup("frequencies")
    assert asked(client, "/v1/booking/frequencies") == 1
    scheduled = next(r for r in page.items if r.derived["status"] == "scheduled")
    keys = [q.key for q in await client.questions("bookings", scheduled, "cancel")]
    assert keys[0] == "confirm" and keys[-1] == "reason"  # asked anyway: the policy is unknown
    notes = client.optional.notes("bookings")
    assert any(n.startswith("Cancellation policy unavailable") for n in notes)
    assert any(n.startswith("Frequencies list unavailable") for n in notes)
