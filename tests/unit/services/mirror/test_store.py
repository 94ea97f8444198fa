"""The encrypted mirror store: round trips, passes, any-column sorting, filters, find, bad cases."""

from __future__ import annotations

import datetime as dt
import os
import stat
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.core.lookup import Identity
from console.core.models import Column, DatasetSpec, FieldKind, Record, ViewKind, from_derived, from_field
from console.services.mirror.contract import MirrorQuery
from console.services.mirror.errors import MirrorDamaged, MirrorFull
from console.services.mirror.store import MirrorStore, mirror_path
from console.vendors.launch27.clock import TwelveHourTime

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def _identity(record: Record) -> Identity:
    return Identity(emails=(record.fields.get("email") or "",), phones=(record.fields.get("phone") or "",),
                    names=(record.fields.get("name") or "",))


SPEC = DatasetSpec(
    name="contacts", label="Contacts", view=ViewKind.CONTACTS, title_of=lambda r: r.id, identity=_identity,
    columns=(Column("name", "Name", from_field("name")),
             Column("email", "Email", from_field("email"), FieldKind.EMAIL),
             Column("visits", "Visits", from_field("visits"), FieldKind.INTEGER),
             Column("start", "Start", from_derived("start"), FieldKind.DATETIME),
             Column("vip", "VIP", from_field("vip"), FieldKind.BOOLEAN)))
TAGS = DatasetSpec(name="tags", label="Tags", view=ViewKind.LIST, title_of=lambda r: r.id,
                   columns=(Column("name", "Name", from_field("name")),))
SPECS = {"contacts": SPEC, "tags": TAGS}
BERLIN = ZoneInfo("Europe/Berlin")


def contact(n: int, name: str = "", **fields: object) -> Record:
    values: dict[str, object] = {"id": n, "name": name or f"Person {n:03d}", "email": f"p{n}@example.com",
                                 "phone": f"+1 415 555 {n:04d}", "visits": n % 7, "vip": n % 2 == 0}
    values.update(fields)
    start = dt.datetime(2026, 12, 1, 9, tzinfo=BERLIN) + dt.timedelta(hours=n)
    return Record("demo", "contacts", str(n), values, {"start": start})


def store(**kwargs: object) -> MirrorStore:
    options: dict[str, object] = {"key": KEY, "label": "Demo"}
    options.update(kwargs)
    return MirrorStore("acc1", SPECS, **options)  # type: ignore[arg-type]


def fill(mirror: MirrorStore, records: list[Record], dataset: str = "contacts") -> None:
    state = mirror.begin_pass(dataset)
    state = mirror.store_page(state, records, None)
    mirror.finish_pass(state)


def test_records_round_trip_exactly_with_their_zones(console_home: Path) -> None:
    derived = {
        "start": dt.datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York"), fold=1),
        "clock": TwelveHourTime(2026, 11, 24, 14, 30, tzinfo=ZoneInfo("America/Chicago")),
        "fixed": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        "named": dt.datetime(2026, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=-3), "BRT")),
        "utc": dt.datetime(2026, 1, 2, tzinfo=dt.UTC), "naive": dt.datetime(2026, 1, 2, 3, 4),
        "day": dt.date(2026, 2, 3), "price": Decimal("12.50"), "pair": (1, "a"), "empty": {},
        "odd": {"$dt": "not a tag", 3: "int key"}, "nested": [{"a": [1, 2.5, None, True]}], "blob": b"\x00\xff",
    }
    record = Record("demo", "contacts", "7", {"id": 7, "name": "Zoë Müller", "tags": ["a", "b"], "n": None},
                    derived)
    mirror = store()
    mirror.put("contacts", [record])
    mirror.close()
    back = store().get("contacts", "7")
    assert back == record
    assert back is not None
    for key, value in derived.items():
        assert type(back.derived[key]) is type(value), key
        if isinstance(value, dt.datetime):
            assert back.derived[key].tzinfo == value.tzinfo, key
            assert back.derived[key].utcoffset() == value.utcoffset(), key
            assert back.derived[key].fold == value.fold, key
    assert back.derived["clock"].hour_clock == 12


