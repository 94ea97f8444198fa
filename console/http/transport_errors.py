"""The table from an httpx transport error to the console's typed error (no httpx error leaves http/).

Each row says what the user reads and whether the request may have reached the vendor
(``sent``): the retry policy re-sends a request that never left whatever its method, and a
write that may have arrived is :class:`~console.core.errors.WriteOutcomeUnknown`, never re-sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from console.core import log
from console.core.errors import ConnectionFailed, TimedOut, UserMessage, WriteOutcomeUnknown
from console.http import retry
from console.http.tls import certificate_error


class TransportFailure(Exception):
    """A transport error already turned into a typed one (internal to console/http).

    Args:
        error: The typed error to raise once the retry policy gives up.
        sent: Whether the request may have reached the vendor.
    """

    def __init__(self, error: ConnectionFailed, *, sent: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.sent = sent


@dataclass(frozen=True, slots=True)
class Target:
    """Who a request went to, for the error text.

    Attributes:
        vendor: Vendor id.
        display_name: Vendor name for messages.
        base_url: The account's base URL.
        timeout: The attempt timeout, in seconds.
    """

    vendor: str
    display_name: str
    base_url: str
    timeout: float

    @property
    def where(self) -> str:
        """The host the account talks to (the base URL when it has none)."""
        return httpx.URL(self.base_url).host or self.base_url


def classify(exc: httpx.HTTPError, method: str, target: Target) -> TransportFailure:
    """Turns an httpx error into the typed error the user sees.

    Args:
        exc: What httpx raised.
        method: The request's HTTP method (a write that may have arrived is reported differently).
        target: The vendor and account the request went to.

    Returns:
        The typed error, and whether the request may have been sent.
    """
    name, where, vendor, timeout = target.display_name, target.where, target.vendor, target.timeout
    if isinstance(exc, httpx.ConnectTimeout):
        return TransportFailure(TimedOut(
            f"no connection to {where} within {timeout:.0f} s", vendor=vendor,
            user_message=UserMessage(
                "Connection timed out", f"{name} at {where} did not accept a connection in time.",
                "Check your network connection and the account's base URL.",
            ),
        ), sent=False)
    certificate = certificate_error(exc)
    if certificate is not None:  # verification stays on: the connection is refused, and said why
        return TransportFailure(ConnectionFailed(
            f"the TLS certificate of {where} was not accepted: {certificate.verify_message}", vendor=vendor,
            user_message=UserMessage(
                "Certificate not trusted",
                f"The certificate of {where} could not be verified ({certificate.verify_message}), so "
                f"Vendor Console did not connect to {name}: someone may be in the middle of the connection.",
                "Check the base URL. If your company inspects HTTPS traffic, ask your IT team; Vendor "
                "Console never turns certificate checks off.",
            ),
        ), sent=False)
    if isinstance(exc, httpx.ConnectError):
        return TransportFailure(ConnectionFailed(
            f"cannot connect to {where}: {log.redact(str(exc)) or 'connection refused'}", vendor=vendor,
            user_message=UserMessage(
                "Cannot connect", f"Vendor Console could not connect to {name} at {where}.",
                "Check your network connection and the account's base URL, then try again.",
            ),
        ), sent=False)
    if isinstance(exc, httpx.TimeoutException) and retry.is_safe(method):
        return TransportFailure(TimedOut(
            f"{name} did not answer within {timeout:.0f} s", vendor=vendor,
            user_message=UserMessage(
                "The vendor did not answer in time",
                f"{name} took longer than {timeout:.0f} seconds to answer.",
                "Try again; if it keeps happening, raise the timeout in the account settings.",
            ),
        ), sent=True)
    if not retry.is_safe(method) and isinstance(exc, httpx.TransportError):
        return TransportFailure(WriteOutcomeUnknown(
            f"the connection to {where} failed after the {method} was sent ({type(exc).__name__})",
            vendor=vendor,
            user_message=UserMessage(
                "Outcome unknown",
                f"The connection to {name} failed after the change was sent, so it may or may not "
                "have been saved.",
                "Refresh the record to see whether the change was made before trying again.",
            ),
        ), sent=True)
    if isinstance(exc, httpx.TransportError):
        return TransportFailure(ConnectionFailed(
            f"the connection to {where} failed ({type(exc).__name__})", vendor=vendor,
            user_message=UserMessage(
                "Connection lost", f"The connection to {name} broke off before the answer was complete.",
                "Try again; if it keeps happening, check your network.",
            ),
        ), sent=True)
    return TransportFailure(ConnectionFailed(
        f"invalid request to {where}: {type(exc).__name__}", vendor=vendor,
        user_message=UserMessage(
            "Invalid address", f"The base URL of this {name} account cannot be used.",
            "Edit the account and check its base URL.",
        ),
    ), sent=False)
