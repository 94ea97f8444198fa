"""The lookup from the local copies (console/services/mirror/lookup.py): hits, bookings, customer cards."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace
from typing import Any

from console.core.lookup import classify
from console.core.models import DatasetSpec, Record
from console.services.lookup import Hit
from console.services.mirror.lookup import CopyLookup, booking_hits, find_hits, group_cards, people_datasets, person_of
from console.services.mirror.store import MirrorStore
from console.services.mirror.sync import mirrored
from console.vendors import registry

SETSTER = registry.get("setster")
SETSMART = registry.get("setsmart")
LAUNCH27 = registry.get("launch27")
SPECS = {"setster-1": SETSTER, "setsmart-1": SETSMART, "launch27-1": LAUNCH27}
UTC = dt.UTC


def spec_of(account_id: str, dataset: str) -> DatasetSpec:
    return SPECS[account_id].dataset(dataset)


def client(record_id: str, name: str, email: str, phone: str = "") -> Record:
    return Record("setster", "clients", record_id, {"id": record_id, "name": name, "email": email, "phone": phone})


def appointment(record_id: str, email: str, start: dt.datetime, name: str = "Jane Doe") -> Record:
    return Record("setster", "appointments", record_id,
                  {"id": record_id, "client_name": name, "client_email": email, "client_phone": "", "status": "2"},
                  {"start": start, "service": "Root canal"})


def reservation(record_id: str, email: str, phone: str, check_in: str) -> Record:
    return Record("setsmart", "reservations", record_id,
                  {"id": record_id, "guest": {"name": "Jane Doe", "email": email, "phone": phone},
                   "check_in": check_in, "check_out": check_in, "status": "confirmed", "property_id": "p1"},
                  {"property": "Lakeside Loft 7"})


def booking(record_id: str, phone: str, start: dt.datetime) -> Record:
    return Record("launch27", "bookings", record_id, {"id": record_id, "name": "J. Doe", "phone": phone},
                  {"start": start, "email": "", "status": "scheduled", "customer": "J. Doe"})


def hit(account_id: str, record: Record, name: str = "Jane Doe") -> Hit:
    spec = SPECS[account_id]
    dataset = spec.dataset(record.dataset)
    return Hit(account_id, account_id.title(), spec.display_name, record.dataset, dataset.noun, record,
               {"email": "x"}, "", name, "US")


def test_the_same_email_in_two_vendors_is_one_card_and_another_person_is_another() -> None:
    jane = hit("setster-1", client("1", "Jane Doe", "Jane.Doe@Example.com", "(415) 555-0100"))
    stay = hit("setsmart-1", reservation("r9", "jane.doe@example.com", "", "2026-12-20"))
    bob = hit("setster-1", client("2", "Bob Stone", "bob@example.com"), name="Bob Stone")
    cards = group_cards([jane, bob, stay], spec_of, "US")
    assert [c.name for c in cards] == ["Jane Doe", "Bob Stone"]
    card = cards[0]
    assert card.hits == [jane, stay] and card.emails == ["jane.doe@example.com"]
    assert card.phones == ["+1 415-555-0100"]
    assert card.accounts == ["Setster · Setster-1", "SetSmart · Setsmart-1"]
    assert [v.hit for v in card.timeline] == [stay]  # the client is no booking
    assert card.timeline[0].when_text == "Sun 20 Dec 2026" and card.timeline[0].when is not None
    assert card.timeline[0].what == "Reservation: Lakeside Loft 7"
    assert cards[1].hits == [bob] and cards[1].timeline == []


def test_phone_numbers_join_cards_however_they_are_written() -> None:
    jane = hit("setster-1", client("1", "Jane Doe", "jane.doe@example.com", "(415) 555-0100"))
    later = hit("launch27-1", booking("b1", "+14155550100", dt.datetime(2026, 12, 24, 9, tzinfo=UTC)), name="J. Doe")
    earlier = hit("setsmart-1", reservation("r1", "other@example.com", "415.555.0100", "2026-01-05"))
    cards = group_cards([later, jane, earlier], spec_of, "US")
    assert len(cards) == 1
    card = cards[0]
    assert card.name == "Jane Doe"  # the person's record names them, not a booking's spelling
    assert card.phones == ["+1 415-555-0100"]  # one number, three spellings
    assert card.emails == ["jane.doe@example.com", "other@example.com"]
    assert [v.hit.record.id for v in card.timeline] == ["r1", "b1"]  # by date, across vendors


def test_bookings_read_from_a_copy_join_their_card_and_make_none_of_their_own() -> None:
    jane = hit("setster-1", client("1", "Jane Doe", "jane.doe@example.com"))
    mine = hit("setster-1", appointment("a1", "JANE.DOE@example.com", dt.datetime(2026, 3, 1, 10, tzinfo=UTC)))
    stranger = hit("setster-1", appointment("a2", "zed@example.com", dt.datetime(2026, 3, 2, tzinfo=UTC)))
    cards = group_cards([jane], spec_of, "US", extra=[mine, stranger, mine])
    assert len(cards) == 1 and [v.hit for v in cards[0].timeline] == [mine]
    assert (cards[0].timeline[0].status, cards[0].timeline[0].what) == ("Confirmed", "Appointment: Root canal")
    assert cards[0].holds(mine) and not cards[0].holds(stranger)


def test_a_hit_without_email_or_phone_is_a_card_of_its_own() -> None:
    a = hit("setster-1", client("1", "Ann", ""), name="Ann")
    b = hit("setster-1", client("2", "Ann", ""), name="Ann")
    assert [c.hits for c in group_cards([a, b], spec_of, "US")] == [[a], [b]]


def test_an_appointment_says_who_by_its_form_fields() -> None:
    record = appointment("a1", "jane@example.com", dt.datetime(2026, 3, 1, tzinfo=UTC))
    record.fields["client_phone"] = "+1 415 555 0100"
    who = person_of(SETSTER.dataset("appointments"), record)
    assert who.emails == ("jane@example.com",) and who.phones == ("+1 415 555 0100",)


def store(account_id: str, records: list[Record]) -> MirrorStore:
    spec = SPECS[account_id]
    mirror = MirrorStore(account_id, {s.name: s for s in mirrored(spec.datasets)}, key=None, region="US")
    by_dataset: dict[str, list[Record]] = {}
    for record in records:
        by_dataset.setdefault(record.dataset, []).append(record)
    for dataset, part in by_dataset.items():
        mirror.put(dataset, part)
    return mirror


def test_find_hits_by_email_phone_name_and_id() -> None:
    mirror = store("setster-1", [client("1", "Zoë Müller", "zoe@example.com", "(415) 555-0100"),
                                 client("2", "Bob Stone", "bob@example.com")])
    try:
        assert people_datasets(SETSTER) == ["clients"]

        def ids(text: str) -> list[str]:
            return [h.record.id for h in find_hits(mirror, "setster-1", "Clinic", SETSTER, classify(text, "US"))]

        assert ids("ZOE@example.com") == ["1"]
        assert ids("415.555.0100") == ["1"]
        assert ids("muller") == ["1"]  # a substring, without its accent
        assert ids("2") == ["2"]
        found = find_hits(mirror, "setster-1", "Clinic", SETSTER, classify("+14155550100", "US"))[0]
        assert (found.account_label, found.noun, found.name) == ("Clinic", "client", "Zoë Müller")
        assert found.matched == {"phone": "(415) 555-0100"}
    finally:
        mirror.close()


def test_booking_hits_finds_appointments_by_their_email_and_reservations_by_phone() -> None:
    mirror = store("setster-1", [appointment("a1", "jane.doe@example.com", dt.datetime(2026, 3, 1, tzinfo=UTC)),
                                 appointment("a2", "mary.jane.doe@example.com", dt.datetime(2026, 3, 1, tzinfo=UTC)),
                                 client("1", "Jane Doe", "jane.doe@example.com")])
    stays = store("setsmart-1", [reservation("r1", "", "+1 415 555 0100", "2026-05-01"),
                                 reservation("r2", "", "+1 415 555 0199", "2026-05-01")])
    try:
        found = booking_hits(mirror, "setster-1", "Clinic", SETSTER, [SETSTER.dataset("appointments")],
                             ["jane.doe@example.com"], [], "US")
        assert [(h.dataset, h.record.id, h.matched) for h in found] == [
            ("appointments", "a1", {"email": "jane.doe@example.com"})]  # not the longer address holding it
        by_phone = booking_hits(stays, "setsmart-1", "Stays", SETSMART, [SETSMART.dataset("reservations")],
                                [], ["+14155550100"], "US")
        assert [h.record.id for h in by_phone] == ["r1"]
    finally:
        mirror.close()
        stays.close()


class StubAccounts:
    """The two calls CopyLookup makes of the account service, over :data:`SPECS`."""

    def accounts(self) -> list[Any]:
        return [SimpleNamespace(id=account_id, label=account_id.title()) for account_id in SPECS]

    def get(self, account_id: str) -> Any:
        return SimpleNamespace(id=account_id, label=account_id.title())

    def spec(self, account_id: str) -> Any:
        return SPECS[account_id]


class StubCopies:
    """LocalCopies as CopyLookup reads it: open mirrors, which datasets are complete, one call at a time."""

    def __init__(self, mirrors: dict[str, MirrorStore], complete: set[tuple[str, str]]) -> None:
        self.mirrors, self.complete = mirrors, complete

    def mirror(self, account_id: str) -> MirrorStore | None:
        return self.mirrors.get(account_id)

    def is_complete(self, account_id: str, dataset: str) -> bool:
        return (account_id, dataset) in self.complete

    def sync(self, account_id: str) -> Any:
        async def mirror_call(call: Any) -> Any:
            return await asyncio.to_thread(call)

        return SimpleNamespace(mirror_call=mirror_call) if account_id in self.mirrors else None


async def test_cards_read_the_copies_bookings_and_say_which_are_still_syncing() -> None:
    clinic = store("setster-1", [client("1", "Jane Doe", "jane.doe@example.com"),
                                 appointment("a1", "jane.doe@example.com", dt.datetime(2026, 3, 1, tzinfo=UTC))])
    stays = store("setsmart-1", [])
    copies = StubCopies({"setster-1": clinic, "setsmart-1": stays},
                        {("setster-1", "clients"), ("setster-1", "appointments"), ("setsmart-1", "properties")})
    lookup = CopyLookup(StubAccounts(), copies)  # type: ignore[arg-type]
    try:
        assert lookup.answers("setster-1") and not lookup.answers("setsmart-1") and not lookup.answers("launch27-1")
        hits = await lookup.search("setster-1", classify("jane.doe@example.com", "US"))
        assert [h.record.id for h in hits] == ["1"]
        stay = hit("setsmart-1", reservation("r1", "jane.doe@example.com", "", "2026-05-01"))
        [card] = await lookup.cards([*hits, stay], "US")
        assert [v.hit.record.id for v in card.timeline] == ["a1", "r1"]  # a1 from the copy, r1 the lookup's
        assert card.notes == ["SetSmart · Setsmart-1: only the reservations the lookup found (its local copy "
                              "is still syncing them)"]
    finally:
        clinic.close()
        stays.close()