def test_pages_are_packed_with_the_datasets_dictionary_and_read_back(console_home: Path) -> None:
    mirror = store()
    first = [contact(n, f"Ånne Smith {n}") for n in range(30)]
    fill(mirror, first)
    mirror.put("contacts", [contact(99, "Late Comer", extra={"$odd": 1})])
    dictionary = mirror._conn.execute("SELECT dictionary FROM datasets WHERE name = 'contacts'").fetchone()[0]
    assert dictionary
    assert b"Smith" not in dictionary  # the shape of the records, not their data
    mirror.close()
    mirror = store()
    assert [mirror.get("contacts", str(n)) for n in range(30)] == first
    assert mirror.get("contacts", "99") == contact(99, "Late Comer", extra={"$odd": 1})
    assert [r.id for r in mirror.rows("contacts", MirrorQuery(text="anne smith 2", sort="name"))] == ["2"] + [
        str(n) for n in range(20, 30)]


def test_a_pass_resumes_after_a_restart_and_removes_what_it_did_not_see(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n) for n in range(10)])
    assert mirror.state("contacts").complete
    state = mirror.begin_pass("contacts", expected=9)
    state = mirror.store_page(state, [contact(n) for n in range(0, 4)], "after-3")
    mirror.close()  # a crash or a restart mid-pass

    mirror = store()
    resumed = mirror.state("contacts")
    assert (resumed.running, resumed.cursor, resumed.fetched, resumed.expected) == (True, "after-3", 4, 9)
    assert resumed.complete  # the earlier full pass still answers
    page = [contact(n) for n in (3, 4, 6, 8, 9)] + [contact(5, "Renamed Five")]  # 7 deleted at the vendor
    state = mirror.store_page(resumed, page, None)
    assert state.fetched == 9  # 3 came twice: counted once
    assert state.changed == 1  # 5 was renamed; the others are stored as they were
    assert mirror.finish_pass(state) == 1
    assert mirror.get("contacts", "7") is None
    assert mirror.count("contacts") == 9
    done = mirror.state("contacts")
    assert (done.complete, done.running, done.cursor) == (True, False, None)
    assert done.synced_at is not None
    with pytest.raises(ValueError, match="not running"):
        mirror.store_page(state, [contact(1)], None)


def test_an_edit_made_during_a_pass_survives_its_end(console_home: Path) -> None:
    mirror = store()
    state = mirror.begin_pass("contacts")
    state = mirror.store_page(state, [contact(1)], 1)
    mirror.put("contacts", [contact(50, "Created Here")])
    mirror.forget("contacts", "1")
    assert mirror.finish_pass(mirror.store_page(state, [contact(2)], None)) == 0
    assert [r.id for r in mirror.rows("contacts", MirrorQuery())] == ["2", "50"]


def test_every_column_sorts_both_ways(console_home: Path) -> None:
    mirror = store()
    names = ["bravo", "Álvaro", "charlie", "alpha", "Delta", ""]
    records = [contact(n, name) for n, name in enumerate(names, start=1)]
    fill(mirror, records)

    def ids(sort: str | None, descending: bool = False, **kw: int) -> list[str]:
        return [r.id for r in mirror.rows("contacts", MirrorQuery(sort=sort, descending=descending, **kw))]

    # Text sorts case- and accent-insensitively; the record without a name (6: "Person 006") sorts as its name.
    assert ids("name") == ["4", "2", "1", "3", "5", "6"]
    assert ids("name", True) == ["6", "5", "3", "1", "2", "4"]
    assert ids("visits") == ["1", "2", "3", "4", "5", "6"]
    assert ids("start", True) == ["6", "5", "4", "3", "2", "1"]
    assert ids("vip") == ["1", "3", "5", "2", "4", "6"]
    assert ids("email") == ["1", "2", "3", "4", "5", "6"]
    assert ids(None, offset=4, limit=5) == ["5", "6"]
    with pytest.raises(KeyError):
        ids("nope")


