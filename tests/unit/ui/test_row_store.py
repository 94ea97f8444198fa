"""The table's row store: records in and out unchanged, ids kept distinct, caches bounded."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from console.core.models import Record
from console.ui import row_store
from console.ui.row_store import RowStore


def rec(record_id: str, dataset: str = "things", **fields: object) -> Record:
    return Record("test", dataset, record_id, {"id": int(record_id), "name": f"n{record_id}", **fields},
                  {"when": dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), "_form": {"name": record_id}})


def test_records_come_back_equal_and_as_plain_data() -> None:
    store = RowStore()
    records = [rec(str(i), tags=["a", "b"]) for i in range(250)]
    store.extend(records)
    assert len(store) == 250 and "7" in store and "999" not in store
    assert all(store.record(i) == records[i] for i in range(250))
    again = store.record(3)
    assert store.record(3) is again  # read last: kept unpacked
    assert isinstance(again.fields, dict) and again.derived["_form"] == {"name": "3"}
    assert store.ids()[:3] == ["0", "1", "2"] and store.index_of("42") == 42 and store.index_of("x") == -1


def test_a_batch_of_mixed_datasets_keeps_each_records_own() -> None:
    store = RowStore()
    records = [rec("1"), rec("2", "other"), rec("3")]
    store.extend(records)
    assert [store.record(i).dataset for i in range(3)] == ["things", "other", "things"]


def test_insert_replace_remove_and_fresh() -> None:
    store = RowStore()
    store.extend([rec("1"), rec("2")])
    assert [r.id for r in store.fresh([rec("2"), rec("3"), rec("3"), rec("4")])] == ["3", "4"]
    store.insert(0, rec("0"))
    before = store.row(1)
    store.replace(1, rec("1", name="renamed"))
    assert store.row(1) is not before and store.record(1).fields["name"] == "renamed"
    store.remove(0)
    assert store.ids() == ["1", "2"] and "0" not in store
    store.assign([rec("9")])
    assert store.ids() == ["9"] and "1" not in store
    store.clear()
    assert len(store) == 0 and not store


def test_the_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_store, "UNPACKED_CACHE", 10)
    monkeypatch.setattr(row_store, "RAW_CACHE", 2)
    store = RowStore()
    for start in range(0, 1000, 100):
        store.extend([rec(str(i)) for i in range(start, start + 100)])
    for i in range(0, 1000, 7):
        assert store.record(i).id == str(i)
    assert len(store._unpacked) == 10 and len(store._raw) == 2


def test_a_stored_row_is_far_smaller_than_its_record() -> None:
    store = RowStore()
    records = [rec(str(i), email=f"person{i}@example.com", city="Springfield", notes="x" * 40) for i in range(100)]
    store.extend(records)
    row = store.row(0)
    packed = sys.getsizeof(row) + len(row.block.data) / 100
    plain = sys.getsizeof(records[0]) + sys.getsizeof(records[0].fields) + sys.getsizeof(records[0].derived)
    assert packed < plain / 2
