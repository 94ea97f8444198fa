"""Rate-limit tracking from a vendor's quota headers.

Each vendor names its headers differently and means different things by "reset"; a vendor package
builds a :class:`HeaderNames` (or its own parser) and :class:`RateLimitTracker` does the rest: it keeps
the last quota seen per account, and says how long to wait before sending when the quota is spent or
the vendor asked to wait (429 + Retry-After).
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Unix seconds are above this (2001-09-09); smaller numbers are a delay in seconds.
UNIX_SECONDS_FLOOR = 1e9
#: Unix milliseconds are above this.
UNIX_MILLIS_FLOOR = 1e12


@dataclass(frozen=True, slots=True)
class RateLimitSnapshot:
    """The quota as the vendor last reported it.

    Attributes:
        limit: Requests per window, when known.
        remaining: Requests left in the window, when known.
        reset_at: Unix time when the quota refills, when known.
        observed_at: Unix time of the answer that carried it.
    """

    limit: int | None
    remaining: int | None
    reset_at: float | None
    observed_at: float

    def seconds_to_reset(self, now: float | None = None) -> float | None:
        """Returns seconds until the refill (0 when past), or ``None`` when unknown."""
        if self.reset_at is None:
            return None
        return max(0.0, self.reset_at - (time.time() if now is None else now))


RateLimitParser = Callable[[Mapping[str, str], float], RateLimitSnapshot | None]


def parse_reset(value: str | None, now: float) -> float | None:
    """Reads a "reset"/"refill" value in any common form and returns it as unix time.

    Small numbers are seconds from now, numbers above 10^9 are unix seconds, above 10^12 unix
    milliseconds; anything else is tried as an HTTP date (shared/vendors/README.md, Systeme.io).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        if number < 0:
            return None
        if number >= UNIX_MILLIS_FLOOR:
            return number / 1000.0
        if number >= UNIX_SECONDS_FLOOR:
            return number
        return now + number
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp()


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(float(value.strip()))
    except (ValueError, OverflowError):
        return None
    return number if number >= 0 else None


@dataclass(frozen=True, slots=True)
class HeaderNames:
    """A parser for the common three-header quota scheme.

    Attributes:
        limit: Header with the window's size.
        remaining: Header with what is left.
        reset: Header saying when it refills (read with :func:`parse_reset`).
    """

    limit: str
    remaining: str
    reset: str

    def __call__(self, headers: Mapping[str, str], now: float) -> RateLimitSnapshot | None:
        """Returns the snapshot, or ``None`` when the answer carries none of the headers."""
        limit = _int(headers.get(self.limit))
        remaining = _int(headers.get(self.remaining))
        reset_at = parse_reset(headers.get(self.reset), now)
        if limit is None and remaining is None and reset_at is None:
            return None
        return RateLimitSnapshot(limit, remaining, reset_at, now)


class RateLimitTracker:
    """The quota of one account, and how long to hold requests back."""

    def __init__(self) -> None:
        self.snapshot: RateLimitSnapshot | None = None
        self._blocked_until = 0.0
        self._pending = 0  # requests counted and sent, whose answer has not come yet

    def update(self, snapshot: RateLimitSnapshot) -> None:
        """Records the quota from an answer.

        The vendor counted only the requests it had received; those still on their way will count
        too, so they are taken off. An answer about the same window never raises the count left
        (answers can arrive out of order).
        """
        current = self.snapshot
        if snapshot.remaining is not None:
            estimate = snapshot.remaining - self._pending
            if (current is not None and current.remaining is not None and snapshot.reset_at is not None
                    and current.reset_at == snapshot.reset_at):
                estimate = min(estimate, current.remaining)
            snapshot = RateLimitSnapshot(snapshot.limit, max(0, estimate), snapshot.reset_at, snapshot.observed_at)
        self.snapshot = snapshot

    def settle(self, snapshot: RateLimitSnapshot | None) -> None:
        """The answer to a counted request came (with the vendor's quota headers, if any), or it failed."""
        self._pending = max(0, self._pending - 1)
        if snapshot is not None:
            self.update(snapshot)

    def block_for(self, seconds: float, now: float | None = None) -> None:
        """Holds every request back for ``seconds`` (the vendor's Retry-After)."""
        current = time.time() if now is None else now
        self._blocked_until = max(self._blocked_until, current + max(0.0, seconds))

    def delay_before_send(self, now: float | None = None) -> float:
        """Returns seconds to wait before the next request (0 when it may go now)."""
        return max(self.blocked_for(now), self.quota_wait(now))

    def blocked_for(self, now: float | None = None) -> float:
        """Seconds left of a wait the vendor asked for (429 + Retry-After)."""
        current = time.time() if now is None else now
        return max(0.0, self._blocked_until - current)

    def quota_wait(self, now: float | None = None) -> float:
        """Seconds until the spent quota refills (0 while requests are left or the refill time is unknown)."""
        current = time.time() if now is None else now
        snap = self.snapshot
        if snap is not None and snap.remaining is not None and snap.remaining <= 0 and snap.reset_at is not None:
            return max(0.0, snap.reset_at - current)
        return 0.0

    def consume(self) -> None:
        """Counts a request about to be sent against the last known quota.

        The vendor's next answer corrects the count; until then, requests sent at the same time do not
        all believe the last request is theirs.
        """
        self._pending += 1
        snap = self.snapshot
        if snap is not None and snap.remaining is not None and snap.remaining > 0:
            self.snapshot = RateLimitSnapshot(snap.limit, snap.remaining - 1, snap.reset_at, snap.observed_at)
