"""Reading Setster's answers into items: lists of one, ``custom_fields``, flags, ids shared in one answer.

Setster's bodies vary (setster.md §3-4, published-samples.md:37-58): a single GET answers a list,
``custom_fields`` is an object or a JSON string, flags are booleans, ``0``/``1`` or ``"0"``/``"1"``,
ids are integers or strings, and the published collection's lists give two different records the
same id. The client (:mod:`console.vendors.setster.client`) reads them through these helpers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from console.core.errors import BadResponse
from console.core.models import Record
from console.vendors.setster.errors import VENDOR


def as_list(data: Any, what: str) -> list[dict[str, Any]]:
    """``data`` as a list of objects (an object is a list of one; ``null`` is empty; setster.md:83)."""
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise BadResponse(VENDOR, f"the {what} answer is not a list of objects")
    return data


def one(data: Any, what: str) -> dict[str, Any]:
    """The first object of an answer that must hold one."""
    items = as_list(data, what)
    if not items:
        raise BadResponse(VENDOR, f"the {what} answer is empty")
    return items[0]


def readable_custom_fields(raw: Any) -> dict[str, Any]:
    """Setster's ``custom_fields`` as ``{label: value}``.

    It may be a JSON string (seen in real list answers); each entry is ``[value, label]`` or
    ``[value, label, "h"]`` (hidden), and an address value is ``[address, apt, city, state, zip]``.
    """
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            raw = json.loads(raw)
        except ValueError:
            return {"(unreadable)": raw}
    if not isinstance(raw, dict):
        return {}
    result: dict[str, Any] = {}
    for key, entry in raw.items():
        if isinstance(entry, list) and len(entry) >= 2:
            value, label = entry[0], entry[1]
            if isinstance(value, list):
                value = ", ".join(str(part) for part in value if part)
            hidden = len(entry) > 2 and entry[2] == "h"
            result[f"{label}{' (hidden)' if hidden else ''}"] = value
        else:
            result[str(key)] = entry
    return result


#: The unit of each length of time a Setster item carries (setster.md:93): ``length`` is in
#: milliseconds, ``duration`` in minutes, ``duration_padding`` in seconds on an appointment but in
#: minutes on a service. Read as ``datetime.timedelta`` under the derived key on the right.
DURATIONS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "appointments": (("length", "length", 0.001), ("duration", "length", 60.0),
                     ("duration_padding", "padding", 1.0)),
    "services": (("duration_padding", "padding", 60.0),),
}


def durations(dataset: str, item: Mapping[str, Any]) -> dict[str, dt.timedelta]:
    """An item's lengths of time as ``timedelta`` (the first field read wins; zero padding left out).

    The detail pane shows them in words ("30 min"); the raw fields stay as sent.
    """
    found: dict[str, dt.timedelta] = {}
    for field, key, seconds in DURATIONS.get(dataset, ()):
        raw = item.get(field)
        if key in found or raw in (None, "") or isinstance(raw, bool):
            continue
        try:
            length = dt.timedelta(seconds=float(raw) * seconds)
        except (TypeError, ValueError, OverflowError):
            continue
        if length or key != "padding":
            found[key] = length
    return found


def flag(value: Any) -> bool:
    """A Setster flag (JSON boolean, ``1``/``0`` or ``"1"``/``"0"``; setster.md:89) as a bool."""
    return value in (True, 1, "1", "true", "True")


def first_of_each(records: Sequence[Record]) -> tuple[list[Record], int]:
    """Keeps the first record of each id of one answer; returns them and how many were left out.

    published-samples.md:57: two different records with the same id in one list are never dropped
    silently; the count goes into the page (``Page.duplicates``), which the list and the CLI say.
    """
    seen: set[str] = set()
    kept: list[Record] = []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            kept.append(record)
    return kept, len(records) - len(kept)
