"""Bookings lists from the local copy: the date range, a status and the search box, as the vendors' own filters.

``copy_filter`` maps a list's filters to the copy's conditions; ``LocalCopies.page`` answers a
bookings list opened on "Next 7 days" (and other ranges) with the records the vendor's emulator lists
for the same filters, with the same total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.models import Query, Record
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from console.services.mirror.contract import Condition
from console.services.mirror.copies import LocalCopies
from console.services.mirror.index import fold
from console.services.mirror.list_filter import CopyFilter, copy_filter
from console.vendors.launch27.datasets import BOOKINGS
from console.vendors.setsmart.datasets import RESERVATIONS
from console.vendors.setster.datasets import APPOINTMENTS
from tests.conftest import until

TODAY = dt.date.today()
NEXT_7 = (TODAY.isoformat(), (TODAY + dt.timedelta(days=6)).isoformat())  # filter_bar.preset_range("next7")


def test_the_date_range_and_exact_values_map_to_their_columns() -> None:
    week = {"start_date": "2026-12-01", "end_date": "2026-12-07"}
    assert copy_filter(APPOINTMENTS, Query(filters={**week, "search_text": "ann", "status": "3"})) == CopyFilter(
        "ann", (Condition.on_days("start", dt.date(2026, 12, 1)),
                Condition.on_days("start", None, dt.date(2026, 12, 7)), Condition("status", any_of=("3", 3))))
    assert copy_filter(BOOKINGS, Query(filters={"from": "2026-12-01"})) == CopyFilter(
        "", (Condition.on_days("start", dt.date(2026, 12, 1)),))
    # A stay is in a range it overlaps: it leaves after `from` and arrives by `to`.
    assert copy_filter(RESERVATIONS, Query(filters={"from": "2026-12-01", "to": "2026-12-07"})) == CopyFilter(
        "", (Condition.on_days("check_out", dt.date(2026, 12, 1), low_open=True),
             Condition.on_days("check_in", None, dt.date(2026, 12, 7))))
    assert copy_filter(APPOINTMENTS, Query(filters={"client_email": "Ann@Example.com"})) == CopyFilter(
        "", (Condition("client_email", any_of=("ann@example.com",)),))
    for needs_the_vendor in ({"employee_id": "4"}, {"start_date": "1 Dec"}, {"start_date": "2026-12-1"},
                             {"nope": "1"}):
        assert copy_filter(APPOINTMENTS, Query(filters=needs_the_vendor)) is None
    assert copy_filter(BOOKINGS, Query(filters={"options": "completed"})) is None
    assert copy_filter(RESERVATIONS, Query(filters={"property_id": "p_1"})) is None


@dataclass
class Rig:
    ws: DemoWorkspace
    accounts: AccountService
    datasets: DatasetService
    copies: LocalCopies
    account_ids: list[str]


@pytest.fixture
async def rig(emulators: DemoWorkspace, tmp_path: Path) -> AsyncIterator[Rig]:
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore())
    await accounts.add_demo(emulators.accounts, emulators.secrets)
    datasets = DatasetService(accounts)
    copies = LocalCopies(accounts, datasets)
    yield Rig(emulators, accounts, datasets, copies, [a.id for a in emulators.accounts])
    await copies.aclose()
    await accounts.aclose()


async def vendor_list(rig: Rig, account_id: str, dataset: str, query: Query) -> list[Record]:
    """Every record the vendor lists for the query, page by page."""
    found: list[Record] = []
    cursor = None
    while True:
        page = await rig.datasets.fetch_page(account_id, dataset, query, cursor, 100)
        found += page.items
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


async def copy_list(rig: Rig, account_id: str, dataset: str, query: Query) -> tuple[list[Record], int | None]:
    assert rig.copies.answers(account_id, dataset, query), query
    page = await rig.copies.page(account_id, dataset, query, None, 10_000)
    assert page is not None and not page.has_more
    return page.items, page.total


CASES = [
    pytest.param({"setster": 400}, "appointments", ("start_date", "end_date"), {"status": "3"}, "client_name",
                 id="setster"),
    pytest.param({"launch27": 400}, "bookings", ("from", "to"), {}, "customer", id="launch27"),
    pytest.param({"setsmart": 60}, "reservations", ("from", "to"), {"status": "cancelled"}, "guest", id="setsmart"),
]


@pytest.mark.parametrize(("emulators", "dataset", "ends", "exact", "name_column"), CASES, indirect=["emulators"])
async def test_a_bookings_list_on_next_7_days_reads_from_the_copy_as_the_vendor_lists_it(
        rig: Rig, dataset: str, ends: tuple[str, str], exact: dict[str, str], name_column: str) -> None:
    await rig.copies.open_all()
    await until(lambda: all(rig.copies.is_complete(a, dataset) for a in rig.account_ids), 60, "the first sync")
    seen = 0
    ranges = [NEXT_7, (NEXT_7[0], ""), ("", NEXT_7[1]), ((TODAY - dt.timedelta(days=30)).isoformat(), NEXT_7[0])]
    for account_id in rig.account_ids:
        spec = rig.datasets.spec(account_id, dataset)
        for low, high in ranges:
            filters = {ends[0]: low, ends[1]: high}
            for more in ({}, exact):
                query = Query(filters={**filters, **more}, descending=spec.default_descending)
                wanted = await vendor_list(rig, account_id, dataset, query)
                rows, total = await copy_list(rig, account_id, dataset, query)
                assert total == len(rows) == len(wanted), (account_id, query)
                seen += len(rows)
                assert sorted(r.id for r in rows) == sorted(r.id for r in wanted), (account_id, query)
        # The week's records with a name's part, sorted by the name (a column the vendor cannot sort by).
        primary = next((f.key for f in spec.filters if f.primary), None)
        if primary is None:
            continue
        week = await vendor_list(rig, account_id, dataset, Query(filters=dict(zip(ends, NEXT_7, strict=True))))
        names = [str(spec.column(name_column).extract(r) or "") for r in week]
        part = next(n.split()[-1][1:4] for n in names if len(n.split()[-1]) >= 4)
        query = Query(filters={**dict(zip(ends, NEXT_7, strict=True)), primary: part}, sort=name_column,
                      descending=True)
        rows, total = await copy_list(rig, account_id, dataset, query)
        shown = [str(spec.column(name_column).extract(r) or "") for r in rows]
        assert shown == sorted(shown, key=fold, reverse=True)
        assert {r.id for r in rows} >= {r.id for r, n in zip(week, names, strict=True) if part.lower() in n.lower()}
        assert {r.id for r in rows} <= {r.id for r in week} and total == len(rows)
    assert seen > 0
    employee = Query(filters={"employee_id": "1"}) if dataset == "appointments" else Query(filters={"zz": "1"})
    assert not rig.copies.answers(rig.account_ids[0], dataset, employee)


@pytest.mark.parametrize("emulators", [{"setster": 100}], indirect=True)
async def test_appointments_at_the_ends_of_a_range_in_their_own_zones(rig: Rig) -> None:
    """Late evening on the range's last day (the next day in UTC) is in; the minutes just outside are not."""
    emulator = rig.ws.vendors["setster"].emulator
    service = next(iter(emulator.services.values()))
    client = next(iter(emulator.clients.values()))
    employee = next(iter(emulator.employees))
    first, last = (dt.date.fromisoformat(d) for d in NEXT_7)
    made = {}
    for location_id in emulator.locations:
        for name, day, hour, minute in (("first", first, 0, 0), ("last", last, 23, 30),
                                        ("before", first - dt.timedelta(days=1), 23, 59),
                                        ("after", last + dt.timedelta(days=1), 0, 0)):
            start = dt.datetime.combine(day, dt.time(hour, minute))
            made[(location_id, name)] = emulator.add_appointment(location_id, employee, service, client, start, 2,
                                                                 start)["id"]
    await rig.copies.open_all()
    await until(lambda: all(rig.copies.is_complete(a, "appointments") for a in rig.account_ids), 60, "the first sync")
    query = Query(filters={"start_date": NEXT_7[0], "end_date": NEXT_7[1]}, descending=False)
    for account_id in rig.account_ids:
        wanted = {r.id for r in await vendor_list(rig, account_id, "appointments", query)}
        rows, total = await copy_list(rig, account_id, "appointments", query)
        assert {r.id for r in rows} == wanted and total == len(wanted)
        assert {made[(loc, n)] for loc in emulator.locations for n in ("first", "last")} <= wanted
        assert not {made[(loc, n)] for loc in emulator.locations for n in ("before", "after")} & wanted
