"""The support-desk lookup: one query, every connected account, answers as they come.

Each account is searched by the routes its vendor declares (:attr:`VendorSpec.lookups`) for the kinds
the query can be, all accounts at once on the running loop, each under its own time limit. Every
record a vendor returns is checked against the query (:func:`console.core.lookup.match`), so only
real matches become hits. A failing or slow vendor gives its own outcome and never holds back the
others; the caller stops listening (and the searches are cancelled) when a newer query comes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from console.core import log
from console.core.errors import ConsoleError, NotFound, ValidationError
from console.core.lookup import (
    DEFAULT_REGION,
    LookupKind,
    LookupMethod,
    LookupQuery,
    LookupRoute,
    format_phone,
    match,
)
from console.core.models import Cursor, Query, Record
from console.services.accounts import AccountService
from console.services.paging import PageCursor, dataset_pages, iterate
from console.vendors.base import VendorClient

#: Seconds an account may take before its outcome is "no answer".
DEFAULT_TIMEOUT = 10.0


class State(StrEnum):
    """Where an account's search stands."""

    SEARCHING = "searching"
    HITS = "hits"
    NONE = "none"
    FAILED = "failed"
    UNSUPPORTED = "unsupported"


class Source(StrEnum):
    """Where an account's answer came from."""

    LIVE = "live"
    COPY = "copy"


