"""Setera OneCloud's error table and its one error function.

Statuses from the seed (400, 401, 403, 404, 405, 409, 500, 501); on errors the server may add
``Warning: 703 ... see <token>``, a log reference to quote to Setera support. 400 bodies may carry a
validation result; its shape is unknown upstream, so this package reads ``{"errors": [{"field",
"message"}]}`` (the emulator's choice, kept in one place here) and plain ``message``/``detail`` text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    ServerError,
    Severity,
    UserMessage,
    ValidationError,
    VendorError,
)
from console.http.bodies import preview_body

if TYPE_CHECKING:
    import httpx

VENDOR = "setera"
NAME = "Setera OneCloud"
_WARNING = re.compile(r"\b703\b.*?see\s+[\"']?([A-Za-z0-9._:/-]+)", re.IGNORECASE)

ERROR_TABLE: dict[str, tuple[type[VendorError], UserMessage]] = {
    "400": (ValidationError, UserMessage(
        "Request not accepted", "OneCloud did not accept the request (a value, header or address is not valid).",
        "Check the values marked in red; if none are, report the reference to Setera support.", Severity.WARNING)),
    "401": (AuthError, UserMessage(
        "Token not accepted", "OneCloud did not accept the API token of this account (missing, revoked or expired).",
        "Ask your OneCloud administrator for a new API ticket token, then edit the account.")),
    "403": (PermissionDenied, UserMessage(
        "Not allowed", "OneCloud refused this for the account's token (the ticket may not cover this API).",
        "Ask your OneCloud administrator to grant the ticket access to this API.")),
    "403 user token": (PermissionDenied, UserMessage(
        "A user token is needed", "Contact search works only with a user's token; this account uses a "
        "superuser (administrator) token.",
        "Create an API ticket for a user (not a superuser) and use its token for this account.")),
    "404": (NotFound, UserMessage(
        "Not found", "OneCloud has no such contact, group or address.",
        "Check the account's domain and user, then refresh.", Severity.WARNING)),
    "405": (VendorError, UserMessage(
        "Method not allowed", "OneCloud does not allow this operation here.",
        "If your network blocks PUT and DELETE, turn on “Send PUT/DELETE as POST” in the account's settings.")),
    "409": (Conflict, UserMessage(
        "Conflict", "OneCloud refused the change because of the current state (for example a duplicate).",
        "Refresh and try again.")),
    "500": (ServerError, UserMessage(
        "OneCloud failed", "OneCloud had an internal error.", "Try again; if it persists, report the reference.")),
    "501": (VendorError, UserMessage(
        "Not available", "This OneCloud installation does not offer that yet.",
        "Ask Setera whether the feature can be enabled.")),
    "4xx": (VendorError, UserMessage("Request refused", "OneCloud refused the request.", "Try again.")),
    "5xx": (ServerError, UserMessage("OneCloud unavailable", "OneCloud is not answering properly.",
                                     "Try again in a few minutes.")),
}

def reference_of(headers: Mapping[str, str]) -> str:
    """The log token of a ``Warning: 703 ... see <token>`` header ("" when none)."""
    match = _WARNING.search(headers.get("warning", "") or "")
    return match.group(1) if match else ""


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):
        return None


def to_error(response: httpx.Response, row: str | None = None) -> VendorError:
    """Turns a OneCloud error answer into a typed error (the vendor's one error function).

    Args:
        response: The answer.
        row: A more specific table row the caller knows applies (``"403 user token"`` on contact search).
    """
    status = response.status_code
    key = row or str(status)
    if key not in ERROR_TABLE:
        key = "5xx" if status >= 500 else "4xx"
    kind, user = ERROR_TABLE[key]
    body = _body(response)
    message = ""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if isinstance(body, dict):
        message = str(body.get("message") or body.get("detail") or "")
        errors = body.get("errors")
        if isinstance(errors, list):
            for item in errors:
                if isinstance(item, dict) and item.get("message"):
                    field = str(item.get("field") or "")
                    (fields.setdefault(field, []) if field else general).append(str(item["message"]))
    reference = reference_of(response.headers)
    return kind(VENDOR, message or user.text, user_message=user, status=status, vendor_code=str(status),
                reference=reference or None, body=preview_body(response), fields=fields, general=general)
