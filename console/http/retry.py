"""The retry policy: pure functions, and :class:`RetryPolicy`, the one decision the request loop asks.

Table-tested in tests/unit/http/test_retry.py and tests/unit/http/test_retry_policy.py. Only safe
methods (GET, HEAD, OPTIONS) are ever re-sent after the vendor may have seen them: a POST, PUT, PATCH
or DELETE whose answer was an error or never came is not sent again, because the vendors here give no
idempotency keys. A request that never left (connection refused) may be sent again whatever its method.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BASE_DELAY = 0.5
MAX_BACKOFF = 8.0
#: Retry-After values above this are nonsense (a year); they are kept, but capped here so arithmetic stays sane.
RETRY_AFTER_CEILING = 365 * 24 * 3600.0
#: 429 answers sat out per call before giving up (separate from the failure budget).
MAX_RATE_LIMIT_WAITS = 6


def is_safe(method: str) -> bool:
    """Returns whether the method can be re-sent without risk of doing something twice."""
    return method.upper() in SAFE_METHODS


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parses a ``Retry-After`` value: delay seconds or an HTTP date.

    Args:
        value: The header's value, or ``None``.
        now: The current unix time (for tests); defaults to ``time.time()``.

    Returns:
        Seconds to wait (0 or more), or ``None`` when the value is missing or unreadable. A date in the
        past gives 0. Negative numbers are unreadable (``None``). Huge values are capped at a year.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isnan(seconds):
        if math.isinf(seconds) and seconds > 0:
            return RETRY_AFTER_CEILING
        if seconds < 0 or not math.isfinite(seconds):
            return None
        return min(seconds, RETRY_AFTER_CEILING)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a zone-less one is read as such
        when = when.replace(tzinfo=dt.UTC)
    current = time.time() if now is None else now
    return min(max(0.0, when.timestamp() - current), RETRY_AFTER_CEILING)


def should_retry(
    status: int | None, method: str, headers: Mapping[str, str] | None = None, *, sent: bool = True
) -> bool:
    """Decides whether a failed attempt may be tried again.

    Args:
        status: The answer's HTTP status, or ``None`` when no answer came (connection error, timeout).
        method: The HTTP method.
        headers: The answer's headers (an explicit ``x-should-retry: false`` from the vendor wins).
        sent: ``False`` when the request provably never left (connection refused): safe to send again.

    Returns:
        Whether to try again (the caller still checks its attempt budget and the wait).
    """
    if headers is not None:
        hint = headers.get("x-should-retry")
        if hint is not None and hint.strip().lower() == "false":
            return False
    if status is None:
        return is_safe(method) or not sent
    if status not in RETRYABLE_STATUSES:
        return False
    return is_safe(method)


def backoff_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: 0.5 s * 2^attempt, capped at 8 s, then scaled by 0.75..1.0.

    Args:
        attempt: 0 for the first retry.
        rng: Random source (for tests).
    """
    base = min(MAX_BACKOFF, BASE_DELAY * (2.0 ** max(0, attempt)))
    jitter = 1.0 - 0.25 * (rng.random() if rng is not None else random.random())
    return base * jitter