@dataclass(frozen=True, slots=True)
class Hit:
    """A record that matched.

    Attributes:
        account_id: Whose.
        account_label: The account's label.
        vendor_name: The vendor's name.
        dataset: Dataset name.
        noun: What the record is ("contact", "reservation").
        record: The record, as the vendor returned it.
        matched: What matched (``{"email": "jane@x.com"}``), as the vendor wrote it.
        summary: The rest of the row (``tags: vip``).
        name: The person's name, when the record has one.
        region: Country of phone numbers written without a country code (how :attr:`line` shows them).
    """

    account_id: str
    account_label: str
    vendor_name: str
    dataset: str
    noun: str
    record: Record
    matched: dict[str, str]
    summary: str
    name: str = ""
    region: str = DEFAULT_REGION

    @property
    def line(self) -> str:
        """The row under its account's header: who, what, which field matched, the rest.

        ``Jane Doe · contact · matched email jane.doe@example.com · tags: vip``; a phone number in one
        international format whatever the vendor wrote; ``contact 17 · …`` for a record without a name.
        """
        parts = [self.name or f"{self.noun} {self.record.id}"]
        if self.name:
            parts.append(self.noun)
        for key, value in self.matched.items():
            if key == "name":
                parts.append("matched name")
            elif key == "phone":
                parts.append(f"matched phone {format_phone(value, self.region)}")
            else:
                parts.append(f"matched {key} {value}")
        if self.summary:
            parts.append(self.summary)
        return " · ".join(parts)

    @property
    def text(self) -> str:
        """One line: ``Systeme.io · Marketing · contact · jane.doe@example.com · tags: vip``."""
        parts = [self.vendor_name, self.account_label, self.noun, *self.matched.values()]
        if self.summary:
            parts.append(self.summary)
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON line."""
        return {"type": "hit", "vendor": self.record.vendor, "account": self.account_label,
                "dataset": self.dataset, "id": self.record.id, "matched": self.matched, "summary": self.summary}


@dataclass(slots=True)
class Outcome:
    """One account's answer to a query.

    Attributes:
        account_id: Which account.
        account_label: Its label.
        vendor: Vendor id.
        vendor_name: Vendor name.
        state: Searching, hits, none, failed or unsupported.
        hits: The matches, in the vendor's order.
        reason: One line for failed and unsupported ("cannot search by phone number").
        error: The failure, when there was one.
        scanned: Records read by a bounded scan (the row says "searched the newest N bookings"); 0 for none.
        coverage: What a scan read, in words ("the newest 300 bookings", "all 117 bookings"); "" for none.
        more: A scan stopped at its bound with records left (:meth:`LookupService.search_further` reads on).
        resume: Where each such scan stopped (its route's next cursor).
        scan_order: Which records a scan read first ("newest", "oldest", "first": the vendor's order).
        seconds: How long the account took.
        notes: Each distinct note of the pages read (an optional call the vendor does not offer...).
        source: The account's local copy answered, or the vendor (live).
    """

    account_id: str
    account_label: str
    vendor: str
    vendor_name: str
    state: State = State.SEARCHING
    hits: list[Hit] = field(default_factory=list)
    reason: str = ""
    error: ConsoleError | None = None
    scanned: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    coverage: str = ""
    more: bool = False
    resume: dict[LookupRoute, Cursor] = field(default_factory=dict)
    scan_order: str = ""
    source: Source = Source.LIVE

    @property
    def text(self) -> str:
        """The account's status line ("3 hits", "no hits (searched the newest 300 bookings)", the failure)."""
        scan = f" (searched {self.coverage})" if self.coverage else ""
        if self.state is State.HITS:
            return f"{len(self.hits)} hit{'s' if len(self.hits) != 1 else ''}{scan}"
        if self.state is State.NONE:
            return f"no hits{scan}"
        if self.state is State.SEARCHING:
            return "searching…"
        return self.reason

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON line for an account that failed or cannot search."""
        return {"type": self.state.value, "vendor": self.vendor, "account": self.account_label,
                "reason": self.reason}


class LocalLookup(Protocol):
    """Local copies that answer lookups (:mod:`console.services.mirror.lookup`)."""

    def answers(self, account_id: str) -> bool:
        """Whether the account's copy answers its lookups (complete)."""
        ...

    async def search(self, account_id: str, query: LookupQuery) -> list[Hit]:
        """The query's hits in the account's copy.

        Raises:
            ConsoleError: The copy could not be read.
        """
        ...


class LookupService:
    """Runs lookups over the accounts of an :class:`AccountService`.

    Args:
        accounts: Where the accounts and their clients are.
        timeout: Seconds each account may take.
        local: Local copies: an account whose copy is complete answers from it, at once and completely
            (and by any kind of query: a phone number in a vendor that cannot search by phone); the
            others, and any whose copy fails to read, ask the vendor.
    """

    def __init__(self, accounts: AccountService, timeout: float = DEFAULT_TIMEOUT,
                 local: LocalLookup | None = None) -> None:
        self.accounts = accounts
        self.timeout = timeout
        self.local = local

    def plan(self, account_id: str, query: LookupQuery) -> list[tuple[LookupKind, LookupRoute]]:
        """The (kind, route) pairs that search one account for a query."""
        spec = self.accounts.spec(account_id)
        fields = self.accounts.get(account_id).fields
        return [(kind, route) for kind in sorted(query.kinds) for route in spec.lookups
                if kind in route.kinds and route.applies(fields)]

    def start(self, account_id: str) -> Outcome:
        """A fresh outcome for an account (state SEARCHING)."""
        account = self.accounts.get(account_id)
        spec = self.accounts.spec(account_id)
        return Outcome(account_id, account.label, spec.id, spec.display_name)

    def prepare(self, account_id: str, query: LookupQuery) -> Outcome:
        """An account's outcome before its search: SEARCHING, or already UNSUPPORTED (no route for the query)."""
        if query.kinds and self.local is not None and self.local.answers(account_id):
            outcome = self.start(account_id)
            outcome.source = Source.COPY
            return outcome
        return self._prepare_live(account_id, query)

    def _prepare_live(self, account_id: str, query: LookupQuery) -> Outcome:
        outcome = self.start(account_id)
        if not query.kinds:
            outcome.state, outcome.reason = State.UNSUPPORTED, "type an email, a phone number, a name or an id"
        elif not self.plan(account_id, query):
            nouns = " or ".join(k.noun for k in sorted(query.kinds))
            outcome.state, outcome.reason = State.UNSUPPORTED, f"cannot search by {nouns}"
        return outcome

    async def search(self, account_id: str, query: LookupQuery) -> Outcome:
        """Searches one account; never raises (a failure is an outcome)."""
        outcome = self.prepare(account_id, query)
        if outcome.state is State.UNSUPPORTED:
            return outcome
        started = time.perf_counter()
        if outcome.source is Source.COPY and self.local is not None:
            try:
                outcome.hits = await self.local.search(account_id, query)
            except ConsoleError as exc:
                log.services.warning("lookup on %s: the local copy failed (%s); asking the vendor",
                                     outcome.account_label, exc)
                outcome = self._prepare_live(account_id, query)
                if outcome.state is State.UNSUPPORTED:
                    return outcome
            else:
                outcome.state = State.HITS if outcome.hits else State.NONE
                outcome.seconds = time.perf_counter() - started
                log.services.info("lookup on %s from its local copy: %s in %.3f s", outcome.account_label,
                                  outcome.text, outcome.seconds)
                return outcome
        pairs = self.plan(account_id, query)
        try:
            async with asyncio.timeout(self.timeout):
                client = await self.accounts.client(account_id)
                results = await asyncio.gather(*(self._run(account_id, client, kind, route, query)
                                                 for kind, route in pairs))
        except TimeoutError:
            outcome.state = State.FAILED
            outcome.reason = f"no answer within {self.timeout:.0f} s"
        except ConsoleError as exc:
            um = exc.user_message
            outcome.state, outcome.error = State.FAILED, exc
            outcome.reason = f"{um.title}: {um.text}".rstrip(".") if um.text else um.title
        else:
            self._gather(outcome, list(zip(pairs, results, strict=True)))
        outcome.seconds = time.perf_counter() - started
        log.services.info("lookup on %s: %s in %.2f s", outcome.account_label, outcome.text, outcome.seconds)
        return outcome

    async def search_further(self, outcome: Outcome, query: LookupQuery) -> Outcome:
        """Reads on where an account's scans stopped (:attr:`Outcome.more`), as far again; never raises.

        Returns a new outcome with the hits so far and the new ones, and the coverage of both.
        """
        further = self.start(outcome.account_id)
        further.hits, further.notes = list(outcome.hits), list(outcome.notes)
        further.scanned, further.coverage = outcome.scanned, outcome.coverage
        started = time.perf_counter()
        pairs = [(kind, route) for kind, route in self.plan(outcome.account_id, query) if route in outcome.resume]
        if not pairs:
            further.state = State.HITS if further.hits else State.NONE
            return further
        try:
            async with asyncio.timeout(self.timeout):
                client = await self.accounts.client(outcome.account_id)
                results = await asyncio.gather(*(self._run(outcome.account_id, client, kind, route, query,
                                                           outcome.resume[route]) for kind, route in pairs))
        except TimeoutError:
            further.state, further.reason = State.FAILED, f"no answer within {self.timeout:.0f} s"
        except ConsoleError as exc:
            um = exc.user_message
            further.state, further.error = State.FAILED, exc
            further.reason = f"{um.title}: {um.text}".rstrip(".") if um.text else um.title
        else:
            self._gather(further, list(zip(pairs, results, strict=True)), outcome.scan_order)
        further.seconds = time.perf_counter() - started
        return further

    def _gather(self, outcome: Outcome, results: list[tuple[tuple[LookupKind, LookupRoute], _Routed]],
                order: str = "") -> None:
        """Puts the routes' answers in an outcome: hits (one per record), how far the scans read, notes."""
        seen: dict[tuple[str, str], Hit] = {(h.dataset, h.record.id): h for h in outcome.hits}
        nouns = []
        for (_kind, route), routed in results:
            for note in routed.notes:
                if note not in outcome.notes:
                    outcome.notes.append(note)
            for hit in routed.hits:
                key = (hit.dataset, hit.record.id)
                if key in seen:
                    seen[key].matched.update(hit.matched)
                else:
                    seen[key] = hit
            if route.method is LookupMethod.SCAN:
                outcome.scanned += routed.scanned
                outcome.scan_order = order or routed.order
                nouns.append(self.accounts.spec(outcome.account_id).dataset(route.dataset).noun)
                if routed.more:
                    outcome.more = True
                    outcome.resume[route] = routed.cursor
        if nouns:
            outcome.coverage = coverage(outcome.scan_order, outcome.scanned, nouns[0], outcome.more)
        outcome.hits = list(seen.values())
        outcome.state = State.HITS if outcome.hits else State.NONE

    async def stream(self, query: LookupQuery,
                     account_ids: Iterable[str] | None = None) -> AsyncGenerator[Outcome, None]:
        """Searches every account at once and yields each outcome as it arrives.

        Closing the iterator early (a newer query) cancels the searches still running.
        """
        ids = list(account_ids) if account_ids is not None else [a.id for a in self.accounts.accounts()]
        tasks = [asyncio.ensure_future(self.search(account_id, query)) for account_id in ids]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, account_id: str, client: VendorClient, kind: LookupKind, route: LookupRoute,
                   query: LookupQuery, start: Cursor = None) -> _Routed:
        """One route: the matching hits, and for a scan how far it read (from ``start``)."""
        routed = _Routed()
        if route.method is LookupMethod.GET:
            try:
                records = [await client.get_record(route.dataset, query.text)]
            except (NotFound, ValidationError):
                records = []
        elif route.method is LookupMethod.SCAN:
            records = []
            # All that is left in one request where the vendor allows it (it may clamp).
            cursor = PageCursor(dataset_pages(client, route.dataset, Query()), route.limit, start=start,
                                limit=route.limit)
            async for page in iterate(cursor):
                routed.notes.extend(page.notes)
                records.extend(page.items)
            routed.scanned = len(records)
            routed.more = cursor.read >= route.limit and cursor.cursor is not None and bool(records)
            routed.cursor = cursor.cursor
            routed.order = _order(records)
        else:
            page = await client.page(route.dataset, Query(filters={route.param: query.value_for(kind)}), None,
                                     route.limit)
            routed.notes.extend(page.notes)
            records = list(page.items)
        routed.hits = self._hits(account_id, kind, route, query, records)
        return routed

    def _hits(self, account_id: str, kind: LookupKind, route: LookupRoute, query: LookupQuery,
              records: list[Record]) -> list[Hit]:
        account = self.accounts.get(account_id)
        spec = self.accounts.spec(account_id)
        dataset = spec.dataset(route.dataset)
        hits = []
        for record in records:
            identity = dataset.identity(record) if dataset.identity else None
            if identity is None:
                continue
            matched = match(query, kind, identity, record.id)
            if matched:
                name = next((n.strip() for n in identity.names if n and n.strip()), "")
                hits.append(Hit(account_id, account.label, spec.display_name, route.dataset, dataset.noun, record,
                                matched, identity.summary, name, query.region))
        return hits


@dataclass(slots=True)
class _Routed:
    """What one route found: hits, and for a scan how far it read and whether there is more."""

    hits: list[Hit] = field(default_factory=list)
    scanned: int = 0
    notes: list[str] = field(default_factory=list)
    more: bool = False
    cursor: Cursor = None
    order: str = ""


def _order(records: list[Record]) -> str:
    """"newest" or "oldest" when the records run by their start time one way, else "first"."""
    starts = [r.derived.get("start") for r in records]
    dated = [s for s in starts if isinstance(s, dt.datetime)]
    if len(dated) >= 2 and len(dated) == len(starts):
        if all(a >= b for a, b in itertools.pairwise(dated)):
            return "newest"
        if all(a <= b for a, b in itertools.pairwise(dated)):
            return "oldest"
    return "first"


def plural(noun: str) -> str:
    """A noun's plural ("booking" -> "bookings", "property" -> "properties")."""
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def coverage(order: str, scanned: int, noun: str, more: bool) -> str:
    """What a scan read, in words: ``the newest 300 bookings``, ``all 117 bookings``.

    Args:
        order: "newest", "oldest" or "first" (the vendor's own order).
        scanned: Records read.
        noun: What a record is ("booking").
        more: Whether records were left unread.
    """
    nouns = noun if scanned == 1 else plural(noun)
    if not more:
        return f"all {scanned} {nouns}"
    return f"the {order} {scanned} {nouns}" + (" the vendor lists" if order == "first" else "")
