"""Decoding a long JSON answer a slice at a time, with the event loop running between slices.

``json.loads`` of a 4 MB page (Setster's pager can answer thousands of appointments at once) holds the
window still for 30 ms; a worker thread does not help, since the decoder keeps the interpreter's lock
for the whole call. :func:`loads` gives the same result as ``json.loads`` (and fails where it fails, with
a ``ValueError`` or a ``RecursionError``), but walks the answer's envelopes and lists itself and hands
each element (a record) to the standard decoder, pausing as :mod:`console.core.pace` says.

What is walked: arrays down to :data:`ARRAY_DEPTH`, and objects that are the answer itself or sit in an
object down to :data:`OBJECT_DEPTH` (envelopes such as ``{"data": {"items": [...]}}``). An object inside
an array is a record: decoded whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.decoder import JSONDecodeError
from typing import Any

from console.core.pace import Pace

#: Answers at least this long are decoded in slices (shorter ones take under 4 ms in one go).
SLICED_BYTES = 512 * 1024
#: Arrays this deep (the answer itself is at 0) or shallower are walked element by element.
ARRAY_DEPTH = 3
#: Objects outside arrays this deep or shallower are walked key by key.
OBJECT_DEPTH = 2

# The standard decoder's own C scanners (stable since Python 3.1, absent from the type stubs): a value
# at an index, and a string's rest after its opening quote.
_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, index: int) -> int:
    """The index after any JSON whitespace at ``index``."""
    match = _WHITESPACE.match(text, index)
    return match.end() if match is not None else index


def _after_member(text: str, index: int, close: str) -> tuple[bool, int]:
    """Reads past an array element or an object member.

    Returns:
        ``(True, the index after close)`` at the container's end, else ``(False, the next member's index)``.
    """
    index = _skip(text, index)
    following = text[index:index + 1]
    if following == close:
        return True, index + 1
    if following != ",":
        raise JSONDecodeError("Expecting ',' delimiter", text, index)
    return False, _skip(text, index + 1)


async def loads(content: bytes) -> Any:
    """Decodes a JSON document as ``json.loads(content)`` does, pausing for the event loop as it goes.

    Raises:
        ValueError: The body is not JSON (``json.JSONDecodeError``, ``UnicodeDecodeError``).
        RecursionError: It nests deeper than the decoder can follow.
    """
    text = content.decode(json.detect_encoding(content), "surrogatepass")
    if text.startswith("\ufeff"):
        raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    walker = _Walker(text)
    await walker.breathe()
    value, end = await walker.value(_skip(text, 0), 0, in_array=False)
    end = _skip(text, end)
    if end != len(text):
        raise JSONDecodeError("Extra data", text, end)
    return value


class _Walker:
    """Walks one document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.breathe = Pace().breathe

    async def value(self, index: int, depth: int, *, in_array: bool) -> tuple[Any, int]:
        """The value starting at ``index`` and the index after it."""
        first = self.text[index:index + 1]
        if first == "[" and depth <= ARRAY_DEPTH:
            return await self._array(index + 1, depth)
        if first == "{" and not in_array and depth <= OBJECT_DEPTH:
            return await self._object(index + 1, depth)
        try:
            value, end = _scan_once(self.text, index)
        except StopIteration as stop:
            raise JSONDecodeError("Expecting value", self.text, stop.value) from None
        return value, end

    async def _array(self, index: int, depth: int) -> tuple[list[Any], int]:
        text = self.text
        items: list[Any] = []
        index = _skip(text, index)
        if text[index:index + 1] == "]":
            return items, index + 1
        while True:
            await self.breathe()
            value, index = await self.value(index, depth + 1, in_array=True)
            items.append(value)
            closed, index = _after_member(text, index, "]")
            if closed:
                return items, index

    async def _object(self, index: int, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        index = _skip(text, index)
        if text[index:index + 1] == "}":
            return result, index + 1
        while True:
            if text[index:index + 1] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
            key, index = _scanstring(text, index + 1)
            index = _skip(text, index)
            if text[index:index + 1] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", text, index)
            await self.breathe()
            value, index = await self.value(_skip(text, index + 1), depth + 1, in_array=False)
            result[key] = value
            closed, index = _after_member(text, index, "}")
            if closed:
                return result, index
