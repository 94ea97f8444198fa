"""Load in the real window: every account browsing at once while a lookup and an export run.

Printed: the worst event-loop stall and its 99th percentile (timer lateness every 10 ms), the RSS with
about 100,000 rows loaded, and the RSS each loaded row costs.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from console.vendors import registry

pytestmark = pytest.mark.slow
SIZES = {"systeme": 80_000, "setster": 20_000, "setsmart": 5_000, "launch27": 20_000, "setera": 2_000,
         "separate_process": True}
PAGE = 100
#: Set in the fresh process the measurement runs in (the suite's own process has grown by then).
ALONE = "VENDOR_CONSOLE_LOAD_ALONE"


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class StallWatch:
    """How late a 10 ms timer fires on the running loop: every lateness is kept."""

    def __init__(self, loop: Any) -> None:
        self.gaps: list[float] = []
        self.running = True
        self.task = asyncio.ensure_future(self._watch(), loop=loop)

    async def _watch(self) -> None:
        while self.running:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)  # the measured timer: time is the subject here
            self.gaps.append(time.perf_counter() - t0 - 0.01)

    def summary(self) -> tuple[float, float]:
        ordered = sorted(self.gaps)
        return ordered[-1], ordered[int(len(ordered) * 0.99)]


@pytest.mark.skipif(not os.environ.get(ALONE), reason="runs in a fresh process (test_load_in_a_fresh_process)")
@pytest.mark.parametrize("emulators", [SIZES], indirect=True)
def test_five_vendors_browsing_with_a_lookup_and_an_export(harness: Any, qtbot: Any, running_qloop: Any,
                                                           tmp_path: Path) -> None:
    window = harness.window
    views = []
    for account in harness.accounts.accounts():
        page = window.select_account(account.id)
        emulator = registry.get(account.vendor).emulator
        assert emulator is not None
        view = page.view(emulator.main_dataset)  # the dataset SIZES counts
        page.setCurrentWidget(view)
        view.model.page_size = PAGE
        view.activate()
        view.filter_to({})  # every date (the bookings views open on the next 7 days)
        views.append(view)
    qtbot.waitUntil(lambda: all(v.model.rowCount() > 0 for v in views), timeout=20000)
    window.collector.collect()  # what the window does at its next quiet moment (full collection + trim)
    before = rss_bytes()
    before_rows = sum(v.model.rowCount() for v in views)
    watch = StallWatch(running_qloop)
    started = time.perf_counter()

    async def scroll_to_the_end(view: Any) -> None:  # what holding End in the table does
        from tests.conftest import until

        model = view.model
        while True:
            await until(lambda: not model.loading, 240, "the page", signal=model.loadingChanged)
            if not model.canFetchMore(QModelIndex()):
                return
            model.fetchMore(QModelIndex())

    browsing = [asyncio.ensure_future(scroll_to_the_end(v), loop=running_qloop) for v in views]
    window.select_account(next(a.id for a in harness.accounts.accounts() if a.vendor == "setster"))
    export = asyncio.ensure_future(window.export_view(tmp_path / "appointments.jsonl"), loop=running_qloop)
    window.lookup.run_text("jane.doe@example.com")
    qtbot.waitUntil(lambda: all(t.done() for t in browsing) and export.done(), timeout=240_000)
    job = window.export_job
    qtbot.waitUntil(lambda: job is not None and job.task is not None and job.task.done(), timeout=120_000)
    qtbot.waitUntil(lambda: not window.lookup.panel.model.searching, timeout=30_000)
    seconds = time.perf_counter() - started
    watch.running = False
    qtbot.waitUntil(watch.task.done, timeout=2000)
    for task in browsing:
        task.result()
    assert all(v.model.error is None and not v.model.has_more for v in views)
    rows = sum(v.model.rowCount() for v in views)
    hits = len(window.lookup.panel.model.hits())
    window.collector.collect()
    after = rss_bytes()
    worst, p99 = watch.summary()
    per_row = (after - before) / max(1, rows - before_rows)
    print(f"\nload: {len(views)} accounts browsed {rows:,} rows in {seconds:.1f} s with a lookup ({hits} hits) "
          f"and an export of {job.state.records:,} appointments; event loop: worst stall {worst * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.1f} ms, median {statistics.median(watch.gaps) * 1000:.1f} ms over {len(watch.gaps):,} "
          f"ticks; RSS {after / 2**20:.0f} MB (before loading {before / 2**20:.0f} MB), "
          f"{per_row:.0f} bytes per loaded row; rows per list {[v.model.rowCount() for v in views]}")
    assert rows >= 100_000
    assert hits >= 5  # Jane Doe is in every vendor (Launch27 2.0 cannot search by email)
    assert after < 400 * 2**20
    assert per_row <= 1024
    # The stall figures (target: worst <= 50 ms; measured 35-46 ms on a quiet 2-core VM) are printed, and
    # `make bench` (bench/stalls.py) reports them: a timed assertion here failed a CI run on a busy machine
    # (159 ms with six other jobs on two cores), which says nothing about the code.


def test_load_in_a_fresh_process() -> None:
    """RSS means the console's own memory only in a process that did nothing else before."""
    import subprocess
    import sys

    env = {**os.environ, ALONE: "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                             f"{__file__}::test_five_vendors_browsing_with_a_lookup_and_an_export"],
                            capture_output=True, text=True, env=env, timeout=600, check=False,
                            cwd=Path(__file__).resolve().parents[3])
    print("\n" + "\n".join(line for line in result.stdout.splitlines() if line.startswith("load:")))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
