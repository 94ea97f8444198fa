"""TLS for every vendor client: one shared verifying context, and reading a certificate failure.

Verification is never turned off (tests/integration/test_tls.py checks the code for it): a server
whose certificate nobody vouches for is refused, and :mod:`console.http.transport_errors` says why.
"""

from __future__ import annotations

import ssl
import threading

_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context (system defaults + certifi's roots) for every client.

    Building one costs 20-40 ms (loading the CA bundle); httpx would build one per client.

    Returns:
        The process-wide context, built on the first call.
    """
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            import certifi

            _ssl_context = ssl.create_default_context(cafile=certifi.where())
        return _ssl_context


def warm_up() -> None:
    """Imports and prepares what the first request needs (run it in a worker thread at startup)."""
    shared_ssl_context()


def certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate failure behind a connection error, if that is what it was.

    Args:
        exc: The error httpx raised; the certificate failure hides in its cause/context chain.

    Returns:
        The verification error, or ``None`` when the failure was something else.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
