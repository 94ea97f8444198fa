"""The background sync against the Systeme.io emulator, with an in-memory mirror (tests/unit/services/mirror/fakes.py).

Systeme.io lists newest first (its contacts and tags refresh by reading from the start until a page
brings nothing new); its emulator's quota can be made small.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import RateLimited, ServerError, UserMessage, ValidationError
from console.core.models import Query
from console.core.settings import AccountsFile
from console.http.ratelimit import RateLimitSnapshot
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from console.services.mirror.contract import MirrorQuery, SyncState
from console.services.mirror.store import MirrorFull, MirrorStore
from console.services.mirror.sync import (
    MirrorSync,
    Strategy,
    headroom,
    headroom_wait,
    mirrored,
    refresh_strategy,
)
from console.services.mirror.sync_progress import FOR_QUOTA, FOR_YOUR_REQUESTS, Phase, SyncProgress
from console.vendors import registry
from console.vendors.emulation import QuotaWindow
from tests.conftest import until
from tests.unit.services.mirror.fakes import FakeMirror

CONTACTS = 300  # the emulators fixture's size: 5 pages of 70 (70, 70, 70, 70, 20)


@dataclass
class Rig:
    """A sync of the Systeme.io demo account over live emulators."""

    ws: DemoWorkspace
    accounts: AccountService
    datasets: DatasetService
    account_id: str
    mirror: FakeMirror
    sync: MirrorSync

    @property
    def emulator(self) -> Any:
        return self.ws.vendors["systeme"].emulator

    def requests(self, path: str = "") -> list[Any]:
        """The account's exchanges (optionally of one path), in order."""
        return [e for e in self.accounts.request_log if e.account_id == self.account_id and path in e.path]

    def vendor_ids(self) -> set[str]:
        return {str(i) for i in self.emulator.contact_ids()}


@pytest.fixture
async def rig(emulators: DemoWorkspace, tmp_path: Path) -> AsyncIterator[Rig]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore(),
                              settings=HttpSettings(max_attempts=2))
    await accounts.add_demo(emulators.accounts, emulators.secrets)
    datasets = DatasetService(accounts)
    account = next(a for a in emulators.accounts if a.vendor == "systeme")
    mirror = FakeMirror(account.id)
    sync = MirrorSync(datasets, mirror, page_size=70)
    yield Rig(emulators, accounts, datasets, account.id, mirror, sync)
    await sync.aclose()
    await accounts.aclose()


async def test_a_full_pass_stores_every_record_with_one_request_a_page(rig: Rig) -> None:
    seen: list[SyncProgress] = []
    rig.sync.listen(seen.append)
    await rig.sync.sync_now()
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    contact_pages = [p for p in rig.mirror.pages if p[0] == "contacts"]
    assert [len(ids) for _d, _p, ids, _c in contact_pages] == [70, 70, 70, 70, 20]
    assert contact_pages[-1][3] is None  # the last page ends the pass
    assert len(rig.requests()) == len(rig.mirror.pages)  # no request beyond the pages
    assert rig.mirror.overlaps == 0
    state = rig.mirror.state("contacts")
    assert state.complete and not state.running and state.fetched == CONTACTS
    texts = [p.text for p in seen if p.dataset == "contacts"]
    assert "Syncing Marketing (demo) contacts: 140 so far" in texts  # Systeme.io says no total
    assert texts[-1] == "Marketing (demo) contacts synced"
    await rig.sync.sync_now(full=True)
    assert "Syncing Marketing (demo) contacts: 140 of about 300" in [p.text for p in seen]  # the last pass's count
    assert rig.sync.progress("contacts").phase is Phase.DONE
    assert rig.sync.progress("tags").phase is Phase.DONE


