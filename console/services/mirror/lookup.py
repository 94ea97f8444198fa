"""The lookup from the local copies (issue 17), for the CLI and the window alike.

An account answers a lookup from its copy once every mirrored dataset whose records say who they are
about (:attr:`DatasetSpec.identity`: contacts, clients, bookings with their customer) is complete.
Its hits are the records :meth:`Mirror.find <console.services.mirror.contract.Mirror.find>` gives for
the query's email, phone keys or name (substring, accent-insensitive), and the record of that id, shown
as the live lookup shows them (the same ``matched`` and ``summary``).

:class:`CopyLookup` (the window's :class:`~.copies.LocalCopies`) and :class:`OpenedCopies` (the mirrors
the CLI opened) are the :class:`~console.services.lookup.LocalLookup` of a
:class:`~console.services.lookup.LookupService`: it asks them first, and the vendors for the rest.

:func:`group_cards` puts the hits of one person (the same email, or the same phone number once
normalised) in one :class:`CustomerCard` with one timeline of their appointments, bookings and
reservations; :meth:`CopyLookup.cards` adds those the copies hold that the query itself did not find.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from console.core.lookup import Identity, LookupKind, LookupQuery, format_phone, match, phone_keys
from console.core.models import Column, DatasetSpec, FieldKind, Record, ViewKind
from console.services.lookup import Hit, plural
from console.services.mirror.contract import Mirror, MirrorQuery
from console.services.mirror.index import shown, sort_key
from console.services.mirror.sync import mirrored

if TYPE_CHECKING:
    from console.services.accounts import AccountService
    from console.services.mirror.copies import LocalCopies
    from console.vendors.base import VendorSpec

T = TypeVar("T")
#: The dataset spec of an account's dataset: ``spec_of(account_id, dataset)``.
SpecOf = Callable[[str, str], DatasetSpec]
#: Bookings read for a timeline, per account and dataset, at most.
TIMELINE_LIMIT = 200
_DATED = (FieldKind.DATETIME, FieldKind.DATE)


def people_datasets(spec: VendorSpec) -> list[str]:
    """The mirrored datasets a lookup reads: those whose records say who they are about."""
    return [s.name for s in mirrored(spec.datasets) if s.identity is not None]


def find_hits(mirror: Mirror, account_id: str, account_label: str, spec: VendorSpec,
              query: LookupQuery) -> list[Hit]:
    """The query's hits in a complete mirror (blocking: run it in a worker thread).

    Args:
        mirror: The account's copy.
        account_id: Whose.
        account_label: The account's label (the hits show it).
        spec: The account's vendor.
        query: The classified query.
    """
    kinds = query.kinds
    records: list[Record] = []
    if kinds & {LookupKind.EMAIL, LookupKind.PHONE, LookupKind.NAME}:
        records = mirror.find(
            emails=[query.email] if LookupKind.EMAIL in kinds and query.email_complete else [],
            phones=sorted(query.phone_keys) if LookupKind.PHONE in kinds else [],
            names=[" ".join(query.name_tokens)] if LookupKind.NAME in kinds and query.name_tokens else [])
    if LookupKind.ID in kinds:
        for name in people_datasets(spec):
            record = mirror.get(name, query.text)
            if record is not None:
                records.append(record)
    hits: dict[tuple[str, str], Hit] = {}
    for record in records:
        dataset = spec.dataset(record.dataset)
        if dataset.identity is None or (record.dataset, record.id) in hits:
            continue
        identity = dataset.identity(record)
        matched: dict[str, str] = {}
        for kind in sorted(kinds):
            matched.update(match(query, kind, identity, record.id))
        if not matched and LookupKind.NAME in kinds:  # the mirror matches names by substring too
            matched = {"name": next((n for n in identity.names if n and n.strip()), "")}
        if not matched:
            continue
        hits[(record.dataset, record.id)] = Hit(account_id, account_label, spec.display_name, record.dataset,
                                                dataset.noun, record, matched, identity.summary,
                                                _name(identity), query.region)
    return list(hits.values())


def _name(identity: Identity) -> str:
    return next((n.strip() for n in identity.names if n and n.strip()), "")


class _Copies:
    """What both kinds of copies share: which accounts answer, and their hits."""

    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts

    def _mirror(self, account_id: str) -> Mirror | None:
        raise NotImplementedError

    def _complete(self, account_id: str, dataset: str) -> bool:
        raise NotImplementedError

    async def _call(self, account_id: str, call: Callable[[], T]) -> T:
        raise NotImplementedError

    def answers(self, account_id: str) -> bool:
        """Whether the account's copy answers its lookups (open, and its people datasets complete)."""
        if self._mirror(account_id) is None:
            return False
        people = people_datasets(self.accounts.spec(account_id))
        return bool(people) and all(self._complete(account_id, name) for name in people)

    async def search(self, account_id: str, query: LookupQuery) -> list[Hit]:
        """The query's hits in the account's copy.

        Raises:
            ConsoleError: The copy could not be read (damaged); the caller asks the vendor instead.
        """
        mirror = self._mirror(account_id)
        if mirror is None:
            return []
        label, spec = self.accounts.get(account_id).label, self.accounts.spec(account_id)
        return await self._call(account_id, lambda: find_hits(mirror, account_id, label, spec, query))


