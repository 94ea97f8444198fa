"""The support-desk lookup over the five emulators: formats, concurrency, failures, cancellation, seeding."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.lookup import classify
from console.core.settings import AccountsFile
from console.http.types import HttpSettings
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.lookup import LookupService, Outcome, State
from console.vendors import registry

SIZES = {spec.id: 300 for spec in registry.VENDORS}


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes=SIZES)
    yield ws
    ws.stop()


@pytest.fixture
async def service(workspace: DemoWorkspace, tmp_path: Path) -> AsyncIterator[LookupService]:
    workspace.set_faults(None)
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore(),
                              settings=HttpSettings(max_attempts=2))
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    yield LookupService(accounts, timeout=5.0)
    workspace.set_faults(None)
    await accounts.aclose()


async def run(service: LookupService, text: str, region: str = "US") -> dict[str, Outcome]:
    return {o.account_label: o async for o in service.stream(classify(text, region))}


def found(outcomes: dict[str, Outcome]) -> set[tuple[str, str, str]]:
    return {(h.account_label, h.dataset, h.record.id) for o in outcomes.values() for h in o.hits}


async def test_phone_formats_find_the_same_people(service: LookupService) -> None:
    results = [found(await run(service, text)) for text in ("+1 (415) 555-0100", "415.555.0100", "0014155550100")]
    assert results[0] == results[1] == results[2]
    vendors = {label for label, _d, _i in results[0]}
    assert {"Bright Smiles (demo)", "Coastal Stays (demo)", "Sparkle v1 (demo)", "Nordic Tel (demo)"} <= vendors


async def test_email_is_case_insensitive_and_rows_say_what_matched(service: LookupService) -> None:
    outcomes = await run(service, "JANE.DOE@Example.COM")
    marketing = outcomes["Marketing (demo)"]
    assert marketing.state is State.HITS
    assert [h.text for h in marketing.hits] == ["Systeme.io · Marketing (demo) · contact · jane.doe@example.com · "
                                                "tags: vip"]
    states = {label: o.state for label, o in outcomes.items()}
    assert states == {"Marketing (demo)": State.HITS, "Bright Smiles (demo)": State.HITS,
                      "Coastal Stays (demo)": State.HITS, "Sparkle v1 (demo)": State.HITS,
                      "Sparkle 2.0 (demo)": State.UNSUPPORTED, "Nordic Tel (demo)": State.HITS}
    # Launch27 v1 cannot search emails: its bookings were scanned, and the row says how far.
    assert outcomes["Sparkle v1 (demo)"].scanned == 300
    assert outcomes["Sparkle v1 (demo)"].text.endswith("(searched the newest 300 bookings)")
    # Under its account's header a hit says who and what matched (an email hit keeps the name).
    assert [h.line for h in marketing.hits] == ["Jane Doe · contact · matched email jane.doe@example.com · tags: vip"]
    assert outcomes["Sparkle 2.0 (demo)"].text == "cannot search by email"


async def test_names_ids_and_kinds_a_vendor_cannot_search(service: LookupService) -> None:
    names = await run(service, "jane doe")
    assert names["Marketing (demo)"].state is State.UNSUPPORTED
    assert names["Marketing (demo)"].text == "cannot search by name"
    assert names["Nordic Tel (demo)"].hits[0].matched == {"name": "Jane Doe"}
    ids = await run(service, "prop_7")
    assert [(h.dataset, h.record.id) for h in ids["Coastal Stays (demo)"].hits] == [("properties", "prop_7")]
    assert ids["Marketing (demo)"].state is State.NONE  # asked, and the vendor has no such contact
    nothing = await run(service, "x")
    assert {o.state for o in nothing.values()} == {State.UNSUPPORTED}


async def test_five_slow_vendors_answer_together(service: LookupService, workspace: DemoWorkspace) -> None:
    await run(service, "jane.doe@example.com")  # logs in where the vendor has sessions
    workspace.set_faults(FaultConfig(latency=0.2))
    started = time.perf_counter()
    arrivals = []
    async for outcome in service.stream(classify("jane.doe@example.com")):
        arrivals.append((time.perf_counter() - started, outcome.account_label, outcome.state))
    total = time.perf_counter() - started
    print(f"\nlookup over {len(arrivals)} accounts, every emulator 200 ms slow: all answered in {total * 1000:.0f} ms "
          f"({', '.join(f'{label} {t * 1000:.0f}' for t, label, _s in arrivals)})")
    assert all(state in (State.HITS, State.UNSUPPORTED) for _t, _l, state in arrivals)
    assert total < 0.5  # concurrent: one round trip each, not five in a row


async def test_a_failing_and_a_silent_vendor_do_not_hold_back_the_others(service: LookupService,
                                                                       workspace: DemoWorkspace) -> None:
    service.timeout = 2.0
    workspace.vendors["systeme"].faults.configure(FaultConfig(rates={500: 1.0}))
    workspace.vendors["setera"].faults.configure(FaultConfig(stall_rate=1.0))
    started = time.perf_counter()
    arrivals: dict[str, float] = {}
    outcomes: dict[str, Outcome] = {}
    async for outcome in service.stream(classify("jane.doe@example.com")):
        arrivals[outcome.account_label] = time.perf_counter() - started
        outcomes[outcome.account_label] = outcome
    assert outcomes["Marketing (demo)"].state is State.FAILED
    assert outcomes["Marketing (demo)"].reason.startswith("Systeme.io")  # the error table's message
    assert outcomes["Nordic Tel (demo)"].state is State.FAILED
    assert outcomes["Nordic Tel (demo)"].reason == "no answer within 2 s"
    others = [label for label in outcomes if label not in ("Marketing (demo)", "Nordic Tel (demo)")]
    assert all(outcomes[label].state in (State.HITS, State.UNSUPPORTED) for label in others)
    # Not held back: every other account answered before the silent one's time ran out (an order, not a
    # guessed duration: how fast the others answer depends on the machine).
    assert max(arrivals[label] for label in others) < arrivals["Nordic Tel (demo)"]
    assert arrivals["Nordic Tel (demo)"] >= service.timeout
    assert list(outcomes)[-1] == "Nordic Tel (demo)"


async def test_closing_the_stream_cancels_the_searches_still_running(service: LookupService,
                                                                      workspace: DemoWorkspace) -> None:
    workspace.vendors["setera"].faults.configure(FaultConfig(stall_rate=1.0))
    stream = service.stream(classify("jane.doe@example.com"))
    first = await stream.__anext__()
    assert first.account_label != "Nordic Tel (demo)"
    before = {t for t in asyncio.all_tasks() if not t.done()}
    started = time.perf_counter()
    await stream.aclose()  # a newer query
    assert time.perf_counter() - started < 0.5
    await asyncio.sleep(0)
    assert not any(not t.done() and "LookupService.search" in repr(t.get_coro()) for t in before)


def test_the_demo_seeds_the_same_people_across_vendors(workspace: DemoWorkspace) -> None:
    emulators: dict[str, Any] = {v: h.emulator for v, h in workspace.vendors.items()}
    where: dict[str, set[str]] = defaultdict(set)
    for contact in emulators["systeme"]._contacts.values():
        where[contact["email"].lower()].add("systeme")
    for client in emulators["setster"].clients.values():
        where[client["email"].lower()].add("setster")
    for reservation in emulators["setsmart"].reservations.values():
        where[reservation["guest"]["email"].lower()].add("setsmart")
    launch27 = emulators["launch27"]
    for booking in launch27.bookings.values():
        where[launch27.customers[booking["user_id"]]["email"].lower()].add("launch27")
    for contact in emulators["setera"].directory:
        where[str(contact.get("email")).lower()].add("setera")
    shared = [email for email, vendors in where.items() if len(vendors) >= 3]
    print(f"\n{len(shared)} people are in three or more vendors' demo data")
    assert len(shared) >= 200
    assert where["jane.doe@example.com"] == {"systeme", "setster", "setsmart", "launch27", "setera"}
