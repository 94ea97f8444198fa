"""The mirror store's conditions: a date range on a time column (its ends, zones, no value), exact values, counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from console.core.models import Column, DatasetSpec, FieldKind, Record, ViewKind, from_derived, from_field
from console.services.mirror.contract import Condition, MirrorQuery
from console.services.mirror.store import MirrorStore

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SPEC = DatasetSpec(
    name="appointments", label="Appointments", view=ViewKind.BOOKINGS, title_of=lambda r: r.id,
    columns=(Column("start", "Start", from_derived("start"), FieldKind.DATETIME, sort_key="start_date"),
             Column("client_name", "Customer", from_field("client_name")),
             Column("status", "Status", from_field("status"), FieldKind.STATUS),
             Column("stay", "Day", from_field("day"), FieldKind.DATE),
             Column("visits", "Visits", from_field("visits"), FieldKind.INTEGER)))
FIRST, LAST = dt.date(2026, 12, 1), dt.date(2026, 12, 7)


def booking(n: int, start: dt.datetime | None, name: str, status: object = "2", day: str = "") -> Record:
    return Record("demo", "appointments", str(n),
                  {"id": n, "client_name": name, "status": status, "day": day, "visits": n},
                  {"start": start})


#: Boundary records: at the range's first instant and last minute (in two zones), just outside, none.
RECORDS = [
    booking(1, dt.datetime(2026, 12, 1, 0, 0, tzinfo=NEW_YORK), "Ann Müller"),  # first day, first minute
    booking(2, dt.datetime(2026, 12, 7, 23, 59, tzinfo=LOS_ANGELES), "Bob Muller"),  # last day (8 Dec in UTC)
    booking(3, dt.datetime(2026, 11, 30, 23, 59, tzinfo=LOS_ANGELES), "Cy Muller"),  # the day before (1 Dec UTC)
    booking(4, dt.datetime(2026, 12, 8, 0, 0, tzinfo=NEW_YORK), "Di Muller"),  # the day after (7 Dec in LA)
    booking(5, None, "Ed Muller"),  # no start: never in a range
    booking(6, dt.datetime(2026, 12, 4, 12, 0, tzinfo=NEW_YORK), "Flo Smith", status=3),
    booking(7, dt.datetime(2026, 12, 4, 13, 0, tzinfo=NEW_YORK), "Gus Müller", status="3"),
]


@pytest.fixture
def mirror() -> MirrorStore:
    store = MirrorStore("acc1", {"appointments": SPEC}, key=None, label="Demo")
    state = store.begin_pass("appointments")
    store.finish_pass(store.store_page(state, RECORDS, None))
    return store


def ids(records: list[Record]) -> list[str]:
    return [r.id for r in records]


def test_a_date_range_keeps_both_ends_by_each_records_own_calendar_date(mirror: MirrorStore) -> None:
    week = (Condition.on_days("start", FIRST, LAST),)
    found = mirror.rows("appointments", MirrorQuery(conditions=week, sort="start"))
    assert ids(found) == ["1", "6", "7", "2"]
    assert mirror.count("appointments", "", week) == 4


def test_open_ends_and_one_sided_ranges(mirror: MirrorStore) -> None:
    after = (Condition.on_days("start", FIRST, low_open=True),)  # after 1 Dec: 4, 6, 7, 2
    assert sorted(ids(mirror.rows("appointments", MirrorQuery(conditions=after)))) == ["2", "4", "6", "7"]
    before = (Condition.on_days("start", None, LAST, high_open=True),)  # before 7 Dec
    assert sorted(ids(mirror.rows("appointments", MirrorQuery(conditions=before)))) == ["1", "3", "6", "7"]


def test_a_range_with_text_and_a_sort_on_another_column_counts_what_it_lists(mirror: MirrorStore) -> None:
    query = MirrorQuery(text="muller", conditions=(Condition.on_days("start", FIRST, LAST),), sort="client_name",
                        descending=True)
    found = mirror.rows("appointments", query)
    assert ids(found) == ["7", "2", "1"]  # Gus, Bob, Ann: Flo Smith is not a Muller; 3, 4, 5 are outside
    assert mirror.count("appointments", query.text, query.conditions) == len(found)
    assert ids(mirror.rows("appointments", MirrorQuery(text="muller", conditions=query.conditions,
                                                       sort="client_name", descending=True, offset=1,
                                                       limit=1))) == ["2"]


def test_a_range_on_the_sort_key_compares_instants(mirror: MirrorStore) -> None:
    low = dt.datetime(2026, 12, 1, 5, tzinfo=dt.UTC).timestamp()  # 1 Dec 00:00 in New York
    high = dt.datetime(2026, 12, 8, 5, tzinfo=dt.UTC).timestamp()  # 8 Dec 00:00 in New York
    instants = (Condition("start", low, high, high_open=True),)
    # By instant, 3 (23:59 in Los Angeles) is in New York's week and 2 (07:59 on 8 Dec in UTC) is not.
    assert sorted(ids(mirror.rows("appointments", MirrorQuery(conditions=instants)))) == ["1", "3", "6", "7"]
    numbers = (Condition("visits", 2, 4),)
    assert sorted(ids(mirror.rows("appointments", MirrorQuery(conditions=numbers)))) == ["2", "3", "4"]
    assert mirror.count("appointments", "", (Condition("client_name", "b", "c", high_open=True),)) == 1


def test_exact_values_match_text_and_numbers_as_the_vendor_sent_them(mirror: MirrorStore) -> None:
    cancelled = (Condition("status", any_of=("3", 3)),)
    assert ids(mirror.rows("appointments", MirrorQuery(conditions=cancelled, sort="start"))) == ["6", "7"]
    both = (*cancelled, Condition.on_days("start", FIRST, LAST))
    assert mirror.count("appointments", "gus", both) == 1


def test_dates_written_as_text_have_their_day(mirror: MirrorStore) -> None:
    mirror.put("appointments", [booking(8, None, "Hal", day="2026-12-07"), booking(9, None, "Ida", day="2026-12-08")])
    stays = (Condition.on_days("stay", LAST, LAST),)
    assert ids(mirror.rows("appointments", MirrorQuery(conditions=stays))) == ["8"]


def test_a_condition_on_no_column_or_days_of_a_text_column_is_refused(mirror: MirrorStore) -> None:
    with pytest.raises(KeyError):
        mirror.count("appointments", "", (Condition("nope", 1, 2),))
    with pytest.raises(KeyError):
        mirror.rows("appointments", MirrorQuery(conditions=(Condition.on_days("client_name", FIRST),)))
