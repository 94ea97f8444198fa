"""The detail pane's plain reading of a record: values in words, the raw values as sent.

Qt-free, so it is tested without a window. What a vendor's values mean comes from the vendor's own
description: its columns (status codes as words through their badges, the kind of each value) and
what its package worked out in :attr:`Record.derived` (zone-aware times, durations as
``datetime.timedelta`` in the vendor's unit, decoded custom fields). Nothing here names a vendor.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from console.core.models import Column, DatasetSpec, FieldKind, Record
from console.ui.formatting import display, format_datetime, parse_datetime

#: The summary's and the raw values' group titles (tests and the pane's remembered folds use them).
SUMMARY = "Summary"
RAW = "As sent by the vendor"

_FALSE_TEXTS = frozenset({"", "0", "false", "no", "off"})


def format_duration(length: dt.timedelta) -> str:
    """A length of time in words: "30 min", "1 h 30 min", "2 d 3 h", "45 s"."""
    seconds = round(length.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    if secs and not days and not hours:
        parts.append(f"{secs} s")
    return sign + (" ".join(parts) if parts else "0 min")


def plain(value: Any, kind: FieldKind = FieldKind.TEXT) -> str:
    """A value in words: times in their zone, durations, Yes/No, numbers with separators."""
    if value is None:
        return "—"
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if kind is FieldKind.BOOLEAN and not isinstance(value, bool):  # 0/1, "true"/"no" flags
        return "No" if str(value).strip().lower() in _FALSE_TEXTS else "Yes"
    if isinstance(value, str) and parse_datetime(value) is not None and len(value) >= 16:
        return format_datetime(value)
    return display(kind, value)  # zone-aware times, True/False as Yes/No, numbers


def raw_text(value: Any) -> str:
    """A scalar exactly as the vendor sent it (JSON's ``true``, ``false`` and ``null`` as written)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the summary.

    Attributes:
        label: The field's name in words.
        value: The text shown, or a ``dict``/``list`` the pane unfolds below the label.
        kind: How nested scalars are read.
    """

    label: str
    value: Any
    kind: FieldKind = FieldKind.TEXT


class _Reads(dict[str, Any]):
    """A record's values that note which keys a column reads (``get`` and ``[]``)."""

    def __init__(self, data: dict[str, Any], seen: set[str]) -> None:
        super().__init__(data)
        self.seen = seen

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)


def _column_reading(column: Column, record: Record) -> tuple[Any, set[str]]:
    """A column's value of a record and the derived keys it read (so they are not repeated)."""
    seen: set[str] = set()
    probe = Record(record.vendor, record.dataset, record.id, record.fields, _Reads(record.derived, seen))
    try:
        return column.extract(probe), seen
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, seen


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, dict | list) and not value)


def _words(key: str) -> str:
    label = key.replace("_", " ")
    return label[:1].upper() + label[1:]


def _column_line(column: Column, value: Any) -> Line:
    badge = column.badge(value)
    if badge is not None:
        return Line(column.label, badge.label)
    if isinstance(value, dict | list):
        return Line(column.label, value, column.kind)
    return Line(column.label, plain(value, column.kind))


def summary(spec: DatasetSpec, record: Record) -> list[Line]:
    """The plain reading of a record: its columns in words, with what the vendor worked out beside them.

    The lines follow the table's columns; a derived value no column shows comes right after the line
    of the derived value before it (a booking's end after its start), so related values stay together.

    Args:
        spec: The record's dataset.
        record: The record.

    Returns:
        The lines, empty values left out.
    """
    lines: list[Line | None] = []
    line_of: dict[str, int] = {}  # derived key -> the index of the line that shows it
    for column in spec.columns:
        value, read = _column_reading(column, record)
        for key in read:
            line_of.setdefault(key, len(lines))
        lines.append(None if _empty(value) else _column_line(column, value))
    after: dict[int, list[Line]] = {}
    extras: list[Line] = []
    anchor: int | None = None
    for key, value in record.derived.items():
        if key.startswith("_"):
            continue
        if key in line_of:
            anchor = line_of[key]
            continue
        if _empty(value):
            continue
        line = Line(_words(key), value if isinstance(value, dict | list) else plain(value))
        (after.setdefault(anchor, []) if anchor is not None else extras).append(line)
    result: list[Line] = []
    for index, shown in enumerate(lines):
        if shown is not None:
            result.append(shown)
        result.extend(after.get(index, ()))
    return result + extras