def retry_delay(
    attempt: int,
    headers: Mapping[str, str] | None = None,
    *,
    now: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Returns how long to wait before the next attempt.

    The vendor's ``Retry-After`` wins when readable (even when it is longer than the backoff cap: the
    caller decides whether to sit it out or raise ``RateLimited``); otherwise exponential backoff.

    Args:
        attempt: 0 for the first retry.
        headers: The failed answer's headers, if any.
        now: Current unix time (for tests).
        rng: Random source (for tests).
    """
    if headers is not None:
        after = parse_retry_after(headers.get("retry-after"), now)
        if after is not None:
            return after
    return backoff_delay(attempt, rng=rng)


# --- The policy the request loop asks -------------------------------------------------------------

RetryReason = Literal["retry", "rate limit"]


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """The attempt got no answer (connection refused, timeout, dropped connection).

    Attributes:
        sent: Whether the request may have reached the vendor (``False``: it provably never left).
    """

    sent: bool


@dataclass(frozen=True, slots=True)
class ErrorAnswer:
    """The vendor answered with an error status.

    Attributes:
        status: The HTTP status (400 or more).
        headers: The answer's headers.
        retry_after: The wait the vendor's error table read off a 429 (its ``RateLimited``), if any.
    """

    status: int
    headers: Mapping[str, str]
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class BadBody:
    """The vendor answered with success, but the body is not what it documents."""


Outcome = NoAnswer | ErrorAnswer | BadBody


@dataclass(frozen=True, slots=True)
class Attempts:
    """What one call has been through so far.

    Attributes:
        failures: Failed attempts tried again (counted against ``max_attempts``).
        rate_waits: 429 answers sat out (counted against :data:`MAX_RATE_LIMIT_WAITS`).
    """

    failures: int = 0
    rate_waits: int = 0

    @property
    def number(self) -> int:
        """The attempt about to be sent, 1 for the first."""
        return self.failures + self.rate_waits + 1

    def after(self, decision: Retry) -> Attempts:
        """The count once ``decision`` is carried out."""
        if decision.reason == "rate limit":
            return replace(self, rate_waits=self.rate_waits + 1)
        return replace(self, failures=self.failures + 1)


@dataclass(frozen=True, slots=True)
class Retry:
    """Send the request again.

    Attributes:
        wait: Seconds to sleep first.
        reason: ``"retry"`` (a failure, from the attempt budget) or ``"rate limit"`` (a 429 sat out).
        hold: Seconds every request of the account is held back first (a 429's wait: the loop's
            quota wait sits it out, so requests sent meanwhile wait too).
    """

    wait: float
    reason: RetryReason
    hold: float = 0.0


@dataclass(frozen=True, slots=True)
class Stop:
    """Give up: the attempt's error is final.

    Attributes:
        why: Which rule stopped it (for logs and tests).
        hold: Seconds every request of the account is held back all the same (a 429's wait).
    """

    why: str
    hold: float = 0.0


Decision = Retry | Stop


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When one call's failed attempt is sent again, and after how long.

    Args:
        method: The call's HTTP method.
        max_attempts: Attempts of a safe request (1 + retries after failures).
        max_wait: Longest wait sat out by itself; a longer one ends the call.
        max_rate_waits: 429 answers sat out per call.
        rng: Random source of the jitter (for tests).
    """

    method: str
    max_attempts: int
    max_wait: float
    max_rate_waits: int = MAX_RATE_LIMIT_WAITS
    rng: random.Random | None = None

    def decide(self, attempts: Attempts, outcome: Outcome) -> Decision:
        """Decides what follows a failed attempt.

        Args:
            attempts: What the call has been through before this attempt's failure.
            outcome: How the attempt failed.

        Returns:
            :class:`Retry` (wait, then send again) or :class:`Stop` (raise the attempt's error).
        """
        if isinstance(outcome, ErrorAnswer) and outcome.status == 429:
            return self._rate_limited(attempts, outcome)
        if isinstance(outcome, ErrorAnswer):
            if not should_retry(outcome.status, self.method, outcome.headers):
                return Stop("not retryable")
            if not self._has_budget(attempts):
                return Stop("attempts spent")
            wait = retry_delay(attempts.failures, outcome.headers, rng=self.rng)
            if wait > self.max_wait:
                return Stop("wait too long")
            return Retry(wait, "retry")
        if isinstance(outcome, NoAnswer):
            if not should_retry(None, self.method, sent=outcome.sent):
                return Stop("write may have arrived")
        elif not is_safe(self.method):  # BadBody: the vendor processed the write
            return Stop("write was processed")
        if not self._has_budget(attempts):
            return Stop("attempts spent")
        return Retry(backoff_delay(attempts.failures, rng=self.rng), "retry")

    def _rate_limited(self, attempts: Attempts, outcome: ErrorAnswer) -> Decision:
        """A 429: every request of the account waits; this one is sent again if it is safe and worth it."""
        after = outcome.retry_after
        wait = after if after is not None else backoff_delay(attempts.rate_waits, rng=self.rng)
        if not is_safe(self.method):
            return Stop("write not re-sent", hold=wait)
        if wait > self.max_wait:
            return Stop("wait too long", hold=wait)
        if attempts.rate_waits >= self.max_rate_waits:
            return Stop("rate-limit waits spent", hold=wait)
        return Retry(0.0, "rate limit", hold=wait)

    def _has_budget(self, attempts: Attempts) -> bool:
        return attempts.failures + 1 < self.max_attempts