def test_ids_sort_as_numbers(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n) for n in (10, 9, 100)])
    assert [r.id for r in mirror.rows("contacts", MirrorQuery())] == ["9", "10", "100"]


def test_the_text_filter_finds_substrings_of_any_column_without_accents(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, "Jürgen Müller"), contact(2, "Ana MULLER"), contact(3, "Bob Stone", email="m@x.org"),
                  contact(4, "Zoë Ng")])
    assert mirror.count("contacts", "muller") == 2
    assert [r.id for r in mirror.rows("contacts", MirrorQuery(text="MÜLL", sort="name"))] == ["2", "1"]
    assert mirror.count("contacts", "ng") == 1  # two letters: answered without the trigram index
    assert mirror.count("contacts", "zoe") == 1
    assert mirror.count("contacts", "x.org") == 1
    assert mirror.count("contacts", "Mon 07 Dec") == 0
    assert mirror.count("contacts", "Tue 01 Dec 2026 10:00 CET") == 1  # the time as the table shows it
    assert mirror.count("contacts", ' "quoted') == 0
    assert mirror.count("contacts", "") == mirror.count("contacts") == 4
    assert mirror.count("tags") == 0


def test_find_by_email_phone_and_name(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, "Jane Doe"), contact(2, "Jürgen Müller", email="J.Muller@Example.com"),
                  contact(3, "Li Wu", phone="(415) 555-0199"), contact(4, "Janet Dolores")])
    assert [r.id for r in mirror.find(emails=["j.muller@example.COM"])] == ["2"]
    assert [r.id for r in mirror.find(phones=["+14155550199"])] == ["3"]
    assert [r.id for r in mirror.find(phones=["415.555.0001"])] == ["1"]
    assert [r.id for r in mirror.find(names=["muller jurg"])] == ["2"]
    assert [r.id for r in mirror.find(names=["jane do"])] == ["1", "4"]
    assert [r.id for r in mirror.find(names=["wu li"])] == ["3"]  # short words: every one must be there
    assert mirror.find(names=["jane müller"]) == []
    hits = mirror.find(emails=["p1@example.com"], names=["Wu"], limit=1)
    assert [r.id for r in hits] == ["1"]
    assert hits[0].dataset == "contacts"


def test_the_file_is_owner_only_and_holds_no_plain_text(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, "Very Unusual Surname")])
    mirror.close()
    path = mirror_path("acc1")
    assert path.is_relative_to(console_home / "data")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert b"Unusual" not in path.read_bytes()
    assert store().on_disk


@pytest.mark.allow_warnings
def test_a_mirror_with_a_wrong_key_is_moved_aside_and_rebuilt(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1)])
    mirror.close()
    assert mirror.notice is None
    again = store(key=OTHER_KEY)
    assert again.count("contacts") == 0
    assert again.notice is not None
    assert "moved to acc1.db.bad-1" in again.notice
    assert mirror_path("acc1").with_name("acc1.db.bad-1").exists()
    fill(again, [contact(2)])
    again.close()
    assert store(key=OTHER_KEY).count("contacts") == 1


@pytest.mark.allow_warnings
def test_a_damaged_file_is_moved_aside(console_home: Path) -> None:
    path = mirror_path("acc1")
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(8192))
    mirror = store()
    assert mirror.notice is not None
    assert mirror.count("contacts") == 0


def test_without_a_key_the_mirror_lives_in_memory(console_home: Path) -> None:
    mirror = store(key=None)
    assert not mirror.on_disk
    assert mirror.notice is not None
    assert "in memory for this session" in mirror.notice
    fill(mirror, [contact(1)])
    assert mirror.count("contacts") == 1
    assert not (console_home / "data").exists()


