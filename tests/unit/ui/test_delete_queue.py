"""The delete queue: a held delete leaves the list at once, waits behind "Undo", and is sent once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console.core.models import Column, DatasetSpec, FieldKind, Page, Record, ViewKind
from console.ui.delete_queue import DeleteQueue, PendingDelete, UndoBar, undo_text
from console.ui.qtasync import TaskSet
from console.ui.table_model import PagedTableModel
from tests.conftest import until

SPEC = DatasetSpec("things", "Things", ViewKind.LIST, (Column("id", "ID", lambda r: r.id, FieldKind.ID),),
                   title_of=lambda r: f"#{r.id}", can_delete=True, noun="thing")


async def no_pages(_cursor: Any, _limit: int) -> Page[Record]:
    raise AssertionError("the queue never loads pages")


class Sender:
    """The vendor's side: records each delete sent; refuses the ids in ``refuse``."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.refuse: set[str] = set()
        self.arrived = asyncio.Event()

    async def __call__(self, record: Record) -> bool:
        self.sent.append(record.id)
        self.arrived.set()
        return record.id not in self.refuse


@pytest.fixture
def queue(qtbot: Any) -> tuple[DeleteQueue, PagedTableModel, Sender]:
    model = PagedTableModel(SPEC.columns, no_pages, 50)
    for i in reversed(range(5)):
        model.insert_record(Record("fake", "things", str(i), {}))
    bar = UndoBar()
    qtbot.addWidget(bar)
    sender = Sender()
    return DeleteQueue(SPEC, "Fake", model, sender, TaskSet("test"), bar), model, sender


async def test_undo_puts_the_row_back_where_it_was_and_sends_nothing(queue: Any) -> None:
    deletes, model, sender = queue
    restored: list[int] = []
    notes: list[str] = []
    deletes.restored.connect(restored.append)
    deletes.statusMessage.connect(notes.append)
    deletes.hold(model.record(2), 60)
    assert model.row_of("2") == -1 and "2" in deletes and len(deletes) == 1
    assert deletes.bar.text.text() == "Deleted thing #2: the delete goes to Fake in 60 s."
    assert not deletes.bar.isHidden()
    assert deletes.undo()
    assert model.row_of("2") == 2 and restored == [2]
    assert notes == ["Kept thing #2: the delete was undone."]
    assert deletes.bar.isHidden() and not deletes.undo()
    assert sender.sent == []


async def test_a_held_delete_is_sent_once_its_time_is_up(queue: Any) -> None:
    deletes, model, sender = queue
    deletes.hold(model.record(0), 0.05)
    await asyncio.wait_for(sender.arrived.wait(), 3)
    await until(lambda: not deletes.pending, 3, "the held delete sent")
    assert sender.sent == ["0"] and model.row_of("0") == -1
    assert deletes.bar.isHidden()
    assert await deletes.flush() == 0 and sender.sent == ["0"]  # nothing left to send


async def test_flush_sends_every_held_delete_and_a_refused_one_comes_back(queue: Any) -> None:
    deletes, model, sender = queue
    sender.refuse = {"3"}
    deletes.hold(model.record(1), 60)
    deletes.hold(model.record(2), 60)  # the row that was 3 is row 2 now
    assert deletes.bar.text.text().startswith("2 deletes are waiting")
    assert await deletes.flush() == 1
    assert sender.sent == ["1", "3"]
    assert model.row_of("1") == -1 and model.row_of("3") == 2  # refused: the record is still there
    assert not deletes.pending and deletes.bar.isHidden()


async def test_drop_forgets_without_sending(queue: Any) -> None:
    deletes, model, sender = queue
    deletes.hold(model.record(0), 0.05)
    timer = deletes.pending["0"].task
    assert deletes.drop() == 1
    assert not deletes.pending and deletes.bar.isHidden()
    await asyncio.gather(timer, return_exceptions=True)
    assert timer.cancelled() and sender.sent == []
    assert model.row_of("0") == -1  # closing without deleting: the list is going away anyway


def test_the_bar_names_the_latest_and_counts_down_to_the_next() -> None:
    def held(record_id: str, deadline: float) -> PendingDelete:
        return PendingDelete(Record("fake", "things", record_id, {}), 0, deadline, None)  # type: ignore[arg-type]

    assert undo_text(SPEC, "Fake", {}, 0) == ""
    assert undo_text(SPEC, "Fake", {"a": held("a", 4.2)}, 0) == "Deleted thing #a: the delete goes to Fake in 5 s."
    two = {"a": held("a", 9.0), "b": held("b", 3.5)}
    assert undo_text(SPEC, "Fake", two, 1.0) == "2 deletes are waiting; the next goes to Fake in 3 s."
    assert undo_text(SPEC, "Fake", {"a": held("a", 0.5)}, 2.0).endswith("in 0 s.")
