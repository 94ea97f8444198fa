"""A client-side transport that notes every request as it is sent (tests count requests without racing
the server's own records)."""

from __future__ import annotations

import httpx


class SentTransport(httpx.AsyncBaseTransport):
    """The client's own transport, noting ``(method, path)`` of every request before it goes out."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def count(self, path: str, method: str = "GET", *, exact: bool = False) -> int:
        """Requests of that method whose path contains ``path`` (or is it, with ``exact``)."""
        return sum(1 for m, p in self.requests if m == method and (p == path if exact else path in p))
