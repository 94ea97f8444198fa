"""One account's mirror: an SQLCipher database, encrypted at rest, implementing :class:`~.contract.Mirror`.

The file is ``<data folder>/mirrors/<account id>.db`` (:func:`mirror_path`), owner-only (0600 in a
0700 folder), encrypted with a random 256-bit key kept in the OS keychain (:mod:`.keys`); it holds
vendor records and where their sync stands, never a login secret. Without a key (no usable
keychain) the same database lives in memory for the session.

Tables:

- ``records``: every record of every dataset, as tagged JSON (:mod:`.codec`), stamped with the sync
  pass that last saw it; ``sync``: each dataset's :class:`~.contract.SyncState`.
- ``k<n>`` per dataset: one sort key per column of the dataset's spec, each with its own index, so
  any column sorts by walking an index (the first 50 of 100,000 rows without sorting them all), a
  day key per date or time column (its calendar date, indexed: a list's date range), and the
  record's folded search text behind an FTS5 trigram index ``f<n>`` (substring filters; the index
  keeps no positions, ``detail=none``: a third of the size, and ``instr`` confirms each candidate).
  Lists, counts and finds read them in :mod:`.reads`.
- ``idents`` (lower-case emails and E.164 phone keys) and ``names`` (folded person names, trigram
  indexed): what :meth:`MirrorStore.find` answers from.

Every write is one transaction: a failure (a full disk raises :class:`MirrorFull`) leaves what was
stored before. A file that cannot be opened (a wrong key, damage) is moved aside and rebuilt empty;
at open every page is checked against its HMAC (:meth:`MirrorStore._check_pages`), so a damaged
page is found then rather than mid-sync. After each pass the WAL is emptied and the file is
compacted (:meth:`MirrorStore._tidy`), keeping it under 1 KB a record.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from console.core import log
from console.core.errors import Severity, UserMessage
from console.core.lookup import DEFAULT_REGION
from console.core.models import Cursor, DatasetSpec, Record
from console.core.paths import data_dir
from console.core.settings import move_aside
from console.services.mirror import codec, reads
from console.services.mirror.contract import Condition, MirrorQuery, SyncState
from console.services.mirror.errors import MirrorDamaged, MirrorFull, failure_kind
from console.services.mirror.index import entry, identity_of, time_columns
from console.services.mirror.reads import Dataset
from console.services.mirror.schema import SCHEMA, create_keys

#: Bump when what is indexed of a record changes: every dataset's keys are then worked out again.
INDEX_VERSION = 2
#: A dataset's packing dictionary is made from its first page of at least this many records.
DICTIONARY_FROM = 20
#: Bytes the WAL file is cut back to once checkpointed (it is emptied after each pass).
WAL_LIMIT = 4 * 1024 * 1024
#: After a pass, the file is rebuilt (VACUUM) when it has this many times the pages of its last rebuild.
REPACK_GROWTH = 1.25
#: Files larger than this are not checked page by page at open (the check reads the whole file).
CHECK_MAX_BYTES = 1024 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")

IN_MEMORY_TEXT = ("There is no usable keychain to keep the local copy's key, so the local copy of {label} "
                  "is kept in memory for this session only and fetched again after a restart.")
DAMAGED_TEXT = ("The local copy of {label} could not be opened ({reason}). It was moved to {name} and "
                "is rebuilt from the vendor.")


class _DamagedPages(Exception):
    """Pages of a mirror's file failed their check at open (the text says which)."""


def mirror_path(account_id: str) -> Path:
    """Where an account's mirror lives: ``<data folder>/mirrors/<account id>.db``."""
    return data_dir() / "mirrors" / f"{_SAFE.sub('_', account_id)}.db"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _layout(spec: DatasetSpec) -> str:
    return json.dumps([INDEX_VERSION, [c.key for c in spec.columns], list(time_columns(spec))])


