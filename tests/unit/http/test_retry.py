"""Table tests of the pure retry policy."""

from __future__ import annotations

import datetime as dt
import random
from email.utils import format_datetime

import pytest

from console.http import retry

NOW = 1_800_000_000.0


def _http_date(offset: float) -> str:
    return format_datetime(dt.datetime.fromtimestamp(NOW + offset, dt.UTC), usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        ("0", 0.0),
        ("2.5", 2.5),
        ("  7 ", 7.0),
        ("-1", None),
        ("-0.5", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("1e400", retry.RETRY_AFTER_CEILING),
        ("99999999999", retry.RETRY_AFTER_CEILING),
        ("86400", 86400.0),
        ("nan", None),
        ("-inf", None),
        (_http_date(30), 30.0),
        (_http_date(-30), 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Mon, 32 Foo 2015 99:99:99 GMT", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", retry.RETRY_AFTER_CEILING),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    result = retry.parse_retry_after(value, now=NOW)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize(
    ("status", "method", "sent", "expected"),
    [
        (None, "GET", True, True),
        (None, "POST", True, False),
        (None, "POST", False, True),  # connection refused: the POST never left
        (None, "DELETE", True, False),
        (408, "GET", True, True),
        (429, "GET", True, True),
        (429, "POST", True, False),
        (429, "PATCH", True, False),
        (500, "GET", True, True),
        (502, "HEAD", True, True),
        (503, "OPTIONS", True, True),
        (504, "GET", True, True),
        (500, "POST", True, False),
        (502, "PUT", True, False),
        (503, "DELETE", True, False),
        (400, "GET", True, False),
        (401, "GET", True, False),
        (404, "GET", True, False),
        (422, "GET", True, False),
        (501, "GET", True, False),
    ],
)
def test_should_retry(status: int | None, method: str, sent: bool, expected: bool) -> None:
    assert retry.should_retry(status, method, {}, sent=sent) is expected


def test_should_retry_respects_vendor_hint() -> None:
    assert retry.should_retry(503, "GET", {"x-should-retry": "false"}) is False


@pytest.mark.parametrize(("attempt", "low", "high"), [(0, 0.375, 0.5), (1, 0.75, 1.0), (2, 1.5, 2.0), (3, 3.0, 4.0),
                                                       (4, 6.0, 8.0), (5, 6.0, 8.0), (30, 6.0, 8.0)])
def test_backoff_is_exponential_capped_and_jittered(attempt: int, low: float, high: float) -> None:
    rng = random.Random(3)
    for _ in range(50):
        assert low <= retry.backoff_delay(attempt, rng=rng) <= high


@pytest.mark.parametrize(
    ("headers", "expected_range"),
    [
        ({"retry-after": "3"}, (3.0, 3.0)),
        ({"retry-after": "0"}, (0.0, 0.0)),
        ({"retry-after": "120"}, (120.0, 120.0)),  # longer than the cap: returned, the caller raises RateLimited
        ({"retry-after": "garbage"}, (0.375, 0.5)),
        ({"retry-after": "-5"}, (0.375, 0.5)),
        ({}, (0.375, 0.5)),
    ],
)
def test_retry_delay_prefers_retry_after(headers: dict[str, str], expected_range: tuple[float, float]) -> None:
    delay = retry.retry_delay(0, headers, now=NOW, rng=random.Random(1))
    assert expected_range[0] <= delay <= expected_range[1]
