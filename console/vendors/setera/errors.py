"""Setera OneCloud's error table and its one error function.

Statuses from the seed (400, 401, 403, 404, 405, 409, 500, 501); on errors the server may add
``Warning: 703 ... see <token>``, a log reference to quote to Setera support. 400 bodies may carry a
validation result; its shape is unknown upstream, so this package reads ``{"errors": [{"field",
"message"}]}`` (the emulator's choice, kept in one place here) and plain ``message``/``detail`` text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

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
from console.vendors.errorkit import CodeTable, error_tables, json_body

if TYPE_CHECKING:
    import httpx

VENDOR = "setera"
NAME = "Setera OneCloud"
_WARNING = re.compile(r"\b703\b.*?see\s+[\"']?([A-Za-z0-9._:/-]+)", re.IGNORECASE)


class Code(StrEnum):
    """OneCloud's codes: the seed's HTTP statuses, the contact search's 403, and the two classes for the others."""

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    USER_TOKEN_NEEDED = "403 user token"
    NOT_FOUND = "404"
    METHOD_NOT_ALLOWED = "405"
    CONFLICT = "409"
    INTERNAL = "500"
    NOT_IMPLEMENTED = "501"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


ERROR_TABLE = CodeTable(VENDOR, Code, {
    Code.BAD_REQUEST: (ValidationError, UserMessage(
        "Request not accepted", "OneCloud did not accept the request (a value, header or address is not valid).",
        "Check the values marked in red; if none are, report the reference to Setera support.", Severity.WARNING)),
    Code.UNAUTHORIZED: (AuthError, UserMessage(
        "Token not accepted", "OneCloud did not accept the API token of this account (missing, revoked or expired).",
        "Ask your OneCloud administrator for a new API ticket token, then edit the account.")),
    Code.FORBIDDEN: (PermissionDenied, UserMessage(
        "Not allowed", "OneCloud refused this for the account's token (the ticket may not cover this API).",
        "Ask your OneCloud administrator to grant the ticket access to this API.")),
    Code.USER_TOKEN_NEEDED: (PermissionDenied, UserMessage(
        "A user token is needed", "Contact search works only with a user's token; this account uses a "
        "superuser (administrator) token.",
        "Create an API ticket for a user (not a superuser) and use its token for this account.")),
    Code.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "OneCloud has no such contact, group or address.",
        "Check the account's domain and user, then refresh.", Severity.WARNING)),
    Code.METHOD_NOT_ALLOWED: (VendorError, UserMessage(
        "Method not allowed", "OneCloud does not allow this operation here.",
        "If your network blocks PUT and DELETE, turn on “Send PUT/DELETE as POST” in the account's settings.")),
    Code.CONFLICT: (Conflict, UserMessage(
        "Conflict", "OneCloud refused the change because of the current state (for example a duplicate).",
        "Refresh and try again.")),
    Code.INTERNAL: (ServerError, UserMessage(
        "OneCloud failed", "OneCloud had an internal error.", "Try again; if it persists, report the reference.")),
    Code.NOT_IMPLEMENTED: (VendorError, UserMessage(
        "Not available", "This OneCloud installation does not offer that yet.",
        "Ask Setera whether the feature can be enabled.")),
    Code.CLIENT_ERROR: (VendorError, UserMessage("Request refused", "OneCloud refused the request.", "Try again.")),
    Code.SERVER_ERROR: (ServerError, UserMessage(
        "OneCloud unavailable", "OneCloud is not answering properly.", "Try again in a few minutes.")),
})
#: Every code's user message (``VendorSpec.error_table``).
MESSAGES = error_tables(ERROR_TABLE)


def reference_of(headers: Mapping[str, str]) -> str:
    """The log token of a ``Warning: 703 ... see <token>`` header ("" when none)."""
    match = _WARNING.search(headers.get("warning", "") or "")
    return match.group(1) if match else ""


def to_error(response: httpx.Response, row: Code | None = None) -> VendorError:
    """Turns a OneCloud error answer into a typed error (the vendor's one error function).

    Args:
        response: The answer.
        row: A more specific table row the caller knows applies (``Code.USER_TOKEN_NEEDED`` on contact search).
    """
    code = ERROR_TABLE.for_status(response.status_code, row)
    body = json_body(response)
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
    return ERROR_TABLE.from_response(code, response, message, reference=reference_of(response.headers) or None,
                                     fields=fields, general=general)
