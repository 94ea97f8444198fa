"""The retry policy's decisions, one row per exit, and the request loop that carries them out."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from console.core.errors import (
    BadResponse,
    ConsoleError,
    RateLimited,
    ServerError,
    UserMessage,
    VendorError,
    WriteOutcomeUnknown,
)
from console.http import retry
from console.http.client import VendorHttp
from console.http.requestlog import RequestLog
from console.http.retry import Attempts, BadBody, ErrorAnswer, NoAnswer, Retry, RetryPolicy, Stop
from console.http.types import HttpSettings


class _NoJitter(random.Random):
    """Jitter off: every backoff is its full base (0.5 s * 2^n)."""

    def random(self) -> float:
        return 0.0


def _policy(method: str = "GET", *, max_attempts: int = 3, max_wait: float = 10.0) -> RetryPolicy:
    return RetryPolicy(method, max_attempts, max_wait, rng=_NoJitter())


SPENT = Attempts(failures=2)  # with max_attempts=3: no retry left
RATE_SPENT = Attempts(rate_waits=retry.MAX_RATE_LIMIT_WAITS)


@pytest.mark.parametrize(
    ("method", "attempts", "outcome", "expected"),
    [
        # Retryable statuses: backoff, growing with the failures so far.
        ("GET", Attempts(), ErrorAnswer(503, {}), Retry(0.5, "retry")),
        ("GET", Attempts(failures=1), ErrorAnswer(500, {}), Retry(1.0, "retry")),
        ("HEAD", Attempts(), ErrorAnswer(408, {}), Retry(0.5, "retry")),
        ("GET", Attempts(), ErrorAnswer(404, {}), Stop("not retryable")),
        ("GET", Attempts(), ErrorAnswer(503, {"x-should-retry": "false"}), Stop("not retryable")),
        # Retry-After on a retryable status wins over the backoff, up to max_wait.
        ("GET", Attempts(), ErrorAnswer(503, {"retry-after": "4"}), Retry(4.0, "retry")),
        ("GET", Attempts(), ErrorAnswer(503, {"retry-after": "11"}), Stop("wait too long")),
        # 429: every request of the account is held; this one waits its turn, if it is safe and worth it.
        ("GET", Attempts(), ErrorAnswer(429, {}, retry_after=3.0), Retry(0.0, "rate limit", hold=3.0)),
        ("GET", Attempts(rate_waits=2), ErrorAnswer(429, {}), Retry(0.0, "rate limit", hold=2.0)),
        ("GET", SPENT, ErrorAnswer(429, {}, retry_after=1.0), Retry(0.0, "rate limit", hold=1.0)),
        ("GET", Attempts(), ErrorAnswer(429, {}, retry_after=60.0), Stop("wait too long", hold=60.0)),
        ("GET", RATE_SPENT, ErrorAnswer(429, {}, retry_after=1.0), Stop("rate-limit waits spent", hold=1.0)),
        ("POST", Attempts(), ErrorAnswer(429, {}, retry_after=1.0), Stop("write not re-sent", hold=1.0)),
        # Transport errors: before sending, any method goes again; after sending, only a safe one.
        ("POST", Attempts(), NoAnswer(sent=False), Retry(0.5, "retry")),
        ("GET", Attempts(failures=1), NoAnswer(sent=True), Retry(1.0, "retry")),
        ("POST", Attempts(), NoAnswer(sent=True), Stop("write may have arrived")),
        ("PATCH", Attempts(), NoAnswer(sent=True), Stop("write may have arrived")),
        # Writes are never re-sent once the vendor may have acted on them.
        ("POST", Attempts(), ErrorAnswer(503, {}), Stop("not retryable")),
        ("DELETE", Attempts(), ErrorAnswer(502, {"retry-after": "1"}), Stop("not retryable")),
        ("PUT", Attempts(), BadBody(), Stop("write was processed")),
        ("GET", Attempts(), BadBody(), Retry(0.5, "retry")),
        # The failure budget.
        ("GET", SPENT, ErrorAnswer(503, {}), Stop("attempts spent")),
        ("GET", SPENT, NoAnswer(sent=True), Stop("attempts spent")),
        ("POST", SPENT, NoAnswer(sent=False), Stop("attempts spent")),
        ("GET", SPENT, BadBody(), Stop("attempts spent")),
    ],
)
def test_decide(method: str, attempts: Attempts, outcome: retry.Outcome, expected: retry.Decision) -> None:
    assert _policy(method).decide(attempts, outcome) == expected


def test_one_attempt_means_no_retry() -> None:
    policy = _policy(max_attempts=1)
    for outcome in (ErrorAnswer(503, {}), NoAnswer(sent=False), BadBody()):
        assert policy.decide(Attempts(), outcome) == Stop("attempts spent")


def test_the_backoff_is_capped_and_jittered() -> None:
    capped = _policy(max_attempts=99).decide(Attempts(failures=10), NoAnswer(sent=True))
    assert capped == Retry(retry.MAX_BACKOFF, "retry")
    jittered = RetryPolicy("GET", 3, 10.0, rng=random.Random(7)).decide(Attempts(), ErrorAnswer(503, {}))
    assert isinstance(jittered, Retry) and 0.375 <= jittered.wait <= 0.5


def test_attempts_count_failures_and_rate_waits_apart() -> None:
    attempts = Attempts().after(Retry(0.5, "retry")).after(Retry(0.0, "rate limit", hold=2.0))
    assert attempts == Attempts(failures=1, rate_waits=1)
    assert attempts.number == 3


# --- The loop in VendorHttp carries the decisions out ----------------------------------------------

def _map_error(response: httpx.Response) -> ConsoleError:
    message = UserMessage("Refused", "refused")
    if response.status_code == 429:
        after = retry.parse_retry_after(response.headers.get("retry-after"))
        return RateLimited("test", "slow down", retry_after=after, status=429, user_message=message)
    if response.status_code >= 500:
        return ServerError("test", "down", status=response.status_code, user_message=message)
    return VendorError("test", "refused", status=response.status_code, user_message=message)


class Loop:
    """A client over a scripted transport; its waits are recorded instead of slept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: list[httpx.Response | Exception],
                 max_attempts: int = 3) -> None:
        self.answers = answers
        self.sent: list[str] = []
        self.waits: list[tuple[float, str]] = []
        self.log = RequestLog()
        self.http = VendorHttp(vendor="test", display_name="Test", account_id="a", base_url="https://api.example.com",
                               error_mapper=_map_error, settings=HttpSettings(max_attempts=max_attempts, max_wait=10.0),
                               request_log=self.log, transport=httpx.MockTransport(self._answer))

        async def record(_self: VendorHttp, seconds: float, reason: str) -> None:
            if seconds > 0:
                self.waits.append((seconds, reason))
                _self.rate_limit._blocked_until = 0.0  # the wait the vendor asked for is over

        monkeypatch.setattr(VendorHttp, "_sleep", record)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.method)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def attempts(self) -> list[int]:
        return [exchange.attempt for exchange in self.log]