def test_drop_removes_the_file_and_forgets_the_key(console_home: Path) -> None:
    dropped: list[bool] = []
    mirror = store(on_drop=lambda: dropped.append(True))
    fill(mirror, [contact(1)])
    mirror.drop()
    assert dropped == [True]
    assert list(mirror_path("acc1").parent.iterdir()) == []
    with pytest.raises(RuntimeError, match="closed"):
        mirror.count("contacts")


@pytest.mark.allow_warnings
def test_a_full_disk_raises_a_plain_error_and_keeps_what_was_stored(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n) for n in range(5)])
    pages = mirror._conn.execute("PRAGMA page_count").fetchone()[0]
    mirror._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    state = mirror.begin_pass("contacts")
    with pytest.raises(MirrorFull, match="disk is full") as caught:
        mirror.store_page(state, [contact(n, "x" * 3000) for n in range(100, 400)], None)
    assert caught.value.user_message.next_step
    assert mirror.state("contacts").fetched == 0
    assert mirror.count("contacts") == 5
    assert mirror.get("contacts", "3") == contact(3)


def test_changed_columns_reindex_what_is_stored(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, "Bravo"), contact(2, "Alpha")])
    mirror.close()
    wider = DatasetSpec(name="contacts", label="Contacts", view=ViewKind.CONTACTS, title_of=lambda r: r.id,
                        columns=(*SPEC.columns, Column("phone", "Phone", from_field("phone"), FieldKind.PHONE)))
    mirror = MirrorStore("acc1", {"contacts": wider}, key=KEY)
    assert [r.id for r in mirror.rows("contacts", MirrorQuery(sort="phone", descending=True))] == ["2", "1"]
    assert [r.id for r in mirror.rows("contacts", MirrorQuery(sort="name"))] == ["2", "1"]
    assert mirror.count("contacts", "555 0002") == 1


def test_an_edit_or_a_removal_leaves_no_stale_identity(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, "Jane Doe"), contact(2, "Ann Lee")])
    mirror.put("contacts", [contact(1, "Jane Smith", email="jane.smith@example.com", phone="+44 20 7946 0958")])
    assert mirror.find(emails=["p1@example.com"]) == []
    assert mirror.find(phones=["+1 415 555 0001"]) == []
    assert mirror.find(names=["doe"]) == []
    assert [r.id for r in mirror.find(emails=["JANE.SMITH@example.com"], phones=["020 7946 0958"])] == ["1"]
    mirror.forget("contacts", "2")
    assert mirror.find(emails=["p2@example.com"], names=["ann lee"]) == []
    stale = "SELECT count(*) FROM idents WHERE rec NOT IN (SELECT rec FROM records)"
    assert mirror._conn.execute(stale).fetchone() == (0,)


def test_a_new_region_works_the_phone_keys_out_again(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(1, phone="020 7946 0958")])  # a national number: in the US region not a valid one
    mirror.close()
    keys = "SELECT value FROM idents WHERE kind = 2 ORDER BY value"
    assert mirror._conn is None
    mirror = store(region="GB")
    assert [v for (v,) in mirror._conn.execute(keys)] == ["+442079460958", "nsn:2079460958"]
    assert [r.id for r in mirror.find(phones=["+44 20 7946 0958"])] == ["1"]


@pytest.mark.allow_warnings
def test_damage_found_in_use_moves_the_file_aside_and_says_so(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n, f"Name {os.urandom(200).hex()}") for n in range(400)])
    mirror.close()
    path = mirror_path("acc1")
    mirror = store()  # opened whole: the damage comes while in use
    assert mirror.notice is None
    with path.open("r+b") as fh:  # every page after the first (the schema is read already)
        fh.seek(4096)
        fh.write(os.urandom(path.stat().st_size - 4096))
    with pytest.raises(MirrorDamaged) as caught:
        mirror.rows("contacts", MirrorQuery(limit=1000))
    assert "moved to acc1.db.bad-1" in caught.value.user_message.text
    assert mirror.notice == caught.value.user_message.text
    assert path.with_name("acc1.db.bad-1").exists()
    assert mirror.count("contacts") == 0
    assert mirror.state("contacts").pass_id == 0  # a fresh start: the next sync fetches everything
    fill(mirror, [contact(1)])
    assert mirror.count("contacts") == 1


