"""Setster's error tables (``statusCode`` 1..11 and HTTP statuses) and its one error function.

Setster answers ``{"statusCode": n, "<description>": "...", "data": ...}``; any ``statusCode`` other
than 0 or ``null`` is an error whatever the HTTP status (README decision). The description key has
three spellings in the sources; all are read (the published bodies use ``statusDescriptions``).

A write answered 403 without a ``statusCode`` reaches :func:`to_error` only after the session layer
logged in again and resent it once (``SetsterSession.is_expired``): it is Setster refusing the change
(published-samples.md:44-48, :class:`ChangeRefused`), never a session failure. A read answered so
stays a session failure (``HTTP 403``, "Session refused").
"""

from __future__ import annotations

import re
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from console.core.errors import (
    AuthError,
    BadResponse,
    Conflict,
    NotFound,
    PermissionDenied,
    ServerError,
    Severity,
    SlotUnavailable,
    UserMessage,
    ValidationError,
    VendorError,
)
from console.http.bodies import preview_body
from console.vendors.errorkit import CodeTable, error_tables, json_body, label

if TYPE_CHECKING:
    import httpx

VENDOR = "setster"
NAME = "Setster"
DESCRIPTION_KEYS = ("statusDescription", "statusDescriptions", "description")
#: The form field a slot error belongs to.
SLOT_FIELD = "start_date"


class StatusCode(IntEnum):
    """Setster's ``statusCode`` values other than 0 (OK), by the names its documentation gives them."""

    INVALID_PARAMETERS = 1
    INVALID_CREDENTIALS = 2
    ACCOUNT_NOT_ACTIVE = 3
    INTERNAL_ERROR = 4
    ERROR_SAVING_ENTITY = 5
    ERROR_DELETING = 6
    NOT_FOUND = 7
    NOT_ALLOWED = 8
    SLOT_NOT_AVAILABLE = 9
    SLOT_OCCUPIED = 10
    ACCOUNTS_LIMIT_REACHED = 11


#: statusCode -> (error type, user message)
STATUS_TABLE = CodeTable(VENDOR, StatusCode, {
    StatusCode.INVALID_PARAMETERS: (ValidationError, UserMessage(
        "Setster did not accept the values", "Some of the values sent to Setster are missing or not valid.",
        "Check the form (dates, required fields) and try again.", Severity.WARNING)),
    StatusCode.INVALID_CREDENTIALS: (AuthError, UserMessage(
        "Wrong email or API key", "Setster did not accept the owner email and API key of this account.",
        "Copy the API key again from your Setster account (Settings > API) and check the email.")),
    # published-samples.md:49: a wrong API key answers 401 with statusCode 3; the vendor's own title for
    # that answer is "Account is not active or Incorrect API key". The key is the likelier cause: first.
    StatusCode.ACCOUNT_NOT_ACTIVE: (AuthError, UserMessage(
        "Wrong API key or inactive account",
        'Setster answered "Account is not active or Incorrect API key": the API key may be wrong, '
        "or the account's subscription may not be active.",
        "Copy the API key again from your Setster account (Settings > API) and check the owner email; "
        "if both are right, check the subscription in Setster or ask the account owner.")),
    StatusCode.INTERNAL_ERROR: (ServerError, UserMessage(
        "Setster failed", "Setster had an internal error.", "Try again in a minute.")),
    StatusCode.ERROR_SAVING_ENTITY: (VendorError, UserMessage(
        "Not saved", "Setster could not save the record.",
        "Check the values (an email may already be in use) and save again.")),
    StatusCode.ERROR_DELETING: (VendorError, UserMessage(
        "Not deleted", "Setster could not delete the record.",
        "It may still be in use (for example by appointments); try again or check in Setster.")),
    StatusCode.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "That record does not exist in Setster any more.",
        "Refresh the list; someone may have deleted it.", Severity.WARNING)),
    StatusCode.NOT_ALLOWED: (PermissionDenied, UserMessage(
        "Not allowed", "This Setster user may not do that.",
        "Ask the account owner for the permission, or use an owner account.")),
    StatusCode.SLOT_NOT_AVAILABLE: (SlotUnavailable, UserMessage(
        "Time not available", "That time is not bookable (outside working hours, or too soon).",
        "Pick another time from the list.", Severity.WARNING)),
    StatusCode.SLOT_OCCUPIED: (SlotUnavailable, UserMessage(
        "Time just taken", "That time was just taken.", "Pick another slot.", Severity.WARNING)),
    StatusCode.ACCOUNTS_LIMIT_REACHED: (VendorError, UserMessage(
        "Plan limit reached", "This Setster plan allows no more of these (providers, locations or accounts).",
        "Upgrade the plan in Setster, or remove one first.")),
})


