"""Systeme.io's error table and its one function from an error answer to a typed error.

Systeme.io runs on Symfony API Platform: errors are problem+json style bodies with ``detail`` (and on
older versions ``hydra:description``), validation errors add ``violations[{propertyPath, message}]``.
Codes are HTTP statuses (``shared/vendors/systeme.md`` §5, plus the 424 of
``shared/vendors/published-samples.md``); each has a row here.
"""

from __future__ import annotations

import json
import re
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
    UserMessage,
    ValidationError,
    VendorError,
)
from console.vendors.errorkit import CodeTable, error_tables, json_body

if TYPE_CHECKING:
    import httpx

VENDOR = "systeme"
NAME = "Systeme.io"


class Code(StrEnum):
    """Systeme.io's codes: the HTTP statuses it documents, and the two classes for the others."""

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    METHOD_NOT_ALLOWED = "405"
    CONFLICT = "409"
    UNSUPPORTED_MEDIA_TYPE = "415"
    UNPROCESSABLE = "422"
    FAILED_DEPENDENCY = "424"
    TOO_MANY_REQUESTS = "429"
    INTERNAL = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    GATEWAY_TIMEOUT = "504"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


#: status (or class "4xx"/"5xx") -> (error type, user message)
ERROR_TABLE = CodeTable(VENDOR, Code, {
    Code.BAD_REQUEST: (VendorError, UserMessage(
        "Request not understood", f"{NAME} could not read the request Vendor Console sent.",
        "Try again; if it keeps happening, report it with the request log.")),
    Code.UNAUTHORIZED: (AuthError, UserMessage(
        "Wrong API key", f"{NAME} did not accept the API key of this account.",
        "Create or copy a key in Systeme.io under Settings > Public API keys, then edit the account.")),
    Code.FORBIDDEN: (PermissionDenied, UserMessage(
        "Access refused", f"{NAME} refused this API key for this request (it may have been revoked).",
        "Check the key in Systeme.io under Settings > Public API keys.")),
    Code.NOT_FOUND: (NotFound, UserMessage(
        "Not found", f"That record does not exist in {NAME} any more.",
        "Refresh the list; someone may have deleted it.", Severity.WARNING)),
    Code.METHOD_NOT_ALLOWED: (VendorError, UserMessage(
        "Operation not allowed", f"{NAME} does not allow this operation on this record.", "")),
    Code.CONFLICT: (Conflict, UserMessage(
        "Conflict", f"{NAME} refused the change because the record changed meanwhile.",
        "Refresh the record and make the change again.")),
    Code.UNSUPPORTED_MEDIA_TYPE: (VendorError, UserMessage(
        "Request format refused", f"{NAME} refused the format of the request.",
        "This is a Vendor Console bug; please report it with the request log.")),
    Code.UNPROCESSABLE: (ValidationError, UserMessage(
        "Please check the form", f"{NAME} did not accept some of the values.",
        "Correct the fields marked in red and save again.", Severity.WARNING)),
    # published-samples.md:28-29: seen live on SMS endpoints when the integration behind them is not connected.
    Code.FAILED_DEPENDENCY: (VendorError, UserMessage(
        "Feature not set up", f"This feature is not set up in {NAME}: it needs an integration that is not connected.",
        "Connect the integration in your Systeme.io settings, then try again.")),
    Code.TOO_MANY_REQUESTS: (RateLimited, UserMessage(
        "Too many requests", f"{NAME} asks Vendor Console to slow down.",
        "The request is repeated by itself after a short wait; for longer waits the status bar counts down.",
        Severity.WARNING)),
    Code.INTERNAL: (ServerError, UserMessage(
        "Systeme.io failed", f"{NAME} had an internal error.", "Try again in a minute.")),
    Code.BAD_GATEWAY: (ServerError, UserMessage(
        "Systeme.io unavailable", f"{NAME} (or a gateway in front of it) did not answer properly.",
        "Try again in a minute.")),
    Code.UNAVAILABLE: (ServerError, UserMessage(
        "Systeme.io unavailable", f"{NAME} is temporarily unavailable (maintenance or overload).",
        "Try again in a few minutes.")),
    Code.GATEWAY_TIMEOUT: (ServerError, UserMessage(
        "Systeme.io timed out", f"A gateway in front of {NAME} gave up waiting for it.", "Try again in a minute.")),
    Code.CLIENT_ERROR: (VendorError, UserMessage(
        "Request refused", f"{NAME} refused the request.", "Check the values and try again.")),
    Code.SERVER_ERROR: (ServerError, UserMessage(
        "Systeme.io failed", f"{NAME} had a server error.", "Try again in a minute.")),
})
#: Every code's user message (``VendorSpec.error_table``).
MESSAGES = error_tables(ERROR_TABLE)

_DETAIL_LINE = re.compile(r"^(?P<path>[A-Za-z_][\w.\[\]]*): (?P<message>.+)$")
_FIELD_PATH = re.compile(r"^fields\[(?P<index>\d+)\](?:\.(?:value|slug))?$")
#: Vendor property paths that are not form field keys of the same name.
_PATH_TO_FORM = {"tagId": "tags", "tags": "tags"}


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
    code = ERROR_TABLE.for_status(response.status_code)
    body = json_body(response)
    detail = _text(body)
    fields: dict[str, list[str]] | None = None
    general: list[str] | None = None
    if ERROR_TABLE[code].kind is ValidationError:
        fields, general = _violations(body, detail, _sent_fields(response))
    return ERROR_TABLE.from_response(code, response, detail, reference=response.headers.get("x-request-id"),
                                     fields=fields, general=general)
