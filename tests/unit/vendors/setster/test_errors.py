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
    (3, AuthError, "Wrong API key or inactive account", set()),
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
    assert STATUS_TABLE[10].message.text == "That time was just taken."
    assert STATUS_TABLE[10].message.next_step == "Pick another slot."
    # published-samples.md:49-50: "Account is not active or Incorrect API key", the key named first.
    wrong_key = STATUS_TABLE[3].message
    assert "Account is not active or Incorrect API key" in wrong_key.text
    assert wrong_key.title.index("API key") < wrong_key.title.index("inactive")
    assert wrong_key.text.index("API key may be wrong") < wrong_key.text.index("subscription")
    assert wrong_key.next_step.index("API key") < wrong_key.next_step.index("subscription")


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


def _answer(status: int, body: object, method: str, path: str) -> httpx.Response:
    request = httpx.Request(method, f"https://www.setster.com/api/v2{path}")
    return httpx.Response(status, content=json.dumps(body).encode(), request=request)


PUBLISHED_REFUSAL = {"statusCode": None, "statusDescriptions": "OK", "data": {}}  # published-samples.md:44


@pytest.mark.parametrize(("method", "path", "text"), [
    ("POST", "/appointment", "The appointment could not be created: the time may no longer be free, "
                             "or the account may not allow it."),
    ("PUT", "/appointment/70001", "The appointment could not be changed: the account may not allow it."),
    ("DELETE", "/client/5001", "The client could not be deleted: it may still have appointments, "
                               "or the account may not allow it."),
])
def test_a_write_answered_403_without_a_code_is_a_refused_change(method: str, path: str, text: str) -> None:
    from console.vendors.setster.errors import ChangeRefused

    error = to_error(_answer(403, PUBLISHED_REFUSAL, method, path))
    assert type(error) is ChangeRefused and not isinstance(error, AuthError)
    assert error.user_message.title == "Setster refused this change"
    assert error.user_message.text == text
    assert error.message == text  # the body's "OK" says nothing
    assert error.status == 403


def test_a_read_answered_403_without_a_code_is_still_a_session_failure() -> None:
    error = to_error(_answer(403, PUBLISHED_REFUSAL, "GET", "/appointment"))
    assert type(error) is AuthError
    assert error.user_message.title == "Session refused"


def test_a_write_answered_403_with_a_code_keeps_the_code() -> None:
    body = {"statusCode": 10, "statusDescriptions": "Slot occupied", "data": None}
    error = to_error(_answer(403, body, "POST", "/appointment"))
    assert type(error) is SlotUnavailable and error.vendor_code == "10 SLOT_OCCUPIED"
