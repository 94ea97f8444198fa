"""Every Launch27 error shape (both generations): typed error, field messages, the table's words."""

from __future__ import annotations

import json

import httpx
import pytest

from console.core.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    SlotUnavailable,
    ValidationError,
    VendorError,
)
from console.vendors.launch27.errors import ERROR_TABLE, to_error

CASES = [
    # (status, body, kind, title, fields, general)
    (406, {"code": 406, "message": "not acceptable", "errors": ["Missing API key"]}, AuthError, "Wrong API key",
     {}, []),
    (406, {"code": 406, "message": "not acceptable", "errors": ["Invalid API key"]}, AuthError, "Wrong API key",
     {}, []),
    (406, {"code": 406, "message": "not acceptable", "errors": {"service_id": ["can't be blank"],
                                                               "email": ["can't be blank"]}},
     ValidationError, "Please check the form", {"service_id": ["can't be blank"], "email": ["can't be blank"]}, []),
    (406, {"code": 406, "message": "not acceptable",
           "errors": ["You cannot book an appointment for selected service date"]},
     ValidationError, "Launch27 refused the booking", {},
     ["You cannot book an appointment for selected service date"]),
    (406, {"code": 406, "message": "not acceptable", "errors": {"service_date": ["spot is not available"]}},
     SlotUnavailable, "Time just taken", {"service_date": ["That time was just taken. Pick another spot."]}, []),
    (401, {"code": 401, "message": "unauthorized"}, AuthError, "Wrong email or password", {}, []),
    (403, {"code": 403, "message": "not a customer user"}, PermissionDenied, "Not allowed", {}, []),
    (403, {"code": 403, "message": "account locked: too many failed logins"}, AuthError, "Login locked", {}, []),
    (404, {"code": 404, "message": "resource not found"}, NotFound, "Not found", {}, []),
    (422, {"state": [{"type": "string_lte", "message": "state: String length must be less than or equal to 3",
                      "description": "String length must be less than or equal to 3",
                      "details": {"context": "(root).state", "field": "state", "max": 3}}]},
     ValidationError, "Please check the form", {"state": ["String length must be less than or equal to 3"]}, []),
    (422, {"user.email": [{"type": "format", "message": "Does not match format 'email'"}]},
     ValidationError, "Please check the form", {"email": ["Does not match format 'email'"]}, []),
    (422, {"service_date": [{"type": "invalid", "message": "spot has been taken"}]},
     SlotUnavailable, "Time just taken", {"service_date": ["That time was just taken. Pick another spot."]}, []),
    (429, {"code": 429, "message": "too many requests"}, RateLimited, "Too many requests", {}, []),
    (500, {"code": 500, "message": "internal server error"}, ServerError, "Launch27 failed", {}, []),
    (503, b"<html>down</html>", ServerError, "Launch27 unavailable", {}, []),
    (418, None, VendorError, "Request refused", {}, []),
]


@pytest.mark.parametrize(("status", "body", "kind", "title", "fields", "general"), CASES)
def test_error_shapes(status: int, body: object, kind: type, title: str, fields: dict[str, list[str]],
                      general: list[str]) -> None:
    content = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
    error = to_error(httpx.Response(status, content=content, headers={"x-request-id": "req-1"}))
    assert type(error) is kind
    assert error.user_message.title == title
    assert error.fields == fields
    assert error.general == general
    assert error.status == status
    assert error.reference == "req-1"


def test_every_row_is_used_and_has_words() -> None:
    titles = {case[3] for case in CASES}
    for key, (_kind, message) in ERROR_TABLE.items():
        assert message.title and message.text, key
        assert message.title in titles, f"no test case for {key}"


def test_429_reads_retry_after() -> None:
    error = to_error(httpx.Response(429, content=b"{}", headers={"Retry-After": "1"}))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 1
