"""Every Setster statusCode and HTTP error: the typed error, field messages, the table's words."""

from __future__ import annotations

import json

import httpx
import pytest

from console.core.errors import (
    AuthError,
    BadResponse,
    NotFound,
    PermissionDenied,
    ServerError,
    SlotUnavailable,
    ValidationError,
    VendorError,
)
from console.vendors.setster.errors import STATUS_TABLE, to_error, unwrap

CASES = [
    (1, ValidationError, "Setster did not accept the values", set()),
    (2, AuthError, "Wrong email or API key", set()),
    (3, AuthError, "Setster account not active", set()),
    (4, ServerError, "Setster failed", set()),
    (5, VendorError, "Not saved", set()),
    (6, VendorError, "Not deleted", set()),
    (7, NotFound, "Not found", set()),
    (8, PermissionDenied, "Not allowed", set()),
    (9, SlotUnavailable, "Time not available", {"start_date"}),
    (10, SlotUnavailable, "Time just taken", {"start_date"}),
    (11, VendorError, "Plan limit reached", set()),
]


def test_the_seed_codes_all_have_rows() -> None:
    assert set(STATUS_TABLE) == set(range(1, 12))
    assert STATUS_TABLE[10][2].text == "That time was just taken."
    assert STATUS_TABLE[10][2].next_step == "Pick another slot."
    assert STATUS_TABLE[3][2].text == "This Setster account is not active."
    assert "subscription" in STATUS_TABLE[3][2].next_step


@pytest.mark.parametrize(("code", "kind", "title", "fields"), CASES)
@pytest.mark.parametrize("key", ["statusDescription", "statusDescriptions", "description"])
@pytest.mark.parametrize("http", [200, 403])
def test_status_codes(code: int, kind: type, title: str, fields: set[str], key: str, http: int) -> None:
    body = {"statusCode": code, key: f"vendor text {code}", "data": None}
    if http == 200:
        with pytest.raises(VendorError) as info:
            unwrap(body, 200)
        error = info.value
    else:
        error = to_error(httpx.Response(http, content=json.dumps(body).encode()))
    assert type(error) is kind
    assert error.user_message.title == title
    assert error.message == f"vendor text {code}"
    assert set(error.fields) == fields
    assert error.vendor_code is not None and error.vendor_code.startswith(str(code))


def test_ok_codes_and_unknown_code() -> None:
    assert unwrap({"statusCode": 0, "statusDescription": "OK", "data": [1]}, 200) == [1]
    assert unwrap({"statusCode": None, "data": {"a": 1}}, 200) == {"a": 1}
    with pytest.raises(VendorError) as info:
        unwrap({"statusCode": 42, "description": "Something new", "data": None}, 200)
    assert "Something new" in info.value.user_message.text
    assert info.value.vendor_code == "42"


@pytest.mark.parametrize("body", [[], "text", {"foo": 1}, {"statusCode": "x", "data": 1}])
def test_not_an_envelope(body: object) -> None:
    with pytest.raises(BadResponse):
        unwrap(body, 200)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, ValidationError), (401, AuthError), (403, AuthError), (404, NotFound), (500, ServerError),
     (502, ServerError), (418, VendorError)],
)
def test_http_statuses_without_envelope(status: int, kind: type) -> None:
    error = to_error(httpx.Response(status, content=b"<html>oops</html>"))
    assert type(error) is kind
    assert error.status == status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"1": ["none", "Allergies"], "2": ["x", "Secret", "h"]}', {"Allergies": "none", "Secret (hidden)": "x"}),
        ({"3": [["1 Main St", "", "Austin", "TX", "78701"], "Address"]}, {"Address": "1 Main St, Austin, TX, 78701"}),
        ("", {}),
        ("{broken", {"(unreadable)": "{broken"}),
        (None, {}),
        ([1, 2], {}),
    ],
)
def test_custom_fields_are_made_readable(raw: object, expected: dict[str, object]) -> None:
    from console.vendors.setster.client import readable_custom_fields

    assert readable_custom_fields(raw) == expected
