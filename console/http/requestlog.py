"""A bounded log of request/response exchanges, with secrets masked (the request inspector's source).

Headers that carry credentials are replaced by ``***`` whatever their value; bodies are kept up to
:data:`BODY_LIMIT` bytes and pass through :func:`console.core.log.redact` (registered secrets and
secret-shaped fields), so nothing the log holds can leak a key, a token or a password. Answer bodies are
kept compressed: a full log of page answers would otherwise hold 40-60 MB.
"""

from __future__ import annotations

import itertools
import shlex
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from console.core import log

DEFAULT_CAPACITY = 1000
#: Bytes of a body the log keeps.
BODY_LIMIT = 64 * 1024
#: Headers whose value is always masked.
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-authentication", "cookie", "set-cookie",
                            "proxy-authorization", "x-auth-token"})
#: What ``Copy as curl`` puts where a secret was.
PLACEHOLDER = "<secret>"


def mask_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Headers with credentials replaced by ``***`` (and any other value redacted)."""
    return tuple((name, log.MASK if name.lower() in SECRET_HEADERS else log.redact(value)) for name, value in headers)


def pack_text(text: str) -> bytes:
    """A masked body as the log stores it (compressed; empty stays empty)."""
    return zlib.compress(text.encode(), 1) if text else b""


def mask_body(content: bytes) -> tuple[str, bool]:
    """A body as masked text, cut at :data:`BODY_LIMIT`; returns (text, truncated)."""
    truncated = len(content) > BODY_LIMIT
    text = content[:BODY_LIMIT].decode("utf-8", errors="replace")
    return log.redact(text), truncated


@dataclass(frozen=True, slots=True)
class Exchange:
    """One attempt of one request, as the log keeps it (masked).

    Attributes:
        seq: Increasing number.
        started: Unix time the attempt started.
        account_id: Account that sent it.
        vendor: Vendor id.
        method: HTTP method.
        url: URL with secrets masked.
        status: HTTP status, or ``None`` when no answer came.
        duration: Seconds from send to the end of the body.
        size: Bytes of the answer body.
        attempt: 1 for the first attempt.
        error: What went wrong, when something did (masked).
        reference: The vendor's request id or log token, when it sent one.
        request_headers: Headers sent (masked).
        request_body: Body sent (masked, cut at 64 KB).
        response_headers: Headers received (masked).
        response_packed: Body received (masked, cut at 64 KB), compressed: read ``response_body``.
        truncated: A body was longer than the log keeps.
    """

    seq: int
    started: float
    account_id: str
    vendor: str
    method: str
    url: str
    status: int | None
    duration: float
    size: int
    attempt: int
    error: str = ""
    reference: str = ""
    request_headers: tuple[tuple[str, str], ...] = ()
    request_body: str = ""
    response_headers: tuple[tuple[str, str], ...] = ()
    response_packed: bytes = b""
    truncated: bool = False

    @property
    def response_body(self) -> str:
        """Body received (masked, cut at 64 KB)."""
        return zlib.decompress(self.response_packed).decode() if self.response_packed else ""

    @property
    def path(self) -> str:
        """The URL's path and query (what the table shows)."""
        rest = self.url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"

    @property
    def retries(self) -> int:
        """Attempts before this one."""
        return self.attempt - 1

    def as_curl(self) -> str:
        """The request as a curl command, every secret replaced by a placeholder."""
        def placeholder(text: str) -> str:
            return text.replace(log.MASK, PLACEHOLDER)

        parts = ["curl", "-X", self.method, shlex.quote(placeholder(self.url))]
        for name, value in self.request_headers:
            if name.lower() in ("host", "content-length", "accept-encoding", "connection", "user-agent"):
                continue
            parts += ["-H", shlex.quote(f"{name}: {placeholder(value)}")]
        if self.request_body:
            parts += ["--data-raw", shlex.quote(placeholder(self.request_body))]
        return " ".join(parts)


class RequestLog:
    """A ring buffer of :class:`Exchange` records shared by every account."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._items: deque[Exchange] = deque(maxlen=capacity)
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        """Returns the next sequence number."""
        return next(self._seq)

    def add(self, exchange: Exchange) -> None:
        """Appends an exchange, dropping the oldest when full."""
        self._items.append(exchange)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def capacity(self) -> int:
        """How many exchanges are kept."""
        return self._items.maxlen or DEFAULT_CAPACITY
