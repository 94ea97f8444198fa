"""The window's event loop (console/ui/qtasync.py)."""

from __future__ import annotations

import sys

import pytest

from console.ui.qtasync import SWITCH_INTERVAL


async def test_the_loop_takes_the_gil_back_from_worker_threads_within_a_millisecond() -> None:
    # This test runs on a loop from make_event_loop (tests/conftest.py), as the window does.
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    assert SWITCH_INTERVAL < 0.005  # shorter than Python's own
