"""What a mirror indexes of a record: a sort key per column, the text filter's words, the identity.

Everything here is worked out from the dataset's descriptor (:class:`~console.core.models.DatasetSpec`):
each column's value getter gives the value the table shows, which becomes

- a *sort key*: a number for numbers, times (Unix seconds, so zones compare by instant) and
  booleans; folded text (lower case, no accents) for text, so "muller" and "Müller" sort together;
  ``None`` for an empty value (first when ascending);
- a piece of the *search text*: the value as the table shows it, folded, so a filter finds a
  substring of any column the way the user reads it;
- for DATE and DATETIME columns, a *day key*: the value's calendar date as the value itself reads
  it, in its own zone (:func:`day_key`), which a vendor's ``YYYY-MM-DD`` date filter compares.

Text is folded like :func:`console.core.lookup.fold` (NFKD, marks stripped, casefold).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from console.core import log
from console.core.lookup import DEFAULT_REGION, phone_keys
from console.core.models import Column, DatasetSpec, FieldKind, Record

#: What separates the columns' texts in a record's search text (never typed in a filter).
SEPARATOR = "\n"
#: Identity kinds as stored.
EMAIL, PHONE = 1, 2


def fold(text: str) -> str:
    """Lower case without accents ("Müller" -> "muller"); like :func:`console.core.lookup.fold`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _timestamp(moment: dt.datetime) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return calendar.timegm(moment.timetuple()) + moment.microsecond / 1e6
    return moment.timestamp()


def _parse_time(text: str) -> dt.datetime | None:
    value = text.strip()
    if not value or not value[0].isdigit():
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def sort_key(kind: FieldKind, value: Any) -> Any:
    """The value a column sorts by: a number, folded text or ``None`` (empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else float(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.datetime):
        return _timestamp(value)
    if isinstance(value, dt.date):
        return calendar.timegm(value.timetuple())
    if isinstance(value, str):
        if kind in (FieldKind.DATETIME, FieldKind.DATE):
            moment = _parse_time(value)
            if moment is not None:
                return _timestamp(moment)
        elif kind in (FieldKind.INTEGER, FieldKind.DECIMAL):
            try:
                return float(value.replace(",", ""))
            except ValueError:
                pass
        return fold(value)
    if isinstance(value, list | tuple):
        return fold(", ".join(str(v) for v in value)) or None
    return fold(json.dumps(value, ensure_ascii=False, default=str))


#: The column kinds that have a day key.
TIME_KINDS = (FieldKind.DATE, FieldKind.DATETIME)


def time_columns(spec: DatasetSpec) -> tuple[int, ...]:
    """The positions of the spec's columns that have a day key (DATE and DATETIME ones)."""
    return tuple(i for i, column in enumerate(spec.columns) if column.kind in TIME_KINDS)


def day_key(value: Any) -> int | None:
    """The calendar date of a time value as it reads, in its own zone (an ordinal), or ``None``.

    An aware datetime gives its wall-clock date in its zone (an appointment at 23:30 in New York on
    1 December is on 1 December, as the vendor's filter has it, though it is 2 December in UTC); a
    naive one and a date their own date; text in ISO form the date as written (before its offset).
    """
    if isinstance(value, dt.datetime):
        return value.date().toordinal()
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, str):
        moment = _parse_time(value)
        return moment.date().toordinal() if moment is not None else None
    return None


def id_key(record_id: str) -> Any:
    """How ids sort: numerically when they are numbers ("9" before "10"), else as folded text."""
    if record_id.isdigit() and len(record_id) < 19:
        return int(record_id)
    return fold(record_id)


def _clock(moment: dt.datetime) -> str:
    if getattr(moment, "hour_clock", 24) == 12:
        return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment:%H:%M}"


def shown(kind: FieldKind, value: Any) -> str:
    """The value as the table shows it (see ``console.ui.formatting.display``), for the text filter."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = f"{value:%a %d %b %Y} {_clock(value)}"
        return f"{text} {value.tzname() or ''}".rstrip() if value.tzinfo is not None else text
    if kind is FieldKind.BOOLEAN or isinstance(value, bool):
        return "Yes" if value else "No"
    if kind is FieldKind.DATETIME and isinstance(value, str):
        moment = _parse_time(value)
        if moment is None:
            return value
        if moment.tzinfo is None:
            return f"{moment:%Y-%m-%d %H:%M}"
        local = moment.astimezone()
        return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}" if kind in (FieldKind.INTEGER, FieldKind.DECIMAL) else str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the mirror indexes of one record.

    Attributes:
        keys: The sort key of each column, in the spec's column order.
        days: The day key of each time column (:func:`time_columns`), in the same order.
        id_key: How the record's id sorts.
        search: The folded text of every column (:data:`SEPARATOR` between columns).
        idents: ``(kind, value)`` pairs: lower-case emails, phone keys.
        names: The record's person names, folded, one a line ("" when none).
    """

    keys: tuple[Any, ...]
    days: tuple[int | None, ...]
    id_key: Any
    search: str
    idents: tuple[tuple[int, str], ...]
    names: str


def _value(column: Column, record: Record) -> Any:
    try:
        return column.extract(record)
    except Exception as exc:  # a getter that trips over an odd record must not stop the sync
        log.services.debug("column %s of %s/%s: %s", column.key, record.dataset, record.id, type(exc).__name__)
        return None


def entry(spec: DatasetSpec, record: Record, region: str = DEFAULT_REGION) -> Entry:
    """Works out what the mirror indexes of a record of ``spec``'s dataset."""
    keys: list[Any] = []
    days: list[int | None] = []
    texts: list[str] = []
    for column in spec.columns:
        value = _value(column, record)
        keys.append(sort_key(column.kind, value))
        if column.kind in TIME_KINDS:
            days.append(day_key(value))
        texts.append(shown(column.kind, value))
    idents, names = identity_of(spec, record, region)
    return Entry(tuple(keys), tuple(days), id_key(record.id), fold(SEPARATOR.join(texts)), idents, names)


def identity_of(spec: DatasetSpec, record: Record,
                region: str = DEFAULT_REGION) -> tuple[tuple[tuple[int, str], ...], str]:
    """What :meth:`MirrorStore.find` matches a record by: ``(kind, value)`` pairs and its folded names."""
    if spec.identity is None:
        return (), ""
    try:
        identity = spec.identity(record)
    except Exception as exc:  # as for columns: an odd record is still stored, just not found by identity
        log.services.debug("identity of %s/%s: %s", record.dataset, record.id, type(exc).__name__)
        return (), ""
    idents = {(EMAIL, e.strip().lower()) for e in identity.emails if e and e.strip()}
    for phone in identity.phones:
        if phone:
            idents.update((PHONE, k) for k in phone_keys(phone, region))
    names = [fold(n).strip() for n in identity.names if n and n.strip()]
    return tuple(sorted(idents)), SEPARATOR.join(names)


def query_phone_keys(phones: Sequence[str], region: str = DEFAULT_REGION) -> set[str]:
    """The keys phones given to ``find`` are compared by (keys such as ``nsn:...`` pass through)."""
    keys: set[str] = set()
    for phone in phones:
        if phone.startswith("nsn:"):
            keys.add(phone)
        else:
            keys.update(phone_keys(phone, region))
    return keys


def trigrams(text: str) -> str:
    """An FTS5 query for rows holding every trigram of ``text`` (at least 3 characters long).

    With ``detail=none`` the index keeps no positions, so this finds candidates; the caller checks
    that the text really is a substring.
    """
    grams = dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
