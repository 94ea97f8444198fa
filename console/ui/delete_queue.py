"""Deletes held behind "Undo": a confirmed delete leaves the list at once and is sent a few seconds later.

:class:`DeleteQueue` keeps the held deletes with their timers: :meth:`~DeleteQueue.undo` brings a row
back where it was, :meth:`~DeleteQueue.flush` sends them all now (Delete now, or the app is closing),
:meth:`~DeleteQueue.drop` forgets them. :class:`UndoBar` is the bar above the table that says what
waits and counts down. :func:`confirm_delete` is the question asked before a delete is held.

:data:`SESSION` is the session's list of recent deletes of every list (:class:`RecentDeletes`): the
ones still waiting can be undone from it (the undo bar's "Recent deletes" menu, :func:`fill_recent_menu`),
the others say what became of them. It also holds how long a delete waits (Edit > Settings).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from console.core.models import DatasetSpec, Record
from console.core.settings import AccountConfig
from console.ui.qtasync import TaskSet, dialog_result
from console.ui.table_model import PagedTableModel

#: How often the undo bar's countdown is redrawn (ms).
TICK_MS = 250
#: Seconds a confirmed delete waits behind "Undo" until the settings say otherwise.
DEFAULT_UNDO_SECONDS = 10
#: How many deletes the session list keeps (the oldest finished ones go first).
RECENT_KEPT = 30


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


class DeleteState(Enum):
    """What became of a delete in the session list."""

    WAITING = "waiting"
    SENT = "sent"
    KEPT = "kept"
    REFUSED = "refused"
    NOT_SENT = "not sent"


@dataclass(slots=True, eq=False)
class RecentDelete:
    """One delete of this session, held or done.

    Attributes:
        queue: The list's queue that holds (or held) it.
        record: The record.
        place: Which list ("Contacts, Systeme.io").
        at: When it was confirmed (local time).
        state: What became of it.
    """

    queue: DeleteQueue
    record: Record
    place: str
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    state: DeleteState = DeleteState.WAITING

    def text(self, now: float) -> str:
        """The menu line: the record, its list, and when it goes (or what became of it)."""
        name = f"{self.queue.spec.noun} {self.queue.spec.title_of(self.record)}"
        held = self.queue.pending.get(self.record.id)
        if self.state is DeleteState.WAITING and held is not None:
            return f"Undo: {name} ({self.place}, sent in {max(0, math.ceil(held.deadline - now))} s)"
        return f"{self.state.value.capitalize()}: {name} ({self.place}, {self.at:%H:%M})"


class RecentDeletes:
    """The session's deletes of every list, newest first, and how long a delete waits.

    Attributes:
        seconds: How long a confirmed delete waits behind "Undo" (Edit > Settings).
        entries: The deletes, newest first (at most :data:`RECENT_KEPT`).
    """

    def __init__(self) -> None:
        self.seconds: float = DEFAULT_UNDO_SECONDS
        self.entries: list[RecentDelete] = []

    def add(self, queue: DeleteQueue, record: Record, place: str) -> None:
        """Notes a delete that starts waiting."""
        self.entries.insert(0, RecentDelete(queue, record, place))
        while len(self.entries) > RECENT_KEPT:
            done = [e for e in self.entries if e.state is not DeleteState.WAITING]
            if not done:
                break
            self.entries.remove(done[-1])

    def settle(self, queue: DeleteQueue, record_id: str, state: DeleteState) -> None:
        """Notes what became of a waiting delete."""
        for entry in self.entries:
            if entry.queue is queue and entry.record.id == record_id and entry.state is DeleteState.WAITING:
                entry.state = state
                return

    def waiting(self) -> list[RecentDelete]:
        """The deletes that can still be undone, newest first."""
        return [e for e in self.entries if e.state is DeleteState.WAITING and e.record.id in e.queue.pending]

    def undo(self, entry: RecentDelete) -> bool:
        """Brings the entry's record back, if its delete still waits."""
        try:
            return entry.state is DeleteState.WAITING and entry.queue.undo(entry.record.id)
        except RuntimeError:  # its list was closed meanwhile (the Qt side is gone)
            entry.state = DeleteState.NOT_SENT
            return False


#: The session's list of recent deletes (every list's queue reports to it).
SESSION = RecentDeletes()


def fill_recent_menu(menu: QMenu, session: RecentDeletes | None = None) -> None:
    """Fills a menu with the session's recent deletes: the waiting ones undo on a click.

    Args:
        menu: The menu (emptied first).
        session: The list (the app's :data:`SESSION` unless a test gives its own).
    """
    session = session or SESSION
    menu.clear()
    now = time.monotonic()
    for entry in session.entries:
        action = menu.addAction(entry.text(now))
        waiting = entry in session.waiting()
        action.setEnabled(waiting)
        if waiting:
            action.triggered.connect(lambda _c=False, e=entry: session.undo(e))
    if not session.entries:
        menu.addAction("No deletes yet in this session").setEnabled(False)


