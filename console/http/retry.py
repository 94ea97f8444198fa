"""The retry policy, as pure functions (table-tested in tests/unit/http/test_retry.py).

Only safe methods (GET, HEAD, OPTIONS) are ever re-sent after the vendor may have seen them: a
POST, PUT, PATCH or DELETE whose answer was an error or never came is not sent again, because the
vendors here give no idempotency keys. A request that never left (connection refused) may be sent
again whatever its method.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import time
from collections.abc import Mapping

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BASE_DELAY = 0.5
MAX_BACKOFF = 8.0
#: Retry-After values above this are nonsense (a year); they are kept, but capped here so arithmetic stays sane.
RETRY_AFTER_CEILING = 365 * 24 * 3600.0


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
