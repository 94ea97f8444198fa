"""``VendorSpec.error_table`` is complete: every code of a vendor's tables, and every error its ``to_error``
gives for any answer, has its words there (the UI never shows a message that is not in the table)."""

from __future__ import annotations

import json
import sys
from typing import Any

import httpx
import pytest

from console.vendors import registry
from console.vendors.base import VendorSpec
from console.vendors.errorkit import CodeTable

#: Bodies in every vendor's error shapes (each vendor reads its own and ignores the others').
BODIES: list[Any] = [
    None, b"<html>Bad gateway</html>", {"message": "m"}, {"detail": "d"}, {"hydra:description": "h"},
    {"detail": "email: bad", "violations": [{"propertyPath": "email", "message": "used"}]},
    {"error": {"code": "dates_unavailable", "message": "taken"}}, {"error": {"code": "has_reservations"}},
    {"error": {"code": "already_cancelled"}}, {"error": {"code": "other", "details": {"a": ["b"]}}},
    {"message": "m", "errors": [{"field": "name", "message": "bad"}, {"message": "general"}]},
    {"errors": ["Missing API key"]}, {"errors": {"service_date": ["spot has been taken"]}}, {"errors": ["no"]},
    {"errors": {"email": ["bad"]}}, {"service_date": [{"type": "invalid", "message": "spot has been taken"}]},
    {"message": "Login locked after too many attempts"},
    *({"statusCode": code, "statusDescription": "said"} for code in range(1, 12)),
    {"statusCode": None, "statusDescriptions": "OK", "data": {}},
]
STATUSES = [*range(400, 600)]
#: A read and a write (Setster words a refused write by its method and resource).
REQUESTS = [("GET", "https://vendor.example/api/appointment"), ("POST", "https://vendor.example/api/appointment"),
            ("DELETE", "https://vendor.example/api/location/1")]
SPECS = [spec for spec in registry.VENDORS]


def tables_of(spec: VendorSpec) -> list[CodeTable[Any]]:
    assert spec.to_error is not None, f"{spec.id} has no error function"
    module = sys.modules[spec.to_error.__module__]
    return [value for value in vars(module).values() if isinstance(value, CodeTable)]


def answer(status: int, body: Any, method: str, url: str) -> httpx.Response:
    content = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"Retry-After": "2"}, request=httpx.Request(method, url))


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_code_of_every_table_has_its_message_in_the_error_table(spec: VendorSpec) -> None:
    tables = tables_of(spec)
    assert tables, f"{spec.id}: its errors module has no code table"
    messages = list(spec.error_table.values())
    for table in tables:
        for code, row in table.items():
            assert row.message in messages, f"{spec.id} {code!r}"
            assert row.message.title and row.message.text, f"{spec.id} {code!r}"


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_error_to_error_gives_speaks_the_tables_words(spec: VendorSpec) -> None:
    assert spec.to_error is not None
    messages = list(spec.error_table.values())
    for status in STATUSES:
        for body in BODIES:
            for method, url in REQUESTS:
                error = spec.to_error(answer(status, body, method, url))
                assert error.user_message in messages, (spec.id, status, body, method, error.user_message)


def test_an_unknown_setster_code_is_said_with_its_number() -> None:
    # The one message not in a table: a statusCode Setster's documentation does not list.
    spec = registry.get("setster")
    assert spec.to_error is not None
    error = spec.to_error(answer(400, {"statusCode": 42, "statusDescription": "new"}, "GET", REQUESTS[0][1]))
    assert error.user_message not in spec.error_table.values()
    assert "code 42: new" in error.user_message.text