def show_recent_deletes(parent: QWidget, session: RecentDeletes | None = None) -> QMenu:
    """Pops up the session's recent deletes at the mouse (a menu command's way to the list).

    Args:
        parent: The window.
        session: The list (the app's :data:`SESSION` unless a test gives its own).

    Returns:
        The menu (it deletes itself once closed).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QCursor

    menu = QMenu(parent)
    menu.setObjectName("recentDeletesMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fill_recent_menu(menu, session)
    menu.popup(QCursor.pos())
    return menu


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
        self.recent_button = QToolButton()
        self.recent_button.setObjectName("recentDeletes")
        self.recent_button.setText("Recent deletes")
        self.recent_button.setToolTip("This session's deletes in every list; the waiting ones can be undone")
        self.recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.recent_menu = QMenu(self.recent_button)
        self.recent_menu.setObjectName("recentDeletesMenu")
        self.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(self.recent_menu))
        self.recent_button.setMenu(self.recent_menu)
        self.text.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.recent_button)
        layout.addWidget(self.send_now_button)
        layout.addWidget(self.undo_button)
        self.hide()

    def reveal(self) -> None:
        """Shows the bar and lays its parent out at once: the table moves down, never under the bar."""
        if self.isHidden():
            self.show()
            parent = self.parentWidget()
            layout = parent.layout() if parent is not None else None
            if layout is not None:
                layout.activate()


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
        place: Which list, in the session's list of deletes ("Contacts, Systeme.io" when not given).
        session: The session's list of deletes (:data:`SESSION` unless a test gives its own).

    Signals:
        restored(int): Undo put a row back at this row number.
        statusMessage(str): A short note for the status bar.
    """

    restored = Signal(int)
    statusMessage = Signal(str)

    def __init__(self, spec: DatasetSpec, vendor_name: str, model: PagedTableModel,
                 send: Callable[[Record], Awaitable[bool]], tasks: TaskSet, bar: UndoBar,
                 parent: QObject | None = None, *, place: str | None = None,
                 session: RecentDeletes | None = None) -> None:
        super().__init__(parent)
        self.session = session or SESSION
        self.place = place or f"{spec.label}, {vendor_name}"
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

    def hold(self, record: Record, seconds: float | None = None) -> None:
        """Takes the record's row out now and sends its delete after ``seconds``, unless undone.

        Args:
            record: The record.
            seconds: How long it waits (the session's setting when not given).
        """
        seconds = self.session.seconds if seconds is None else seconds
        row = self.model.row_of(record.id)
        self.model.remove_record(record.id)

        async def later() -> None:
            await asyncio.sleep(seconds)
            await self._send(record.id)

        self.pending[record.id] = PendingDelete(record, row, time.monotonic() + seconds, self.tasks.spawn(later()))
        self.session.add(self, record, self.place)
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
        self.session.settle(self, record_id, DeleteState.KEPT)
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
            self.session.settle(self, held.record.id, DeleteState.NOT_SENT)
        self.pending.clear()
        self.show()
        return count

    async def _send(self, record_id: str) -> bool:
        held = self.pending.pop(record_id, None)
        self.show()
        if held is None:
            return True
        if not await self.send(held.record):  # refused: the record is still there, so is its row
            self.session.settle(self, record_id, DeleteState.REFUSED)
            self.model.insert_record(held.record, max(held.row, 0))
            return False
        self.session.settle(self, record_id, DeleteState.SENT)
        return True

    def show(self) -> None:
        """Updates the bar's countdown, or hides it (and stops the tick) when nothing is held."""
        if not self.pending:
            self.bar.hide()
            self._tick.stop()
            return
        self.bar.text.setText(undo_text(self.spec, self.vendor_name, self.pending, time.monotonic()))
        self.bar.reveal()


async def confirm_delete(parent: QWidget, spec: DatasetSpec, account: AccountConfig, vendor_name: str,
                         record: Record, undo_seconds: float | None = None) -> bool:
    """Asks before a delete, naming the record, the vendor and how long it can be undone.

    Args:
        parent: The window the question belongs to.
        spec: The dataset.
        account: The account.
        vendor_name: The vendor's display name.
        record: The record to delete.
        undo_seconds: How long the delete waits behind "Undo" (the session's setting when not given).

    Returns:
        Whether the user chose Delete.
    """
    undo_seconds = SESSION.seconds if undo_seconds is None else undo_seconds
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
