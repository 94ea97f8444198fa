"""The window's local copies (console/services/mirror/copies.py) over the Systeme.io emulator.

The demo account's copy lives in memory (key ``None``); a real account without a keychain gets one in
memory too, with a notice. Lists go to the copy once it is complete and their filters are the search
box's; anything else, and a list begun at the vendor, goes to the vendor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.models import Query
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from console.services.mirror.copies import CopyGone, LocalCopies, local_cursor, mirror_order
from console.services.mirror.list_filter import copy_filter
from tests.conftest import until

CONTACTS = 300


@dataclass
class Copies:
    """The copies of the demo's Systeme.io account."""

    ws: DemoWorkspace
    accounts: AccountService
    datasets: DatasetService
    copies: LocalCopies
    account_id: str

    def vendor_requests(self) -> int:
        return len([e for e in self.accounts.request_log if e.account_id == self.account_id])

    @property
    def emulator(self) -> Any:
        return self.ws.vendors["systeme"].emulator


@pytest.fixture
async def rig(emulators: DemoWorkspace, tmp_path: Path) -> AsyncIterator[Copies]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(emulators.accounts, emulators.secrets)
    datasets = DatasetService(accounts)
    account = next(a for a in emulators.accounts if a.vendor == "systeme")
    for other in emulators.accounts:
        if other.id != account.id:
            accounts.update(other.id, local_copy=False)
    copies = LocalCopies(accounts, datasets)
    yield Copies(emulators, accounts, datasets, copies, account.id)
    await copies.aclose()
    await accounts.aclose()


async def synced(rig: Copies) -> None:
    await rig.copies.open_all()
    await until(lambda: rig.copies.is_complete(rig.account_id, "contacts")
                and rig.copies.is_complete(rig.account_id, "tags"), 30, "the first sync")


async def test_a_complete_copy_answers_lists_with_exact_totals_and_any_column_order(rig: Copies) -> None:
    seen: list[Any] = []
    rig.copies.listen(lambda account_id, progress: seen.append((account_id, progress)))
    assert rig.copies.mirror(rig.account_id) is None
    assert await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 50)  # the vendor, not synced yet
    await synced(rig)
    assert (rig.account_id, None) in seen  # opened
    assert any(p is not None and p.text == "Marketing (demo) contacts synced" for _a, p in seen)
    assert rig.copies.synced_at(rig.account_id, "contacts") is not None
    assert rig.copies.kept(rig.account_id, "contacts") and not rig.copies.kept(rig.account_id, "nothing")
    before = rig.vendor_requests()
    page = await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 50)
    assert page.total == CONTACTS and len(page.items) == 50 and page.next_cursor == local_cursor(50)
    vendor_first = await rig.datasets.fetch_page(rig.account_id, "contacts", Query(), None, 50)
    assert [r.id for r in page.items] == [r.id for r in vendor_first.items]  # the vendor's own order (id, newest)
    assert rig.vendor_requests() == before + 1  # only the fetch_page above went to the vendor
    last = await rig.datasets.list_page(rig.account_id, "contacts", Query(), local_cursor(250), 50)
    assert len(last.items) == 50 and last.next_cursor is None and not last.has_more
    # A column the vendor cannot sort by sorts in the copy.
    by_name = Query(sort="first_name", descending=False)
    spec = rig.datasets.spec(rig.account_id, "contacts")
    assert mirror_order(spec, by_name).column == "first_name"
    names = [r.fields.get("fields") for r in (await rig.datasets.list_page(
        rig.account_id, "contacts", by_name, None, 300)).items]
    assert len(names) == CONTACTS
    # The search box matches part of an email (the vendor matches whole emails only).
    some = page.items[0].fields["email"]
    part = some.split("@")[0][1:].upper()
    found = await rig.datasets.list_page(rig.account_id, "contacts", Query(filters={"email": part}), None, 50)
    assert some in [r.fields["email"] for r in found.items] and found.total == len(found.items)
    assert rig.vendor_requests() == before + 1


