"""A bounded log of request/response summaries, with secrets masked (the request inspector's source)."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_CAPACITY = 1000


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
