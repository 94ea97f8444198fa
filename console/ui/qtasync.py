"""Glue between Qt and asyncio (qasync): tracked tasks and dialogs awaited without ``exec()``.

design.md: never ``dialog.exec()`` or static ``QMessageBox.*`` inside a coroutine (nested event loops
break qasync); open the dialog with ``open()`` and await its ``finished`` signal as a Future.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

#: Seconds a thread may hold the GIL while another waits for it (Python's default is 0.005).
SWITCH_INTERVAL = 0.001


class TaskSet:
    """Keeps strong references to background tasks and cancels them on demand.

    Exceptions other than cancellation are logged (and would otherwise vanish with the task).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Schedules ``coro`` on the running loop and tracks it."""
        import asyncio

        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            from console.core import log

            log.ui.error("background task of %s failed", self.name, exc_info=exc)

    def cancel_all(self) -> None:
        """Cancels every tracked task."""
        for task in list(self._tasks):
            task.cancel()

    def __len__(self) -> int:
        return len(self._tasks)


async def dialog_result(dialog: QDialog) -> int:
    """Opens ``dialog`` window-modally with ``open()`` and returns its result code when it closes."""
    import asyncio

    loop = asyncio.get_running_loop()
    future: asyncio.Future[int] = loop.create_future()

    def finished(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await future
    finally:
        with contextlib.suppress(RuntimeError, TypeError):  # the dialog may already be gone (window closed)
            dialog.finished.disconnect(finished)


def make_event_loop(app: Any, *, already_running: bool = False) -> asyncio.AbstractEventLoop:
    """Returns a qasync loop that unregisters its Qt timers when closed.

    qasync 0.28's ``QEventLoop.close()`` leaves its timers registered with Qt; once the closed loop is
    garbage-collected, a later timer event crashes the process (shared/feasibility.md G2).

    It also sets the interpreter's thread switch interval to :data:`SWITCH_INTERVAL`: the window gives
    up the GIL at every Qt call, and with Python's 5 ms a worker thread's Python work (a local copy
    storing its pages) kept it waiting 5 ms each time it wanted it back. bench/copy_window.py, 100,000
    contacts synced while the live list was browsed: worst stall 61 ms and 3 ticks over 50 ms at 5 ms,
    47 ms and none at 1 ms; the sync took as long.
    """
    import qasync

    sys.setswitchinterval(SWITCH_INTERVAL)

    class SafeQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
        def close(self) -> None:
            timer = self._timer
            callbacks = timer._SimpleTimer__callbacks
            for timer_id in list(callbacks):
                timer.killTimer(timer_id)
            callbacks.clear()
            super().close()

    loop: asyncio.AbstractEventLoop = SafeQEventLoop(app, already_running=already_running)
    return loop
