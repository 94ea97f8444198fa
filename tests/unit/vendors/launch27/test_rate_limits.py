"""Launch27 v1 reads both quota header sets of a recorded answer and keeps the stricter one."""

from __future__ import annotations

import httpx

from console.http.ratelimit import RateLimitSnapshot
from console.vendors.launch27.client import V1_RATE_LIMITS

NOW = 1_800_000_000.0


def test_the_recorded_headers_give_the_ten_a_second_quota() -> None:
    recorded = httpx.Headers([
        ("ratelimit-limit", "30"), ("ratelimit-remaining", "29"), ("ratelimit-reset", "1"),
        ("x-rate-limit-limit", "30.00"), ("x-rate-limit-limit", "10.00"), ("x-rate-limit-duration", "1"),
        ("x-request-id", "6f1c2c1e-0000-4000-8000-000000000000")])
    assert V1_RATE_LIMITS(recorded, NOW) == RateLimitSnapshot(10, 9, NOW + 1, NOW, 1.0)
