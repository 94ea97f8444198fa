"""Export writers and bookkeeping: CSV cells, notes said once, every record left out counted."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from console.core.models import Cursor, Page, Query, Record
from console.services.export import CsvWriter, JsonlWriter, export_dataset
from console.vendors.base import VendorClient


def rec(record_id: str, **fields: Any) -> Record:
    return Record("test", "things", record_id, {"name": f"n{record_id}", **fields})


class Pages:
    """A client whose pages are given (only :meth:`page`, the one call the export makes)."""

    def __init__(self, pages: list[Page[Record]]) -> None:
        self.pages = pages

    async def page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        return self.pages[0 if cursor is None else int(cursor)]


def pages(*specs: tuple[list[Record], tuple[str, ...], int]) -> VendorClient:
    built = [Page(items, str(n + 1) if n + 1 < len(specs) else None, n + 1 < len(specs), notes=notes,
                  duplicates=dups) for n, (items, notes, dups) in enumerate(specs)]
    return cast(VendorClient, Pages(built))


def test_csv_writes_booleans_the_same_way_at_every_depth() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.write([rec("1", active=True, gone=False, extra={"vip": True, "tags": [False]}, note=None)])
    writer.close()
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["active"] == "true" and row["gone"] == "false"
    assert row["extra"] == '{"vip": true, "tags": [false]}'
    assert row["note"] == ""
    assert "True" not in out.getvalue() and "False" not in out.getvalue()


async def test_each_note_is_given_once_in_the_order_it_came() -> None:
    client = pages(([rec("1")], ("Frequencies are not offered.",), 0),
                   ([rec("2")], ("Frequencies are not offered.", "Time zone unknown."), 0),
                   ([rec("3")], ("Time zone unknown.",), 0))
    heard: list[str] = []
    state = await export_dataset(client, "things", JsonlWriter(io.StringIO()), on_note=heard.append)
    assert heard == state.notes == ["Frequencies are not offered.", "Time zone unknown."]
    assert state.records == 3 and state.pages == 3


async def test_records_left_out_within_an_answer_and_across_pages_are_counted_together() -> None:
    out = io.StringIO()
    client = pages(([rec("1"), rec("2")], (), 2), ([rec("2"), rec("3")], (), 1))
    state = await export_dataset(client, "things", JsonlWriter(out))
    assert out.getvalue().count("\n") == state.records == 3
    assert (state.duplicates, state.answer_duplicates, state.left_out) == (1, 3, 4)
    assert state.duplicate_warning() == "4 records were left out because their id repeated one already exported"


async def test_no_warning_when_nothing_was_left_out() -> None:
    state = await export_dataset(pages(([rec("1")], (), 0)), "things", JsonlWriter(io.StringIO()))
    assert state.left_out == 0 and state.duplicate_warning() == "" and state.notes == []
    one = await export_dataset(pages(([rec("1")], (), 1)), "things", JsonlWriter(io.StringIO()))
    assert one.duplicate_warning() == "1 record was left out because its id repeated one already exported"
