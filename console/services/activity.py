"""HTTP activity as the UI sees it: the request log, its exchanges, quotas and the observer hook.

The UI may not import ``console.http`` (design.md's layers: core <- http <- vendors <- services <-
ui); this module is the seam. It names the plain, Qt-free types the status bar, the request
activity signals and the request inspector are built on, so the UI depends on the service layer
alone and the HTTP layer can change behind it.

Attributes:
    Exchange: One attempt of one request, masked (:class:`console.http.requestlog.Exchange`).
    RequestLog: The shared ring buffer of exchanges (:class:`console.http.requestlog.RequestLog`).
    RateLimitSnapshot: An account's quota as an answer reported it
        (:class:`console.http.ratelimit.RateLimitSnapshot`).
    HttpObserver: What an object must offer to receive HTTP events (status bar, inspector): the
        protocol :class:`console.http.types.HttpObserver`.
    PLACEHOLDER: What "Copy as curl" puts where a secret was.
"""

from __future__ import annotations

from console.http.ratelimit import RateLimitSnapshot
from console.http.requestlog import PLACEHOLDER, Exchange, RequestLog
from console.http.types import HttpObserver

__all__ = ["PLACEHOLDER", "Exchange", "HttpObserver", "RateLimitSnapshot", "RequestLog"]
