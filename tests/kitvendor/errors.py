"""Kit CRM's error table and its one error function: ``{"error": {"code", "message"}}`` on every refusal."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from console.core.errors import AuthError, NotFound, RateLimited, ServerError, Severity, UserMessage, VendorError
from console.vendors.errorkit import CodeTable, error_tables, json_body

if TYPE_CHECKING:
    import httpx

VENDOR = "kitvendor"
NAME = "Kit CRM"


class Code(StrEnum):
    """Kit CRM's codes: the statuses it answers, and the two classes for the others."""

    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    NOT_FOUND = "404"
    TOO_MANY_REQUESTS = "429"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


ERROR_TABLE = CodeTable(VENDOR, Code, {
    Code.BAD_REQUEST: (VendorError, UserMessage(
        "Request not accepted", "Kit CRM did not accept the request.", "Try again.")),
    Code.UNAUTHORIZED: (AuthError, UserMessage(
        "Wrong API key", "Kit CRM did not accept the API key of this account.", "Edit the account's key.")),
    Code.NOT_FOUND: (NotFound, UserMessage(
        "Not found", "That person is not in Kit CRM any more.", "Refresh the list.", Severity.WARNING)),
    Code.TOO_MANY_REQUESTS: (RateLimited, UserMessage(
        "Too many requests", "Kit CRM asks Vendor Console to slow down.", "Wait a moment.", Severity.WARNING)),
    Code.CLIENT_ERROR: (VendorError, UserMessage("Request refused", "Kit CRM refused the request.", "Try again.")),
    Code.SERVER_ERROR: (ServerError, UserMessage("Kit CRM failed", "Kit CRM had a server error.", "Try again.")),
})
MESSAGES = error_tables(ERROR_TABLE)


def to_error(response: httpx.Response) -> VendorError:
    """Turns a Kit CRM error answer into a typed error."""
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or "")
    return ERROR_TABLE.from_response(ERROR_TABLE.for_status(response.status_code), response,
                                     str(error.get("message") or ""), vendor_code=code or None)
