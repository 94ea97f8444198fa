"""SetSmart's error table and its one error function.

The body is ``{"error": {"code": "<snake_case>", "message": "...", "details": {"<field>": ["..."]}}}``
(README decision: the seed names the statuses but not the body). Every status the seed lists has a row.
"""

from __future__ import annotations

import json
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
from console.http.bodies import preview_body
from console.http.retry import parse_retry_after

if TYPE_CHECKING:
    import httpx

VENDOR = "setsmart"
NAME = "SetSmart"
DATE_FIELDS = ("check_in", "check_out")

#: status (or an error code, or a class) -> (error type, user message)
ERROR_TABLE: dict[str, tuple[type[VendorError], UserMessage]] = {
    "400": (ValidationError, UserMessage(
        "Please check the form", "SetSmart did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    "401": (AuthError, UserMessage(
        "Wrong API key", "SetSmart did not accept the API key of this account.",
        "Check the key in SetSmart's dashboard (Settings > API keys), then edit the account.")),
    "403": (PermissionDenied, UserMessage(
        "Key not allowed", "This SetSmart API key lacks the permission for that.",
        "Use a key with write access, or ask the account owner to extend this one.")),
    "404": (NotFound, UserMessage(
        "Not found", "That property or reservation does not exist in SetSmart any more.",
        "Refresh the list; it may have been deleted.", Severity.WARNING)),
    "409": (Conflict, UserMessage(
        "Conflict", "SetSmart refused the change because of the record's current state.",
        "Refresh the record and try again.")),
    "409 dates_unavailable": (SlotUnavailable, UserMessage(
        "Dates not available", "The property is already booked for some of these nights.",
        "Pick other dates, or another property.", Severity.WARNING)),
    "409 has_reservations": (Conflict, UserMessage(
        "Property still booked", "SetSmart keeps properties that have reservations still to come.",
        "Deactivate the property to stop new bookings, or cancel its upcoming reservations first.",
        Severity.WARNING)),
    "409 already_cancelled": (Conflict, UserMessage(
        "Already cancelled", "This reservation was already cancelled in SetSmart.",
        "Refresh the list to see its current state.", Severity.WARNING)),
    "429": (RateLimited, UserMessage(
        "Request limit reached", "SetSmart's request quota for this key is used up for now.",
        "The console waits for the quota to refill; the status bar counts down.", Severity.WARNING)),
    "500": (ServerError, UserMessage("SetSmart failed", "SetSmart had an internal error.", "Try again in a minute.")),
    "4xx": (VendorError, UserMessage("Request refused", "SetSmart refused the request.", "Try again.")),
    "5xx": (ServerError, UserMessage("SetSmart unavailable", "SetSmart is not answering properly.",
                                     "Try again in a few minutes.")),
}


def _error_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):
        return {}
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
    key = f"{status} {code}" if f"{status} {code}" in ERROR_TABLE else str(status)
    if key not in ERROR_TABLE:
        key = "5xx" if status >= 500 else "4xx"
    kind, user = ERROR_TABLE[key]
    common: dict[str, Any] = {"user_message": user, "status": status, "vendor_code": code or str(status),
                              "body": preview_body(response), "reference": response.headers.get("x-request-id")}
    if kind is SlotUnavailable:
        note = f"{user.text} {user.next_step}"
        fields = {**fields, **{f: [note] for f in DATE_FIELDS if f not in fields}}
        return SlotUnavailable(VENDOR, message or user.text, fields=fields, **common)
    if kind is RateLimited:
        after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimited(VENDOR, message or user.text, retry_after=after, **common)
    general = [message] if message and not fields else []
    return kind(VENDOR, message or user.text, fields=fields, general=general, **common)
