"""The shared code-table lookup: complete tables only, the most specific row first, the common parts filled."""

from __future__ import annotations

from enum import IntEnum, StrEnum

import httpx
import pytest

from console.core.errors import NotFound, RateLimited, ServerError, UserMessage, ValidationError, VendorError
from console.vendors.errorkit import CodeTable, json_body, label


class Code(StrEnum):
    NOT_FOUND = "404"
    GONE_FOR_GOOD = "404 purged"
    TOO_MANY = "429"
    CLIENT_ERROR = "4xx"
    SERVER_ERROR = "5xx"


class Numbered(IntEnum):
    BAD_VALUE = 7


ROWS = {
    Code.NOT_FOUND: (NotFound, UserMessage("Not found", "No such record.")),
    Code.GONE_FOR_GOOD: (NotFound, UserMessage("Purged", "The record was purged.")),
    Code.TOO_MANY: (RateLimited, UserMessage("Slow down", "Too many requests.")),
    Code.CLIENT_ERROR: (VendorError, UserMessage("Refused", "Refused.")),
    Code.SERVER_ERROR: (ServerError, UserMessage("Failed", "The vendor failed.")),
}
TABLE = CodeTable("kit", Code, ROWS)


def test_a_code_without_a_row_is_refused_when_the_table_is_built() -> None:
    rows = dict(ROWS)
    del rows[Code.TOO_MANY]
    with pytest.raises(ValueError, match="TOO_MANY"):
        CodeTable("kit", Code, rows)


def test_a_key_that_is_not_a_code_is_refused() -> None:
    with pytest.raises(ValueError, match="not a code"):
        CodeTable("kit", Code, {**ROWS, "418": (VendorError, UserMessage("Teapot", "Teapot."))})  # type: ignore[dict-item]


def test_codes_are_found_by_member_or_by_value() -> None:
    assert TABLE["404"] is TABLE[Code.NOT_FOUND]
    assert set(TABLE) >= {"404", "429"}
    assert TABLE.code("nope", "404 purged") is Code.GONE_FOR_GOOD
    assert TABLE.code(None, "nope") is None


@pytest.mark.parametrize(("status", "specific", "code"), [
    (404, (), Code.NOT_FOUND), (404, ("404 purged",), Code.GONE_FOR_GOOD), (404, ("404 other",), Code.NOT_FOUND),
    (418, (), Code.CLIENT_ERROR), (503, (), Code.SERVER_ERROR), (404, (None,), Code.NOT_FOUND),
])
def test_the_most_specific_row_then_the_status_then_its_class(status: int, specific: tuple[object, ...],
                                                              code: Code) -> None:
    assert TABLE.for_status(status, *specific) is code


def test_an_answer_gives_status_body_and_the_vendors_words() -> None:
    response = httpx.Response(404, content=b'{"message": "gone"}')
    error = TABLE.from_response(Code.NOT_FOUND, response, "gone", reference="r-1", fields={"a": ["b"]})
    assert type(error) is NotFound
    assert (error.vendor, error.message, error.status, error.vendor_code, error.reference) == ("kit", "gone", 404,
                                                                                              "404", "r-1")
    assert error.user_message.title == "Not found" and error.fields == {"a": ["b"]} and error.general == []
    assert error.body is not None and "gone" in error.body
    assert TABLE.from_response(Code.NOT_FOUND, response).message == "No such record."  # no words: the row's


def test_a_rate_limited_row_reads_retry_after() -> None:
    error = TABLE.from_response(Code.TOO_MANY, httpx.Response(429, headers={"Retry-After": "4"}))
    assert isinstance(error, RateLimited) and error.retry_after == 4


def test_numbered_codes_are_labelled_with_their_names() -> None:
    table = CodeTable("kit", Numbered, {Numbered.BAD_VALUE: (ValidationError, UserMessage("Bad", "Bad value."))},
                      prefix="code ")
    assert table.messages() == {"code 7 BAD_VALUE": UserMessage("Bad", "Bad value.")}
    assert label(Numbered.BAD_VALUE) == "7 BAD_VALUE" and label(Code.GONE_FOR_GOOD) == "404 purged"
    assert table.error(Numbered.BAD_VALUE).vendor_code is None  # no status, no code given


@pytest.mark.parametrize(("content", "body"), [(b"", None), (b"  ", None), (b"<html>", None), (b'{"a": 1}', {"a": 1})])
def test_json_body_is_none_for_what_is_not_json(content: bytes, body: object) -> None:
    assert json_body(httpx.Response(500, content=content)) == body
