"""Export: stream every page of a dataset to JSON Lines or CSV, each id exactly once."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from console.core import log
from console.core.constants import EXPORT_PAGE_SIZE
from console.core.models import DatasetSpec, Query, Record
from console.core.pace import Pace
from console.services.export_columns import CsvLayout, KnownFields, known_fields, plan_layout
from console.services.paging import pages
from console.vendors.base import VendorClient

FORMATS = ("jsonl", "csv")
#: Records written between two checks of the pace (a Setster page can hold thousands).
WRITE_SLICE = 100


def export_row(record: Record) -> dict[str, Any]:
    """The vendor's fields as returned, with ``id`` as a string."""
    row = dict(record.fields)
    row["id"] = record.id
    return row


class RecordWriter(Protocol):
    """Writes records to a text stream."""

    def prepare(self, records: list[Record]) -> None:
        """Sees a whole page before its records are written (a slice at a time)."""

    def write(self, records: list[Record]) -> None:
        """Writes a batch."""

    def close(self) -> None:
        """Flushes what is buffered."""


class JsonlWriter:
    """One JSON object per line.

    Args:
        out: Text stream.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        # One encoder for every line: json.dumps(..., ensure_ascii=False) builds a new one per call.
        self._encode = json.JSONEncoder(ensure_ascii=False).encode

    def prepare(self, records: list[Record]) -> None:
        """Nothing to plan: every record is written as sent."""

    def write(self, records: list[Record]) -> None:
        """Writes a batch."""
        encode = self._encode
        self.out.write("".join([encode(export_row(r)) + "\n" for r in records]))

    def close(self) -> None:
        """Flushes."""
        self.out.flush()


class CsvWriter:
    """CSV with a header from the first page; custom fields in a column each; nested values as JSON text.

    The header is decided by :func:`~console.services.export_columns.plan_layout` from the first page
    (:meth:`prepare`, or the first :meth:`write`) and the dataset's known fields: a Systeme.io contact's
    ``fields`` list becomes a column per field ("First name", "Surname", "Phone number"...). Custom
    fields first seen later go into the trailing "Other fields" column, said once each.

    Booleans are ``true``/``false`` at every depth (a top-level one as a nested one reads in its JSON
    text), empty for ``None``.

    Top-level columns that first appear after the header was written are left out and reported once.

    Args:
        out: Text stream (opened with ``newline=""``).
        on_warning: Receives a warning line.
        known: The dataset's custom fields (:func:`~console.services.export_columns.known_fields`).
    """

    def __init__(self, out: IO[str], on_warning: Callable[[str], None] | None = None,
                 known: KnownFields | None = None) -> None:
        self.out = out
        self.known = known
        self.layout: CsvLayout | None = None
        self._writer: csv.DictWriter[str] | None = None
        self._warned: set[str] = set()
        self._warn = on_warning or (lambda text: None)

    @property
    def columns(self) -> list[str]:
        """The header (empty until the first page came)."""
        return self.layout.header if self.layout is not None else []

    def prepare(self, records: list[Record]) -> None:
        """Decides the header from the first page (later pages change nothing)."""
        if self.layout is None and records:
            self.layout = plan_layout([export_row(r) for r in records], self.known)

    def write(self, records: list[Record]) -> None:
        """Writes a batch."""
        rows = [export_row(r) for r in records]
        if self._writer is None:
            if not rows:
                return
            if self.layout is None:
                self.layout = plan_layout(rows, self.known)
            self._writer = csv.DictWriter(self.out, fieldnames=self.layout.header, extrasaction="ignore")
            self._writer.writeheader()
        layout = self.layout
        assert layout is not None
        for row in rows:
            cells, extra, late = layout.cells(row)
            extra -= self._warned
            if extra:
                self._warned |= extra
                self._warn(f"columns {', '.join(sorted(extra))} appeared after the CSV header; "
                           "they are left out (use --format jsonl to keep every field)")
            if late:
                self._warn(f"custom field{'s' if len(late) > 1 else ''} {', '.join(late)} appeared after the CSV "
                           f"header; {'their values are' if len(late) > 1 else 'its values are'} in the "
                           f"{layout.other!r} column")
            self._writer.writerow({k: _cell(v) for k, v in cells.items()})

    def close(self) -> None:
        """Flushes."""
        self.out.flush()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):  # before the csv module writes Python's True/False
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return value


def make_writer(fmt: str, out: IO[str], on_warning: Callable[[str], None] | None = None,
                spec: DatasetSpec | None = None) -> RecordWriter:
    """Returns the writer for ``jsonl`` or ``csv``.

    Args:
        fmt: ``jsonl`` or ``csv``.
        out: Text stream.
        on_warning: Receives the CSV writer's warnings.
        spec: The dataset exported: its known fields head the CSV's custom-field columns.

    Raises:
        ValueError: Unknown format.
    """
    if fmt == "jsonl":
        return JsonlWriter(out)
    if fmt == "csv":
        return CsvWriter(out, on_warning, known_fields(spec))
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


@dataclass(slots=True)
class ExportProgress:
    """Where an export stands.

    Attributes:
        records: Records written.
        pages: Pages fetched.
        duplicates: Records skipped because their id was already written (by an earlier page).
        answer_duplicates: Records the vendor client left out because an earlier record of the same
            answer had the same id (the sum of :attr:`Page.duplicates`).
        notes: Each distinct note of the pages (an optional call the vendor does not offer...), in
            the order they first came.
        seconds: Time since the start.
        done: The last page was written.
    """

    records: int = 0
    pages: int = 0
    duplicates: int = 0
    answer_duplicates: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    done: bool = False
    seen: set[str] = field(default_factory=set, repr=False)

    @property
    def left_out(self) -> int:
        """Records not written because their id repeated one already read (both kinds)."""
        return self.duplicates + self.answer_duplicates

    def duplicate_warning(self) -> str:
        """The sentence about the records left out, or "" when none were."""
        count = self.left_out
        if not count:
            return ""
        if count == 1:
            return "1 record was left out because its id repeated one already exported"
        return f"{count:,} records were left out because their id repeated one already exported"


async def export_dataset(
    client: VendorClient,
    dataset: str,
    writer: RecordWriter,
    *,
    query: Query | None = None,
    page_size: int = EXPORT_PAGE_SIZE,
    progress: Callable[[ExportProgress], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ExportProgress:
    """Fetches every page and writes each record once (a repeated id is skipped and counted).

    Args:
        client: The account's client.
        dataset: Dataset name.
        writer: Where records go.
        query: Filters and order (default: the vendor's default order, no filters).
        page_size: Records per request.
        progress: Called after every page.
        on_note: Called once per distinct page note, when it first comes (before that page's
            ``progress``); every note is also kept in :attr:`ExportProgress.notes`.

    Returns:
        The final progress.
    """
    state = ExportProgress()
    t0 = time.perf_counter()
    query = query or Query()
    # One page is always on its way while the previous one is written: the vendor's latency hides
    # the local work (parsing, validation, writing). Pages are still fetched strictly in order.
    async with contextlib.aclosing(pages(client, dataset, query, page_size, prefetch=True)) as stream:
        async for page in stream:
            state.pages += 1
            state.answer_duplicates += page.duplicates
            for note in page.notes:
                if note not in state.notes:
                    state.notes.append(note)
                    if on_note is not None:
                        on_note(note)
            fresh = []
            for record in page.items:
                if record.id in state.seen:
                    state.duplicates += 1
                    continue
                state.seen.add(record.id)
                fresh.append(record)
            writer.prepare(fresh)
            pace = Pace()  # per page: the wait for the next page is not work
            for start in range(0, len(fresh), WRITE_SLICE):  # a long page: a slice at a time (core.pace)
                await pace.breathe()
                writer.write(fresh[start:start + WRITE_SLICE])
            state.records += len(fresh)
            state.seconds = time.perf_counter() - t0
            state.done = not page.has_next
            if progress is not None:
                progress(state)
    writer.close()
    if state.left_out:
        log.services.info("export of %s left out %d repeated ids (%d across pages, %d within an answer)",
                          dataset, state.left_out, state.duplicates, state.answer_duplicates)
    return state


def format_for(path: Path) -> str:
    """The export format a file name asks for (``.csv`` is CSV, anything else JSON Lines)."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


async def export_to_file(
    client: VendorClient,
    dataset: str,
    path: Path,
    fmt: str,
    *,
    query: Query | None = None,
    page_size: int = EXPORT_PAGE_SIZE,
    progress: Callable[[ExportProgress], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    spec: DatasetSpec | None = None,
) -> ExportProgress:
    """Exports into ``path`` through a temporary file next to it, renamed only once complete.

    A failed or cancelled export leaves nothing under the chosen name (and an older file of that
    name untouched). The arguments are :func:`export_dataset`'s; ``on_warning`` receives the CSV
    writer's warnings, and ``spec`` (the dataset) gives the CSV its known custom-field columns.

    Raises:
        ConsoleError: The vendor failed (nothing was written).
        OSError: The file could not be written.
    """
    tmp = path.with_name(f".{path.name}.part")
    ok = False
    try:
        with tmp.open("w", encoding="utf-8", newline="") as stream:
            state = await export_dataset(client, dataset, make_writer(fmt, stream, on_warning, spec), query=query,
                                         page_size=page_size, progress=progress, on_note=on_note)
        os.replace(tmp, path)
        ok = True
        return state
    finally:
        if not ok:
            tmp.unlink(missing_ok=True)
