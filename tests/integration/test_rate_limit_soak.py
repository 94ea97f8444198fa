"""Two minutes against a 100-requests-a-minute quota: the client's own tracking avoids every 429."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from console.core.errors import ConsoleError, RateLimited
from console.core.models import Query
from console.http.requestlog import RequestLog
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.vendors import registry
from console.vendors.base import ClientContext
from console.vendors.setsmart import DEMO_API_KEY

pytestmark = pytest.mark.slow

SECONDS = 120.0
QUOTA, WINDOW = 100, 60.0


async def test_two_minutes_at_the_quota_without_a_429() -> None:
    ws = DemoWorkspace.start(sizes={"setsmart": 2000}, vendors=("setsmart",))
    emulator = ws.vendors["setsmart"].emulator
    emulator.rate_limit, emulator.rate_window = QUOTA, WINDOW  # type: ignore[attr-defined]
    log = RequestLog(10_000)
    client = registry.get("setsmart").make_client(ClientContext(
        account_id="soak", base_url=ws.vendors["setsmart"].base_url, secrets={"api_key": DEMO_API_KEY},
        settings=HttpSettings(max_attempts=3, max_quota_wait=WINDOW + 5), request_log=log))
    deadline = time.monotonic() + SECONDS
    outcomes: Counter[str] = Counter()

    async def browse(dataset: str) -> None:  # a person paging through a list, again and again
        cursor = None
        while time.monotonic() < deadline:
            try:
                page = await asyncio.wait_for(client.fetch_page(dataset, Query(), cursor, 10),
                                              max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                return  # the two minutes are over while it waited for the quota
            except RateLimited as exc:  # a person told to wait does
                outcomes["RateLimited"] += 1
                await asyncio.sleep(min(exc.retry_after or 1.0, max(0.0, deadline - time.monotonic())))
                continue
            except ConsoleError as exc:
                outcomes[type(exc).__name__] += 1
                cursor = None
                continue
            outcomes["pages"] += 1
            cursor = page.next_cursor if page.has_more else None

    try:
        await asyncio.gather(browse("reservations"), browse("reservations"), browse("properties"))
    finally:
        await client.aclose()
        ws.stop()
    received_429 = sum(1 for e in log if e.status == 429)
    sent = len(log)
    print(f"\nquota soak: {SECONDS:.0f} s, {sent} requests sent, {outcomes['pages']} pages, "
          f"{received_429} answers 429 received, {emulator.over_quota} requests beyond the quota "  # type: ignore[attr-defined]
          f"seen by the vendor, outcomes {dict(outcomes)}")
    assert sent >= 1.9 * QUOTA  # both windows spent (nearly) to the end: the tracking was exercised
    assert received_429 == 0
    assert emulator.over_quota == 0  # type: ignore[attr-defined]