def _damage_page(path: Path, page: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(page * 4096 + 1000)
        fh.write(b"\x00" * 16)


@pytest.mark.allow_warnings
def test_a_damaged_page_in_the_middle_is_found_at_open_moved_aside_and_said_once(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n, f"Name {os.urandom(100).hex()}") for n in range(600)])
    mirror.close()
    path = mirror_path("acc1")
    pages = path.stat().st_size // 4096
    _damage_page(path, pages // 2)
    mirror = store()
    assert mirror.notice is not None
    assert f"page {pages // 2 + 1} did not pass its check" in mirror.notice  # SQLite counts pages from 1
    assert "moved to acc1.db.bad-1" in mirror.notice
    assert path.with_name("acc1.db.bad-1").stat().st_size == pages * 4096  # kept whole, for a look
    assert mirror.count("contacts") == 0 and mirror.state("contacts").pass_id == 0
    fill(mirror, [contact(1)])
    mirror.close()
    again = store()
    assert again.notice is None  # said once: the rebuilt copy opens quietly
    assert again.count("contacts") == 1


def test_a_whole_mirror_passes_the_check_at_open_after_a_crash(console_home: Path) -> None:
    mirror = store()
    fill(mirror, [contact(n) for n in range(300)])
    mirror.put("contacts", [contact(7, "Edited Later")])  # in the WAL only: the process "crashes" here
    wal = mirror_path("acc1").with_name("acc1.db-wal")
    assert wal.stat().st_size > 0
    crashed = mirror_path("acc1").with_name("copy.db")
    crashed.write_bytes(mirror_path("acc1").read_bytes())
    crashed.with_name("copy.db-wal").write_bytes(wal.read_bytes())
    mirror.close()
    reopened = MirrorStore("acc1", SPECS, key=KEY, path=crashed)
    assert reopened.notice is None
    assert reopened.get("contacts", "7") == contact(7, "Edited Later")
    assert reopened.count("contacts") == 300


def test_the_file_stays_small_after_a_pass(console_home: Path) -> None:
    mirror = store()
    state = mirror.begin_pass("contacts")
    for start in range(0, 2000, 100):  # small pages, as the sync stores them
        state = mirror.store_page(state, [contact(n) for n in range(start, start + 100)], start + 100)
    mirror.finish_pass(state)
    wal = mirror_path("acc1").with_name("acc1.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # emptied after the pass
    conn = mirror._conn
    assert conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental: deletions give pages back
    packed = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute("SELECT value FROM meta WHERE key = 'packed_pages'").fetchone() == (str(packed),)
    state = mirror.begin_pass("contacts")
    state = mirror.store_page(state, [contact(n) for n in range(100)], None)
    assert mirror.finish_pass(state) == 1900
    assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert conn.execute("PRAGMA page_count").fetchone()[0] < packed
    assert mirror.count("contacts", "person 0") == 100


def test_a_compaction_that_cannot_run_loses_nothing(console_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    mirror = store()
    reading = mirror._conn.execute("SELECT name FROM sqlite_master")  # still running: VACUUM cannot start
    reading.fetchone()
    state = mirror.begin_pass("contacts")
    state = mirror.store_page(state, [contact(n) for n in range(50)], None)
    with caplog.at_level("INFO", logger="console.services"):
        assert mirror.finish_pass(state) == 0
    assert "not tidied after a pass" in caplog.text
    reading.close()
    assert mirror.state("contacts").complete
    assert mirror.count("contacts") == 50
