"""Long work on the event loop's thread, cut into slices and paced so the window keeps painting.

Decoding a long answer, building its records, storing them in a table and writing an export are done on
the event loop's thread (in a worker thread, their Python work would hold the interpreter's lock against
the window just the same). Each is cut into slices of :data:`SLICE_SECONDS`; between two slices the loop
runs, and when slices have booked :data:`BUDGET_SECONDS` of the current :data:`WINDOW_SECONDS`, the
next one waits for the next window. Without that shared budget, eight lists loading at once each ran
one slice per turn of the loop, and a turn lasted eight slices.

Usage::

    pace = Pace()
    for item in items:
        await pace.breathe()
        ...
"""

from __future__ import annotations

import asyncio
import time

#: Work between two turns of the event loop.
SLICE_SECONDS = 0.003
#: Slice work allowed in each window, over every job at once.
BUDGET_SECONDS = 0.009
#: The pacing window.
WINDOW_SECONDS = 0.020


class _Budget:
    """Slice time spent in the current window (one per process: there is one event loop thread)."""

    window_start = 0.0
    spent = 0.0


_budget = _Budget()


async def _reserve() -> None:
    """Waits until the current window has budget left, then books one slice of it.

    Booking at the start (not counting at the end) matters: jobs woken together at a new window would
    otherwise all see the budget untouched and all run a slice in the same turn of the loop.
    """
    while True:
        now = time.perf_counter()
        if now - _budget.window_start >= WINDOW_SECONDS:
            _budget.window_start = now
            _budget.spent = 0.0
        if _budget.spent < BUDGET_SECONDS:
            _budget.spent += SLICE_SECONDS
            return
        await asyncio.sleep(_budget.window_start + WINDOW_SECONDS - now)


class Pace:
    """The slices of one long job: :meth:`breathe` before each unit of work."""

    def __init__(self) -> None:
        self._started: float | None = None  # when the current slice began (None: before the first)

    async def breathe(self) -> None:
        """Returns at once while the slice lasts; else lets the loop run and waits for budget if need be.

        The first call of a job waits for budget too (without giving the loop a turn when there is some).
        """
        now = time.perf_counter()
        if self._started is not None:
            if now - self._started < SLICE_SECONDS:
                return
            _budget.spent += (now - self._started) - SLICE_SECONDS  # beyond what was booked
            await asyncio.sleep(0)
        await _reserve()
        self._started = time.perf_counter()
