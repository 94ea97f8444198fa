"""Required and optional calls: only confirmed calls sit on a list's critical path.

The rule is ``shared/vendors/published-samples.md``'s. Every call a dataset makes is either
*required* (its endpoint is marked [C] in the vendor's shared file, and the list is useless without
it) or *optional*: an [L]/[I]/invented endpoint, or a call that
only enriches the list (names of services, frequencies, a time zone, personal contacts). A vendor
client declares its optional calls as :class:`OptionalCall` values and runs them through
:meth:`OptionalCalls.run`: when the vendor answers 404, 405 or 501, or a body the client cannot read,
the call is remembered as unavailable for the account (it is not asked again on every page), the
list loads without that enrichment, and :meth:`OptionalCalls.notes` gives the plain sentence the
window shows under the list and the CLI prints once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from console.core.errors import BadResponse, VendorError

T = TypeVar("T")

#: Answers that mean "this server has no such endpoint" (not "you may not", not "try later").
MISSING_STATUSES = frozenset({404, 405, 501})

_log = logging.getLogger("console.vendors.optional")


@dataclass(frozen=True, slots=True)
class OptionalCall:
    """A call a dataset can do without.

    Attributes:
        key: Stable name of the call ("personal_contacts").
        feature: What the user loses, as a noun phrase starting with a capital ("Personal contacts").
        without: What the list does instead, as a clause ("the list shows the directory only").
        datasets: The datasets whose lists are affected (their notes name the gap).
        source: Why the call is optional: its mark in the vendor's shared file.
    """

    key: str
    feature: str
    without: str
    datasets: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True, slots=True)
class Gap:
    """An optional call found unavailable for one account.

    Attributes:
        call: The call.
        reason: Why, in plain words ("answered 404 (not found)").
    """

    call: OptionalCall
    reason: str

    def note(self, vendor_name: str) -> str:
        """The sentence shown under the list and printed by the CLI."""
        call = self.call
        return f"{call.feature} unavailable: {vendor_name} {self.reason}, so {call.without}."


def missing_reason(exc: Exception) -> str | None:
    """Why an optional call's failure means "not available here", or ``None`` when it means something else.

    A 404/405/501 or an unreadable answer marks the call unavailable; any other failure (a refused
    login, a network error, a full quota) is not about this endpoint and is raised as usual.
    """
    if isinstance(exc, BadResponse):
        return "sent an answer Vendor Console cannot read"
    if isinstance(exc, VendorError) and exc.status in MISSING_STATUSES:
        labels = {404: "not found", 405: "method not allowed", 501: "not implemented"}
        return f"does not offer it (HTTP {exc.status}, {labels[exc.status]})"
    return None


class OptionalCalls:
    """One account's memory of its optional calls: which are unavailable, and the notes that say so.

    Args:
        vendor_name: The vendor's display name, for the notes.
    """

    def __init__(self, vendor_name: str) -> None:
        self.vendor_name = vendor_name
        self._gaps: dict[str, Gap] = {}

    def available(self, call: OptionalCall) -> bool:
        """Whether the call has not been found missing for this account."""
        return call.key not in self._gaps

    async def run(self, call: OptionalCall, fetch: Callable[[], Awaitable[T]], fallback: T) -> T:
        """Runs an optional call; returns ``fallback`` when it is (or was found) unavailable.

        Args:
            call: Which optional call.
            fetch: Makes the request and reads its answer.
            fallback: What the list uses without it (an empty list, no names).

        Raises:
            ConsoleError: Failures that are not about the endpoint (login, network, quota) as usual.
        """
        if call.key in self._gaps:
            return fallback
        try:
            return await fetch()
        except (VendorError, BadResponse) as exc:
            reason = missing_reason(exc)
            if reason is None:
                raise
            self.mark_missing(call, reason, str(exc))
            return fallback

    def mark_missing(self, call: OptionalCall, reason: str, detail: str = "") -> None:
        """Remembers a call as unavailable (also for callers that tell a missing endpoint themselves)."""
        if call.key in self._gaps:
            return
        self._gaps[call.key] = Gap(call, reason)
        _log.info("%s: optional call %s unavailable (%s): %s", self.vendor_name, call.key, reason, detail)

    def gaps(self) -> tuple[Gap, ...]:
        """Every call found unavailable, in the order found."""
        return tuple(self._gaps.values())

    def notes(self, dataset: str | None = None) -> tuple[str, ...]:
        """The notes for one dataset's list (every note when ``dataset`` is ``None``)."""
        return tuple(gap.note(self.vendor_name) for gap in self._gaps.values()
                     if dataset is None or dataset in gap.call.datasets)
