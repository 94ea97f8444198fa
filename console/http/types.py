"""Light types of the HTTP layer (no httpx import, so vendor specs and the UI can use them cheaply)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from console.core.constants import DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_QUOTA_WAIT, DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from console.http.ratelimit import RateLimitSnapshot
from console.http.requestlog import Exchange


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful answer, decoded.

    Attributes:
        status: HTTP status.
        headers: Answer headers (case-insensitive mapping).
        data: The decoded JSON body, or ``None`` when the body was empty.
    """

    status: int
    headers: Mapping[str, str]
    data: Any


class HttpObserver(Protocol):
    """Receives what the status bar and inspector show. Called on the event loop's thread."""

    def request_started(self, account_id: str) -> None:
        """An attempt is about to be sent."""

    def request_finished(self, account_id: str, exchange: Exchange) -> None:
        """An attempt ended (answer, or transport failure)."""

    def rate_limit_changed(self, account_id: str, snapshot: RateLimitSnapshot) -> None:
        """The account's quota changed."""

    def waiting(self, account_id: str, seconds: float, reason: str) -> None:
        """A request is being held back for ``seconds`` ("rate limit" or "retry")."""

    def notice(self, account_id: str, text: str) -> None:
        """Something worth a short status-bar note happened (e.g. the session was renewed)."""


class NullObserver:
    """An observer that ignores everything."""

    def request_started(self, account_id: str) -> None:
        """Ignored."""

    def request_finished(self, account_id: str, exchange: Exchange) -> None:
        """Ignored."""

    def rate_limit_changed(self, account_id: str, snapshot: RateLimitSnapshot) -> None:
        """Ignored."""

    def waiting(self, account_id: str, seconds: float, reason: str) -> None:
        """Ignored."""

    def notice(self, account_id: str, text: str) -> None:
        """Ignored."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Per-account network settings.

    Attributes:
        timeout: Seconds before an attempt counts as timed out.
        max_attempts: Attempts of a safe request (1 + retries).
        max_wait: Longest wait for a ``Retry-After`` sat out by itself; a longer one raises ``RateLimited``.
        max_quota_wait: Longest wait for the account's quota to refill before sending (the status bar
            counts down); a longer one raises ``RateLimited``.
    """

    timeout: float = DEFAULT_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_wait: float = DEFAULT_MAX_WAIT
    max_quota_wait: float = DEFAULT_MAX_QUOTA_WAIT
