"""The transport-error table: each httpx failure becomes one typed error, and says whether it was sent."""

from __future__ import annotations

import ssl

import httpx
import pytest

from console.core.errors import ConnectionFailed, TimedOut, WriteOutcomeUnknown
from console.http.tls import certificate_error
from console.http.transport_errors import Target, classify

TARGET = Target("test", "Test", "https://api.example.com/v1", 30.0)


def _certificate_failure() -> httpx.ConnectError:
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cause.verify_message = "self-signed certificate"
    try:
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError("handshake failed") from exc
    except httpx.ConnectError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "method", "kind", "title", "sent"),
    [
        (httpx.ConnectTimeout("slow"), "POST", TimedOut, "Connection timed out", False),
        (_certificate_failure(), "GET", ConnectionFailed, "Certificate not trusted", False),
        (httpx.ConnectError("refused"), "POST", ConnectionFailed, "Cannot connect", False),
        (httpx.ReadTimeout("slow"), "GET", TimedOut, "The vendor did not answer in time", True),
        (httpx.ReadTimeout("slow"), "POST", WriteOutcomeUnknown, "Outcome unknown", True),
        (httpx.RemoteProtocolError("cut"), "DELETE", WriteOutcomeUnknown, "Outcome unknown", True),
        (httpx.RemoteProtocolError("cut"), "GET", ConnectionFailed, "Connection lost", True),
        (httpx.InvalidURL("bad"), "GET", ConnectionFailed, "Invalid address", False),
    ],
)
def test_each_failure_has_one_row(exc: httpx.HTTPError, method: str, kind: type[ConnectionFailed], title: str,
                                  sent: bool) -> None:
    failure = classify(exc, method, TARGET)
    assert type(failure.error) is kind
    assert failure.error.user_message is not None and failure.error.user_message.title == title
    assert failure.sent is sent
    assert failure.error.vendor == "test" and "Test" in failure.error.user_message.text


def test_the_certificate_failure_is_found_in_the_chain() -> None:
    found = certificate_error(_certificate_failure())
    assert found is not None and found.verify_message == "self-signed certificate"
    assert certificate_error(httpx.ConnectError("refused")) is None