class MirrorStore:
    """One account's mirror (see the module docstring); every call blocks (run it in a worker thread).

    Args:
        account_id: The account's id.
        specs: The mirrored datasets' descriptors, by dataset name.
        key: The 32-byte encryption key; ``None`` keeps the mirror in memory for this session.
        path: The database file (default :func:`mirror_path`); ignored without a key.
        label: How the account is called in notices.
        region: Default region for phone numbers written without a country code.
        on_drop: Called by :meth:`drop` once the file is gone (forgets the key).
    """

    def __init__(self, account_id: str, specs: Mapping[str, DatasetSpec], *, key: bytes | None,
                 path: Path | None = None, label: str = "", region: str = DEFAULT_REGION,
                 on_drop: Callable[[], None] | None = None) -> None:
        self.account_id = account_id
        self.label = label or account_id
        self.region = region
        self.notice: str | None = None
        self._specs = dict(specs)
        self._key = key
        self._path = (path or mirror_path(account_id)) if key is not None else None
        self._on_drop = on_drop
        self._lock = threading.RLock()
        self._datasets: dict[str, Dataset] = {}
        if key is None:
            self.notice = IN_MEMORY_TEXT.format(label=self.label)
        self._conn: Any = self._open()

    # -- opening ----------------------------------------------------------------------------------

    @property
    def on_disk(self) -> bool:
        """Whether the mirror is kept on disk (encrypted); ``False``: in memory for this session."""
        return self._path is not None

    @property
    def path(self) -> Path | None:
        """The database file (``None`` in memory)."""
        return self._path

    def _connect(self) -> Any:
        if self._path is None or self._key is None:
            return sqlcipher.connect(":memory:", check_same_thread=False, isolation_level=None)
        folder = self._path.parent
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        if not self._path.exists():
            os.close(os.open(self._path, os.O_CREAT | os.O_WRONLY, 0o600))
        with contextlib.suppress(OSError):
            os.chmod(self._path, 0o600)
        conn = sqlcipher.connect(str(self._path), check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{self._key.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")  # a damaged page is said once, in the console's log
        return conn

    def _open(self) -> Any:
        conn = None
        try:
            conn = self._connect()
            self._prepare(conn)
            return conn
        except _DamagedPages as exc:
            if conn is not None:
                with contextlib.suppress(sqlcipher.Error):
                    conn.close()
            return self._rebuild(str(exc))
        except sqlcipher.DatabaseError as exc:
            if conn is not None:
                with contextlib.suppress(sqlcipher.Error):
                    conn.close()
            kind = failure_kind(exc)
            if kind == "full":
                raise self._full() from None
            if kind != "damaged" or self._path is None:
                raise
            return self._rebuild("wrong key or damaged file" if "not a database" in str(exc) else str(exc))

    def _rebuild(self, reason: str) -> Any:
        """Moves the file aside (``<name>.bad-<n>``, with its journal) and opens a new, empty one."""
        assert self._path is not None
        backup = move_aside(self._path)
        for sidecar, moved in zip(_sidecars(self._path), _sidecars(backup), strict=True):
            if sidecar.exists():
                with contextlib.suppress(OSError):
                    os.replace(sidecar, moved)
        self.notice = DAMAGED_TEXT.format(label=self.label, reason=reason, name=backup.name)
        log.services.warning("mirror of %s could not be read (%s); moved to %s and rebuilt",
                             self.account_id, reason, backup.name)
        self._datasets.clear()
        conn = self._connect()
        self._prepare(conn)
        return conn

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Any]:
        with self._lock:
            try:
                yield self._db()
            except sqlcipher.DatabaseError as exc:
                raise self._failed(exc) from None

    def _failed(self, exc: Exception) -> Exception:
        """The error to raise for an SQLite failure in use: full disk, damage (then rebuilt) or as it is."""
        kind = failure_kind(exc)
        if kind == "full":
            return self._full()
        if kind != "damaged" or self._path is None:
            return exc
        with contextlib.suppress(sqlcipher.Error):
            self._conn.close()
        self._conn = None
        self._conn = self._rebuild(str(exc))
        assert self.notice is not None
        return MirrorDamaged(self.notice, user_message=UserMessage("Local copy rebuilt", self.notice,
                                                                   "Sync the account again.", Severity.WARNING))

    def _prepare(self, conn: Any) -> None:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]  # a wrong key or damage fails here
        conn.execute("PRAGMA temp_store = MEMORY")  # no plain-text temporary files
        conn.execute("PRAGMA cache_size = -4000")  # 4 MB of pages per mirror (the default is 2)
        if self._path is not None:
            if not tables:  # only a new file takes it (an older one on its next rebuild, see _tidy)
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # A page of records rewrites hundreds of index pages: without a limit the WAL file keeps the
            # size of the largest one past the checkpoint (7.7 MB after syncing 20,000 contacts).
            conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
            if tables:
                self._check_pages(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in SCHEMA:
                conn.execute(statement)
            for name, spec in self._specs.items():
                self._dataset_in(conn, name, spec)
            self._check_region(conn)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlcipher.Error):
                conn.execute("ROLLBACK")
            raise

    def _check_pages(self, conn: Any) -> None:
        """Checks every page of the file against its HMAC, so damage is found at open, not mid-sync.

        SQLCipher's ``cipher_integrity_check`` reads the file without decrypting it (about 0.1 s for
        20,000 contacts); a WAL left by a crash goes into the file first, so every page is where the
        check reads it. Files above :data:`CHECK_MAX_BYTES` are left to the checks made in use. A
        page found damaged is checked once more before the file counts as damaged: another process
        (the CLI's sync) may have been writing that page just then.

        Raises:
            _DamagedPages: Pages of the file are damaged.
        """
        assert self._path is not None
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy or self._path.stat().st_size > CHECK_MAX_BYTES:
            return  # in use elsewhere (its WAL cannot be emptied), or too large to check at every start
        bad = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        if bad:
            bad = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        if bad:
            pages = re.findall(r"page (\d+)", " ".join(bad))
            where = f"page {pages[0]}" if len(pages) == 1 else f"{len(bad)} pages" if pages else bad[0]
            raise _DamagedPages(f"damaged file: {where} did not pass its check")

    def _check_region(self, conn: Any) -> None:
        """Phone keys depend on the default region: a new region works every record's keys out again."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'region'").fetchone()
        if row is not None and row[0] != self.region:
            log.services.info("mirror of %s: region now %s; phone keys worked out again", self.account_id, self.region)
            conn.execute("DELETE FROM idents")
            for info in self._datasets.values():
                for rec, record_id, body in conn.execute("SELECT rec, id, body FROM records WHERE ds = ?",
                                                         (info.ds,)).fetchall():
                    idents, _names = identity_of(info.spec, info.record(body, record_id), self.region)
                    conn.executemany("INSERT OR IGNORE INTO idents(kind, value, rec) VALUES (?, ?, ?)",
                                     [(kind, value, rec) for kind, value in idents])
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('region', ?)", (self.region,))

    def _dataset_in(self, conn: Any, name: str, spec: DatasetSpec) -> Dataset:
        layout = _layout(spec)
        row = conn.execute("SELECT ds, layout, dictionary FROM datasets WHERE name = ?", (name,)).fetchone()
        if row is None:
            ds = conn.execute("INSERT INTO datasets(name, layout) VALUES (?, ?)", (name, layout)).lastrowid
            create_keys(conn, ds, len(spec.columns), time_columns(spec))
        else:
            ds = row[0]
        info = Dataset.of(ds, spec, None if row is None else row[2])
        if row is not None and row[1] != layout:  # the columns changed: index every record again
            log.services.info("mirror of %s: %s columns changed; reindexing", self.account_id, name)
            conn.execute(f"DROP TABLE IF EXISTS f{ds}")
            conn.execute(f"DROP TABLE IF EXISTS k{ds}")
            create_keys(conn, ds, len(spec.columns), info.days)
            conn.execute("UPDATE datasets SET layout = ? WHERE ds = ?", (layout, ds))
            for table in ("idents", "names"):
                conn.execute(f"DELETE FROM {table} WHERE rec IN (SELECT rec FROM records WHERE ds = ?)", (ds,))
            stored = conn.execute("SELECT rec, id, body FROM records WHERE ds = ?", (ds,)).fetchall()
            for rec, record_id, body in stored:
                self._index(conn, info, rec, info.record(body, record_id))
        self._datasets[name] = info
        return info

    # -- plumbing ---------------------------------------------------------------------------------

    def _db(self) -> Any:
        if self._conn is None:
            raise RuntimeError(f"the mirror of {self.account_id} is closed")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        with self._reading() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlcipher.Error):
                    conn.execute("ROLLBACK")
                self._datasets.clear()  # what this transaction added to them is gone: read them again
                if isinstance(exc, sqlcipher.DatabaseError):
                    raise self._failed(exc) from None
                raise

    def _full(self) -> MirrorFull:
        text = (f"The disk is full, so the local copy of {self.label} cannot grow and syncing stopped. "
                "What it held is kept.")
        log.services.warning("mirror of %s: disk full", self.account_id)
        return MirrorFull(text, user_message=UserMessage("Disk full", text,
                                                         "Free some disk space, then sync again."))

    def _info(self, conn: Any, dataset: str) -> Dataset:
        """The dataset's tables, made on first use (inside a write transaction)."""
        info = self._known(conn, dataset)
        if info is not None:
            return info
        spec = self._specs.get(dataset)
        if spec is None:
            raise KeyError(f"{dataset} is not a mirrored dataset of {self.account_id}")
        return self._dataset_in(conn, dataset, spec)

    def _known(self, conn: Any, dataset: str) -> Dataset | None:
        """The dataset's tables when they exist (``None``: nothing stored yet)."""
        info = self._datasets.get(dataset)
        spec = self._specs.get(dataset)
        if info is not None or spec is None:
            return info
        row = conn.execute("SELECT ds, layout, dictionary FROM datasets WHERE name = ?", (dataset,)).fetchone()
        if row is None or row[1] != _layout(spec):
            return None
        info = self._datasets[dataset] = Dataset.of(row[0], spec, row[2])
        return info

    @staticmethod
    def _ensure_dictionary(conn: Any, info: Dataset, records: Sequence[Record]) -> None:
        """Makes the dataset's packing dictionary from its first page of enough records."""
        if info.dictionary is None and len(records) >= DICTIONARY_FROM:
            info.dictionary = codec.make_dictionary([codec.dumps(r) for r in records[:codec.DICTIONARY_SAMPLE]])
            conn.execute("UPDATE datasets SET dictionary = ? WHERE ds = ?", (info.dictionary, info.ds))

    def _index(self, conn: Any, info: Dataset, rec: int, record: Record) -> None:
        found = entry(info.spec, record, self.region)
        marks = ", ".join("?" * (len(found.keys) + len(found.days) + 3))
        conn.execute(f"INSERT INTO k{info.ds} VALUES ({marks})",
                     (rec, found.id_key, found.search, *found.keys, *found.days))
        if found.idents:
            conn.executemany("INSERT OR IGNORE INTO idents(kind, value, rec) VALUES (?, ?, ?)",
                             [(kind, value, rec) for kind, value in found.idents])
        if found.names:
            conn.execute("INSERT INTO names(rec, text) VALUES (?, ?)", (rec, found.names))

    def _unindex(self, conn: Any, info: Dataset, rec: int, old: Record) -> None:
        """Removes what :meth:`_index` stored of a record (``old``: the record as it was stored)."""
        conn.execute(f"DELETE FROM k{info.ds} WHERE rec = ?", (rec,))
        conn.execute("DELETE FROM names WHERE rec = ?", (rec,))
        idents, _names = identity_of(info.spec, old, self.region)  # no index by rec: the same keys again
        conn.executemany("DELETE FROM idents WHERE kind = ? AND value = ? AND rec = ?",
                         [(kind, value, rec) for kind, value in idents])

    def _upsert(self, conn: Any, info: Dataset, record: Record, pass_id: int) -> tuple[bool, bool]:
        """Stores one record stamped with ``pass_id``.

        Returns:
            Whether it was not stamped so before, and whether it is new or changed.
        """
        body = codec.pack(codec.dumps(record), info.dictionary)
        row = conn.execute("SELECT rec, pass, body FROM records WHERE ds = ? AND id = ?",
                           (info.ds, record.id)).fetchone()
        if row is None:
            rec = conn.execute("INSERT INTO records(ds, id, pass, body) VALUES (?, ?, ?, ?)",
                               (info.ds, record.id, pass_id, body)).lastrowid
            self._index(conn, info, rec, record)
            return True, True
        rec, old_pass, old_body = row
        if old_body == body:
            if old_pass != pass_id:
                conn.execute("UPDATE records SET pass = ? WHERE rec = ?", (pass_id, rec))
            return bool(old_pass != pass_id), False
        conn.execute("UPDATE records SET pass = ?, body = ? WHERE rec = ?", (pass_id, body, rec))
        self._unindex(conn, info, rec, info.record(old_body, record.id))
        self._index(conn, info, rec, record)
        return bool(old_pass != pass_id), True

    @staticmethod
    def _state_in(conn: Any, dataset: str) -> SyncState:
        row = conn.execute("SELECT complete, pass_id, cursor, running, fetched, expected, started_at, synced_at "
                           "FROM sync WHERE dataset = ?", (dataset,)).fetchone()
        if row is None:
            return SyncState(dataset)
        complete, pass_id, cursor, running, fetched, expected, started_at, synced_at = row
        return SyncState(dataset, bool(complete), pass_id, json.loads(cursor), bool(running), fetched, expected,
                         started_at, synced_at)

    @staticmethod
    def _save_state(conn: Any, state: SyncState) -> None:
        conn.execute("INSERT OR REPLACE INTO sync VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (state.dataset, int(state.complete), state.pass_id, json.dumps(state.cursor), int(state.running),
                      state.fetched, state.expected, state.started_at, state.synced_at))

    # -- sync passes --------------------------------------------------------------------------------

    def state(self, dataset: str) -> SyncState:
        """Where the dataset's sync stands (a fresh state for a dataset never synced)."""
        with self._reading() as conn:
            return self._state_in(conn, dataset)

    def begin_pass(self, dataset: str, expected: int | None = None) -> SyncState:
        """Starts a full pass from the dataset's start (a new ``pass_id``); returns its state."""
        with self._write() as conn:
            self._info(conn, dataset)
            old = self._state_in(conn, dataset)
            state = SyncState(dataset, old.complete, old.pass_id + 1, None, True, 0, expected, time.time(),
                              old.synced_at)
            self._save_state(conn, state)
            return state

    def store_page(self, state: SyncState, records: Sequence[Record], next_cursor: Cursor,
                   expected: int | None = None) -> SyncState:
        """Stores one page of a running pass and where the pass goes on, in one transaction.

        Raises:
            ValueError: ``state`` is not the dataset's running pass (another pass began since).
            MirrorFull: The disk is full (nothing of this page is stored).
        """
        with self._write() as conn:
            info = self._info(conn, state.dataset)
            current = self._state_in(conn, state.dataset)
            if not current.running or current.pass_id != state.pass_id:
                raise ValueError(f"pass {state.pass_id} of {state.dataset} is not running")
            self._ensure_dictionary(conn, info, records)
            stored = [self._upsert(conn, info, record, current.pass_id) for record in records]
            new = SyncState(state.dataset, current.complete, current.pass_id, next_cursor, True,
                            current.fetched + sum(fresh for fresh, _ in stored),
                            expected if expected is not None else current.expected,
                            current.started_at, current.synced_at, sum(changed for _, changed in stored))
            self._save_state(conn, new)
            return new

    def finish_pass(self, state: SyncState) -> int:
        """Ends a pass that read the whole dataset; removes the records it did not see; returns how many.

        Raises:
            ValueError: ``state`` is not the dataset's running pass.
        """
        with self._write() as conn:
            info = self._info(conn, state.dataset)
            current = self._state_in(conn, state.dataset)
            if not current.running or current.pass_id != state.pass_id:
                raise ValueError(f"pass {state.pass_id} of {state.dataset} is not running")
            unseen = conn.execute("SELECT rec, id, body FROM records WHERE ds = ? AND pass <> ?",
                                  (info.ds, current.pass_id)).fetchall()
            for rec, record_id, body in unseen:
                self._unindex(conn, info, rec, info.record(body, record_id))
            conn.executemany("DELETE FROM records WHERE rec = ?", [(rec,) for rec, _id, _body in unseen])
            self._save_state(conn, SyncState(state.dataset, True, current.pass_id, None, False, current.fetched,
                                             current.expected, current.started_at, time.time()))
        self._tidy()
        return len(unseen)

    def _tidy(self) -> None:
        """After a pass: the file rebuilt, or its free pages given back; the WAL emptied either way.

        The file is rebuilt (VACUUM) when it holds :data:`REPACK_GROWTH` times the pages of its last
        rebuild, or was never rebuilt. A sync fills the indexes in random order, which leaves their
        pages about three quarters full (a tenth of the file, 946 -> 868 bytes a contact), so the
        first full pass and then each quarter of growth rebuild it once (0.4 s for 20,000 contacts).
        A failure here loses nothing (the pass is stored) and is only logged; damage is handled as
        anywhere.
        """
        if self._path is None:
            return
        with self._reading() as conn:
            try:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                row = conn.execute("SELECT value FROM meta WHERE key = 'packed_pages'").fetchone()
                if row is None or pages > int(row[0]) * REPACK_GROWTH:
                    started = time.perf_counter()
                    conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # an older file takes it now
                    # The rebuilt copy goes to a temporary file, not memory (that kept +38 MB resident for a
                    # 54 MB file); SQLCipher encrypts it with the mirror's key (checked: no plain text in it).
                    conn.execute("PRAGMA temp_store = FILE")
                    try:
                        conn.execute("VACUUM")
                    finally:
                        conn.execute("PRAGMA temp_store = MEMORY")
                    packed = conn.execute("PRAGMA page_count").fetchone()[0]
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('packed_pages', ?)", (str(packed),))
                    log.services.info("mirror of %s rebuilt in %.2f s: %d pages -> %d", self.account_id,
                                      time.perf_counter() - started, pages, packed)
                elif conn.execute("PRAGMA freelist_count").fetchone()[0]:
                    conn.execute("PRAGMA incremental_vacuum").fetchall()  # one step a page: run it to the end
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlcipher.DatabaseError as exc:
                if failure_kind(exc) == "damaged":
                    raise
                log.services.info("mirror of %s not tidied after a pass: %s", self.account_id, exc)

    # -- console changes ------------------------------------------------------------------------------

    def put(self, dataset: str, records: Sequence[Record]) -> None:
        """Stores records read or written by the console, at once (stamped with the latest pass).

        Raises:
            MirrorFull: The disk is full.
        """
        with self._write() as conn:
            info = self._info(conn, dataset)
            pass_id = self._state_in(conn, dataset).pass_id
            self._ensure_dictionary(conn, info, records)
            for record in records:
                self._upsert(conn, info, record, pass_id)

    def forget(self, dataset: str, record_id: str) -> None:
        """Removes one record (deleted in the console)."""
        with self._write() as conn:
            info = self._info(conn, dataset)
            row = conn.execute("SELECT rec, body FROM records WHERE ds = ? AND id = ?",
                               (info.ds, record_id)).fetchone()
            if row is not None:
                self._unindex(conn, info, row[0], info.record(row[1], record_id))
                conn.execute("DELETE FROM records WHERE rec = ?", (row[0],))

    # -- reading ----------------------------------------------------------------------------------------

    def get(self, dataset: str, record_id: str) -> Record | None:
        """One record, as last stored."""
        with self._reading() as conn:
            info = self._known(conn, dataset)
            return None if info is None else reads.get(conn, info, record_id)

    def count(self, dataset: str, text: str = "", conditions: Sequence[Condition] = ()) -> int:
        """How many records the dataset holds (that match ``text`` and ``conditions``, as in :class:`MirrorQuery`).

        Raises:
            KeyError: A condition's column is not a column of the dataset (or not a time column, by days).
        """
        with self._reading() as conn:
            info = self._known(conn, dataset)
            return 0 if info is None else reads.count(conn, info, text, conditions)

    def rows(self, dataset: str, query: MirrorQuery) -> list[Record]:
        """A page of the dataset in the query's order (ties in the order the records arrived).

        Raises:
            KeyError: ``query.sort`` or a condition names no column of the dataset.
        """
        with self._reading() as conn:
            info = self._known(conn, dataset)
            return [] if info is None else reads.rows(conn, info, query)

    def find(self, *, emails: Sequence[str] = (), phones: Sequence[str] = (), names: Sequence[str] = (),
             limit: int = 200) -> list[Record]:
        """The records of every dataset whose identity matches any of the given values.

        An email matches in any case; a phone by its E.164 keys; a name when every word of it is in
        one of a record's names (substring, case- and accent-insensitive).
        """
        with self._reading() as conn:
            by_ds = {info.ds: info for info in (self._known(conn, name) for name in self._specs) if info is not None}
            return reads.find(conn, by_ds, self.region, emails=emails, phones=phones, names=names, limit=limit)

    # -- lifetime ---------------------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the database (the file stays)."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlcipher.Error):
                    self._conn.close()
                self._conn = None

    def drop(self) -> None:
        """Forgets everything (*Forget local copy*): the database and its file are removed, the key too."""
        with self._lock:
            self.close()
            if self._path is not None:
                for path in (self._path, *_sidecars(self._path)):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
            if self._on_drop is not None:
                self._on_drop()

