"""The shared code-table error lookup of the vendor packages.

A vendor names its codes in an enum (an HTTP status, a status with a shape such as ``"409
dates_unavailable"``, or its own numeric code) and gives every code one row: the typed error and the
words a person reads. :class:`CodeTable` refuses a table that leaves a code without a row, picks the row
for an answer (the most specific code the caller read from the body, then the status, then the
``4xx``/``5xx`` class), and builds the error with the parts every vendor fills alike: the status, the
masked start of the body, and ``Retry-After`` for a :class:`RateLimited` row. What is the vendor's own
(where its body keeps the description, the field messages, the reference) stays in its ``errors.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from console.core.errors import RateLimited, UserMessage, VendorError
from console.http.bodies import preview_body
from console.http.retry import parse_retry_after

if TYPE_CHECKING:
    import httpx

C = TypeVar("C", bound=Enum)

#: The codes of the two class rows every HTTP-status table ends with.
CLIENT_ERROR, SERVER_ERROR = "4xx", "5xx"


class Row(NamedTuple):
    """One code's row.

    Attributes:
        kind: The typed error the code becomes.
        message: What the user reads.
    """

    kind: type[VendorError]
    message: UserMessage


class CodeTable(Mapping[C, Row], Generic[C]):
    """A vendor's codes and their rows; a mapping ``code -> Row``.

    Args:
        vendor: Vendor id (put on every error).
        codes: The enum of the codes; every member needs a row.
        rows: ``code -> (error type, user message)``.
        prefix: Put before each code in :meth:`messages` (tells two tables of one vendor apart).

    Raises:
        ValueError: A code has no row, or a row's key is not one of ``codes``.
    """

    def __init__(self, vendor: str, codes: type[C], rows: Mapping[C, tuple[type[VendorError], UserMessage]],
                 *, prefix: str = "") -> None:
        missing = [code.name for code in codes if code not in rows]
        strangers = [repr(key) for key in rows if not isinstance(key, codes)]
        if missing or strangers:
            raise ValueError(f"{vendor} {codes.__name__}: no row for {missing}; not a code: {strangers}")
        self.vendor = vendor
        self.codes = codes
        self.prefix = prefix
        self._rows: dict[C, Row] = {code: Row(*rows[code]) for code in codes}

    def __getitem__(self, code: object) -> Row:
        return self._rows[code]  # type: ignore[index]  # a StrEnum/IntEnum code is found by its value too

    def __iter__(self) -> Iterator[C]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def code(self, *candidates: object) -> C | None:
        """The first candidate that is one of the table's codes (by member or by value); ``None`` if none is."""
        for candidate in candidates:
            if candidate is not None and candidate in self._rows:
                return self.codes(candidate)
        return None

    def for_status(self, status: int, *specific: object) -> C:
        """The code of an answer: the first ``specific`` code the table has, else the status, else its class.

        Only for tables of HTTP statuses (they have the ``4xx`` and ``5xx`` rows).
        """
        found = self.code(*specific, str(status))
        return found if found is not None else self.codes(SERVER_ERROR if status >= 500 else CLIENT_ERROR)

    def error(self, code: C, text: str = "", *, status: int | None = None, vendor_code: str | None = None,
              reference: str | None = None, body: str | None = None, fields: dict[str, list[str]] | None = None,
              general: list[str] | None = None, retry_after: float | None = None) -> VendorError:
        """The typed error of a row.

        Args:
            code: The row.
            text: The vendor's own description ("" says the row's sentence instead).
            status: HTTP status of the answer.
            vendor_code: The vendor's code as the request log shows it (default: the status).
            reference: A token the vendor's support can look up.
            body: The masked start of the answer's body.
            fields: Messages per form field key.
            general: Messages that belong to no single field.
            retry_after: Seconds to wait (only a :class:`RateLimited` row keeps it).
        """
        kind, message = self._rows[code]
        common: dict[str, Any] = {
            "user_message": message, "status": status,
            "vendor_code": vendor_code if vendor_code is not None else (None if status is None else str(status)),
            "reference": reference, "body": body, "fields": fields, "general": general,
        }
        if issubclass(kind, RateLimited):
            return kind(self.vendor, text or message.text, retry_after=retry_after, **common)
        return kind(self.vendor, text or message.text, **common)

    def from_response(self, code: C, response: httpx.Response, text: str = "", *, vendor_code: str | None = None,
                      reference: str | None = None, fields: dict[str, list[str]] | None = None,
                      general: list[str] | None = None) -> VendorError:
        """:meth:`error` for an answer: its status, masked body and ``Retry-After`` read from it."""
        limited = issubclass(self._rows[code].kind, RateLimited)
        return self.error(code, text, status=response.status_code, vendor_code=vendor_code, reference=reference,
                          body=preview_body(response), fields=fields, general=general,
                          retry_after=parse_retry_after(response.headers.get("retry-after")) if limited else None)

    def messages(self) -> dict[str, UserMessage]:
        """Every code's user message, keyed ``prefix + code`` (what ``VendorSpec.error_table`` lists)."""
        return {self.prefix + label(code): row.message for code, row in self._rows.items()}


def label(code: Enum) -> str:
    """A code as people write it: a text code as it is, a number with its name (``"7 NOT_FOUND"``)."""
    return code.value if isinstance(code.value, str) else f"{code.value} {code.name}"


def json_body(response: httpx.Response) -> Any:
    """The answer's body as JSON; ``None`` when it is empty or not JSON (an error page, a cut answer)."""
    try:
        return json.loads(response.content) if response.content.strip() else None
    except (ValueError, RecursionError):
        return None


def error_tables(*tables: CodeTable[Any]) -> dict[str, UserMessage]:
    """The messages of several tables of one vendor, for ``VendorSpec.error_table``."""
    result: dict[str, UserMessage] = {}
    for table in tables:
        result.update(table.messages())
    return result