class OpenedCopies(_Copies):
    """The complete mirrors the CLI opened (``vendor-console lookup``), read in a worker thread each.

    Args:
        accounts: The account service.
        mirrors: Each account's opened, complete mirror.
    """

    def __init__(self, accounts: AccountService, mirrors: dict[str, Mirror]) -> None:
        super().__init__(accounts)
        self.mirrors = mirrors
        self._locks: dict[str, asyncio.Lock] = {}

    def _mirror(self, account_id: str) -> Mirror | None:
        return self.mirrors.get(account_id)

    def _complete(self, account_id: str, dataset: str) -> bool:
        return account_id in self.mirrors  # opened only when complete

    async def _call(self, account_id: str, call: Callable[[], T]) -> T:
        async with self._locks.setdefault(account_id, asyncio.Lock()):  # one call at a time per mirror
            return await asyncio.to_thread(call)

    async def aclose(self) -> None:
        """Closes every mirror."""
        for mirror in self.mirrors.values():
            await asyncio.to_thread(mirror.close)
        self.mirrors.clear()


class CopyLookup(_Copies):
    """The window's local copies as the lookup's first source, and where customer cards find bookings.

    Args:
        accounts: The account service.
        copies: The window's copies.
    """

    def __init__(self, accounts: AccountService, copies: LocalCopies) -> None:
        super().__init__(accounts)
        self.copies = copies

    def _mirror(self, account_id: str) -> Mirror | None:
        return self.copies.mirror(account_id)

    def _complete(self, account_id: str, dataset: str) -> bool:
        return self.copies.is_complete(account_id, dataset)

    async def _call(self, account_id: str, call: Callable[[], T]) -> T:
        sync = self.copies.sync(account_id)
        if sync is None:
            from console.services.mirror.copies import CopyGone

            raise CopyGone
        return await sync.mirror_call(call)

    def spec_of(self, account_id: str, dataset: str) -> DatasetSpec:
        """The spec of an account's dataset (for :func:`group_cards`)."""
        return self.accounts.spec(account_id).dataset(dataset)

    async def cards(self, hits: Sequence[Hit], region: str) -> list[CustomerCard]:
        """The hits grouped by person, each card's timeline with the bookings the complete copies hold.

        An account whose bookings are not (yet) all in its copy shows only the bookings the lookup found;
        the card says so.
        """
        cards = group_cards(hits, self.spec_of, region)
        emails = sorted({k[2:] for card in cards for k in card.keys if k.startswith("e:")})
        phones = sorted({k[2:] for card in cards for k in card.keys if k.startswith("p:")})
        if not emails and not phones:
            return cards
        extra: list[Hit] = []
        notes: dict[str, list[str]] = {}
        for account_id in [a.id for a in self.accounts.accounts()]:  # bookings even where no person was hit
            mirror = self._mirror(account_id)
            if mirror is None:
                continue
            spec, label = self.accounts.spec(account_id), self.accounts.get(account_id).label
            complete = [s for s in bookings(spec) if self._complete(account_id, s.name)]
            notes[account_id] = [f"{spec.display_name} · {label}: only the {plural(s.noun)} the lookup found "
                                 "(its local copy is still syncing them)"
                                 for s in bookings(spec) if s not in complete]
            if complete:
                extra += await self._call(account_id, partial(booking_hits, mirror, account_id, label, spec,
                                                              complete, emails, phones, region))
        cards = group_cards(hits, self.spec_of, region, extra)
        for card in cards:
            accounts = dict.fromkeys(h.account_id for h in (*card.hits, *(v.hit for v in card.timeline)))
            card.notes = [note for account_id in accounts for note in notes.get(account_id, [])]
        return cards


def bookings(spec: VendorSpec) -> list[DatasetSpec]:
    """The vendor's mirrored datasets of appointments, bookings or reservations."""
    return [s for s in mirrored(spec.datasets) if s.view is ViewKind.BOOKINGS]


