"""Systeme.io's error table: every documented code has a row; the mapper gives typed errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from console.core.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
    VendorError,
)
from console.vendors.systeme.errors import ERROR_TABLE, form_key, to_error

FACTS = Path(__file__).resolve().parents[5] / "shared" / "vendors" / "systeme.md"


def _documented_statuses() -> set[str]:
    text = FACTS.read_text(encoding="utf-8")
    section = text[text.index("## 5. Errors"):text.index("## 6.")]
    return set(re.findall(r"\b([1-5]\d\d)\b", section))


#: The statuses shared/vendors/systeme.md §5 lists (kept here too, for checkouts without shared/).
DOCUMENTED = {"400", "401", "403", "404", "405", "415", "422", "429", "500"}


def test_every_documented_status_has_a_row() -> None:
    assert set(ERROR_TABLE) >= DOCUMENTED


@pytest.mark.skipif(not FACTS.exists(), reason="shared/vendors/systeme.md is not next to the checkout")
def test_the_facts_file_lists_no_other_status() -> None:
    assert _documented_statuses() <= DOCUMENTED


def test_every_row_has_words_for_a_person() -> None:
    for code, (_kind, message) in ERROR_TABLE.items():
        assert message.title and message.text, code
        assert "{" not in message.text, code


def response(status: int, body: object = None, *, headers: dict[str, str] | None = None,
             request_body: object = None) -> httpx.Response:
    content = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = httpx.Request("PATCH", "https://api.systeme.io/api/contacts/1",
                            content=json.dumps(request_body).encode() if request_body is not None else b"")
    return httpx.Response(status, content=content, headers=headers or {}, request=request)


@pytest.mark.parametrize(
    ("status", "body", "kind", "title"),
    [
        (400, {"detail": "Syntax error"}, VendorError, "Request not understood"),
        (401, {"detail": "Invalid API key."}, AuthError, "Wrong API key"),
        (403, {"detail": "Forbidden"}, PermissionDenied, "Access refused"),
        (404, {"detail": "Not Found"}, NotFound, "Not found"),
        (405, None, VendorError, "Operation not allowed"),
        (415, {"detail": "The content-type is not supported."}, VendorError, "Request format refused"),
        (422, {"detail": "email: bad"}, ValidationError, "Please check the form"),
        (424, {"detail": "Failed Dependency"}, VendorError, "Feature not set up"),
        (429, {"detail": "Too many requests."}, RateLimited, "Too many requests"),
        (500, {"detail": "boom"}, ServerError, "Systeme.io failed"),
        (502, b"<html>Bad gateway</html>", ServerError, "Systeme.io unavailable"),
        (503, None, ServerError, "Systeme.io unavailable"),
        (504, None, ServerError, "Systeme.io timed out"),
        (418, {"message": "teapot"}, VendorError, "Request refused"),
        (599, None, ServerError, "Systeme.io failed"),
    ],
)
def test_mapper_gives_the_typed_error(status: int, body: object, kind: type, title: str) -> None:
    error = to_error(response(status, body))
    assert type(error) is kind
    assert error.user_message.title == title
    assert error.status == status
    if isinstance(body, dict):
        assert error.message == next(iter(body.values()))


def test_424_says_the_feature_is_not_set_up_and_what_to_do() -> None:
    # published-samples.md: 424 seen live when the integration behind an endpoint is not connected.
    before = ERROR_TABLE.get("424")
    assert before is not None, "424 has no row: it would read as the generic 'Request refused'"
    error = to_error(response(424, {"detail": "SMS integration is not connected."}))
    text = error.user_message.render()
    assert "not set up in Systeme.io" in text
    assert "Connect the integration" in text and "settings" in text
    assert "SMS integration is not connected." in str(error)  # the vendor's own words stay in the detail


def test_detail_then_hydra_then_message() -> None:
    assert to_error(response(500, {"hydra:description": "old style"})).message == "old style"
    assert to_error(response(500, {"message": "plain"})).message == "plain"
    assert to_error(response(500, {"detail": "d", "message": "m"})).message == "d"


def test_violations_map_to_form_fields() -> None:
    body = {
        "detail": "email: This value is already used.\nfields[1].value: This value is too long.",
        "violations": [
            {"propertyPath": "email", "message": "This value is already used."},
            {"propertyPath": "fields[1].value", "message": "This value is too long."},
            {"propertyPath": "", "message": "Something general."},
        ],
    }
    sent = {"fields": [{"slug": "first_name", "value": "x"}, {"slug": "phone_number", "value": "y" * 300}]}
    error = to_error(response(422, body, request_body=sent))
    assert isinstance(error, ValidationError)
    assert error.fields == {"email": ["This value is already used."], "phone_number": ["This value is too long."]}
    assert error.general == ["Something general."]


def test_detail_lines_are_parsed_when_there_are_no_violations() -> None:
    error = to_error(response(422, {"detail": "tagId: Tag with ID 9 not found."}))
    assert isinstance(error, ValidationError)
    assert error.fields == {"tags": ["Tag with ID 9 not found."]}


def test_retry_after_is_read() -> None:
    error = to_error(response(429, {"detail": "slow"}, headers={"Retry-After": "7"}))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 7


@pytest.mark.parametrize(("path", "key"), [("email", "email"), ("fields[0].value", "first_name"),
                                           ("fields[5].value", "fields"), ("tagId", "tags"), ("locale", "locale")])
def test_form_key(path: str, key: str) -> None:
    assert form_key(path, [{"slug": "first_name", "value": "x"}]) == key
