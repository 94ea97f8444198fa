"""Paced slices: the loop runs between slices, and slices wait once the window's budget is spent."""

from __future__ import annotations

import asyncio
import time

import pytest

from console.core import pace


def loop_turns() -> list[bool]:
    """A list that gets an item as soon as the loop runs anything else."""
    ran: list[bool] = []
    asyncio.get_running_loop().call_soon(ran.append, True)
    return ran


async def test_within_a_slice_breathe_returns_without_yielding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace, "_budget", pace._Budget())
    ran = loop_turns()
    job = pace.Pace()
    await job.breathe()  # the first slice: budget is free, so no turn of the loop
    await job.breathe()  # well under SLICE_SECONDS since the slice began
    assert not ran


async def test_after_a_slice_the_loop_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(pace, "_budget", pace._Budget())
    ran = loop_turns()
    job = pace.Pace()
    await job.breathe()
    assert not ran
    await job.breathe()  # the slice is over: the loop runs
    assert ran


async def test_jobs_wait_for_the_next_window_once_the_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(pace, "WINDOW_SECONDS", 0.2)
    budget = pace._Budget()
    monkeypatch.setattr(pace, "_budget", budget)
    budget.window_start = time.perf_counter()
    budget.spent = pace.BUDGET_SECONDS  # other jobs used this window up
    started = time.perf_counter()
    await asyncio.gather(pace.Pace().breathe(), pace.Pace().breathe())
    assert time.perf_counter() - started >= 0.15  # both waited for the next window (a sleep never ends early)
    assert budget.spent < pace.BUDGET_SECONDS  # a new window began


async def test_jobs_woken_together_share_one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each slice books its share when it begins: of four jobs starting at once, the budget lets
    BUDGET/SLICE begin in this window; the others wait for the next one."""
    monkeypatch.setattr(pace, "WINDOW_SECONDS", 0.2)
    monkeypatch.setattr(pace, "_budget", pace._Budget())
    began: list[float] = []

    async def job() -> None:
        await pace.Pace().breathe()
        began.append(time.perf_counter())

    started = time.perf_counter()
    await asyncio.gather(*(job() for _ in range(4)))
    at_once = sum(1 for t in began if t - started < 0.1)
    assert at_once == round(pace.BUDGET_SECONDS / pace.SLICE_SECONDS)