def person_of(spec: DatasetSpec, record: Record) -> Identity:
    """Who a record is about: its identity, else its form's email and phone fields (a Setster appointment)."""
    if spec.identity is not None:
        try:
            return spec.identity(record)
        except Exception:  # an odd record: no one (the mirror's index does the same)
            return Identity()

    def values(kind: FieldKind) -> tuple[str, ...]:
        return tuple(str(record.fields.get(f.key) or "") for f in spec.form_fields if f.kind is kind)

    return Identity(emails=values(FieldKind.EMAIL), phones=values(FieldKind.PHONE))


def person_keys(identity: Identity, region: str) -> set[str]:
    """What two records of one person share: ``e:`` + a lower-case email, ``p:`` + a phone key."""
    keys = {"e:" + e.strip().lower() for e in identity.emails if e and e.strip()}
    for phone in identity.phones:
        if phone and phone.strip():
            keys.update("p:" + k for k in phone_keys(phone, region))
    return keys


def booking_hits(mirror: Mirror, account_id: str, account_label: str, spec: VendorSpec,
                 datasets: Sequence[DatasetSpec], emails: Sequence[str], phones: Sequence[str],
                 region: str, limit: int = TIMELINE_LIMIT) -> list[Hit]:
    """The records of booking datasets whose customer has one of the emails or phone keys (blocking).

    Datasets with an identity are found by the mirror's index; the others (no identity: a Setster
    appointment) by the text of their columns (the email), then checked against their form's fields.
    """
    wanted = {"e:" + e.lower() for e in emails} | {"p:" + p for p in phones}
    names = {s.name for s in datasets}
    found: dict[tuple[str, str], Record] = {}
    indexed = [s for s in datasets if s.identity is not None]
    if indexed:
        for record in mirror.find(emails=emails, phones=phones, limit=limit * len(indexed)):
            if record.dataset in names:
                found[(record.dataset, record.id)] = record
    for s in datasets:
        if s.identity is None:
            for email in emails:
                for record in mirror.rows(s.name, MirrorQuery(text=email, limit=limit)):
                    found[(s.name, record.id)] = record
    hits = []
    for record in found.values():
        dataset = spec.dataset(record.dataset)
        identity = person_of(dataset, record)
        shared = person_keys(identity, region) & wanted
        if shared:
            key = min(shared)
            matched = {"email": key[2:]} if key.startswith("e:") else {"phone": key[2:]}
            hits.append(Hit(account_id, account_label, spec.display_name, record.dataset, dataset.noun, record,
                            matched, identity.summary, _name(identity) or dataset.title_of(record), region))
    return hits


@dataclass(frozen=True, slots=True)
class Visit:
    """One appointment, booking or reservation on a card's timeline.

    Attributes:
        hit: The record, whose it is (opening it opens this).
        when: Its time as Unix seconds, for the order (``None``: undated, last).
        when_text: Its time as the table shows it.
        title: What it is ("Jane Doe on Fri 04 Dec 2026 10:00 PST").
        status: Its status in words ("Confirmed"), or "".
        what: What it is, in words ("Appointment: Root canal", "Reservation: Lakeside Loft 7").
    """

    hit: Hit
    when: float | None
    when_text: str
    title: str
    status: str
    what: str = ""