async def test_a_cancel_mid_pass_keeps_what_is_stored_and_the_next_round_goes_on_from_there(rig: Rig) -> None:
    def cancel_after_two_pages(progress: SyncProgress) -> None:
        if progress.dataset == "contacts" and progress.phase is Phase.SYNCING and progress.fetched == 140:
            rig.sync.cancel()

    stop = rig.sync.listen(cancel_after_two_pages)
    await rig.sync.sync_now()  # returns quietly once cancelled
    stop()
    state = rig.mirror.state("contacts")
    assert state.running and state.fetched == 140 and not state.complete
    assert rig.sync.progress("contacts").phase is Phase.CANCELLED
    assert "cancelled at 140 so far" in rig.sync.progress("contacts").text
    assert len(rig.mirror.records("contacts")) == 140

    await rig.sync.sync_now()
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()  # nothing missed
    passes = {p for (d, _i, p) in rig.mirror.stored if d == "contacts"}
    assert len(passes) == 1  # the same pass went on
    assert all(n == 1 for (d, _i, _p), n in rig.mirror.stored.items() if d == "contacts")  # nothing twice
    assert rig.mirror.state("contacts").complete


async def test_reconcile_removes_a_record_deleted_at_the_vendor(rig: Rig) -> None:
    await rig.sync.sync_now()
    victim = rig.mirror.records("contacts")[str(rig.emulator.contact_ids()[3])]
    await rig.datasets.delete(rig.account_id, victim)  # deleted elsewhere: the sync was not told
    rig.sync.reconcile_every = 1  # every refresh is a full pass
    await rig.sync.sync_now()
    assert victim.id not in rig.mirror.records("contacts")
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    assert rig.sync.progress("contacts").removed == 1
    assert rig.sync.progress("contacts").changed == 0  # the others are as they were
    assert "1 deleted at the vendor removed" in rig.sync.progress("contacts").text


async def test_a_reconcile_says_how_many_records_it_found_new_or_changed(rig: Rig) -> None:
    await rig.sync.sync_now()
    assert rig.sync.progress("contacts").changed == CONTACTS  # the first pass: all of them are new
    rig.sync.reconcile_every = 1  # every refresh is a full pass
    await rig.sync.sync_now()
    assert (rig.sync.progress("contacts").changed, rig.sync.progress("contacts").fetched) == (0, CONTACTS)
    record = rig.mirror.records("contacts")[str(rig.emulator.contact_ids()[5])]
    spec = rig.datasets.spec(rig.account_id, "contacts")
    assert await rig.datasets.update(rig.account_id, record, {**spec.form_values(record),
                                                              "email": "edited.elsewhere@example.com"})
    await rig.sync.sync_now()  # the sync was not told of the edit: the pass finds it
    assert rig.sync.progress("contacts").changed == 1
    assert rig.mirror.records("contacts")[record.id].fields["email"] == "edited.elsewhere@example.com"


async def test_a_refresh_picks_up_a_new_record_without_a_full_pass(rig: Rig) -> None:
    await rig.sync.sync_now()
    assert refresh_strategy(rig.datasets.spec(rig.account_id, "contacts")) is Strategy.NEWEST_FIRST
    result = await rig.datasets.create(rig.account_id, "contacts", {"email": "fresh.sync@example.com"})
    before, begun = len(rig.requests("/contacts")), rig.mirror.calls.count("begin_pass")
    await rig.sync.sync_now()
    assert result.record.id in rig.mirror.records("contacts")
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    assert rig.mirror.calls.count("begin_pass") == begun  # no new pass
    assert len(rig.requests("/contacts")) - before == 2  # the page with the new one, then a known page
    assert rig.sync.progress("contacts").fetched == 1
    refreshed = rig.sync.last_synced("contacts")
    assert refreshed is not None and refreshed > (rig.mirror.state("contacts").synced_at or 0)


async def test_the_nth_refresh_is_a_full_reconcile(rig: Rig) -> None:
    rig.sync.reconcile_every = 2
    await rig.sync.sync_now()
    begun = rig.mirror.calls.count("begin_pass")
    await rig.sync.sync_now()  # refresh 1: newest first
    assert rig.mirror.calls.count("begin_pass") == begun
    await rig.sync.sync_now()  # refresh 2: a full pass of each dataset
    assert rig.mirror.calls.count("begin_pass") == begun + 2


