"""Rate-limit tracking from a vendor's quota headers.

Each vendor names its headers differently and means different things by "reset"; a vendor package
builds a :class:`HeaderNames` (or its own parser) and :class:`RateLimitTracker` does the rest: it keeps
the last quota seen per account, and says how long to wait before sending when the quota is spent or
the vendor asked to wait (429 + Retry-After).

Some answers carry several quotas (Launch27: ``ratelimit-*`` plus ``x-rate-limit-limit`` twice, 30 and
10 a second, published-samples.md:69-71). :class:`StrictestQuota` reads every one of them and keeps
the one that runs out first, so the waits follow it and the status bar shows one figure whose
meaning does not change between endpoints (:attr:`RateLimitSnapshot.window` says what it is per).
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

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
        window: The length of the quota's window in seconds (1: "a second"), when the vendor says it.
    """

    limit: int | None
    remaining: int | None
    reset_at: float | None
    observed_at: float
    window: float | None = None

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


def _number(value: str) -> float | None:
    try:
        number = float(value.strip())
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def header_values(headers: Mapping[str, str], name: str) -> list[str]:
    """Every value of a header: each repeat, and each item of a comma list of numbers.

    A value with a comma that is not a list of numbers (an HTTP date) stays one value.
    """
    if not name:
        return []
    get_list = getattr(headers, "get_list", None)  # httpx.Headers keeps repeated headers apart
    if callable(get_list):
        raw = [str(v) for v in get_list(name)]
    else:
        raw = [v for k, v in headers.items() if k.lower() == name.lower()]
    values: list[str] = []
    for value in raw:
        parts = value.split(",")
        if len(parts) > 1 and all(_number(p) is not None for p in parts):
            values.extend(p.strip() for p in parts)
        else:
            values.append(value)
    return values


@dataclass(frozen=True, slots=True)
class HeaderNames:
    """A parser for the common three-header quota scheme.

    Attributes:
        limit: Header with the window's size.
        remaining: Header with what is left ("" when the vendor sends none).
        reset: Header saying when it refills (read with :func:`parse_reset`; "" for none).
        window: Header with the window's length in seconds ("" for none).
    """

    limit: str
    remaining: str
    reset: str
    window: str = ""

    def __call__(self, headers: Mapping[str, str], now: float) -> RateLimitSnapshot | None:
        """Returns the snapshot, or ``None`` when the answer carries none of the headers."""
        limit = _int(headers.get(self.limit))
        remaining = _int(headers.get(self.remaining)) if self.remaining else None
        reset_at = parse_reset(headers.get(self.reset), now) if self.reset else None
        if limit is None and remaining is None and reset_at is None:
            return None
        window = _number(headers.get(self.window) or "") if self.window else None
        return RateLimitSnapshot(limit, remaining, reset_at, now, window if window and window > 0 else None)

    def quotas(self, headers: Mapping[str, str], now: float) -> list[RateLimitSnapshot]:
        """Every quota of this family on an answer: the n-th value of each header belongs together."""
        columns = [header_values(headers, name) for name in (self.limit, self.remaining, self.reset, self.window)]
        found = []
        for i in range(max(map(len, columns))):
            limit, remaining, reset, window = (c[i] if i < len(c) else c[0] if len(c) == 1 else None
                                               for c in columns)
            snapshot = RateLimitSnapshot(_int(limit), _int(remaining), parse_reset(reset, now), now,
                                         _number(window) if window else None)
            if snapshot.limit is not None or snapshot.remaining is not None:
                found.append(snapshot if (snapshot.window or 0) > 0 else replace(snapshot, window=None))
        return found


def _lower(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def strictest(quotas: Sequence[RateLimitSnapshot]) -> RateLimitSnapshot | None:
    """The quota that runs out first among those one answer carries.

    Quotas with the same limit are one quota. A quota named without a count of what is left is
    taken to have used as many requests as the counted one that used most (the safe reading: the
    vendor may count every request against it), in that one's window.
    """
    counted = [q for q in quotas if q.remaining is not None and q.limit is not None]
    busiest = max(counted, key=lambda q: (q.limit or 0) - (q.remaining or 0), default=None)
    merged: dict[object, RateLimitSnapshot] = {}
    for quota in quotas:
        key: object = quota.limit if quota.limit is not None else object()
        known = merged.get(key)
        if known is not None:  # the same quota named twice: keep what either says
            quota = replace(known, remaining=_lower(known.remaining, quota.remaining),
                            reset_at=known.reset_at if known.reset_at is not None else quota.reset_at,
                            window=known.window or quota.window)
        merged[key] = quota
    found = []
    for quota in merged.values():
        if quota.remaining is None and quota.limit is not None and busiest is not None:
            used = (busiest.limit or 0) - (busiest.remaining or 0)
            quota = replace(quota, remaining=max(0, quota.limit - used),
                            reset_at=quota.reset_at if quota.reset_at is not None else busiest.reset_at,
                            window=quota.window or busiest.window)
        found.append(quota)
    return min(found, key=lambda q: (math.inf if q.remaining is None else q.remaining,
                                     math.inf if q.limit is None else q.limit), default=None)


@dataclass(frozen=True, slots=True)
class StrictestQuota:
    """A parser for answers that carry several quotas: every family, every repeat; the strictest wins.

    Attributes:
        families: The header families to read.
    """

    families: tuple[HeaderNames, ...]

    def __call__(self, headers: Mapping[str, str], now: float) -> RateLimitSnapshot | None:
        """Returns the quota that runs out first, or ``None`` when the answer carries none."""
        return strictest([quota for family in self.families for quota in family.quotas(headers, now)])


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
            snapshot = replace(snapshot, remaining=max(0, estimate))
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
            self.snapshot = replace(snap, remaining=snap.remaining - 1)
