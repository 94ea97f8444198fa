"""SetSmart's error table and its one error function.

The body is ``{"error": {"code": "<snake_case>", "message": "...", "details": {"<field>": ["..."]}}}``
(README decision: the seed names the statuses but not the body). Every status the seed lists has a row.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    Severity,
    SlotUnavailable,
    UserMessage,
    ValidationError,
    VendorError,
)
from console.vendors.errorkit import CodeTable, error_tables, json_body

if TYPE_CHECKING:
    import httpx

VENDOR = "setsmart"
NAME = "SetSmart"
DATE_FIELDS = ("check_in", "check_out")


class Code(StrEnum):
    """SetSmart's codes.

    HTTP statuses, a status with the body's ``error.code`` where that words it better, and the two
    classes for the others.
    """

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    CONFLICT = "409"
    DATES_UNAVAILABLE = "409 dates_unavailable"
    HAS_RESERVATIONS = "409 has_reservations"
    ALREADY_CANCELLED = "409 already_cancelled"
    TOO_MANY_REQUESTS = "429"
    INTERNAL = "500"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


#: status (or an error code, or a class) -> (error type, user message)
ERROR_TABLE = CodeTable(VENDOR, Code, {
    Code.BAD_REQUEST: (ValidationError, UserMessage(
        "Please check the form", "SetSmart did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    Code.UNAUTHORIZED: (AuthError, UserMessage(
        "Wrong API key", "SetSmart did not accept the API key of this account.",
        "Check the key in SetSmart's dashboard (Settings > API keys), then edit the account.")),
    Code.FORBIDDEN: (PermissionDenied, UserMessage(
        "Key not allowed", "This SetSmart API key lacks the permission for that.",
        "Use a key with write access, or ask the account owner to extend this one.")),
    Code.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "That property or reservation does not exist in SetSmart any more.",
        "Refresh the list; it may have been deleted.", Severity.WARNING)),
    Code.CONFLICT: (Conflict, UserMessage(
        "Conflict", "SetSmart refused the change because of the record's current state.",
        "Refresh the record and try again.")),
    Code.DATES_UNAVAILABLE: (SlotUnavailable, UserMessage(
        "Dates not available", "The property is already booked for some of these nights.",
        "Pick other dates, or another property.", Severity.WARNING)),
    Code.HAS_RESERVATIONS: (Conflict, UserMessage(
        "Property still booked", "SetSmart keeps properties that have reservations still to come.",
        "Deactivate the property to stop new bookings, or cancel its upcoming reservations first.",
        Severity.WARNING)),
    Code.ALREADY_CANCELLED: (Conflict, UserMessage(
        "Already cancelled", "This reservation was already cancelled in SetSmart.",
        "Refresh the list to see its current state.", Severity.WARNING)),
    Code.TOO_MANY_REQUESTS: (RateLimited, UserMessage(
        "Request limit reached", "SetSmart's request quota for this key is used up for now.",
        "The console waits for the quota to refill; the status bar counts down.", Severity.WARNING)),
    Code.INTERNAL: (ServerError, UserMessage(
        "SetSmart failed", "SetSmart had an internal error.", "Try again in a minute.")),
    Code.CLIENT_ERROR: (VendorError, UserMessage("Request refused", "SetSmart refused the request.", "Try again.")),
    Code.SERVER_ERROR: (ServerError, UserMessage(
        "SetSmart unavailable", "SetSmart is not answering properly.", "Try again in a few minutes.")),
})
#: Every code's user message (``VendorSpec.error_table``).
MESSAGES = error_tables(ERROR_TABLE)


def _error_object(response: httpx.Response) -> dict[str, Any]:
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _details(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        return {}
    fields: dict[str, list[str]] = {}
    for field, messages in raw.items():
        items = messages if isinstance(messages, list) else [messages]
        fields[str(field)] = [str(m) for m in items if m not in (None, "")]
    return {k: v for k, v in fields.items() if v}


def to_error(response: httpx.Response) -> VendorError:
    """Turns a SetSmart error answer into a typed error (the vendor's one error function)."""
    status = response.status_code
    error = _error_object(response)
    code = str(error.get("code") or "")
    message = str(error.get("message") or "")
    fields = _details(error.get("details"))
    row = ERROR_TABLE.for_status(status, f"{status} {code}")
    kind, user = ERROR_TABLE[row]
    general: list[str] | None = None
    if kind is SlotUnavailable:
        note = f"{user.text} {user.next_step}"
        fields = {**fields, **{f: [note] for f in DATE_FIELDS if f not in fields}}
    elif kind is RateLimited:
        fields = {}
    else:
        general = [message] if message and not fields else []
    return ERROR_TABLE.from_response(row, response, message, vendor_code=code or str(status),
                                     reference=response.headers.get("x-request-id"), fields=fields, general=general)
