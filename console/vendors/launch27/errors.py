"""Launch27's error shapes (both API generations) and its one error function.

2.0 (``/api``): a bad or missing API key is HTTP 406 ``{"code", "message", "errors": ["Missing API key"]}``;
validation is 406 with ``errors`` as ``{field: [messages]}`` or ``[messages]``; 401 when the user is not
authenticated; 403/404/500 ``{"code", "message"}``. v1 (``/v1``): 422 ``{field: [{"type", "message"}]}``
(a taken spot is ``service_date``/``invalid``/"spot has been taken"), 401, 403 (not allowed, or the
login locked after failed attempts), 404, 429.
"""

from __future__ import annotations

import json
import re
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
from console.http.bodies import preview_body
from console.http.retry import parse_retry_after

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

#: shape -> (error type, user message); every documented status and shape has a row.
ERROR_TABLE: dict[str, tuple[type[VendorError], UserMessage]] = {
    "406 api key": (AuthError, UserMessage(
        "Wrong API key", "Launch27 did not accept the API key of this account (API 2.0).",
        "Copy the live key from Launch27 > Settings > General > API Access, then edit the account.")),
    "406 fields": (ValidationError, UserMessage(
        "Please check the form", "Launch27 did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    "406 list": (ValidationError, UserMessage(
        "Launch27 refused the booking", "Launch27 cannot save this booking as it is.",
        "Read Launch27's reason above the form, change the booking and try again.", Severity.WARNING)),
    "401": (AuthError, UserMessage(
        "Wrong email or password", "Launch27 did not accept the email and password of this account.",
        "Check them (and the API key for API 2.0), then edit the account.")),
    "403": (PermissionDenied, UserMessage(
        "Not allowed", "This Launch27 user may not do that (it may not be an admin or the booking's customer).",
        "Log in with an admin user of the account.")),
    "403 locked": (AuthError, UserMessage(
        "Login locked", "Launch27 locked the login after several wrong passwords.",
        "Wait five minutes, then check the password.")),
    "404": (NotFound, UserMessage(
        "Not found", "That booking or page does not exist in Launch27 any more.",
        "Refresh the list; it may have been deleted.", Severity.WARNING)),
    "422": (ValidationError, UserMessage(
        "Please check the form", "Launch27 did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    "422 spot": (SlotUnavailable, UserMessage(
        "Time just taken", "That time was just taken.", "Pick another spot.", Severity.WARNING)),
    "429": (RateLimited, UserMessage(
        "Too many requests", "Launch27 asks Vendor Console to slow down.",
        "The request is repeated by itself after a short wait.", Severity.WARNING)),
    "500": (ServerError, UserMessage("Launch27 failed", "Launch27 had an internal error.", "Try again in a minute.")),
    "4xx": (VendorError, UserMessage("Request refused", "Launch27 refused the request.", "Try again.")),
    "5xx": (ServerError, UserMessage("Launch27 unavailable", "Launch27 is not answering properly.",
                                     "Try again in a few minutes.")),
}

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


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):
        return None


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
    body = _body(response)
    message = str(body.get("message")) if isinstance(body, dict) and body.get("message") else ""
    common: dict[str, Any] = {"status": status, "body": preview_body(response),
                              "reference": response.headers.get("x-request-id")}
    if status == 406:
        raw = body.get("errors") if isinstance(body, dict) else None
        fields, general = _field_errors(raw)
        if any(_KEY_WORDS.search(g) for g in general) and not fields:
            kind, user = ERROR_TABLE["406 api key"]
            return kind(VENDOR, "; ".join(general), user_message=user, vendor_code="406", **common)
        if SLOT_FIELD in fields and any(_SPOT_WORDS.search(m) for m in fields[SLOT_FIELD]):
            kind, user = ERROR_TABLE["422 spot"]
            return kind(VENDOR, "; ".join(fields[SLOT_FIELD]), user_message=user, vendor_code="406",
                        fields={SLOT_FIELD: [f"{user.text} {user.next_step}"]}, **common)
        row = "406 fields" if fields else "406 list"
        kind, user = ERROR_TABLE[row]
        text = "; ".join(general) or message or user.text
        return kind(VENDOR, text, user_message=user, vendor_code="406", fields=fields, general=general, **common)
    if status == 422:
        fields, general = _field_errors(body)
        slot = fields.get(SLOT_FIELD, [])
        if slot and any(_SPOT_WORDS.search(m) for m in slot):
            kind, user = ERROR_TABLE["422 spot"]
            return kind(VENDOR, "; ".join(slot), user_message=user, vendor_code="422",
                        fields={**fields, SLOT_FIELD: [f"{user.text} {user.next_step}"]}, general=general, **common)
        kind, user = ERROR_TABLE["422"]
        text = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items()) or "; ".join(general) or user.text
        return kind(VENDOR, text, user_message=user, vendor_code="422", fields=fields, general=general, **common)
    if status == 429:
        kind, user = ERROR_TABLE["429"]
        return RateLimited(VENDOR, message or user.text, user_message=user, vendor_code="429",
                           retry_after=parse_retry_after(response.headers.get("retry-after")), **common)
    key = str(status)
    if status == 403 and _LOCK_WORDS.search(message or ""):
        key = "403 locked"
    if key not in ERROR_TABLE:
        key = "5xx" if status >= 500 else "4xx"
    kind, user = ERROR_TABLE[key]
    return kind(VENDOR, message or user.text, user_message=user, vendor_code=str(status), **common)