class HttpCode(StrEnum):
    """The HTTP statuses of answers without a usable ``statusCode``, and the two classes for the others."""

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    INTERNAL = "500"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


#: HTTP status (or class) -> (error type, user message), for answers without a usable statusCode.
HTTP_TABLE = CodeTable(VENDOR, HttpCode, {
    HttpCode.BAD_REQUEST: (ValidationError, UserMessage(
        "Request not accepted", "Setster said the request was bad or invalid.",
        "Check the values and try again.", Severity.WARNING)),
    HttpCode.UNAUTHORIZED: (AuthError, UserMessage(
        "Not logged in", "Setster refused the login of this account.", "Check the owner email and API key.")),
    # A read refused with 403 after a fresh login; a write is a refused change (REFUSED_CHANGES).
    HttpCode.FORBIDDEN: (AuthError, UserMessage(
        "Session refused", "Setster refused the session even after logging in again.",
        "Check the owner email and API key, then try again.")),
    HttpCode.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "Setster does not know this address or record.", "Refresh the list.", Severity.WARNING)),
    HttpCode.INTERNAL: (ServerError, UserMessage(
        "Setster failed", "Setster had a server error.", "Try again in a minute.")),
    HttpCode.CLIENT_ERROR: (VendorError, UserMessage("Request refused", "Setster refused the request.", "Try again.")),
    HttpCode.SERVER_ERROR: (ServerError, UserMessage(
        "Setster unavailable", "Setster is not answering properly.", "Try again in a few minutes.")),
}, prefix="HTTP ")


class ChangeRefused(Conflict):
    """Setster refused a write with HTTP 403 again after a fresh login: the change, not the session.

    published-samples.md:44-48: "The appointment can not be created" is HTTP 403 with
    ``{"statusCode": null, "statusDescriptions": "OK", "data": {}}``, which cannot be told from an
    expired session by its body. The client logs in again and resends once; a second 403 is this.
    """

    default_title = "Setster refused this change"


_TRY_ANOTHER_TIME = ("Pick another time (refresh the free times) and save again; if Setster keeps refusing, "
                     "check the account's booking rules in Setster.")
_CHECK_PERMISSION = "Check in Setster that this account may make this change, then try again."
#: (method, resource) -> what Setster refused, for a write refused with 403 after a fresh login.
REFUSED_CHANGES: dict[tuple[str, str], UserMessage] = {
    ("POST", "appointment"): UserMessage(
        ChangeRefused.default_title, "The appointment could not be created: the time may no longer be free, "
        "or the account may not allow it.", _TRY_ANOTHER_TIME, Severity.WARNING),
    ("PUT", "appointment"): UserMessage(
        ChangeRefused.default_title, "The appointment could not be changed: the account may not allow it.",
        _CHECK_PERMISSION, Severity.WARNING),
    # The client knows which PUT it sent (SetsterClient.run_action) and says so.
    ("RESCHEDULE", "appointment"): UserMessage(
        ChangeRefused.default_title, "The appointment could not be moved: the new time may no longer be free, "
        "or the account may not allow it.", _TRY_ANOTHER_TIME, Severity.WARNING),
    ("CANCEL", "appointment"): UserMessage(
        ChangeRefused.default_title, "The appointment could not be cancelled: the account may not allow it.",
        _CHECK_PERMISSION, Severity.WARNING),
    ("DELETE", "appointment"): UserMessage(
        ChangeRefused.default_title, "The appointment could not be deleted: the account may not allow it.",
        _CHECK_PERMISSION, Severity.WARNING),
    ("POST", "client"): UserMessage(
        ChangeRefused.default_title, "The client could not be added: the account may not allow it.",
        _CHECK_PERMISSION, Severity.WARNING),
    ("PUT", "client"): UserMessage(
        ChangeRefused.default_title, "The client could not be saved: the account may not allow it.",
        _CHECK_PERMISSION, Severity.WARNING),
    ("DELETE", "client"): UserMessage(
        ChangeRefused.default_title, "The client could not be deleted: it may still have appointments, "
        "or the account may not allow it.", _CHECK_PERMISSION, Severity.WARNING),
}
_REFUSED_OTHER = UserMessage(ChangeRefused.default_title, "Setster did not make the change: the account may "
                             "not allow it.", _CHECK_PERMISSION, Severity.WARNING)
