"""Launch27's error shapes (both API generations) and its one error function.

2.0 (``/api``): a bad or missing API key is HTTP 406 ``{"code", "message", "errors": ["Missing API key"]}``;
validation is 406 with ``errors`` as ``{field: [messages]}`` or ``[messages]``; 401 when the user is not
authenticated; 403/404/500 ``{"code", "message"}``. v1 (``/v1``): 422 ``{field: [{"type", "message"}]}``
(a taken spot is ``service_date``/``invalid``/"spot has been taken"), 401, 403 (not allowed, or the
login locked after failed attempts), 404, 429.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from console.core.errors import (
    AuthError,
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

VENDOR = "launch27"
NAME = "Launch27"
#: The form field a taken spot belongs to.
SLOT_FIELD = "service_date"
#: Vendor field paths that are not form keys of the same name.
FIELD_ALIASES = {"user.email": "email", "user.first_name": "first_name", "user.last_name": "last_name",
                 "email": "email", "services": "service_id", "services.0.id": "service_id",
                 "frequency": "frequency_id", "payment_method": "payment_method"}


class Code(StrEnum):
    """Launch27's codes: a status with the shape of its body where one status means several things."""

    API_KEY = "406 api key"
    FIELDS = "406 fields"
    REFUSED = "406 list"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    LOCKED = "403 locked"
    NOT_FOUND = "404"
    UNPROCESSABLE = "422"
    SPOT_TAKEN = "422 spot"
    TOO_MANY_REQUESTS = "429"
    INTERNAL = "500"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


#: shape -> (error type, user message); every documented status and shape has a row.
ERROR_TABLE = CodeTable(VENDOR, Code, {
    Code.API_KEY: (AuthError, UserMessage(
        "Wrong API key", "Launch27 did not accept the API key of this account (API 2.0).",
        "Copy the live key from Launch27 > Settings > General > API Access, then edit the account.")),
    Code.FIELDS: (ValidationError, UserMessage(
        "Please check the form", "Launch27 did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    Code.REFUSED: (ValidationError, UserMessage(
        "Launch27 refused the booking", "Launch27 cannot save this booking as it is.",
        "Read Launch27's reason above the form, change the booking and try again.", Severity.WARNING)),
    Code.UNAUTHORIZED: (AuthError, UserMessage(
        "Wrong email or password", "Launch27 did not accept the email and password of this account.",
        "Check them (and the API key for API 2.0), then edit the account.")),
    Code.FORBIDDEN: (PermissionDenied, UserMessage(
        "Not allowed", "This Launch27 user may not do that (it may not be an admin or the booking's customer).",
        "Log in with an admin user of the account.")),
    Code.LOCKED: (AuthError, UserMessage(
        "Login locked", "Launch27 locked the login after several wrong passwords.",
        "Wait five minutes, then check the password.")),
    Code.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "That booking or page does not exist in Launch27 any more.",
        "Refresh the list; it may have been deleted.", Severity.WARNING)),
    Code.UNPROCESSABLE: (ValidationError, UserMessage(
        "Please check the form", "Launch27 did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    Code.SPOT_TAKEN: (SlotUnavailable, UserMessage(
        "Time just taken", "That time was just taken.", "Pick another spot.", Severity.WARNING)),
    Code.TOO_MANY_REQUESTS: (RateLimited, UserMessage(
        "Too many requests", "Launch27 asks Vendor Console to slow down.",
        "The request is repeated by itself after a short wait.", Severity.WARNING)),
    Code.INTERNAL: (ServerError, UserMessage(
        "Launch27 failed", "Launch27 had an internal error.", "Try again in a minute.")),
    Code.CLIENT_ERROR: (VendorError, UserMessage("Request refused", "Launch27 refused the request.", "Try again.")),
    Code.SERVER_ERROR: (ServerError, UserMessage(
        "Launch27 unavailable", "Launch27 is not answering properly.", "Try again in a few minutes.")),
})
#: Every code's user message (``VendorSpec.error_table``).
MESSAGES = error_tables(ERROR_TABLE)

_SPOT_WORDS = re.compile(r"spot|taken|not available|unavailable|cannot book", re.IGNORECASE)
_KEY_WORDS = re.compile(r"api key", re.IGNORECASE)
_LOCK_WORDS = re.compile(r"lock|too many", re.IGNORECASE)


def form_key(path: str) -> str:
    """A vendor field path as the form field key ("user.email" -> "email")."""
    path = path.strip().removeprefix("(root).")
    return FIELD_ALIASES.get(path, path.split(".")[-1] if path.startswith("user.") else path)


def _messages(value: Any, path: str = "") -> list[str]:
    """v1 lists of ``{type, message}`` objects or 2.0 lists of strings, as strings.

    v1 messages repeat the field ("state: String length must be..."); the prefix is dropped.
    """
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        text: Any = item
        if isinstance(item, dict):
            text = item.get("message") or item.get("description") or item.get("type")
        if text is None or text == "":
            continue
        text = str(text)
        if path and text.startswith(f"{path}: "):
            text = text[len(path) + 2:]
        result.append(text)
    return result


def _field_errors(raw: Any) -> tuple[dict[str, list[str]], list[str]]:
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if isinstance(raw, dict):
        for path, value in raw.items():
            if path in ("code", "message"):
                continue
            messages = _messages(value, str(path))
            if path in ("base", ""):
                general.extend(messages)
            elif messages:
                fields.setdefault(form_key(str(path)), []).extend(messages)
    elif isinstance(raw, list):
        general.extend(_messages(raw))
    elif isinstance(raw, str):
        general.append(raw)
    return fields, general


def to_error(response: httpx.Response) -> VendorError:
    """Turns a Launch27 error answer (either generation) into a typed error."""
    status = response.status_code
    body = json_body(response)
    message = str(body.get("message")) if isinstance(body, dict) and body.get("message") else ""
    reference = response.headers.get("x-request-id")
    if status == 406:
        raw = body.get("errors") if isinstance(body, dict) else None
        fields, general = _field_errors(raw)
        if any(_KEY_WORDS.search(g) for g in general) and not fields:
            return ERROR_TABLE.from_response(Code.API_KEY, response, "; ".join(general), reference=reference)
        if SLOT_FIELD in fields and any(_SPOT_WORDS.search(m) for m in fields[SLOT_FIELD]):
            return ERROR_TABLE.from_response(Code.SPOT_TAKEN, response, "; ".join(fields[SLOT_FIELD]),
                                             reference=reference, fields={SLOT_FIELD: [_spot_note()]})
        return ERROR_TABLE.from_response(Code.FIELDS if fields else Code.REFUSED, response,
                                         "; ".join(general) or message, reference=reference, fields=fields,
                                         general=general)
    if status == 422:
        fields, general = _field_errors(body)
        slot = fields.get(SLOT_FIELD, [])
        if slot and any(_SPOT_WORDS.search(m) for m in slot):
            return ERROR_TABLE.from_response(Code.SPOT_TAKEN, response, "; ".join(slot), reference=reference,
                                             fields={**fields, SLOT_FIELD: [_spot_note()]}, general=general)
        text = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items()) or "; ".join(general)
        return ERROR_TABLE.from_response(Code.UNPROCESSABLE, response, text, reference=reference, fields=fields,
                                         general=general)
    locked = Code.LOCKED if status == 403 and _LOCK_WORDS.search(message or "") else None
    return ERROR_TABLE.from_response(ERROR_TABLE.for_status(status, locked), response, message, reference=reference)


def _spot_note() -> str:
    user = ERROR_TABLE[Code.SPOT_TAKEN].message
    return f"{user.text} {user.next_step}"
