"""The read side of a mirror's database: lists (text, conditions, any-column order), counts, identity finds.

:class:`~console.services.mirror.store.MirrorStore` opens, writes and guards the database and calls
these with a connection under its lock. A list's filter is SQL over the dataset's key table
``k<n>`` (see :mod:`console.services.mirror.schema`): the text through the trigram index ``f<n>``
and ``instr``; each :class:`~.contract.Condition` on one indexed key column, the sort key ``c<i>`` or,
by days, the day key ``d<i>`` (a NULL key, a record without a value, never meets one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.core.models import DatasetSpec, Record
from console.services.mirror import codec
from console.services.mirror.contract import Condition, MirrorQuery
from console.services.mirror.index import EMAIL, PHONE, fold, query_phone_keys, time_columns, trigrams

#: The shortest filter the trigram index answers; shorter ones scan the search text.
TRIGRAM = 3
#: Records read by one statement at most (SQLite's variable limit is far above it).
CHUNK = 500


@dataclass(slots=True)
class Dataset:
    """A mirrored dataset's tables: its number ``ds`` (``k<ds>``, ``f<ds>``), columns and packing dictionary.

    Attributes:
        ds: The dataset's number.
        spec: Its descriptor.
        columns: Its column keys, in the spec's order (``c<i>`` is column ``i``'s sort key).
        dictionary: Its packing dictionary (:func:`codec.pack`), once made.
        days: The positions of its time columns (``d<i>`` is column ``i``'s day key).
    """

    ds: int
    spec: DatasetSpec
    columns: tuple[str, ...]
    dictionary: bytes | None
    days: tuple[int, ...] = ()

    @staticmethod
    def of(ds: int, spec: DatasetSpec, dictionary: bytes | None) -> Dataset:
        """The tables of dataset number ``ds`` described by ``spec``."""
        return Dataset(ds, spec, tuple(c.key for c in spec.columns), dictionary, time_columns(spec))

    def record(self, blob: bytes, record_id: str) -> Record:
        """A stored record read back."""
        return codec.loads(codec.unpack(blob, self.dictionary), self.spec.name, record_id)

    def position(self, column: str) -> int:
        """Where a column is in the spec.

        Raises:
            KeyError: No such column.
        """
        if column not in self.columns:
            raise KeyError(f"{column} is not a column of {self.spec.name}")
        return self.columns.index(column)


def _typed(key: str, value: Any) -> str:
    """Keeps a comparison to keys of the bound's type (SQLite orders every number before any text)."""
    if isinstance(value, bool | int | float):
        return f"typeof({key}) IN ('integer', 'real')"
    return f"typeof({key}) = 'text'"


def _bound(value: Any, days: bool) -> Any:
    if days and isinstance(value, dt.date):
        return value.toordinal()
    return value


def condition_sql(info: Dataset, condition: Condition) -> tuple[str, tuple[Any, ...]]:
    """One condition as SQL over ``k`` (the dataset's key table) and its arguments.

    Raises:
        KeyError: The condition's column is not one of the dataset's (by days: not a time column).
    """
    i = info.position(condition.column)
    if condition.days:
        if i not in info.days:
            raise KeyError(f"{condition.column} of {info.spec.name} is not a date or time column")
        key = f"k.d{i}"
    else:
        key = f"k.c{i}"
    if condition.any_of:
        marks = ", ".join("?" * len(condition.any_of))
        return f"{key} IN ({marks})", tuple(condition.any_of)
    parts = [f"{key} IS NOT NULL"]
    args: list[Any] = []
    for value, sign in ((condition.low, ">" if condition.low_open else ">="),
                        (condition.high, "<" if condition.high_open else "<=")):
        if value is None:
            continue
        bound = _bound(value, condition.days)
        parts.append(f"{key} {sign} ?")
        args.append(bound)
        if not condition.days:
            parts.append(_typed(key, bound))
    return " AND ".join(dict.fromkeys(parts)), tuple(args)


def where(info: Dataset, text: str, conditions: Sequence[Condition] = ()) -> tuple[str, tuple[Any, ...]]:
    """A list's filter as a SQL condition over ``k`` ("" for every row) and its arguments.

    Raises:
        KeyError: A condition names no column of the dataset.
    """
    parts: list[str] = []
    args: list[Any] = []
    folded = fold(text).strip()
    if len(folded) >= TRIGRAM:  # the index gives the rows holding every trigram; instr() keeps the substrings
        parts.append(f"k.rec IN (SELECT rowid FROM f{info.ds} WHERE f{info.ds} MATCH ?) AND instr(k.search, ?) > 0")
        args += [trigrams(folded), folded]
    elif folded:
        parts.append("instr(k.search, ?) > 0")
        args.append(folded)
    for condition in conditions:
        sql, more = condition_sql(info, condition)
        parts.append(sql)
        args += more
    return " AND ".join(parts), tuple(args)


def get(conn: Any, info: Dataset, record_id: str) -> Record | None:
    """One record, as last stored."""
    row = conn.execute("SELECT body FROM records WHERE ds = ? AND id = ?", (info.ds, record_id)).fetchone()
    return None if row is None else info.record(row[0], record_id)


def count(conn: Any, info: Dataset, text: str = "", conditions: Sequence[Condition] = ()) -> int:
    """How many records of the dataset match ``text`` and ``conditions``."""
    sql, args = where(info, text, conditions)
    return int(conn.execute(f"SELECT count(*) FROM k{info.ds} k" + (f" WHERE {sql}" if sql else ""),
                            args).fetchone()[0])


def rows(conn: Any, info: Dataset, query: MirrorQuery) -> list[Record]:
    """A page of the dataset in the query's order (ties in the order the records arrived).

    Raises:
        KeyError: ``query.sort`` or a condition names no column of the dataset.
    """
    column = "k.sid" if query.sort is None else f"k.c{info.position(query.sort)}"
    order = " DESC" if query.descending else ""
    sql, args = where(info, query.text, query.conditions)
    # The page's rows from the sort index alone, then only their records (an offset skips index entries).
    recs = [r for (r,) in conn.execute(
        f"SELECT k.rec FROM k{info.ds} k" + (f" WHERE {sql}" if sql else "")
        + f" ORDER BY {column}{order}, k.rec{order} LIMIT ? OFFSET ?",
        (*args, max(0, query.limit), max(0, query.offset)))]
    if not recs:
        return []
    marks = ", ".join("?" * len(recs))
    bodies = {rec: (record_id, body) for rec, record_id, body in conn.execute(
        f"SELECT rec, id, body FROM records WHERE rec IN ({marks})", recs)}
    return [info.record(bodies[rec][1], bodies[rec][0]) for rec in recs]


def find(conn: Any, by_ds: Mapping[int, Dataset], region: str, *, emails: Sequence[str] = (),
         phones: Sequence[str] = (), names: Sequence[str] = (), limit: int = 200) -> list[Record]:
    """The records of the given datasets whose identity matches any of the values (see ``MirrorStore.find``)."""
    recs: set[int] = set()
    wanted = [(EMAIL, e.strip().lower()) for e in emails if e.strip()]
    wanted += [(PHONE, k) for k in query_phone_keys(phones, region)]
    for kind, value in wanted:
        recs.update(r for (r,) in conn.execute("SELECT rec FROM idents WHERE kind = ? AND value = ?", (kind, value)))
    for name in names:
        recs.update(named(conn, name))
    if not recs:
        return []
    chosen = sorted(recs)[:max(0, limit)]
    found: list[Record] = []
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start:start + CHUNK]
        marks = ", ".join("?" * len(part))
        for ds, record_id, body in conn.execute(
                f"SELECT ds, id, body FROM records WHERE rec IN ({marks}) ORDER BY rec", part):
            info = by_ds.get(ds)
            if info is not None:
                found.append(info.record(body, record_id))
    return found


def named(conn: Any, name: str) -> set[int]:
    """The records one of whose names holds every word of ``name`` (substrings, folded)."""
    words = fold(name).split()
    if not words:
        return set()
    long = [w for w in words if len(w) >= TRIGRAM]
    if long:
        query = " AND ".join(trigrams(w) for w in long)
        found = conn.execute("SELECT n.rec, n.text FROM names_fts JOIN names n ON n.rec = names_fts.rowid "
                             "WHERE names_fts MATCH ?", (query,)).fetchall()
    else:
        clause = " AND ".join("instr(text, ?) > 0" for _ in words)
        found = conn.execute(f"SELECT rec, text FROM names WHERE {clause}", words).fetchall()
    # Every word in one and the same name of the record.
    return {rec for rec, text in found if any(all(w in one for w in words) for one in text.split("\n"))}