#: Every code's user message (``VendorSpec.error_table``); an unknown ``statusCode`` is said with its number.
MESSAGES = {**error_tables(STATUS_TABLE, HTTP_TABLE), "HTTP 403 other change": _REFUSED_OTHER,
            **{f"HTTP 403 {what} /{resource}": message for (what, resource), message in REFUSED_CHANGES.items()}}
_RESOURCE = re.compile(r"/(appointment|client|service|employee|location)(?:/[^/]*)?/?$")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refused_change(method: str, path: str, *, preview: str | None = None, text: str = "",
                   fields: dict[str, list[str]] | None = None) -> ChangeRefused:
    """The error for a write Setster refused with 403 after a fresh login (never a session failure).

    Args:
        method: The HTTP method, or the action the client sent it for (``RESCHEDULE``, ``CANCEL``).
        path: The request path (its resource picks the sentence of :data:`REFUSED_CHANGES`).
        preview: The start of the answer's body, for the request log.
        text: The vendor's description ("OK" in the published body says nothing and is left out).
        fields: Messages per form field (the client puts a refused booking on its time field).
    """
    match = _RESOURCE.search(path)
    message = REFUSED_CHANGES.get((method, match.group(1) if match else ""), _REFUSED_OTHER)
    return ChangeRefused(VENDOR, text if text and text != "OK" else message.text, user_message=message,
                         status=403, vendor_code="403", body=preview, fields=fields)


def description(body: Any) -> str:
    """The vendor's description text, whichever key spelling it used."""
    if isinstance(body, dict):
        for key in DESCRIPTION_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def status_code(body: Any) -> int | None:
    """The envelope's ``statusCode`` as an int (``None`` for absent, null or 0 = OK)."""
    if not isinstance(body, dict):
        return None
    raw = body.get("statusCode")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        code = int(raw)
    except (TypeError, ValueError):
        return -1
    return code or None


def error_for_code(code: int, body: Any, *, http_status: int | None = None, preview: str | None = None) -> VendorError:
    """The typed error for a non-zero ``statusCode`` (unknown codes keep the vendor's description)."""
    text = description(body)
    known = STATUS_TABLE.code(code)
    if known is None:
        message = UserMessage("Setster refused the request",
                              f"Setster answered with code {code}" + (f": {text}" if text else "."),
                              "Try again; if it keeps happening, report the code to Setster support.")
        return VendorError(VENDOR, text or f"statusCode {code}", user_message=message, status=http_status,
                           vendor_code=str(code), body=preview)
    kind, message = STATUS_TABLE[known]
    fields: dict[str, list[str]] = {}
    if kind is SlotUnavailable:
        fields = {SLOT_FIELD: [message.text + " " + message.next_step]}
    return STATUS_TABLE.error(known, text or known.name, status=http_status, vendor_code=label(known), body=preview,
                              fields=fields)


def to_error(response: httpx.Response) -> VendorError:
    """Turns a Setster HTTP error answer into a typed error (the vendor's one error function)."""
    body = json_body(response)
    preview = preview_body(response)
    code = status_code(body)
    if code is not None and code > 0:
        return error_for_code(code, body, http_status=response.status_code, preview=preview)
    status = response.status_code
    request = _request_of(response)
    if status == 403 and request is not None and request.method in WRITE_METHODS:
        # The session layer renewed the session and resent the write once before this answer came
        # (SetsterSession.is_expired): a 403 again is Setster refusing the change (published-samples.md:44).
        return refused_change(request.method, request.url.path, preview=preview, text=description(body))
    return HTTP_TABLE.from_response(HTTP_TABLE.for_status(status), response, description(body))


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built without its request (tests)
        return None


def unwrap(body: Any, http_status: int) -> Any:
    """Returns the envelope's ``data``; raises the typed error for a non-zero ``statusCode``.

    Raises:
        BadResponse: The body is not a Setster envelope.
        VendorError: ``statusCode`` says the call failed (even with HTTP 200).
    """
    if not isinstance(body, dict) or ("data" not in body and "statusCode" not in body):
        raise BadResponse(VENDOR, "the answer is not a Setster envelope", status=http_status)
    code = status_code(body)
    if code is not None:
        if code < 0:
            raise BadResponse(VENDOR, "'statusCode' is not a number", status=http_status)
        raise error_for_code(code, body, http_status=http_status)
    return body.get("data")
