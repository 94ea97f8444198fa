"""Systeme.io's error table and its one function from an error answer to a typed error.

Systeme.io runs on Symfony API Platform: errors are problem+json style bodies with ``detail`` (and on
older versions ``hydra:description``), validation errors add ``violations[{propertyPath, message}]``.
Codes are HTTP statuses (``shared/vendors/systeme.md`` §5, plus the 424 of
``shared/vendors/published-samples.md``); each has a row here.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from console.core.errors import (
    AuthError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    Severity,
    UserMessage,
    ValidationError,
    VendorError,
)
from console.http.bodies import preview_body
from console.http.retry import parse_retry_after

if TYPE_CHECKING:
    import httpx

VENDOR = "systeme"
NAME = "Systeme.io"

#: status (or class "4xx"/"5xx") -> (error type, user message)
ERROR_TABLE: dict[str, tuple[type[VendorError], UserMessage]] = {
    "400": (VendorError, UserMessage(
        "Request not understood", f"{NAME} could not read the request Vendor Console sent.",
        "Try again; if it keeps happening, report it with the request log.")),
    "401": (AuthError, UserMessage(
        "Wrong API key", f"{NAME} did not accept the API key of this account.",
        "Create or copy a key in Systeme.io under Settings > Public API keys, then edit the account.")),
    "403": (PermissionDenied, UserMessage(
        "Access refused", f"{NAME} refused this API key for this request (it may have been revoked).",
        "Check the key in Systeme.io under Settings > Public API keys.")),
    "404": (NotFound, UserMessage(
        "Not found", f"That record does not exist in {NAME} any more.",
        "Refresh the list; someone may have deleted it.", Severity.WARNING)),
    "405": (VendorError, UserMessage(
        "Operation not allowed", f"{NAME} does not allow this operation on this record.", "")),
    "409": (Conflict, UserMessage(
        "Conflict", f"{NAME} refused the change because the record changed meanwhile.",
        "Refresh the record and make the change again.")),
    "415": (VendorError, UserMessage(
        "Request format refused", f"{NAME} refused the format of the request.",
        "This is a Vendor Console bug; please report it with the request log.")),
    "422": (ValidationError, UserMessage(
        "Please check the form", f"{NAME} did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    # published-samples.md:28-29: seen live on SMS endpoints when the integration behind them is not connected.
    "424": (VendorError, UserMessage(
        "Feature not set up", f"This feature is not set up in {NAME}: it needs an integration that is not connected.",
        "Connect the integration in your Systeme.io settings, then try again.")),
    "429": (RateLimited, UserMessage(
        "Too many requests", f"{NAME} asks Vendor Console to slow down.",
        "The request is repeated by itself after a short wait; for longer waits the status bar counts down.",
        Severity.WARNING)),
    "500": (ServerError, UserMessage(
        "Systeme.io failed", f"{NAME} had an internal error.", "Try again in a minute.")),
    "502": (ServerError, UserMessage(
        "Systeme.io unavailable", f"{NAME} (or a gateway in front of it) did not answer properly.",
        "Try again in a minute.")),
    "503": (ServerError, UserMessage(
        "Systeme.io unavailable", f"{NAME} is temporarily unavailable (maintenance or overload).",
        "Try again in a few minutes.")),
    "504": (ServerError, UserMessage(
        "Systeme.io timed out", f"A gateway in front of {NAME} gave up waiting for it.", "Try again in a minute.")),
    "4xx": (VendorError, UserMessage(
        "Request refused", f"{NAME} refused the request.", "Check the values and try again.")),
    "5xx": (ServerError, UserMessage(
        "Systeme.io failed", f"{NAME} had a server error.", "Try again in a minute.")),
}

_DETAIL_LINE = re.compile(r"^(?P<path>[A-Za-z_][\w.\[\]]*): (?P<message>.+)$")
_FIELD_PATH = re.compile(r"^fields\[(?P<index>\d+)\](?:\.(?:value|slug))?$")
#: Vendor property paths that are not form field keys of the same name.
_PATH_TO_FORM = {"tagId": "tags", "tags": "tags"}


def _row(status: int) -> tuple[type[VendorError], UserMessage]:
    key = str(status)
    if key in ERROR_TABLE:
        return ERROR_TABLE[key]
    return ERROR_TABLE["5xx" if status >= 500 else "4xx"]


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):
        return None


def _sent_fields(response: httpx.Response) -> list[Any]:
    """Returns the ``fields`` list of the request that failed, to map ``fields[N]`` paths to slugs."""
    try:
        request = response.request
        payload = json.loads(request.content) if request.content else None
    except (RuntimeError, ValueError):
        return []
    fields = payload.get("fields") if isinstance(payload, dict) else None
    return fields if isinstance(fields, list) else []


def form_key(path: str, sent_fields: list[Any]) -> str:
    """Maps a violation's ``propertyPath`` to the form field key it belongs to.

    ``fields[2].value`` becomes the slug sent at index 2 (``phone_number``); ``email`` stays ``email``.
    """
    match = _FIELD_PATH.match(path)
    if match:
        index = int(match["index"])
        if index < len(sent_fields) and isinstance(sent_fields[index], dict):
            slug = sent_fields[index].get("slug")
            if isinstance(slug, str):
                return slug
        return "fields"
    if path.startswith("fields.") or path.startswith("fields["):
        inner = path.split(".", 1)[-1].split("]")[-1].strip(".")
        return inner or "fields"
    return _PATH_TO_FORM.get(path, path)


def _text(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("detail", "hydra:description", "message", "title", "hydra:title"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _violations(body: Any, detail: str, sent: list[Any]) -> tuple[dict[str, list[str]], list[str]]:
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    raw = body.get("violations") if isinstance(body, dict) else None
    pairs: list[tuple[str, str]] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                path, message = item.get("propertyPath"), item.get("message")
                if isinstance(message, str):
                    pairs.append((path if isinstance(path, str) else "", message))
    if not pairs and detail:
        for line in detail.splitlines():
            match = _DETAIL_LINE.match(line.strip())
            if match:
                pairs.append((match["path"], match["message"]))
            elif line.strip():
                pairs.append(("", line.strip()))
    for path, message in pairs:
        if path:
            fields.setdefault(form_key(path, sent), []).append(message)
        else:
            general.append(message)
    return fields, general


def to_error(response: httpx.Response) -> VendorError:
    """Turns a Systeme.io error answer into a typed error (the vendor's one error function)."""
    status = response.status_code
    kind, message = _row(status)
    body = _body(response)
    detail = _text(body)
    common: dict[str, Any] = {
        "user_message": message,
        "status": status,
        "vendor_code": str(status),
        "body": preview_body(response),
        "reference": response.headers.get("x-request-id"),
    }
    if kind is ValidationError:
        fields, general = _violations(body, detail, _sent_fields(response))
        return ValidationError(VENDOR, detail or message.text, fields=fields, general=general, **common)
    if kind is RateLimited:
        return RateLimited(VENDOR, detail or message.text,
                           retry_after=parse_retry_after(response.headers.get("retry-after")), **common)
    return kind(VENDOR, detail or message.text, **common)
