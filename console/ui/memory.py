"""When Python's full garbage collections run: while the window is idle, not in the middle of loading.

A full collection walks every object: with 100,000 rows loaded it takes 60-110 ms, and Python starts
one by itself whenever enough new objects have survived, typically while pages are arriving (the
table stutters). :class:`IdleCollector` switches the automatic full collections off and runs them
itself when no request is on its way and nothing is loading, and at the latest every two minutes.
Young generations are still collected automatically (they are cheap).

The objects alive when the collector starts (modules, classes, the window's widgets: some 50,000)
are frozen out of the walk (``gc.freeze()``): they live as long as the window, and walking them made
every full collection 45-65 ms instead of 10-20 ms while a local copy synced beside the browsing
(bench/copy_window.py).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from console.core import log

#: Gen-2 threshold that keeps Python from starting full collections by itself.
NO_AUTOMATIC_FULL = 1_000_000


def release_free_memory() -> bool:
    """Asks glibc to return freed heap memory to the system (``malloc_trim``); False elsewhere.

    glibc keeps freed heap memory (in every thread's arena) for reuse; without this, memory freed after
    a list is closed stays counted in the process's RSS.
    """
    global _trim
    if _trim is None:
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6")
            _trim = libc.malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim is False:
        return False
    return bool(_trim(0))


_trim: Any = None


class IdleCollector(QObject):
    """Runs full collections at quiet moments.

    Args:
        busy: Whether requests or page loads are under way right now.
        parent: Owner (the window).
        check_ms: How often to look.
        min_gap: Seconds between two idle collections at least.
        max_gap: Seconds after which a collection runs even when the window never became idle.
    """

    def __init__(self, busy: Callable[[], bool], parent: QObject | None = None, *, check_ms: int = 2000,
                 min_gap: float = 15.0, max_gap: float = 120.0) -> None:
        super().__init__(parent)
        self._busy = busy
        self._min_gap, self._max_gap = min_gap, max_gap
        self._previous = gc.get_threshold()
        self.last = time.monotonic()
        self.collections = 0
        gc.set_threshold(self._previous[0], self._previous[1], NO_AUTOMATIC_FULL)
        gc.collect()
        gc.freeze()  # what lives now lives as long as the window: never walked again
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.maybe_collect)
        self._timer.start()

    def maybe_collect(self) -> bool:
        """Collects when it is quiet and time (or overdue); returns whether it did."""
        since = time.monotonic() - self.last
        if since < self._min_gap or (self._busy() and since < self._max_gap):
            return False
        self.collect()
        return True

    def collect(self) -> None:
        """A full collection, then the freed memory handed back to the system (glibc keeps it otherwise)."""
        started = time.perf_counter()
        found = gc.collect()
        trimmed = release_free_memory()
        self.last = time.monotonic()
        self.collections += 1
        log.ui.debug("full garbage collection: %d objects freed in %.0f ms%s", found,
                     (time.perf_counter() - started) * 1000, ", memory trimmed" if trimmed else "")

    def stop(self) -> None:
        """Gives Python its automatic full collections back."""
        self._timer.stop()
        gc.set_threshold(*self._previous)
        gc.unfreeze()
