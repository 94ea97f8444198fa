"""Login sessions: vendors whose calls carry a token obtained by logging in (Setster, Launch27).

A vendor subclasses :class:`SessionAuth` with its login call, where the token travels (query
parameters or headers) and which answers mean "expired". :class:`~console.http.client.VendorHttp`
logs in before the first call, and on the vendor's expiry signal logs in again once and sends the
request once more. Concurrent requests that meet the same expiry share one new login.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.http.client import VendorHttp


class SessionAuth:
    """Base of a vendor's session handling.

    Subclasses implement :meth:`login` (which calls ``http.call(..., auth_required=False)``) and
    :meth:`credentials`, and may narrow :meth:`is_expired`.
    """

    #: HTTP statuses that mean "log in again" on a call other than the login itself.
    expiry_statuses: frozenset[int] = frozenset({401})

    def __init__(self) -> None:
        self.generation = 0
        self.logged_in = False
        self.renewals = 0
        self._lock = asyncio.Lock()

    async def login(self, http: VendorHttp) -> None:
        """Logs in and keeps what later calls need."""
        raise NotImplementedError

    def credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        """Returns (query parameters, headers) every authenticated call carries."""
        return {}, {}

    def is_expired(self, status: int, body: bytes) -> bool:
        """Whether an answer (status and raw body) asks for a new login."""
        return status in self.expiry_statuses

    async def ensure(self, http: VendorHttp) -> int:
        """Logs in when there is no session yet; returns the session's generation."""
        if not self.logged_in:
            await self.renew(http, self.generation, first=True)
        return self.generation

    async def renew(self, http: VendorHttp, seen_generation: int, *, first: bool = False) -> bool:
        """Logs in again unless another request already did since ``seen_generation``.

        Returns:
            Whether this call made the new login.
        """
        async with self._lock:
            if self.logged_in and self.generation != seen_generation:
                return False
            await self.login(http)
            self.logged_in = True
            self.generation += 1
            if not first:
                self.renewals += 1
            return True
