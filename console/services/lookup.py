"""The support-desk lookup: one query, every connected account, answers as they come.

Each account is searched by the routes its vendor declares (:attr:`VendorSpec.lookups`) for the kinds
the query can be, all accounts at once on the running loop, each under its own time limit. Every
record a vendor returns is checked against the query (:func:`console.core.lookup.match`), so only
real matches become hits. A failing or slow vendor gives its own outcome and never holds back the
others; the caller stops listening (and the searches are cancelled) when a newer query comes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.core import log
from console.core.errors import ConsoleError, NotFound, ValidationError
from console.core.lookup import LookupKind, LookupMethod, LookupQuery, LookupRoute, match
from console.core.models import Query, Record
from console.services.accounts import AccountService
from console.services.paging import pages
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
        matched: What matched (``{"email": "jane@x.com"}``).
        summary: The rest of the row (``tags: vip``).
    """

    account_id: str
    account_label: str
    vendor_name: str
    dataset: str
    noun: str
    record: Record
    matched: dict[str, str]
    summary: str

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
        scanned: Records read by a bounded scan (the row says "searched the first N"); 0 for none.
        seconds: How long the account took.
        notes: Each distinct note of the pages read (an optional call the vendor does not offer...).
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

    @property
    def text(self) -> str:
        """The account's status line ("3 hits", "no hits (searched the first 300)", the failure)."""
        scan = f" (searched the first {self.scanned})" if self.scanned else ""
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


class LookupService:
    """Runs lookups over the accounts of an :class:`AccountService`.

    Args:
        accounts: Where the accounts and their clients are.
        timeout: Seconds each account may take.
    """

    def __init__(self, accounts: AccountService, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.accounts = accounts
        self.timeout = timeout

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

    async def search(self, account_id: str, query: LookupQuery) -> Outcome:
        """Searches one account; never raises (a failure is an outcome)."""
        outcome = self.start(account_id)
        started = time.perf_counter()
        pairs = self.plan(account_id, query)
        if not query.kinds:
            outcome.state, outcome.reason = State.UNSUPPORTED, "type an email, a phone number, a name or an id"
            return outcome
        if not pairs:
            nouns = " or ".join(k.noun for k in sorted(query.kinds))
            outcome.state, outcome.reason = State.UNSUPPORTED, f"cannot search by {nouns}"
            return outcome
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
            seen: dict[tuple[str, str], Hit] = {}
            for hits, scanned, notes in results:
                outcome.scanned += scanned
                for note in notes:
                    if note not in outcome.notes:
                        outcome.notes.append(note)
                for hit in hits:
                    key = (hit.dataset, hit.record.id)
                    if key in seen:
                        seen[key].matched.update(hit.matched)
                    else:
                        seen[key] = hit
            outcome.hits = list(seen.values())
            outcome.state = State.HITS if outcome.hits else State.NONE
        outcome.seconds = time.perf_counter() - started
        log.services.info("lookup on %s: %s in %.2f s", outcome.account_label, outcome.text, outcome.seconds)
        return outcome

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
                   query: LookupQuery) -> tuple[list[Hit], int, list[str]]:
        """One route: the matching hits, how many records a scan read, and the pages' notes."""
        scanned = 0
        notes: list[str] = []
        if route.method is LookupMethod.GET:
            try:
                records = [await client.get_record(route.dataset, query.text)]
            except (NotFound, ValidationError):
                records = []
        elif route.method is LookupMethod.SCAN:
            records = []
            # All that is left in one request where the vendor allows it (it may clamp).
            async for page in pages(client, route.dataset, Query(), route.limit, limit=route.limit):
                notes.extend(page.notes)
                records.extend(page.items)
                scanned += len(page.items)
        else:
            page = await client.page(route.dataset, Query(filters={route.param: query.value_for(kind)}), None,
                                           route.limit)
            notes.extend(page.notes)
            records = list(page.items)
        return self._hits(account_id, kind, route, query, records), scanned, notes

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
                hits.append(Hit(account_id, account.label, spec.display_name, route.dataset, dataset.noun, record,
                                matched, identity.summary))
        return hits
