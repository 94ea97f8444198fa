"""How values look in tables and the detail pane."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from console.core.models import FieldKind, Record


def parse_datetime(value: str) -> dt.datetime | None:
    """Parses an ISO-8601 date-time (with ``Z`` or an offset); ``None`` when it is not one."""
    text = value.strip()
    if not text or not text[0].isdigit():
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_datetime(value: str) -> str:
    """Shows a date-time in the computer's local zone, with the zone's name; other text unchanged."""
    moment = parse_datetime(value)
    if moment is None:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    local = moment.astimezone()
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


def clock_time(moment: dt.datetime) -> str:
    """The time of day: "14:30", or "2:30 PM" for a time on a 12-hour clock.

    A vendor whose account shows 12-hour times hands datetimes whose class says ``hour_clock = 12``
    (Launch27: ``console.vendors.launch27.clock``); every other datetime is shown on 24 hours.
    """
    if getattr(moment, "hour_clock", 24) == 12:
        return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment:%H:%M}"


def format_moment(moment: dt.datetime) -> str:
    """An aware time in its own zone with the zone's name ("Tue 24 Nov 2026 10:00 EST", "... 2:30 PM EST")."""
    shown = f"{moment:%a %d %b %Y} {clock_time(moment)}"
    if moment.tzinfo is None:
        return shown
    return f"{shown} {moment.tzname() or ''}".rstrip()


def display(kind: FieldKind, value: Any) -> str:
    """Returns the text shown for a value of a given kind."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_moment(value)
    if kind is FieldKind.BOOLEAN or isinstance(value, bool):
        return "Yes" if value else "No"
    if kind is FieldKind.DATETIME and isinstance(value, str):
        return format_datetime(value)
    if isinstance(value, int | float):
        return f"{value:,}" if kind in (FieldKind.INTEGER, FieldKind.DECIMAL) else str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def count_text(loaded: int, total: int | None, has_more: bool) -> str:
    """The table's footer: "1,250 of 20,000 loaded", "1,250 loaded, more available" or "All 1,250 loaded"."""
    if total is not None and (has_more or loaded < total):
        return f"{loaded:,} of {total:,} loaded"
    if has_more:
        return f"{loaded:,} loaded, more available"
    if loaded == 0:
        return "No records"
    return f"All {loaded:,} loaded" if loaded != 1 else "1 record"


class _RecordValues(dict[str, str]):
    """``str.format_map`` values of a record: derived values first, then fields; times in their zone."""

    def __init__(self, record: Record, title: str) -> None:
        super().__init__(title=title)
        self.record = record

    def __missing__(self, key: str) -> str:
        value = self.record.derived.get(key)
        if value in (None, ""):
            value = self.record.fields.get(key)
        if value in (None, ""):
            raise KeyError(key)
        return format_moment(value) if isinstance(value, dt.datetime) else str(value)


def outcome_text(template: str, record: Record, title: str) -> str | None:
    """What an action did, in words ("Rescheduled Chloé Santos to Fri 04 Dec 2026 14:00 EST.").

    Args:
        template: The action's ``done`` sentence with ``{names}`` of derived values or fields.
        record: The record as the vendor answered after the action.
        title: The record's title (``{title}``).

    Returns:
        The sentence, or ``None`` when there is no template or the record lacks one of its values.
    """
    if not template:
        return None
    try:
        return template.format_map(_RecordValues(record, title))
    except (KeyError, ValueError, IndexError):
        return None
