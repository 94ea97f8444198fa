"""A lookup over a list the vendor cannot search: what it read, in words, and *Search further* reading on."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.lookup import classify
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.lookup import LookupService, Outcome, State, coverage

BOOKINGS = 700


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={"launch27": BOOKINGS}, vendors=("launch27",))
    yield ws
    ws.stop()


@pytest.fixture
async def service(workspace: DemoWorkspace, tmp_path: Path) -> AsyncIterator[LookupService]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    yield LookupService(accounts, timeout=10.0)
    await accounts.aclose()


def test_coverage_says_what_was_read() -> None:
    assert coverage("newest", 300, "booking", True) == "the newest 300 bookings"
    assert coverage("oldest", 300, "booking", True) == "the oldest 300 bookings"
    assert coverage("first", 50, "property", True) == "the first 50 properties the vendor lists"
    assert coverage("newest", 117, "booking", False) == "all 117 bookings"
    assert coverage("newest", 1, "booking", False) == "all 1 booking"


async def test_search_further_reads_on_until_the_list_ends(service: LookupService, workspace: DemoWorkspace) -> None:
    emulator = workspace.vendors["launch27"].emulator
    jane = {b["id"] for b in emulator.bookings.values()
            if emulator.customers[b["user_id"]]["email"].lower() == "jane.doe@example.com"}
    query = classify("jane.doe@example.com")
    outcomes: dict[str, Outcome] = {o.account_label: o async for o in service.stream(query)}
    v1 = outcomes["Sparkle v1 (demo)"]
    assert v1.scanned == 300 and v1.more
    assert v1.coverage == "the newest 300 bookings"
    seen = [v1]
    while seen[-1].more:
        assert len(seen) < 5, "the scan never ended"
        seen.append(await service.search_further(seen[-1], query))
    assert [o.scanned for o in seen] == [300, 600, 700]
    assert [o.coverage for o in seen] == ["the newest 300 bookings", "the newest 600 bookings", "all 700 bookings"]
    ids = [[h.record.id for h in o.hits] for o in seen]
    assert all(set(a) <= set(b) for a, b in itertools.pairwise(ids))  # earlier hits stay, in order
    assert set(ids[-1]) == {str(i) for i in jane}  # every one of hers, none else
    hits = f"{len(jane)} hit{'' if len(jane) == 1 else 's'}"  # the demo's Jane has one booking or more
    assert seen[-1].state is State.HITS and seen[-1].text == f"{hits} (searched all 700 bookings)"
    # Nothing left: searching further changes nothing.
    again = await service.search_further(seen[-1], query)
    assert [h.record.id for h in again.hits] == ids[-1] and again.coverage == "all 700 bookings"