@dataclass(slots=True)
class CustomerCard:
    """The hits of one person across accounts and vendors.

    Attributes:
        key: A stable key of the person (their first email or phone key).
        name: The name most of their records give ("" when none does).
        emails: Their email addresses, lower case.
        phones: Their phone numbers in one international format.
        hits: Every hit of theirs, in the lookup's order.
        keys: What their records share (:func:`person_keys`).
        timeline: Their appointments, bookings and reservations, by date (undated last).
        notes: What the card could not read (an account still syncing), in words.
    """

    key: str
    name: str
    emails: list[str]
    phones: list[str]
    hits: list[Hit]
    keys: set[str]
    timeline: list[Visit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> list[str]:
        """Where they were found: ``Systeme.io · Marketing``, in order."""
        return list(dict.fromkeys(f"{h.vendor_name} · {h.account_label}" for h in self.hits))

    def holds(self, hit: Hit) -> bool:
        """Whether the hit is one of this card's (or on its timeline)."""
        return any(_same(hit, h) for h in self.hits) or any(_same(hit, v.hit) for v in self.timeline)


def _same(a: Hit, b: Hit) -> bool:
    return (a.account_id, a.dataset, a.record.id) == (b.account_id, b.dataset, b.record.id)


def _extract(column: Column, record: Record) -> Any:
    try:
        return column.extract(record)
    except Exception:  # a getter that trips over an odd record: no value (the mirror's index does the same)
        return None


def visit(spec: DatasetSpec, hit: Hit) -> Visit:
    """A booking-like hit as a timeline entry: its time is its dataset's first date or time column."""
    when: float | None = None
    when_text = ""
    column = next((c for c in spec.columns if c.kind in _DATED), None)
    if column is not None:
        value = _extract(column, hit.record)
        key = sort_key(column.kind, value)
        when = float(key) if isinstance(key, int | float) else None
        when_text = shown(column.kind, value)
        if column.kind is FieldKind.DATE and isinstance(value, str):  # a day as the times around it read
            with contextlib.suppress(ValueError):
                when_text = f"{dt.date.fromisoformat(value[:10]):%a %d %b %Y}"
    status = what = ""
    at = next((i for i, c in enumerate(spec.columns) if c.kind is FieldKind.STATUS), None)
    if at is not None:
        status_column = spec.columns[at]
        raw = _extract(status_column, hit.record)
        badge = status_column.badges.get(str(raw)) if raw is not None else None
        status = badge.label if badge is not None else str(raw or "")
        # What it is for: the column after the status (the service, the property), as the table shows it.
        after = next((c for c in spec.columns[at + 1:] if c.kind not in (*_DATED, FieldKind.ID)), None)
        if after is not None:
            what = shown(after.kind, _extract(after, hit.record))
    try:
        title = spec.title_of(hit.record)
    except Exception:
        title = f"{spec.noun} {hit.record.id}"
    what = f"{spec.noun.capitalize()}: {what}" if what else spec.noun.capitalize()
    return Visit(hit, when, when_text, title, status, what)


def group_cards(hits: Sequence[Hit], spec_of: SpecOf, region: str, extra: Iterable[Hit] = ()) -> list[CustomerCard]:
    """Groups hits by person: one card for the hits that share an email or a phone number (normalised).

    Args:
        hits: The lookup's hits (each card keeps their order; a hit without an email or a phone is a
            card of its own).
        spec_of: The spec of an account's dataset.
        region: Country of numbers written without a country code.
        extra: More bookings of these people (read from the copies); each joins the card it shares an
            email or a phone with, and none makes a card of its own.

    Returns:
        The cards, in the order of their first hit; each timeline by date.
    """
    keyed = [(hit, person_keys(person_of(spec_of(hit.account_id, hit.dataset), hit.record), region))
             for hit in hits]
    parent = list(range(len(keyed)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_hit, keys) in enumerate(keyed):
        for key in keys:
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(keyed)):
        groups.setdefault(root(i), []).append(i)
    cards = []
    for members in sorted(groups.values(), key=min):
        card_hits = [keyed[i][0] for i in members]
        keys = set().union(*(keyed[i][1] for i in members))
        first = card_hits[0]
        key = min(keys) if keys else f"hit:{first.account_id}/{first.dataset}/{first.record.id}"
        cards.append(_card(key, card_hits, keys, spec_of, region))
    for hit in extra:
        keys = person_keys(person_of(spec_of(hit.account_id, hit.dataset), hit.record), region)
        card = next((c for c in cards if c.keys & keys), None)
        if card is not None and not card.holds(hit):
            card.timeline.append(visit(spec_of(hit.account_id, hit.dataset), hit))
    for card in cards:
        card.timeline.sort(key=lambda v: (v.when is None, v.when or 0.0, v.hit.vendor_name, v.hit.record.id))
    return cards


def _card(key: str, hits: list[Hit], keys: set[str], spec_of: SpecOf, region: str) -> CustomerCard:
    people = [h for h in hits if spec_of(h.account_id, h.dataset).view is not ViewKind.BOOKINGS]
    names = Counter(h.name for h in (people or hits) if h.name)
    emails: list[str] = []
    phones: dict[frozenset[str], str] = {}
    for hit in hits:
        identity = person_of(spec_of(hit.account_id, hit.dataset), hit.record)
        emails += [e.strip().lower() for e in identity.emails if e and e.strip()]
        for phone in identity.phones:
            number_keys = phone_keys(phone, region) if phone else frozenset()
            if number_keys and not any(number_keys & seen for seen in phones):
                phones[number_keys] = format_phone(phone, region)
    timeline = [visit(spec_of(h.account_id, h.dataset), h) for h in hits
                if spec_of(h.account_id, h.dataset).view is ViewKind.BOOKINGS]
    name = names.most_common(1)[0][0] if names else ""
    return CustomerCard(key, name, list(dict.fromkeys(emails)), list(phones.values()), hits, keys, timeline)

