"""When full garbage collections run (console/ui/memory.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from console.ui.memory import NO_AUTOMATIC_FULL, IdleCollector


class Knot:
    """An object in a reference cycle: only a collection frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector(qapp: Any) -> Iterator[tuple[IdleCollector, list[bool]]]:
    busy = [False]
    made = IdleCollector(lambda: busy[0], check_ms=60_000, min_gap=0.0, max_gap=3600.0)
    yield made, busy
    made.stop()


def test_objects_alive_at_the_start_are_out_of_the_walk_until_stop(qapp: Any) -> None:
    before = gc.get_threshold()
    made = IdleCollector(lambda: False, check_ms=60_000)
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL
    finally:
        made.stop()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_a_cycle_made_after_the_start_is_collected_at_a_quiet_moment(
        collector: tuple[IdleCollector, list[bool]]) -> None:
    made, _ = collector
    Knot()
    assert made.maybe_collect()
    assert made.collections == 1
    assert not any(isinstance(o, Knot) for o in gc.get_objects())


def test_busy_waits_until_the_longest_gap(collector: tuple[IdleCollector, list[bool]]) -> None:
    made, busy = collector
    busy[0] = True
    assert not made.maybe_collect()
    made.last -= 3601  # the longest gap has passed
    assert made.maybe_collect()
    busy[0] = False
    made.last -= 1
    assert made.maybe_collect()
