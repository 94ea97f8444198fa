"""Loading a list page after page until a row is there or the list ends, with progress and Cancel.

Ctrl+End ("Loading to the end: 4,350 of about 20,000") and *Jump to now* ("Looking for now: ...") ask
for pages one after the other through the table model (:meth:`PagedTableModel.next_page
<console.ui.table_model.PagedTableModel.next_page>`, the model's own
:class:`~console.services.paging.PageCursor`): each page's rows go in paced, so the window keeps
painting and answering; the bar under the list says how far it got and has *Cancel*. A new query
(filter, order, F5) ends the run; so does a page that fails (the list's banner says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from console.ui.qtasync import TaskSet
from console.ui.table_model import PagedTableModel


class RunEnd(enum.StrEnum):
    """How a run ended."""

    FOUND = "found"
    END = "end"
    CANCELLED = "cancelled"
    FAILED = "failed"
    RESET = "reset"


class ProgressBar(QWidget):
    """The strip under a list while pages load one after another: what is happening and *Cancel*."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listProgress")
        self.text = QLabel()
        self.text.setObjectName("listProgressText")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("listProgressCancel")
        self.cancel_button.setToolTip("Stop loading pages (the rows already loaded stay)")
        #: *Oldest first* (Ctrl+End in a latest-first list): the vendor flips the order instead.
        self.flip_button = QPushButton("Oldest first")
        self.flip_button.setObjectName("listProgressFlip")
        self.flip_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.cancel_button)  # beside the words it stops, not across the window
        layout.addWidget(self.flip_button)
        layout.addStretch(1)
        self.hide()


class PageRunner(QObject):
    """Loads pages of one list until a condition holds or the list ends; one run at a time.

    Args:
        model: The list's rows.
        tasks: Where the run's task lives (cancelled with the list).
        bar: Where the progress shows (its Cancel stops the run).
        parent: Qt parent.

    Signals:
        progress(str): The progress sentence changed ("Loading to the end: 4,350 of about 20,000").
        finished(str): A run ended (a :class:`RunEnd` value).
    """

    progress = Signal(str)
    finished = Signal(str)

    def __init__(self, model: PagedTableModel, tasks: TaskSet, bar: ProgressBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.tasks = tasks
        self.bar = bar
        self._task: asyncio.Task[RunEnd] | None = None
        self._stopped: set[asyncio.Task[RunEnd]] = set()
        #: Rows to ask for per page of a run, when more than the list's page size (a local copy answers
        #: thousands at once); ``None`` or returning ``None``: the list's page size.
        self.run_page: Callable[[], int | None] | None = None
        #: Whether the list's total is exact (a local copy's count), not the vendor's estimate.
        self.exact_total: Callable[[], bool] = lambda: False
        bar.cancel_button.clicked.connect(self.cancel)

    @property
    def running(self) -> bool:
        """A run is going on."""
        return self._task is not None and not self._task.done()

    def start(self, doing: str, stop: Callable[[], bool] | None = None,
              done: Callable[[RunEnd], None] | None = None) -> asyncio.Task[RunEnd]:
        """Starts a run (a run still going is cancelled first).

        Args:
            doing: What the bar says before the count ("Loading to the end").
            stop: Ends the run once true (checked before each page); ``None``: load to the end.
            done: Called with how the run ended.
        """
        self.cancel()
        task = self.tasks.spawn(self._run_and_report(doing, stop, done))
        self._task = task
        return task

    async def _run_and_report(self, doing: str, stop: Callable[[], bool] | None,
                              done: Callable[[RunEnd], None] | None) -> RunEnd:
        try:
            end = await self.run(doing, stop)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task not in self._stopped:
                raise  # the list is closing: nothing to say
            self._stopped.discard(task)
            task.uncancel()
            end = RunEnd.CANCELLED  # Cancel: the rows loaded so far stay, with the page that was on its way
            await self.model.page_on_its_way()
        if done is not None:
            done(end)
        return end

    def cancel(self, *, quiet: bool = False) -> None:
        """Stops the run (Cancel); the page on its way still goes in.

        Args:
            quiet: The run's ``done`` is not told (another command takes over).
        """
        if self.running:
            assert self._task is not None
            if not quiet:
                self._stopped.add(self._task)
            self._task.cancel()

    async def run(self, doing: str, stop: Callable[[], bool] | None = None) -> RunEnd:
        """Loads pages until ``stop()`` holds or the list ends (the coroutine tests may await).

        Returns:
            How the run ended.
        """
        model = self.model
        generation = model.generation
        end = RunEnd.CANCELLED
        self.bar.show()
        try:
            while True:
                if model.generation != generation:
                    end = RunEnd.RESET
                    break
                if stop is not None and stop():
                    end = RunEnd.FOUND
                    break
                if model.error is not None:
                    end = RunEnd.FAILED
                    break
                if not model.has_more:
                    end = RunEnd.END
                    break
                self._say(f"{doing}: {self.loaded_text()}")
                await model.next_page(self.run_page() if self.run_page is not None else None)
        finally:
            with contextlib.suppress(RuntimeError):  # the list may be closing (its widgets already gone)
                self.bar.hide()
                self.finished.emit(str(end))
        return end

    def loaded_text(self) -> str:
        """How far the list got: "4,350 of about 20,000" ("of 20,000" when exact) or "4,350 so far"."""
        loaded, total = self.model.rowCount(), self.model.total
        about = "" if self.exact_total() else "about "
        return f"{loaded:,} of {about}{total:,}" if total else f"{loaded:,} so far"

    def _say(self, text: str) -> None:
        self.bar.text.setText(text)
        self.progress.emit(text)