async def test_the_consoles_own_changes_reach_the_mirror_at_once(rig: Rig) -> None:
    await rig.sync.sync_now()
    record = rig.mirror.records("contacts")[str(rig.emulator.contact_ids()[0])]
    fresh = await rig.datasets.get(rig.account_id, "contacts", record.id)
    fresh.fields["email"] = "changed@example.com"
    await rig.sync.record_written("contacts", fresh)
    assert rig.mirror.get("contacts", record.id) is fresh
    await rig.sync.record_deleted("contacts", record.id)
    assert rig.mirror.get("contacts", record.id) is None


@pytest.mark.parametrize("emulators", [{"systeme": 60}], indirect=True)
async def test_a_small_quota_makes_the_sync_wait_and_no_429_comes(rig: Rig) -> None:
    rig.emulator.quota = QuotaWindow(6, 1.0)  # headroom: max(2, 20 % of 6) = 2 requests
    rig.sync.page_size = 10  # 6 pages of contacts, 1 of tags: more than one window holds
    await rig.sync.sync_now()
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    exchanges = rig.requests()
    assert all(e.status == 200 for e in exchanges)
    assert all(s.status != 429 for s in rig.ws.vendors["systeme"].faults.seen())
    remaining = [int(v) for e in exchanges for k, v in e.response_headers if k.lower() == "x-ratelimit-remaining"]
    assert min(remaining) >= headroom(6) - 1  # the sync's last request of a window left the headroom
    assert any(p.waiting_for == FOR_QUOTA for p in rig.sync.board.history)