async def test_filters_the_copy_cannot_apply_and_lists_begun_at_the_vendor_go_to_the_vendor(rig: Copies) -> None:
    await synced(rig)
    spec = rig.datasets.spec(rig.account_id, "contacts")
    tagged = Query(filters={"tags": "1"})
    assert copy_filter(spec, tagged) is None and not rig.copies.answers(rig.account_id, "contacts", tagged)
    blank = copy_filter(spec, Query(filters={"email": " ", "tags": ""}))
    assert blank is not None and blank.text == ""
    before = rig.vendor_requests()
    await rig.datasets.list_page(rig.account_id, "contacts", tagged, None, 50)
    assert rig.vendor_requests() == before + 1
    first = await rig.datasets.fetch_page(rig.account_id, "contacts", Query(), None, 50)
    assert first.next_cursor is not None
    await rig.datasets.list_page(rig.account_id, "contacts", Query(), first.next_cursor, 50)
    assert rig.vendor_requests() == before + 3  # the vendor's cursor stays with the vendor


async def test_the_consoles_reads_writes_and_deletes_reach_the_copy_at_once(rig: Copies) -> None:
    await synced(rig)
    mirror = rig.copies.mirror(rig.account_id)
    assert mirror is not None
    page = await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 2)
    record, other = page.items
    result = await rig.datasets.update(rig.account_id, record, {**rig.datasets.spec(
        rig.account_id, "contacts").form_values(record), "email": "renamed.person@example.com"})
    assert result is not None
    await rig.copies.settled()
    stored = mirror.get("contacts", record.id)
    assert stored is not None and stored.fields["email"] == "renamed.person@example.com"
    found = await rig.datasets.list_page(rig.account_id, "contacts", Query(filters={"email": "renamed.pers"}), None, 5)
    assert [r.id for r in found.items] == [record.id]
    await rig.datasets.delete(rig.account_id, other)
    await rig.copies.settled()
    assert mirror.get("contacts", other.id) is None
    assert (await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 1)).total == CONTACTS - 1


async def test_forget_removes_the_copy_and_lists_go_back_to_the_vendor(rig: Copies) -> None:
    await synced(rig)
    await rig.copies.set_kept(rig.account_id, False)
    assert not rig.accounts.get(rig.account_id).local_copy
    assert rig.copies.mirror(rig.account_id) is None
    assert not rig.copies.is_complete(rig.account_id, "contacts")
    assert not rig.copies.kept(rig.account_id, "contacts")
    before = rig.vendor_requests()
    await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 50)
    assert rig.vendor_requests() == before + 1
    with pytest.raises(CopyGone) as caught:  # a list read from the copy, still open
        await rig.datasets.list_page(rig.account_id, "contacts", Query(), local_cursor(50), 50)
    assert caught.value.user_message.next_step == "Press F5 to load the list from the vendor."
    assert await rig.copies.open(rig.account_id) is None  # it keeps no copy now
    await rig.copies.set_kept(rig.account_id, True)
    await until(lambda: rig.copies.is_complete(rig.account_id, "contacts"), 30, "the copy made anew")


async def test_a_copy_forgotten_while_its_page_is_read_is_gone_not_a_crash(rig: Copies) -> None:
    await synced(rig)
    sync = rig.copies.sync(rig.account_id)
    assert sync is not None
    reading = sync.mirror_call

    async def forgotten_first(call: Any, *args: object) -> Any:
        await rig.copies.forget(rig.account_id)  # the copy closes between the list's ask and its read
        return await reading(call, *args)

    sync.mirror_call = forgotten_first  # type: ignore[method-assign]
    with pytest.raises(CopyGone):
        await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 50)


async def test_a_real_account_without_a_keychain_keeps_its_copy_in_memory_and_says_so(rig: Copies) -> None:
    demo = rig.accounts.get(rig.account_id)
    real = replace(demo, id="real-systeme", label="Real Marketing", demo=False)
    await rig.accounts.add(real, rig.ws.secrets[demo.id], session_only=True)
    sync = await rig.copies.open(real.id)
    assert sync is not None and not sync.mirror.on_disk
    assert "memory" in rig.copies.notice(real.id)
    await rig.copies.close(real.id)


