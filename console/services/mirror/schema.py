"""The mirror database's tables (see :mod:`console.services.mirror.store` for what each holds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The tables every mirror has (a dataset's own ones come from :func:`create_keys`).
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS datasets(ds INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, layout TEXT NOT NULL, "
    "dictionary BLOB)",
    "CREATE TABLE IF NOT EXISTS sync(dataset TEXT PRIMARY KEY, complete INTEGER NOT NULL, pass_id INTEGER NOT NULL, "
    "cursor TEXT NOT NULL, running INTEGER NOT NULL, fetched INTEGER NOT NULL, expected INTEGER, started_at REAL, "
    "synced_at REAL)",
    "CREATE TABLE IF NOT EXISTS records(rec INTEGER PRIMARY KEY AUTOINCREMENT, ds INTEGER NOT NULL, id TEXT NOT NULL, "
    "pass INTEGER NOT NULL, body BLOB NOT NULL, UNIQUE(ds, id))",
    "CREATE TABLE IF NOT EXISTS idents(kind INTEGER NOT NULL, value TEXT NOT NULL, rec INTEGER NOT NULL, "
    "PRIMARY KEY(kind, value, rec)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS names(rec INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS names_fts USING fts5(text, content='names', content_rowid='rec', "
    "tokenize='trigram', detail=none, columnsize=0)",
    "CREATE TRIGGER IF NOT EXISTS names_ai AFTER INSERT ON names BEGIN "
    "INSERT INTO names_fts(rowid, text) VALUES (new.rec, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS names_ad AFTER DELETE ON names BEGIN "
    "INSERT INTO names_fts(names_fts, rowid, text) VALUES ('delete', old.rec, old.text); END",
)


def create_keys(conn: Any, ds: int, columns: int, days: Sequence[int] = ()) -> None:
    """The dataset's keys and its trigram text index.

    One indexed sort key ``c<i>`` per spec column, then one indexed day key ``d<i>`` per time column
    ``i`` (``days``, see :func:`console.services.mirror.index.time_columns`).
    """
    cols = "".join(f", c{i}" for i in range(columns)) + "".join(f", d{i} INTEGER" for i in days)
    conn.execute(f"CREATE TABLE k{ds}(rec INTEGER PRIMARY KEY, sid, search TEXT NOT NULL{cols})")
    conn.execute(f"CREATE INDEX k{ds}_sid ON k{ds}(sid)")
    for i in range(columns):
        conn.execute(f"CREATE INDEX k{ds}_c{i} ON k{ds}(c{i})")
    for i in days:
        conn.execute(f"CREATE INDEX k{ds}_d{i} ON k{ds}(d{i})")
    conn.execute(f"CREATE VIRTUAL TABLE f{ds} USING fts5(search, content='k{ds}', content_rowid='rec', "
                 "tokenize='trigram', detail=none, columnsize=0)")
    conn.execute(f"CREATE TRIGGER k{ds}_ai AFTER INSERT ON k{ds} BEGIN "
                 f"INSERT INTO f{ds}(rowid, search) VALUES (new.rec, new.search); END")
    conn.execute(f"CREATE TRIGGER k{ds}_ad AFTER DELETE ON k{ds} BEGIN "
                 f"INSERT INTO f{ds}(f{ds}, rowid, search) VALUES ('delete', old.rec, old.search); END")
