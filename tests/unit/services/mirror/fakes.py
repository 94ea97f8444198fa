"""A small dict-based mirror that honours the contract's pass semantics (console/services/mirror/contract.py).

It keeps everything in memory and records what the sync asked of it, so tests can prove that a
record was stored once, that calls came one at a time, and that a resumed pass went on from its
last stored page.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from console.core.models import Cursor, Record
from console.services.mirror.contract import MirrorQuery, SyncState


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _text_of(record: Record) -> str:
    return _fold(" ".join(str(v) for v in record.fields.values() if v is not None))


class FakeMirror:
    """An in-memory :class:`~console.services.mirror.contract.Mirror`.

    Attributes:
        stored: How many times a pass stored each (dataset, id) in :meth:`store_page`, per pass id.
        pages: The pages stored, as (dataset, pass id, record ids, next cursor).
        calls: Every method called, in order.
        overlaps: Calls that came while another was running (should stay 0: one at a time).
    """

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self._records: dict[str, dict[str, tuple[Record, int]]] = {}
        self._states: dict[str, SyncState] = {}
        self._busy = threading.Lock()
        self.stored: Counter[tuple[str, str, int]] = Counter()
        self.pages: list[tuple[str, int, list[str], Cursor]] = []
        self.calls: list[str] = []
        self.overlaps = 0

    def _enter(self, name: str) -> None:
        if not self._busy.acquire(blocking=False):
            self.overlaps += 1
            self._busy.acquire()
        self.calls.append(name)

    def _leave(self) -> None:
        self._busy.release()

    @property
    def on_disk(self) -> bool:
        """Never: it lives in memory."""
        return False

    def records(self, dataset: str) -> dict[str, Record]:
        """The dataset's records by id (tests)."""
        return {key: record for key, (record, _stamp) in self._records.get(dataset, {}).items()}

    def state(self, dataset: str) -> SyncState:
        """Where the dataset's sync stands."""
        self._enter("state")
        try:
            return self._states.get(dataset, SyncState(dataset))
        finally:
            self._leave()

    def begin_pass(self, dataset: str, expected: int | None = None) -> SyncState:
        """Starts a full pass (a new pass id)."""
        self._enter("begin_pass")
        try:
            old = self._states.get(dataset, SyncState(dataset))
            state = dataclasses.replace(old, pass_id=old.pass_id + 1, cursor=None, running=True, fetched=0,
                                        expected=expected, started_at=time.time())
            self._states[dataset] = state
            return state
        finally:
            self._leave()

    def store_page(self, state: SyncState, records: Sequence[Record], next_cursor: Cursor,
                   expected: int | None = None) -> SyncState:
        """Stores one page and where the pass goes on, together."""
        self._enter("store_page")
        try:
            current = self._states[state.dataset]
            assert current.running and current.pass_id == state.pass_id, "a page of a pass that is not running"
            table = self._records.setdefault(state.dataset, {})
            changed = sum(record.id not in table or table[record.id][0].fields != record.fields
                          for record in records)
            for record in records:
                table[record.id] = (record, state.pass_id)
                self.stored[(state.dataset, record.id, state.pass_id)] += 1
            self.pages.append((state.dataset, state.pass_id, [r.id for r in records], next_cursor))
            new = dataclasses.replace(current, cursor=next_cursor, fetched=current.fetched + len(records),
                                      expected=expected if expected is not None else current.expected,
                                      changed=changed)
            self._states[state.dataset] = new
            return new
        finally:
            self._leave()

    def finish_pass(self, state: SyncState) -> int:
        """Removes the records the pass did not see; the dataset is complete."""
        self._enter("finish_pass")
        try:
            table = self._records.get(state.dataset, {})
            gone = [key for key, (_record, stamp) in table.items() if stamp != state.pass_id]
            for key in gone:
                del table[key]
            current = self._states[state.dataset]
            self._states[state.dataset] = dataclasses.replace(current, complete=True, running=False, cursor=None,
                                                              synced_at=time.time())
            return len(gone)
        finally:
            self._leave()

    def put(self, dataset: str, records: Sequence[Record]) -> None:
        """Stores records the console read or wrote (stamped with the running or last pass, so a finish keeps them)."""
        self._enter("put")
        try:
            stamp = self._states.get(dataset, SyncState(dataset)).pass_id
            table = self._records.setdefault(dataset, {})
            for record in records:
                table[record.id] = (record, stamp)
        finally:
            self._leave()

    def forget(self, dataset: str, record_id: str) -> None:
        """Removes one record."""
        self._enter("forget")
        try:
            self._records.get(dataset, {}).pop(record_id, None)
        finally:
            self._leave()

    def get(self, dataset: str, record_id: str) -> Record | None:
        """One record, as stored."""
        entry = self._records.get(dataset, {}).get(record_id)
        return entry[0] if entry else None

    def count(self, dataset: str, text: str = "") -> int:
        """How many records match."""
        return len(self._matching(dataset, text))

    def _matching(self, dataset: str, text: str) -> list[Record]:
        needle = _fold(text)
        return [r for r, _stamp in self._records.get(dataset, {}).values() if needle in _text_of(r)]

    def rows(self, dataset: str, query: MirrorQuery) -> list[Record]:
        """A page in the query's order."""
        def key(record: Record) -> Any:
            value = record.fields.get(query.sort) if query.sort else record.id
            return "" if value is None else str(value)

        ordered = sorted(self._matching(dataset, query.text), key=key, reverse=query.descending)
        return ordered[query.offset:query.offset + query.limit]

    def find(self, *, emails: Sequence[str] = (), phones: Sequence[str] = (), names: Sequence[str] = (),
             limit: int = 200) -> list[Record]:
        """Records whose fields hold any of the values (a rough identity match, enough for tests)."""
        wanted = [_fold(v) for v in (*emails, *phones, *names) if v]
        found = [r for table in self._records.values() for r, _stamp in table.values()
                 if any(w in _text_of(r) for w in wanted)]
        return found[:limit]

    def drop(self) -> None:
        """Forgets everything."""
        self._records.clear()
        self._states.clear()

    def close(self) -> None:
        """Nothing to close."""
