"""Rate-limit header parsing and the hold-back decision."""

from __future__ import annotations

import httpx
import pytest

from console.http.ratelimit import (
    HeaderNames,
    RateLimitSnapshot,
    RateLimitTracker,
    StrictestQuota,
    header_values,
    parse_reset,
)

NOW = 1_800_000_000.0
SYSTEME = HeaderNames("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Refill")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", NOW + 30),  # seconds from now
        ("0", NOW),
        (str(int(NOW + 45)), NOW + 45),  # unix seconds
        (str(int((NOW + 45) * 1000)), NOW + 45),  # unix milliseconds
        ("Fri, 15 Jan 2027 08:01:00 GMT", NOW + 60),  # HTTP date
        ("soon", None),
        ("-3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_reset_reads_every_form(value: str | None, expected: float | None) -> None:
    assert parse_reset(value, NOW) == (pytest.approx(expected) if expected is not None else None)


def test_header_names_parse_and_missing() -> None:
    snap = SYSTEME({"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "3", "X-RateLimit-Refill": "20"}, NOW)
    assert snap == RateLimitSnapshot(1000, 3, NOW + 20, NOW)
    assert SYSTEME({}, NOW) is None
    junk = SYSTEME({"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-2", "X-RateLimit-Refill": "x"}, NOW)
    assert junk is None


def test_tracker_holds_back_when_spent_or_told() -> None:
    tracker = RateLimitTracker()
    assert tracker.delay_before_send(NOW) == 0
    tracker.update(RateLimitSnapshot(10, 0, NOW + 4, NOW))
    assert tracker.delay_before_send(NOW) == pytest.approx(4)
    tracker.update(RateLimitSnapshot(10, 5, NOW + 64, NOW))  # the next window
    assert tracker.delay_before_send(NOW) == 0
    tracker.block_for(2.5, NOW)
    assert tracker.delay_before_send(NOW) == pytest.approx(2.5)
    assert tracker.delay_before_send(NOW + 3) == 0


def test_tracker_counts_requests_on_their_way() -> None:
    tracker = RateLimitTracker()
    tracker.update(RateLimitSnapshot(100, 3, NOW + 60, NOW))
    for _ in range(3):  # three sent at once: the quota is spent before any answer comes
        assert tracker.quota_wait(NOW) == 0
        tracker.consume()
    assert tracker.quota_wait(NOW) == pytest.approx(60)
    tracker.settle(RateLimitSnapshot(100, 2, NOW + 60, NOW))  # the first answer: 2 left, but 2 on their way
    assert tracker.snapshot is not None and tracker.snapshot.remaining == 0
    tracker.settle(RateLimitSnapshot(100, 1, NOW + 60, NOW))
    tracker.settle(None)  # the third failed on the way
    assert tracker.snapshot.remaining == 0 and tracker.quota_wait(NOW) == pytest.approx(60)
    tracker.update(RateLimitSnapshot(100, 5, NOW + 60, NOW))  # a late answer from earlier in the window
    assert tracker.snapshot.remaining == 0
    tracker.update(RateLimitSnapshot(100, 99, NOW + 120, NOW + 61))  # the next window
    assert tracker.snapshot.remaining == 99


# -- several quotas on one answer (Launch27 v1, published-samples.md:69-71) -----------------------

#: Launch27 v1's two families (its client's parser is the same; tests/unit/vendors/launch27).
V1_RATE_LIMITS = StrictestQuota((
    HeaderNames("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", window="x-rate-limit-duration"),
    HeaderNames("x-rate-limit-limit", "", "", window="x-rate-limit-duration"),
))
#: A recorded GET answer's quota headers: its own 30 a second, both limits again, the window.
RECORDED_GET = [("ratelimit-limit", "30"), ("ratelimit-remaining", "29"), ("ratelimit-reset", "1"),
                ("x-rate-limit-limit", "30.00"), ("x-rate-limit-limit", "10.00"), ("x-rate-limit-duration", "1")]


def test_every_quota_is_read_and_the_stricter_kept() -> None:
    snap = V1_RATE_LIMITS(httpx.Headers(RECORDED_GET), NOW)
    # 30 a second with 29 left, and 10 a second counted the same way: 9 left of 10 runs out first.
    assert snap == RateLimitSnapshot(10, 9, NOW + 1, NOW, 1.0)
    post = [("ratelimit-limit", "10"), ("ratelimit-remaining", "9"), ("ratelimit-reset", "1"),
            ("x-rate-limit-limit", "30.00"), ("x-rate-limit-limit", "10.00"), ("x-rate-limit-duration", "1")]
    assert V1_RATE_LIMITS(httpx.Headers(post), NOW) == snap  # the same figure, whatever the endpoint
    joined = [*RECORDED_GET[:3], ("x-rate-limit-limit", "30.00, 10.00"), ("x-rate-limit-duration", "1")]
    assert V1_RATE_LIMITS(httpx.Headers(joined), NOW) == snap  # a proxy joined the repeats
    assert V1_RATE_LIMITS(httpx.Headers(RECORDED_GET[:3]), NOW) == RateLimitSnapshot(30, 29, NOW + 1, NOW)
    assert V1_RATE_LIMITS(httpx.Headers([("x-request-id", "r")]), NOW) is None


def test_the_counted_quota_wins_when_it_is_the_one_running_out() -> None:
    parser = StrictestQuota((HeaderNames("a-limit", "a-remaining", "a-reset"), HeaderNames("b-limit", "", "")))
    snap = parser({"a-limit": "100", "a-remaining": "3", "a-reset": "20", "b-limit": "500"}, NOW)
    assert snap == RateLimitSnapshot(100, 3, NOW + 20, NOW)


def test_header_values_keep_dates_whole() -> None:
    date = "Fri, 15 Jan 2027 08:01:00 GMT"
    assert header_values(httpx.Headers([("x-refill", date)]), "x-refill") == [date]
    assert header_values({"X-Limit": "30.00, 10.00"}, "x-limit") == ["30.00", "10.00"]
    assert header_values({}, "") == []


def test_waits_follow_the_stricter_quota() -> None:
    tracker = RateLimitTracker()
    tracker.update(V1_RATE_LIMITS(httpx.Headers(RECORDED_GET), NOW) or RateLimitSnapshot(None, None, None, NOW))
    for _ in range(9):  # 29 reads would be left of 30, but only 9 of the 10
        assert tracker.quota_wait(NOW) == 0
        tracker.consume()
    assert tracker.quota_wait(NOW) == pytest.approx(1)
    assert tracker.snapshot is not None and tracker.snapshot.window == 1.0  # kept through the counting
