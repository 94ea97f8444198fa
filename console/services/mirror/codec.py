"""How a record is written into a mirror and read back exactly: tagged JSON, never pickle.

A record's fields are the vendor's JSON; its derived values may also hold what JSON has no word for:
zone-aware datetimes (with their zone: an IANA name or a fixed offset), dates, times, decimals,
tuples, bytes and dicts whose keys are not plain strings. Each of those becomes a one-key object
whose key starts with ``$`` (``{"$dt": [...]}``); a real dict that has a key starting with ``$`` is
written as ``{"$map": [[key, value], ...]}`` so it can never be mistaken for a tag. Reading builds
the same Python values back: equal, of the same type, in the same zone.

On disk the text is packed (:func:`pack`): zlib with a per-dataset preset dictionary
(:func:`make_dictionary`) made of the dataset's record *shape*: its keys and the values that most
records share ("first_name", "en"), never one person's data. Small JSON records shrink about
fourfold that way (571 -> 146 bytes for a Systeme.io contact).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.core.models import Record

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(record: Record) -> str:
    """The record as tagged JSON text (vendor, fields, derived; the dataset and id live beside it)."""
    return _DUMPS([record.vendor, _encode(record.fields), _encode(record.derived)])


def loads(text: str, dataset: str, record_id: str) -> Record:
    """Reads a record written by :func:`dumps`."""
    vendor, fields, derived = json.loads(text)
    return Record(vendor, dataset, record_id, _decode(fields), _decode(derived))


#: The records a dictionary is made from, at most; a value goes in when a quarter of them share it.
DICTIONARY_SAMPLE = 40
_RAW, _PACKED = b"j", b"z"
_MAX_DICTIONARY = 32_768


def _strings(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, list):
        for v in value:
            _strings(v, into)
    elif isinstance(value, dict):
        for k, v in value.items():
            into.add(k)
            _strings(v, into)


def _shape(value: Any, common: set[str]) -> Any:
    if isinstance(value, str):
        return value if value in common else ""
    if isinstance(value, list):
        return [_shape(v, common) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v, common) for k, v in value.items()}
    if isinstance(value, bool) or value is None:
        return value
    return 0 if isinstance(value, int | float) else value


def make_dictionary(texts: Sequence[str]) -> bytes:
    """A zlib preset dictionary for a dataset, from some of its records' :func:`dumps` texts.

    It holds the records' shape (keys, structure) and only the string values a quarter of the
    sample shares, so no one record's data is kept in it.
    """
    sample = [json.loads(t) for t in texts[:DICTIONARY_SAMPLE]]
    counts: Counter[str] = Counter()
    for item in sample:
        seen: set[str] = set()
        _strings(item, seen)
        counts.update(seen)
    common = {text for text, n in counts.items() if n >= max(3, len(sample) // 4)}
    shapes = "".join(_DUMPS(_shape(item, common)) for item in sample)
    return shapes.encode("utf-8")[-_MAX_DICTIONARY:]


@lru_cache(maxsize=32)
def _packer(dictionary: bytes) -> Any:
    return zlib.compressobj(9, zdict=dictionary)


def pack(text: str, dictionary: bytes | None) -> bytes:
    """The record text as stored: zlib with the dataset's dictionary, or as it is without one."""
    if not dictionary:
        return _RAW + text.encode("utf-8")
    packer = _packer(dictionary).copy()  # a copy of a primed one: half the cost of a new one
    packed: bytes = packer.compress(text.encode("utf-8")) + packer.flush()
    return _PACKED + packed


def unpack(blob: bytes, dictionary: bytes | None) -> str:
    """Reads what :func:`pack` wrote."""
    if blob[:1] == _PACKED:
        unpacker = zlib.decompressobj(zdict=dictionary or b"")
        return (unpacker.decompress(blob[1:]) + unpacker.flush()).decode("utf-8")
    return blob[1:].decode("utf-8")


def _zone(tz: dt.tzinfo | None, moment: dt.datetime) -> Any:
    if tz is None:
        return None
    if isinstance(tz, ZoneInfo) and tz.key:
        return tz.key
    if tz is dt.UTC:
        return 0
    offset = tz.utcoffset(moment)
    seconds = offset.total_seconds() if offset is not None else 0.0
    if isinstance(tz, dt.timezone):
        name = tz.tzname(None)
        # A timezone made with a name of its own keeps it; the default names ("UTC+02:00") are rebuilt.
        return [seconds, name] if name != dt.timezone(offset or dt.timedelta()).tzname(None) else seconds
    return seconds  # another tzinfo class: kept as the fixed offset it had at that moment


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None).isoformat()
        tagged: list[Any] = [naive, _zone(value.tzinfo, value), value.fold]
        if getattr(value, "hour_clock", 24) == 12:
            tagged.append(12)
        return {"$dt": tagged}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": [value.replace(tzinfo=None).isoformat(), _zone(value.tzinfo, dt.datetime(2000, 1, 1))]}
    if isinstance(value, dt.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$set": [_encode(v) for v in value], "frozen": isinstance(value, frozenset)}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"a mirror cannot store a {type(value).__name__} value")


def _tz(tagged: Any) -> dt.tzinfo | None:
    if tagged is None:
        return None
    if isinstance(tagged, str):
        try:
            return ZoneInfo(tagged)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    if isinstance(tagged, list):
        return dt.timezone(dt.timedelta(seconds=tagged[0]), tagged[1])
    if tagged == 0:
        return dt.UTC
    return dt.timezone(dt.timedelta(seconds=tagged))


def _moment(tagged: list[Any]) -> dt.datetime:
    naive = dt.datetime.fromisoformat(tagged[0])
    moment = naive.replace(tzinfo=_tz(tagged[1]), fold=tagged[2])
    if len(tagged) > 3 and tagged[3] == 12:
        from console.vendors.launch27.clock import on_clock

        return on_clock(moment, 12)
    return moment


def _tagged(tag: str, body: Any, obj: dict[str, Any]) -> Any:
    if tag == "$dt":
        return _moment(body)
    if tag == "$date":
        return dt.date.fromisoformat(body)
    if tag == "$time":
        return dt.time.fromisoformat(body[0]).replace(tzinfo=_tz(body[1]))
    if tag == "$td":
        return dt.timedelta(days=body[0], seconds=body[1], microseconds=body[2])
    if tag == "$dec":
        return Decimal(body)
    if tag == "$tuple":
        return tuple(_decode(v) for v in body)
    if tag == "$set":
        items = [_decode(v) for v in body]
        return frozenset(items) if obj.get("frozen") else set(items)
    if tag == "$b64":
        return base64.b64decode(body)
    if tag == "$map":
        return {_decode(k): _decode(v) for k, v in body}
    raise ValueError(f"unknown tag {tag}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if value:
            first = next(iter(value))
            if first.startswith("$"):
                return _tagged(first, value[first], value)
        return {k: _decode(v) for k, v in value.items()}
    return value