@pytest.mark.allow_warnings  # the sync logs the vendor's refusal of each dataset
async def test_refresh_reads_the_newest_page_now_and_says_what_it_brought(rig: Copies) -> None:
    from console.sandbox.faults import FaultConfig
    from console.services.mirror.sync_progress import Phase

    await synced(rig)
    sync = rig.copies.sync(rig.account_id)
    assert sync is not None
    await until(lambda: not sync.running, 30, "the first round's end")
    assert await rig.copies.refresh(rig.account_id, "nothing") is None  # not a mirrored dataset
    newest = (await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 1)).items[0]
    rig.emulator._contacts[int(newest.id)]["email"] = "edited.elsewhere@example.com"
    before = rig.vendor_requests()
    done = await rig.copies.refresh(rig.account_id, "contacts")
    assert done is not None and done.phase is Phase.DONE and done.fetched == 1 and done.removed == 0
    assert rig.vendor_requests() - before <= 2  # the newest page, and the next that brought nothing
    mirror = rig.copies.mirror(rig.account_id)
    assert mirror is not None
    stored = mirror.get("contacts", newest.id)
    assert stored is not None and stored.fields["email"] == "edited.elsewhere@example.com"
    again = await rig.copies.refresh(rig.account_id, "contacts")
    assert again is not None and again.phase is Phase.DONE and again.fetched == 0
    rig.ws.set_faults(FaultConfig(rates={503: 1.0}, safe_only=True))  # the vendor is down
    try:
        failed = await rig.copies.refresh(rig.account_id, "contacts")
    finally:
        rig.ws.set_faults(None)
    assert failed is not None and failed.phase is Phase.FAILED and failed.error
    assert rig.copies.is_complete(rig.account_id, "contacts")  # the copy stays as it was
    await until(lambda: not sync.running, 30, "the round's end")


async def test_a_refresh_asked_while_one_is_on_its_way_waits_for_a_round_begun_after_it(rig: Copies) -> None:
    from console.services.mirror.sync_progress import Phase

    await synced(rig)
    sync = rig.copies.sync(rig.account_id)
    assert sync is not None
    await until(lambda: not sync.running, 30, "the first round's end")
    phases: list[Phase] = []
    sync.listen(lambda p: phases.append(p.phase) if p.dataset == "contacts" else None)
    sync.refresh_now()  # the schedule's refresh
    await until(lambda: Phase.REFRESHING in phases, 10, "the schedule's refresh of the contacts")
    newest = (await rig.datasets.list_page(rig.account_id, "contacts", Query(), None, 1)).items[0]
    rig.emulator._contacts[int(newest.id)]["email"] = "during.the.refresh@example.com"
    done = await rig.copies.refresh(rig.account_id, "contacts")
    assert done is not None and done.phase is Phase.DONE
    assert phases.count(Phase.DONE) >= 2  # the refresh on its way ended first; the answer is the next one's
    mirror = rig.copies.mirror(rig.account_id)
    assert mirror is not None
    stored = mirror.get("contacts", newest.id)
    assert stored is not None and stored.fields["email"] == "during.the.refresh@example.com"
    await until(lambda: not sync.running, 30, "the round's end")


async def test_a_record_read_fresh_is_remembered_a_few_seconds_by_time_only(rig: Copies) -> None:
    from console.services import datasets as datasets_module

    now = [1000.0]
    rig.datasets.monotonic = lambda: now[0]
    page = await rig.datasets.fetch_page(rig.account_id, "contacts", Query(), None, 10)
    record, other = page.items[:2]
    assert not rig.datasets.read_fresh(rig.account_id, "contacts", record.id)
    await rig.datasets.get(rig.account_id, "contacts", record.id)
    assert rig.datasets.read_fresh(rig.account_id, "contacts", record.id)
    assert not rig.datasets.read_fresh(rig.account_id, "contacts", other.id)
    assert not rig.datasets.read_fresh(rig.account_id, "tags", record.id)
    now[0] += datasets_module.FRESH_SECONDS
    assert not rig.datasets.read_fresh(rig.account_id, "contacts", record.id)
    for n in range(datasets_module.FRESH_KEPT + 10):  # only times are kept, and only so many
        rig.datasets._stamp_fresh(rig.account_id, "contacts", str(n))
    assert len(rig.datasets._fresh) == datasets_module.FRESH_KEPT
    assert all(isinstance(at, float) for at in rig.datasets._fresh.values())
