"""The rows of one table, stored compactly: what lets a list keep a hundred thousand records.

A record's fields and derived values, as dicts, take 1-3 KB. The store keeps each row as a small
:class:`Row` (its id and where its values are) and the values of a batch of rows pickled one after
another and compressed as one block (a batch repeats its field names and many values: 60-150 bytes a
record instead of 300-1,000, and one compression call instead of a hundred). Reading a row's record
unpacks it; the records read last stay unpacked, and the blocks read last stay decompressed (the rows
on screen and either side), in caches the store owns.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import accumulate, groupby

from console.core.models import Record

#: Records kept unpacked per store (a few screens of rows).
UNPACKED_CACHE = 512
#: Blocks kept decompressed per store (the pages on screen and either side).
RAW_CACHE = 4


class _Block:
    """Rows packed together: their pickles, one after another, compressed as one.

    Attributes:
        vendor: The vendor of every record of the block.
        dataset: The dataset of every record of the block.
        data: The compressed pickles.
        ends: Where each record's pickle ends in the decompressed data.
    """

    __slots__ = ("data", "dataset", "ends", "vendor")

    def __init__(self, vendor: str, dataset: str, data: bytes, ends: array[int]) -> None:
        self.vendor = vendor
        self.dataset = dataset
        self.data = data
        self.ends = ends


class Row:
    """One stored row: the record's id and where its values are.

    The same row object stands for the row until its record is replaced, so callers may key caches
    of what they worked out from it (the cells' texts) by it.
    """

    __slots__ = ("block", "id", "slot")

    def __init__(self, id: str, block: _Block, slot: int) -> None:
        self.id = id
        self.block = block
        self.slot = slot


class RowStore:
    """The rows of a table, in order, with their ids; each record stored compactly.

    Records handed out are rebuilt from what is stored: treat them as read-only (a change to one is
    lost when it leaves the cache). The ids are distinct: the table keeps the first record of an id.
    """

    def __init__(self) -> None:
        #: The stored rows, in order: read it directly where speed counts (``data()``), change it only
        #: through the methods (the same list for the store's life).
        self.rows: list[Row] = []
        self._ids: set[str] = set()
        self._unpacked: OrderedDict[Row, Record] = OrderedDict()
        self._raw: OrderedDict[_Block, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._ids

    def row(self, index: int) -> Row:
        """The stored row at an index (raises ``IndexError`` outside the rows)."""
        return self.rows[index]

    def record(self, index: int) -> Record:
        """The record at an index (raises ``IndexError`` outside the rows)."""
        return self.record_of(self.rows[index])

    def record_of(self, row: Row) -> Record:
        """A stored row's record, unpacked (the records read last are kept)."""
        unpacked = self._unpacked
        hit = unpacked.get(row)
        if hit is not None:
            unpacked.move_to_end(row)
            return hit
        block, slot = row.block, row.slot
        start = block.ends[slot - 1] if slot else 0
        fields, derived = pickle.loads(memoryview(self._decompressed(block))[start:block.ends[slot]])
        record = Record(block.vendor, block.dataset, row.id, fields, derived)
        unpacked[row] = record
        if len(unpacked) > UNPACKED_CACHE:
            unpacked.popitem(last=False)
        return record

    def _decompressed(self, block: _Block) -> bytes:
        raw = self._raw.get(block)
        if raw is not None:
            self._raw.move_to_end(block)
            return raw
        raw = zlib.decompress(block.data)
        self._raw[block] = raw
        if len(self._raw) > RAW_CACHE:
            self._raw.popitem(last=False)
        return raw

    def index_of(self, record_id: str) -> int:
        """The index of a record id, or -1."""
        if record_id not in self._ids:
            return -1
        for index, row in enumerate(self.rows):
            if row.id == record_id:
                return index
        return -1  # pragma: no cover (the id set and the rows agree)

    def fresh(self, records: Iterable[Record]) -> list[Record]:
        """The records whose ids are not stored yet (the first of each id of the batch)."""
        stored = self._ids
        out = [r for r in records if r.id not in stored]
        if len({r.id for r in out}) == len(out):
            return out
        firsts: dict[str, Record] = {}
        for record in out:
            firsts.setdefault(record.id, record)
        return list(firsts.values())

    def extend(self, records: Sequence[Record]) -> None:
        """Stores records after the last row, packed together (ids must be new: :meth:`fresh`)."""
        self.rows.extend(_pack(records))
        self._ids.update(r.id for r in records)

    def prepend(self, records: Sequence[Record]) -> None:
        """Stores records before the first row, packed together (ids must be new: :meth:`fresh`)."""
        self.rows[0:0] = _pack(records)
        self._ids.update(r.id for r in records)

    def insert(self, index: int, record: Record) -> None:
        """Stores a record at an index (its id must be new)."""
        self.rows.insert(index, _pack((record,))[0])
        self._ids.add(record.id)

    def replace(self, index: int, record: Record) -> None:
        """Stores a record in place of the row at an index (the same id)."""
        old = self.rows[index]
        self._unpacked.pop(old, None)
        self.rows[index] = _pack((record,))[0]

    def remove(self, index: int) -> None:
        """Forgets the row at an index."""
        row = self.rows.pop(index)
        self._ids.discard(row.id)
        self._unpacked.pop(row, None)

    def assign(self, records: Sequence[Record]) -> None:
        """Replaces every row (ids must be distinct)."""
        self.clear()
        self.extend(records)

    def clear(self) -> None:
        """Forgets every row."""
        self.rows.clear()
        self._ids.clear()
        self._unpacked.clear()
        self._raw.clear()

    def ids(self) -> list[str]:
        """The rows' ids, in order."""
        return [row.id for row in self.rows]


def _pack(records: Sequence[Record]) -> list[Row]:
    """Packs records into blocks, one per run of records of the same vendor and dataset (in practice one)."""
    if not records:
        return []
    first = records[0]
    if all(r.vendor == first.vendor and r.dataset == first.dataset for r in records):
        return _pack_run(first.vendor, first.dataset, records)
    rows: list[Row] = []
    for (vendor, dataset), run in groupby(records, key=lambda r: (r.vendor, r.dataset)):
        rows += _pack_run(vendor, dataset, list(run))
    return rows


def _pack_run(vendor: str, dataset: str, records: Sequence[Record]) -> list[Row]:
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    pickles = [dumps((r.fields, r.derived), protocol) for r in records]
    ends = array("I", accumulate(map(len, pickles)))
    block = _Block(vendor, dataset, zlib.compress(b"".join(pickles), 3), ends)
    return [Row(r.id, block, slot) for slot, r in enumerate(records)]
