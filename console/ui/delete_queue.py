"""Deletes held behind "Undo": a confirmed delete leaves the list at once and is sent a few seconds later.

:class:`DeleteQueue` keeps the held deletes with their timers: :meth:`~DeleteQueue.undo` brings a row
back where it was, :meth:`~DeleteQueue.flush` sends them all now (Delete now, or the app is closing),
:meth:`~DeleteQueue.drop` forgets them. :class:`UndoBar` is the bar above the table that says what
waits and counts down. :func:`confirm_delete` is the question asked before a delete is held.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from console.core.models import DatasetSpec, Record
from console.core.settings import AccountConfig
from console.ui.qtasync import TaskSet, dialog_result
from console.ui.table_model import PagedTableModel

#: How often the undo bar's countdown is redrawn (ms).
TICK_MS = 250


@dataclass(slots=True)
class PendingDelete:
    """A confirmed delete waiting behind "Undo".

    Attributes:
        record: The record.
        row: Where its row was (it comes back there on undo).
        deadline: ``time.monotonic()`` when it is sent.
        task: The timer task that sends it.
    """

    record: Record
    row: int
    deadline: float
    task: asyncio.Task[None]


class UndoBar(QFrame):
    """The bar that says which delete waits, with "Delete now" and "Undo".

    Args:
        parent: Qt parent.

    Signals:
        undoClicked(): The user asked to keep the latest held record.
        sendNowClicked(): The user asked to send every held delete now.
    """

    undoClicked = Signal()
    sendNowClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet("#undoBar { background: #fff4e5; border: 1px solid #f3d19e; border-radius: 4px; }"
                           "#undoBar QLabel { color: #663c00; }")
        self.text = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoDelete")
        self.undo_button.setToolTip("Bring the record back (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undoClicked)
        self.send_now_button = QPushButton("Delete now")
        self.send_now_button.setObjectName("deleteNow")
        self.send_now_button.clicked.connect(self.sendNowClicked)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.send_now_button)
        layout.addWidget(self.undo_button)
        self.hide()


def undo_text(spec: DatasetSpec, vendor_name: str, pending: dict[str, PendingDelete], now: float) -> str:
    """What the undo bar says about the held deletes ("" when none is held).

    Args:
        spec: The dataset.
        vendor_name: The vendor's display name.
        pending: The held deletes, oldest first.
        now: ``time.monotonic()``.

    Returns:
        The latest record's name when one is held, else how many; and the seconds until the next is sent.
    """
    if not pending:
        return ""
    latest = list(pending.values())[-1]
    left = max(0, math.ceil(min(p.deadline for p in pending.values()) - now))
    if len(pending) == 1:
        return f"Deleted {spec.noun} {spec.title_of(latest.record)}: the delete goes to {vendor_name} in {left} s."
    return f"{len(pending)} deletes are waiting; the next goes to {vendor_name} in {left} s."


class DeleteQueue(QObject):
    """The held deletes of one list.

    A held record's row leaves the model at once; its delete is sent when its time runs out, unless
    it is undone. A delete the vendor refuses puts the row back.

    Args:
        spec: The dataset.
        vendor_name: The vendor's display name.
        model: The list's rows.
        send: Sends one delete; returns whether the record is gone.
        tasks: Where the timers run (cancelled with the list).
        bar: The bar that shows what waits.
        parent: Qt parent.

    Signals:
        restored(int): Undo put a row back at this row number.
        statusMessage(str): A short note for the status bar.
    """

    restored = Signal(int)
    statusMessage = Signal(str)

    def __init__(self, spec: DatasetSpec, vendor_name: str, model: PagedTableModel,
                 send: Callable[[Record], Awaitable[bool]], tasks: TaskSet, bar: UndoBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.vendor_name = vendor_name
        self.model = model
        self.send = send
        self.tasks = tasks
        self.bar = bar
        self.pending: dict[str, PendingDelete] = {}
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.show)
        bar.undoClicked.connect(lambda: self.undo())
        bar.sendNowClicked.connect(lambda: self.tasks.spawn(self.flush()))

    def __len__(self) -> int:
        return len(self.pending)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.pending

    def hold(self, record: Record, seconds: float) -> None:
        """Takes the record's row out now and sends its delete after ``seconds``, unless undone."""
        row = self.model.row_of(record.id)
        self.model.remove_record(record.id)

        async def later() -> None:
            await asyncio.sleep(seconds)
            await self._send(record.id)

        self.pending[record.id] = PendingDelete(record, row, time.monotonic() + seconds, self.tasks.spawn(later()))
        self._tick.start()
        self.show()

    def undo(self, record_id: str | None = None) -> bool:
        """Brings back a held record (the latest when no id is given); False when none is held."""
        if not self.pending:
            return False
        record_id = record_id or list(self.pending)[-1]
        held = self.pending.pop(record_id, None)
        if held is None:
            return False
        held.task.cancel()
        self.restored.emit(self.model.insert_record(held.record, max(held.row, 0)))
        self.show()
        self.statusMessage.emit(f"Kept {self.spec.noun} {self.spec.title_of(held.record)}: the delete was undone.")
        return True

    async def flush(self) -> int:
        """Sends every held delete now; returns how many failed."""
        failed = 0
        for record_id in list(self.pending):
            held = self.pending.get(record_id)
            if held is not None:
                held.task.cancel()
                failed += not await self._send(record_id)
        return failed

    def drop(self) -> int:
        """Forgets the held deletes without sending them (closing without deleting); returns how many."""
        count = len(self.pending)
        for held in self.pending.values():
            held.task.cancel()
        self.pending.clear()
        self.show()
        return count

    async def _send(self, record_id: str) -> bool:
        held = self.pending.pop(record_id, None)
        self.show()
        if held is None:
            return True
        if not await self.send(held.record):  # refused: the record is still there, so is its row
            self.model.insert_record(held.record, max(held.row, 0))
            return False
        return True

    def show(self) -> None:
        """Updates the bar's countdown, or hides it (and stops the tick) when nothing is held."""
        if not self.pending:
            self.bar.hide()
            self._tick.stop()
            return
        self.bar.text.setText(undo_text(self.spec, self.vendor_name, self.pending, time.monotonic()))
        self.bar.show()


async def confirm_delete(parent: QWidget, spec: DatasetSpec, account: AccountConfig, vendor_name: str,
                         record: Record, undo_seconds: float) -> bool:
    """Asks before a delete, naming the record, the vendor and how long it can be undone.

    Args:
        parent: The window the question belongs to.
        spec: The dataset.
        account: The account.
        vendor_name: The vendor's display name.
        record: The record to delete.
        undo_seconds: How long the delete waits behind "Undo".

    Returns:
        Whether the user chose Delete.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, f"Delete {spec.noun}",
                      f"Delete {spec.noun} {spec.title_of(record)} from {vendor_name}?",
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmDelete")
    box.setInformativeText(f"This deletes it in {vendor_name} (account “{account.label}”). "
                           f"You can undo it for {undo_seconds:.0f} seconds; after that it cannot be "
                           "undone." + (f"\n\n{spec.delete_warning}" if spec.delete_warning else ""))
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    await dialog_result(box)
    confirmed = box.clickedButton() is delete
    box.deleteLater()
    return confirmed
