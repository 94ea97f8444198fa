"""The delete queue: a held delete leaves the list at once, waits behind "Undo", and is sent once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu

from console.core.models import Column, DatasetSpec, FieldKind, Page, Record, ViewKind
from console.ui.delete_queue import (
    DEFAULT_UNDO_SECONDS,
    DeleteQueue,
    DeleteState,
    PendingDelete,
    RecentDeletes,
    UndoBar,
    fill_recent_menu,
    show_recent_deletes,
    undo_text,
)
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
    return DeleteQueue(SPEC, "Fake", model, sender, TaskSet("test"), bar, session=RecentDeletes()), model, sender


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


async def test_a_delete_waits_ten_seconds_unless_the_setting_says_otherwise(queue: Any) -> None:
    deletes, model, _sender = queue
    assert DEFAULT_UNDO_SECONDS == 10 and deletes.session.seconds == 10
    deletes.hold(model.record(0))
    assert deletes.bar.text.text().endswith("in 10 s.")
    deletes.session.seconds = 30  # Edit > Settings
    deletes.hold(model.record(0))
    assert deletes.pending["1"].deadline - deletes.pending["0"].deadline > 15
    deletes.drop()


async def test_the_session_list_undoes_a_waiting_delete_of_any_list(qtbot: Any) -> None:
    session = RecentDeletes()
    queues = []
    for name in ("a", "b"):
        model = PagedTableModel(SPEC.columns, no_pages, 50)
        for i in reversed(range(3)):
            model.insert_record(Record("fake", "things", f"{name}{i}", {}))
        bar = UndoBar()
        qtbot.addWidget(bar)
        queues.append(DeleteQueue(SPEC, "Fake", model, Sender(), TaskSet(name), bar, place=f"List {name}",
                                  session=session))
    first, second = queues
    first.hold(first.model.record(1), 60)
    second.hold(second.model.record(0), 60)
    second.undo()  # from its own bar: the list says so
    assert [e.state for e in session.entries] == [DeleteState.KEPT, DeleteState.WAITING]
    menu = QMenu()
    fill_recent_menu(menu, session)
    lines = [(a.text(), a.isEnabled()) for a in menu.actions()]
    assert lines[0][0].startswith("Kept: thing #b0 (List b, ") and not lines[0][1]
    assert lines[1][0] == "Undo: thing #a1 (List a, sent in 60 s)" and lines[1][1]
    menu.actions()[1].trigger()  # the other list's delete, undone from the menu
    assert first.model.row_of("a1") == 1 and not first.pending
    assert session.entries[1].state is DeleteState.KEPT and not session.waiting()
    fill_recent_menu(menu, session)
    assert not any(a.isEnabled() for a in menu.actions())


def test_the_recent_deletes_pop_up_for_a_menu_command(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    menu = show_recent_deletes(window, RecentDeletes())
    assert [a.text() for a in menu.actions()] == ["No deletes yet in this session"]
    menu.close()
