"""Export writers and bookkeeping: CSV cells, notes said once, every record left out counted."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from console.core.models import Cursor, Page, Query, Record
from console.services.export import CsvWriter
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