async def test_a_429_pauses_the_sync_and_does_not_fail_it(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    # The client sits out up to 6 answers 429 of a call itself; past those it raises RateLimited.
    fetch: Callable[..., Any] = rig.datasets.fetch_page
    refusals = [RateLimited("systeme", "Too many requests.", retry_after=0.05, status=429)]

    async def limited(account_id: str, dataset: str, *args: Any) -> Any:
        if dataset == "contacts" and refusals:
            raise refusals.pop()
        return await fetch(account_id, dataset, *args)

    monkeypatch.setattr(rig.datasets, "fetch_page", limited)
    await rig.sync.sync_now()
    assert not refusals
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    assert any(p.waiting_for == FOR_QUOTA for p in rig.sync.board.history)
    assert rig.sync.progress("contacts").phase is Phase.DONE


async def test_a_request_of_a_person_on_its_way_makes_the_sync_wait(rig: Rig) -> None:
    client = await rig.accounts.client(rig.account_id)
    gate = asyncio.Event()
    send = client.http._send

    async def held(*args: Any, **kwargs: Any) -> Any:
        await gate.wait()
        return await send(*args, **kwargs)

    client.http._send = held  # type: ignore[method-assign]
    person = asyncio.ensure_future(rig.datasets.fetch_page(rig.account_id, "contacts", Query(), None, 10))
    await until(lambda: client.http.active == 1, what="the person's request on its way")
    syncing = asyncio.ensure_future(rig.sync.sync_now())
    await until(lambda: rig.sync.progress("contacts").waiting_for == FOR_YOUR_REQUESTS, what="the sync waiting")
    assert "waiting for your requests" in rig.sync.progress("contacts").text
    assert rig.requests() == []  # nothing sent yet: the person's request is held before sending
    client.http._send = send  # type: ignore[method-assign]
    gate.set()
    await person
    await syncing
    first, *rest = rig.requests()
    assert "limit=10" in first.url  # the person's
    assert rest and all(e.started >= first.started + first.duration for e in rest)
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()


async def test_pause_holds_the_sync_until_resumed(rig: Rig) -> None:
    def pause_after_a_page(progress: SyncProgress) -> None:
        if progress.dataset == "contacts" and progress.fetched == 70 and progress.phase is Phase.SYNCING:
            stop()
            rig.sync.pause()

    stop = rig.sync.listen(pause_after_a_page)
    syncing = asyncio.ensure_future(rig.sync.sync_now())
    await until(lambda: rig.sync.progress("contacts").phase is Phase.PAUSED, what="the sync paused")
    assert rig.sync.paused and rig.sync.progress("contacts").text.startswith("Sync of Marketing (demo) contacts paused")
    sent = len(rig.requests())
    await asyncio.sleep(0)
    assert len(rig.requests()) == sent and not syncing.done()
    rig.sync.resume()
    await syncing
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()


async def test_a_cancel_while_paused_ends_the_pause_too(rig: Rig) -> None:
    rig.sync.pause()
    syncing = asyncio.ensure_future(rig.sync.sync_now())
    await until(lambda: rig.sync.progress("contacts").phase is Phase.PAUSED, what="the sync paused")
    rig.sync.cancel()
    await syncing
    assert not rig.sync.paused and rig.sync.progress("contacts").phase is Phase.CANCELLED
    await rig.sync.sync_now()
    assert rig.mirror.state("contacts").complete


@pytest.mark.allow_warnings
async def test_a_failing_dataset_keeps_its_error_and_the_others_go_on(rig: Rig, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    fetch: Callable[..., Any] = rig.datasets.fetch_page

    async def failing(account_id: str, dataset: str, *args: Any) -> Any:
        if dataset == "contacts":
            raise ServerError("systeme", "boom", status=500)
        return await fetch(account_id, dataset, *args)

    monkeypatch.setattr(rig.datasets, "fetch_page", failing)
    await rig.sync.sync_now()
    progress = rig.sync.progress("contacts")
    assert progress.phase is Phase.FAILED and progress.error
    assert progress.text.startswith("Sync of Marketing (demo) contacts stopped: ")
    assert rig.mirror.state("tags").complete


async def test_a_stored_cursor_the_vendor_refuses_starts_the_pass_over(rig: Rig, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    def cancel_after_a_page(progress: SyncProgress) -> None:
        if progress.dataset == "contacts" and progress.phase is Phase.SYNCING and progress.fetched == 70:
            rig.sync.cancel()

    stop = rig.sync.listen(cancel_after_a_page)
    await rig.sync.sync_now()
    stop()
    fetch: Callable[..., Any] = rig.datasets.fetch_page
    refused: list[Any] = []

    async def forgetful(account_id: str, dataset: str, query: Query, cursor: Any, limit: int) -> Any:
        if dataset == "contacts" and cursor is not None and not refused:
            refused.append(cursor)
            raise ValidationError("systeme", "startingAfter: unknown contact", status=422)
        return await fetch(account_id, dataset, query, cursor, limit)

    monkeypatch.setattr(rig.datasets, "fetch_page", forgetful)
    await rig.sync.sync_now()
    assert refused and rig.sync.progress("contacts").phase is Phase.DONE
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    assert rig.mirror.state("contacts").fetched == CONTACTS  # the new pass counted each record once


async def test_the_schedule_syncs_at_start_and_again_on_demand(rig: Rig) -> None:
    rig.sync.interval = 3600.0
    rig.sync.start()
    await until(lambda: rig.mirror.state("contacts").complete and rig.mirror.state("tags").complete,
                what="the first round")
    created = await rig.datasets.create(rig.account_id, "contacts", {"email": "on.demand@example.com"})
    rig.sync.refresh_now()  # F5
    await until(lambda: created.record.id in rig.mirror.records("contacts"), what="the refresh")
    await rig.sync.aclose()
    assert not rig.sync.running


@pytest.mark.allow_warnings
async def test_a_full_disk_stops_the_round_and_keeps_what_is_stored(rig: Rig) -> None:
    store_page = rig.mirror.store_page

    def full_after_a_page(state: SyncState, *args: Any) -> SyncState:
        if state.fetched:
            raise MirrorFull("disk full", user_message=UserMessage("Disk full", "The disk is full."))
        return store_page(state, *args)

    rig.mirror.store_page = full_after_a_page  # type: ignore[method-assign]
    await rig.sync.sync_now()
    progress = rig.sync.progress("contacts")
    assert progress.phase is Phase.FAILED and progress.text.endswith("stopped: The disk is full.")
    assert rig.mirror.state("contacts").fetched == 70 and len(rig.mirror.records("contacts")) == 70
    assert rig.sync.board.get("tags") is None  # the round stopped: no other dataset was read
    assert len(rig.requests()) == 2

    rig.mirror.store_page = store_page  # type: ignore[method-assign]
    await rig.sync.sync_now()  # room again: the pass goes on from its second page
    assert set(rig.mirror.records("contacts")) == rig.vendor_ids()
    assert all(n == 1 for (d, _i, _p), n in rig.mirror.stored.items() if d == "contacts")


def test_live_datasets_are_not_mirrored() -> None:
    names = {d.name for d in mirrored(registry.get("setera").datasets)}
    assert "queues" not in names and "contacts" in names
    assert refresh_strategy(registry.get("setsmart").dataset("reservations")) is Strategy.FULL


def test_headroom_wait_holds_until_the_refill_then_lets_go() -> None:
    low = RateLimitSnapshot(limit=100, remaining=19, reset_at=1010.0, observed_at=1000.0)
    assert headroom(100) == 20 and headroom(5) == 2
    assert headroom_wait(low, now=1004.0) == 6.0
    assert headroom_wait(low, now=1011.0) == 0.0  # refilled since
    assert headroom_wait(RateLimitSnapshot(100, 20, 1010.0, 1000.0), now=1004.0) == 0.0
    untimed = RateLimitSnapshot(limit=10, remaining=0, reset_at=None, observed_at=1000.0, window=1.0)
    assert headroom_wait(untimed, now=1000.5) == 0.5
    assert headroom_wait(None, now=0.0) == 0.0


async def test_against_the_real_store_a_restart_mid_pass_loses_nothing_and_doubles_nothing(
        rig: Rig, tmp_path: Path) -> None:
    specs = {spec.name: spec for spec in rig.sync.specs()}
    path, key = tmp_path / "mirror.db", bytes(range(32))
    store = MirrorStore(rig.account_id, specs, key=key, path=path, label="Marketing (demo)")
    sync = MirrorSync(rig.datasets, store, page_size=70)

    def cancel_after_two_pages(progress: SyncProgress) -> None:
        if progress.dataset == "contacts" and progress.phase is Phase.SYNCING and progress.fetched == 140:
            sync.cancel()

    sync.listen(cancel_after_two_pages)
    await sync.sync_now()
    store.close()  # the console quits mid-pass

    store = MirrorStore(rig.account_id, specs, key=key, path=path, label="Marketing (demo)")
    try:
        assert store.state("contacts").running and store.state("contacts").fetched == 140
        before = len(rig.requests("/contacts"))
        sync = MirrorSync(rig.datasets, store, page_size=70)
        await sync.sync_now()
        assert len(rig.requests("/contacts")) - before == 3  # the pass went on from page 3 of 5
        state = store.state("contacts")
        assert state.complete and state.fetched == CONTACTS == store.count("contacts")
        assert {r.id for r in store.rows("contacts", MirrorQuery(limit=1000))} == rig.vendor_ids()

        victim = store.get("contacts", str(rig.emulator.contact_ids()[5]))
        assert victim is not None
        await rig.datasets.delete(rig.account_id, victim)
        created = await rig.datasets.create(rig.account_id, "contacts", {"email": "fresh.store@example.com"})
        before = len(rig.requests("/contacts"))
        await sync.sync_now()  # a refresh: newest first, the stored records compare equal
        assert len(rig.requests("/contacts")) - before == 2
        assert store.get("contacts", created.record.id) is not None
        await sync.sync_now(full=True)  # the reconcile
        assert store.get("contacts", victim.id) is None
        assert store.count("contacts") == len(rig.vendor_ids())
        assert sync.progress("contacts").removed == 1
    finally:
        store.close()
