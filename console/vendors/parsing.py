"""Small readers every vendor client uses on decoded JSON: a bad shape is a typed :class:`BadResponse`.

Vendor packages keep their own envelopes and field rules; these only say "this must be an object",
"this must be a usable id", and read optional containers leniently. A client binds its vendor id once:
``_object = partial(as_object, vendor=VENDOR)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from console.core.errors import BadResponse
from console.core.models import Record
from console.core.pace import Pace
from console.http.types import Reply


def reply_data(reply: Reply) -> Any:
    """The decoded body of an answer (the parser for calls that need nothing else)."""
    return reply.data


def as_object(value: Any, what: str, vendor: str) -> dict[str, Any]:
    """``value`` when it is a JSON object.

    Raises:
        BadResponse: It is anything else ("the {what} answer is not an object").
    """
    if not isinstance(value, dict):
        raise BadResponse(vendor, f"the {what} answer is not an object")
    return value


def record_id(value: Any, what: str, vendor: str) -> str:
    """A record's id as a string: a non-empty string or an integer (never a boolean).

    Raises:
        BadResponse: The id is missing or of another type ("a {what} has no usable id").
    """
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value) == "":
        raise BadResponse(vendor, f"a {what} has no usable id")
    return str(value)


def as_list(value: Any) -> list[Any]:
    """An optional list: anything else reads as empty."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    """An optional object: anything else reads as empty."""
    return value if isinstance(value, dict) else {}


async def build_records(build: Callable[[Any], Record], items: Sequence[Any]) -> list[Record]:
    """Turns a page's items into records, a slice at a time (:mod:`console.core.pace`).

    Reading dates and time zones for a hundred items takes several milliseconds, and a page can hold
    thousands (Setster's pager may answer with a growing count). A worker thread is no help: its
    Python work holds the interpreter's lock, and the window's every Qt call waits behind it.
    """
    pace = Pace()
    records: list[Record] = []
    for item in items:
        await pace.breathe()
        records.append(build(item))
    return records