@pytest.fixture
def loops(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Loop]:
    def make(answers: list[httpx.Response | Exception], **kwargs: int) -> Loop:
        return Loop(monkeypatch, answers, **kwargs)

    return make


async def _get(loop: Loop, method: str = "GET") -> int:
    try:
        return await loop.http.call(method, "/things", parse=lambda reply: reply.status)
    finally:
        await loop.http.aclose()


async def test_a_retryable_status_is_sent_again_after_the_backoff(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.Response(503), httpx.Response(502), httpx.Response(200, json={})])
    assert await _get(loop) == 200
    assert loop.attempts == [1, 2, 3]
    assert [reason for _, reason in loop.waits] == ["retry", "retry"]
    assert 0.375 <= loop.waits[0][0] <= 0.5 and 0.75 <= loop.waits[1][0] <= 1.0


async def test_retry_after_is_sat_out_as_a_rate_limit_and_counted_once(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={})])
    assert await _get(loop) == 200
    assert loop.waits == [(pytest.approx(2.0, abs=0.1), "rate limit")]
    assert loop.attempts == [1, 2]
    assert loop.http.rate_limit._pending == 0  # each attempt counted against the quota once, and settled


async def test_a_429_on_a_write_holds_the_account_and_is_not_resent(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.Response(429, headers={"Retry-After": "5"})])
    with pytest.raises(RateLimited):
        await _get(loop, "POST")
    assert loop.sent == ["POST"] and loop.waits == []
    assert loop.http.rate_limit.blocked_for() > 4  # the next request of the account waits


async def test_a_connection_refused_before_sending_is_retried_even_for_a_write(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.ConnectError("refused"), httpx.Response(201, json={})])
    assert await _get(loop, "POST") == 201
    assert loop.sent == ["POST", "POST"] and loop.attempts == [1, 2]
    assert [reason for _, reason in loop.waits] == ["retry"]


async def test_a_write_cut_off_after_sending_is_not_resent(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.RemoteProtocolError("peer closed")])
    with pytest.raises(WriteOutcomeUnknown) as info:
        await _get(loop, "POST")
    assert info.value.user_message.title == "Outcome unknown"
    assert loop.sent == ["POST"] and loop.waits == []
    assert [exchange.error for exchange in loop.log] == [info.value.message]


async def test_a_read_cut_off_after_sending_is_retried(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.ReadTimeout("slow"), httpx.Response(200, json={})])
    assert await _get(loop) == 200
    assert loop.attempts == [1, 2]


@pytest.mark.allow_warnings  # each malformed body is logged as a warning
async def test_a_malformed_body_is_retried_for_a_read_only(loops: Callable[..., Loop]) -> None:
    read = loops([httpx.Response(200, content=b"{oops"), httpx.Response(200, json={})])
    assert await _get(read) == 200
    assert read.attempts == [1, 2]
    write = loops([httpx.Response(200, content=b"{oops")])
    with pytest.raises(BadResponse):
        await _get(write, "POST")
    assert write.sent == ["POST"]


async def test_the_budget_ends_the_call_with_the_last_error(loops: Callable[..., Loop]) -> None:
    loop = loops([httpx.Response(503), httpx.Response(503)], max_attempts=2)
    with pytest.raises(ServerError):
        await _get(loop)
    assert loop.attempts == [1, 2] and len(loop.waits) == 1
    assert isinstance(loop.http.last_error, ServerError)
