"""The error tree every layer speaks.

Raw transport exceptions never leave ``console.http``; vendor packages turn every vendor answer that is
not a success into one of these, driven by their error table. Each error carries a :class:`UserMessage`
(title, sentence, next step, severity) so the UI shows the table's words and never invents its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How loudly the UI should report an error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class UserMessage:
    """Text for a person: what happened and what to do next.

    Attributes:
        title: A short heading ("Wrong API key").
        text: One or two sentences saying what happened.
        next_step: What the user can do about it.
        severity: How loudly to report it.
    """

    title: str
    text: str
    next_step: str = ""
    severity: Severity = Severity.ERROR

    def render(self) -> str:
        """Returns the message as one paragraph of plain text."""
        parts = [f"{self.title}: {self.text}"]
        if self.next_step:
            parts.append(self.next_step)
        return " ".join(parts)


class ConsoleError(Exception):
    """Base of every error Vendor Console raises on purpose.

    Args:
        message: What the user reads (already free of secrets).
        user_message: The table's text; defaults to a generic one built from ``message``.
    """

    default_title = "Something went wrong"

    def __init__(self, message: str, *, user_message: UserMessage | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.user_message = user_message or UserMessage(self.default_title, message)

    def __str__(self) -> str:
        um = self.user_message
        detail = f" ({self.message})" if self.message and self.message != um.text else ""
        return f"{um.title}: {um.text}{detail}"


class VendorError(ConsoleError):
    """The vendor answered, and the answer was an error.

    Args:
        vendor: Vendor id (``systeme``...).
        message: The vendor's own description, or the table's sentence when the vendor gave none.
        user_message: The error table's text for this code.
        status: HTTP status of the answer.
        vendor_code: The vendor's own code when it has one (Setster ``statusCode``, SetSmart ``error.code``).
        reference: A token the vendor support can look up (request id, Setera log token).
        body: The start of the answer's body, secrets masked, for the request log.
        fields: Messages per form field key, when the error belongs to fields (validation, a slot).
        general: Messages that belong to no single field.
    """

    default_title = "The vendor refused the request"

    def __init__(
        self,
        vendor: str,
        message: str,
        *,
        user_message: UserMessage | None = None,
        status: int | None = None,
        vendor_code: str | None = None,
        reference: str | None = None,
        body: str | None = None,
        fields: dict[str, list[str]] | None = None,
        general: list[str] | None = None,
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.vendor = vendor
        self.status = status
        self.vendor_code = vendor_code
        self.reference = reference
        self.body = body
        self.fields: dict[str, list[str]] = fields or {}
        self.general: list[str] = general or []

    def __str__(self) -> str:
        um = self.user_message
        detail = f" (vendor said: {self.message})" if self.message and self.message != um.text else ""
        code = f"HTTP {self.status}: " if self.status else ""
        return f"{code}{um.title}: {um.text}{detail}"


class AuthError(VendorError):
    """The credentials were refused (wrong key, expired session that could not be renewed)."""

    default_title = "Login failed"


class PermissionDenied(VendorError):
    """The credentials are valid but may not do this."""

    default_title = "Not allowed"


class NotFound(VendorError):
    """The record or endpoint does not exist (any more)."""

    default_title = "Not found"


class Conflict(VendorError):
    """The request clashes with the record's current state."""

    default_title = "Conflict"


class SlotUnavailable(Conflict):
    """A booking slot or date range is no longer free."""

    default_title = "Time not available"


class ValidationError(VendorError):
    """The vendor rejected some input; ``fields`` maps form field keys to messages."""

    default_title = "Please check the form"


class RateLimited(VendorError):
    """The vendor asked to wait; ``retry_after`` is in seconds when known."""

    default_title = "Too many requests"

    def __init__(self, vendor: str, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(vendor, message, **kwargs)
        self.retry_after = retry_after


class ServerError(VendorError):
    """The vendor failed (5xx) even after the retries the policy allows."""

    default_title = "The vendor's server failed"


class UnsupportedOperation(ConsoleError):
    """The vendor or dataset has no such operation."""

    default_title = "Not supported"


class ConnectionFailed(ConsoleError):
    """The request never got an answer: refused, DNS, TLS, dropped.

    Args:
        message: What failed, free of secrets.
        vendor: Vendor id when known.
        user_message: Text for the user.
    """

    default_title = "Cannot reach the vendor"

    def __init__(self, message: str, *, vendor: str = "", user_message: UserMessage | None = None) -> None:
        super().__init__(message, user_message=user_message)
        self.vendor = vendor


class TimedOut(ConnectionFailed):
    """No answer within the account's timeout."""

    default_title = "The vendor did not answer in time"


class WriteOutcomeUnknown(ConnectionFailed):
    """A write was sent but the connection failed before the answer: it may or may not have happened.

    Such a write is never re-sent blindly; the user re-reads the record first.
    """

    default_title = "Outcome unknown"


class InsecureConnection(ConsoleError):
    """The account's base URL is plain HTTP to another computer and the account does not allow it."""

    default_title = "Insecure address refused"


class BadResponse(ConsoleError):
    """The vendor answered with a body that is not what its documentation describes.

    Args:
        vendor: Vendor id.
        message: What was wrong with the body.
        status: HTTP status of the answer.
        body: The start of the body, for the request log.
    """

    default_title = "Unexpected answer from the vendor"

    def __init__(self, vendor: str, message: str, *, status: int | None = None, body: str | None = None) -> None:
        super().__init__(
            message,
            user_message=UserMessage(
                self.default_title,
                f"The vendor sent something Vendor Console cannot read ({message}).",
                "Try again in a moment; if it keeps happening, open the request log and report the answer.",
            ),
        )
        self.vendor = vendor
        self.status = status
        self.body = body


class KeychainUnavailable(ConsoleError):
    """The OS keychain cannot be used (no D-Bus session, locked or missing SecretService)."""

    default_title = "No keychain available"


class ConfigError(ConsoleError):
    """A configuration file could not be read or written."""

    default_title = "Settings problem"
