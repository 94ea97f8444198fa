"""The sliced decoder gives what ``json.loads`` gives, fails where it fails, and lets the loop run."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core import pace
from console.http import jsonslices

LOOP = asyncio.new_event_loop()

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5),
    max_leaves=40,
)
SPACING = st.sampled_from([None, 0, 1, 2, "\t", " \r\n "])


def reference(content: bytes) -> tuple[str, Any]:
    """What json.loads makes of it: ("ok", value as canonical text) or ("error", None)."""
    try:
        return "ok", json.dumps(json.loads(content))
    except (ValueError, RecursionError):
        return "error", None


def sliced(content: bytes) -> tuple[str, Any]:
    try:
        return "ok", json.dumps(LOOP.run_until_complete(jsonslices.loads(content)))
    except (ValueError, RecursionError):
        return "error", None


@given(value=VALUES, indent=SPACING, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
@settings(max_examples=300, deadline=None)
def test_same_value_as_json_loads(value: Any, indent: Any, encoding: str) -> None:
    content = json.dumps(value, indent=indent, ensure_ascii=False).encode(encoding)
    assert sliced(content) == reference(content)


@given(value=VALUES, cut=st.integers(min_value=0, max_value=400), junk=st.binary(max_size=4))
@settings(max_examples=300, deadline=None)
def test_broken_documents_fail_as_json_loads_fails(value: Any, cut: int, junk: bytes) -> None:
    text = json.dumps({"data": [value, {"id": 1}], "more": True}).encode()
    cut = min(cut, len(text))
    for content in (text[:cut], text[:cut] + junk + text[cut:], text + junk, b"\xef\xbb\xbf\xef\xbb\xbf" + text):
        assert sliced(content) == reference(content)


@pytest.mark.parametrize("content", [b"[1,]", b'{"a":1,}', b'{"a" 1}', b"{1:2}", b"[1 2]", b"nul", b"[" * 100_000,
                                     b'{"data": [' + b"[" * 100_000 + b"]}", b"  ", b"[]x", b'"\\ud800"'])
def test_edge_documents(content: bytes) -> None:
    assert sliced(content) == reference(content)


def test_a_long_answer_lets_the_loop_run_between_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"id": i, "name": f"Client {i}", "notes": "x" * 300, "tags": [1, 2, 3]} for i in range(20_000)]
    content = json.dumps({"statusCode": 0, "data": {"items": records, "total": len(records)}}).encode()
    monkeypatch.setattr(pace, "SLICE_SECONDS", 0.001)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def main() -> Any:
        task = asyncio.ensure_future(ticker())
        try:
            return await jsonslices.loads(content)
        finally:
            task.cancel()

    assert LOOP.run_until_complete(main()) == json.loads(content)
    assert ticks >= 10  # ~7 MB: tens of milliseconds of decoding, in slices of 1 ms
