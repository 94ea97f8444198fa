"""Rate-limit header parsing and the hold-back decision."""

from __future__ import annotations

import pytest

from console.http.ratelimit import HeaderNames, RateLimitSnapshot, RateLimitTracker, parse_reset

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
