"""Fault injection in front of any emulator: latency, error statuses, 429 bursts, drops, bad JSON.

:class:`FaultMiddleware` is a plain ASGI wrapper, so every vendor's emulator gets the same faults
without knowing about them. It also records every request the server received (method, path,
status, fault), which the tests use to prove that no write was sent twice.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field
from typing import Any

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(slots=True)
class FaultConfig:
    """What to inject. Counts are over every request the server receives.

    Attributes:
        latency: Seconds added to every answer.
        latency_jitter: Up to this many more seconds, at random.
        every_nth: ``{status: n}``: answer every n-th request with that status (429 carries Retry-After).
        rates: ``{status: probability}``: answer that share of requests with that status.
        retry_after: The ``Retry-After`` of injected 429s, in seconds.
        drop_rate: Share of requests whose connection is cut in the middle of the body.
        malformed_rate: Share of successful GETs whose body is replaced by broken JSON.
        stall_rate: Share of requests that never answer (the client's timeout fires).
        lost_rate: Share of writes the server carries out whose answer is then cut: the change is
            made, the client cannot know it (a write's outcome unknown).
        safe_only: Inject only into GET/HEAD/OPTIONS (writes go through untouched).
        seed: Seed for the random draws.
    """

    latency: float = 0.0
    latency_jitter: float = 0.0
    every_nth: dict[int, int] = field(default_factory=dict)
    rates: dict[int, float] = field(default_factory=dict)
    retry_after: float = 1.0
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    stall_rate: float = 0.0
    lost_rate: float = 0.0
    safe_only: bool = False
    seed: int = 1

    @property
    def active(self) -> bool:
        """Whether anything is injected."""
        return bool(
            self.latency or self.latency_jitter or self.every_nth or self.rates or self.drop_rate
            or self.malformed_rate or self.stall_rate or self.lost_rate
        )


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server received it.

    Attributes:
        method: HTTP method.
        path: URL path.
        status: Status answered (0 for a dropped or stalled connection).
        fault: What was injected ("" for none).
    """

    method: str
    path: str
    status: int
    fault: str


class InjectedDrop(ConnectionAbortedError):
    """Raised to make the server cut a connection mid-body (filtered out of the server's error log)."""


#: A stall lasts this long at most (longer than any client timeout the tests use).
STALL_SECONDS = 60.0


class FaultMiddleware:
    """ASGI middleware injecting :class:`FaultConfig` faults and recording requests.

    Args:
        app: The emulator.
        config: What to inject; replace :attr:`config` at any time to change it.
    """

    def __init__(self, app: Any, config: FaultConfig | None = None) -> None:
        self.app = app
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)
        self._count = 0
        self._lock = threading.Lock()
        self._seen: list[Seen] = []

    def configure(self, config: FaultConfig) -> None:
        """Replaces the fault settings and restarts the request count."""
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            self._count = 0

    def seen(self) -> list[Seen]:
        """Every request received so far."""
        with self._lock:
            return list(self._seen)

    def clear(self) -> None:
        """Forgets the recorded requests."""
        with self._lock:
            self._seen.clear()

    def _record(self, method: str, path: str, status: int, fault: str) -> None:
        with self._lock:
            self._seen.append(Seen(method, path, status, fault))

    def _draw(self, method: str) -> tuple[str, int]:
        """Decides this request's fault: (kind, status)."""
        cfg = self.config
        with self._lock:
            self._count += 1
            count = self._count
            if cfg.safe_only and method not in SAFE:
                return "", 0
            for status, n in sorted(cfg.every_nth.items()):
                if n > 0 and count % n == 0:
                    return "status", status
            roll = self._rng.random()
            for status, rate in sorted(cfg.rates.items()):
                if roll < rate:
                    return "status", status
                roll -= rate
            if roll < cfg.drop_rate:
                return "drop", 0
            roll -= cfg.drop_rate
            if roll < cfg.stall_rate:
                return "stall", 0
            roll -= cfg.stall_rate
            if method == "GET" and roll < cfg.malformed_rate:
                return "malformed", 0
            roll -= cfg.malformed_rate
            if method not in SAFE and roll < cfg.lost_rate:
                return "lost", 0
            return "", 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        cfg = self.config
        if cfg.latency or cfg.latency_jitter:
            await asyncio.sleep(cfg.latency + cfg.latency_jitter * self._rng.random())
        kind, status = self._draw(method) if cfg.active else ("", 0)
        if kind == "status":
            self._record(method, path, status, f"status {status}")
            await self._send_status(send, status, cfg.retry_after)
            return
        if kind == "stall":
            self._record(method, path, 0, "stall")
            await asyncio.sleep(STALL_SECONDS)
            return
        if kind == "drop":
            self._record(method, path, 0, "drop")
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"items": [{"id": 1, "em', "more_body": True})
            raise InjectedDrop("fault injection: connection dropped")
        if kind == "lost":  # carried out, then the answer is cut
            async def swallow(_message: dict[str, Any]) -> None:
                return None

            await self.app(scope, receive, swallow)
            self._record(method, path, 0, "lost")
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"id": ', "more_body": True})
            raise InjectedDrop("fault injection: answer lost after the write")
        await self._pass_through(scope, receive, send, method, path, malformed=kind == "malformed")

    async def _pass_through(self, scope: Any, receive: Any, send: Any, method: str, path: str,
                            *, malformed: bool) -> None:
        status_box = [0]
        fault = "malformed" if malformed else ""

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                # Recorded before the answer leaves: a test that counts requests once its answer
                # arrived must find it (recorded after, the client could be faster than the log).
                self._record(method, path, message["status"], fault)
                if malformed and message["status"] < 300:
                    headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                    headers.append((b"content-length", str(len(MALFORMED_BODY)).encode()))
                    message = dict(message, headers=headers)
            elif message["type"] == "http.response.body" and malformed and status_box[0] < 300:
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": MALFORMED_BODY}
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not status_box[0]:  # the app ended without answering
                self._record(method, path, 0, fault)

    @staticmethod
    async def _send_status(send: Any, status: int, retry_after: float) -> None:
        body = (b'{"title": "An error occurred", "status": %d, "detail": "Injected fault."}' % status)
        headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
        if status == 429:
            headers.append((b"retry-after", f"{retry_after:g}".encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


MALFORMED_BODY = b'{"items": [{"id": 12, "email": "x@example.com"}, {"id": '
