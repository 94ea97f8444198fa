"""What the request log and the observer get of an exchange: masked headers, bodies and URLs.

Everything here is masked as it is recorded (:mod:`console.http.requestlog` says how), so the
request inspector and the logs never hold a key, a token or a password.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from console.core import log
from console.http.requestlog import mask_body, mask_headers, pack_text

#: Answer headers that carry the vendor's request id, read when the vendor has no parser of its own.
REFERENCE_HEADERS = ("x-request-id", "request-id", "x-correlation-id")

ReferenceParser = Callable[[Mapping[str, str]], str]


def capture(request: httpx.Request, response: httpx.Response | None) -> dict[str, Any]:
    """What the request inspector keeps of an exchange, masked.

    Args:
        request: The request as sent.
        response: Its answer, or ``None`` when none came.

    Returns:
        Keyword arguments for :class:`~console.http.requestlog.Exchange` (headers, bodies, truncation).
    """
    request_body, cut_request = mask_body(request.content if isinstance(request.stream, httpx.ByteStream)
                                          else b"")
    captured: dict[str, Any] = {"request_headers": mask_headers(request.headers.multi_items()),
                                "request_body": request_body, "truncated": cut_request}
    if response is not None:
        response_body, cut_response = mask_body(response.content)
        captured.update(response_headers=mask_headers(response.headers.multi_items()),
                        response_packed=pack_text(response_body), truncated=cut_request or cut_response)
    return captured


def reference(headers: Mapping[str, str], parser: ReferenceParser | None) -> str:
    """The vendor's support reference on an answer: its own parser's, else a request-id header.

    Args:
        headers: The answer's headers.
        parser: The vendor's reader (Setera's ``Warning`` token), if it has one.

    Returns:
        The reference, or ``""`` when the answer carries none.
    """
    found = parser(headers) if parser else ""
    return found or next((headers[h] for h in REFERENCE_HEADERS if h in headers), "")


def masked_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """A URL with its query, secrets masked, as the log and the inspector show it.

    Args:
        url: The absolute URL.
        params: Query parameters to add.

    Returns:
        The redacted URL.
    """
    if params:
        url = str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))
    return log.redact(url)


def notify(callback: Callable[..., None], *args: Any) -> None:
    """Tells the observer; a failing observer (a window already closed) never breaks a request.

    Args:
        callback: One of the observer's methods.
        *args: Its arguments.
    """
    try:
        callback(*args)
    except Exception as exc:
        log.http.debug("observer %s failed: %r", getattr(callback, "__name__", callback), exc)
