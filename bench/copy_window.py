"""The window's figures for a 100,000-contact Systeme.io account kept as a local copy on disk (issue 17).

The real window (offscreen unless QT_QPA_PLATFORM says otherwise) holds one saved (non-demo) account
whose copy is on disk, encrypted, its key in a keychain that keeps it (a dict here). The emulator runs
in a separate process (bench/emulator_process.py, the demo's quota), so its records are not in the
window's memory. Printed, never asserted:

1. the full sync: its time, requests against pages, answers 429 and the worst event-loop stall (a
   10 ms timer's lateness, as tests/integration/ui/test_load.py) while the live list is browsed;
2. once complete, the first rows after a click on the Surname header: from the click to the model
   holding the first 50 rows in the new order and one synchronous paint; median of alternating clicks;
3. the resident memory (VmRSS) before the sync, after it and after browsing the copy-backed list
   (sort, Ctrl+End, Ctrl+Home, a few thousand rows scrolled), against the same window with 100,000
   rows loaded live from the vendor (no copy), measured in a fresh process (``--live``).

Usage: python bench/copy_window.py [CONTACTS]   (``--live [CONTACTS]``: the second run alone)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-bench-copy-"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import emulator_process  # bench/ on the path first

from tests.keychains import Vault  # a keychain that keeps what it is given: the copy goes on disk

CONTACTS = 100_000
TICK = 0.01
CLICKS = 5
FIRST_ROWS = 50
SCROLLED_ROWS = 3000


def rss_mb() -> float:
    """The process's resident memory now (VmRSS), in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class StallWatch:
    """How late a 10 ms timer fires on the running loop (the worst lateness is kept)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.worst = 0.0
        self.worst_context = ""
        self.ticks = 0
        self.over_50ms = 0
        self.started = time.perf_counter()
        self.running = True
        self.task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while self.running:
            t0 = time.perf_counter()
            await asyncio.sleep(TICK)  # the measured timer: time is the subject here
            late = time.perf_counter() - t0 - TICK
            self.ticks += 1
            self.over_50ms += late > 0.05
            if late > self.worst:
                self.worst = late
                self.worst_context = f"at {t0 - self.started:.1f} s, {self.context()}"

    async def stop(self) -> None:
        self.running = False
        await self.task


async def until(predicate: Any, seconds: float, what: str, view: Any = None) -> None:
    """Waits until ``predicate()`` (polled every ms); a list's error or the deadline raise with ``what``."""
    deadline = time.perf_counter() + seconds
    while not predicate():
        if view is not None and view.model.error is not None:
            raise RuntimeError(f"{what}: the list failed: {view.model.error}")
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not reached in {seconds:.0f} s")
        await asyncio.sleep(0.001)


class Window:
    """The real window over one saved Systeme.io account at ``base_url`` (a copy kept or not)."""

    def __init__(self, base_url: str, local_copy: bool) -> None:
        self.base_url = base_url
        self.local_copy = local_copy
        self.requests: Counter[tuple[str, int]] = Counter()

    async def __aenter__(self) -> Window:
        from console.core.settings import AccountConfig, AccountsFile
        from console.http.requestlog import RequestLog
        from console.services.accounts import AccountService
        from console.services.datasets import DatasetService
        from console.services.mirror.copies import LocalCopies
        from console.ui.observer import QtHttpObserver
        from console.ui.window import MainWindow
        from console.vendors.systeme import DEMO_API_KEY

        requests = self.requests

        class CountingLog(RequestLog):  # every exchange counted (the log itself keeps its usual few)
            def add(self, exchange: Any) -> None:
                requests[(exchange.url, exchange.status)] += 1
                super().add(exchange)

        self.window = MainWindow()
        observer = QtHttpObserver(self.window)
        self.accounts = AccountService(accounts_file=AccountsFile(), keychain=Vault(), observer=observer,
                                       request_log=CountingLog())
        await AccountService.warm_up()
        self.account = AccountConfig(id=AccountConfig.new_id(), vendor="systeme", label="Marketing",
                                     base_url=self.base_url, local_copy=self.local_copy)
        await self.accounts.add(self.account, {"api_key": DEMO_API_KEY})
        self.datasets = DatasetService(self.accounts)
        self.copies = LocalCopies(self.accounts, self.datasets) if self.local_copy else None
        self.window.attach(self.accounts, self.datasets, observer, self.copies)
        self.window.resize(1280, 760)
        self.window.show()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for page in self.window.pages.values():
            page.close_page()
        if self.copies is not None:
            await self.copies.aclose()
        await self.accounts.aclose()
        self.window.close()

    def contacts(self) -> Any:
        page = self.window.select_account(self.account.id)
        view = page.view("contacts")
        page.setCurrentWidget(view)
        view.activate()
        return view

    def rss(self) -> float:
        self.window.collector.collect()  # what the window does at its next quiet moment (as test_load)
        return rss_mb()


async def scroll_down(view: Any, rows: int, seconds: float, pause: float = 0.0) -> None:
    """What holding Page Down does: the table at its last row, the next page fetched, until ``rows`` are loaded."""
    from PySide6.QtCore import QModelIndex

    model = view.model
    while model.rowCount() < rows and model.has_more:  # scrolling also makes Qt fetch: a page may be on its way
        loaded = model.rowCount()
        model.fetchMore(QModelIndex())
        await until(lambda n=loaded: not model.loading and (model.rowCount() > n or not model.has_more), seconds,
                    "a page", view)
        view.table.scrollToBottom()
        if pause:
            await asyncio.sleep(pause)


async def browse_while(view: Any, done: asyncio.Event) -> int:
    """A person browsing the live list while the copy syncs: a page every 100 ms up to 5,000 rows, then
    scrolling up and down through them. Returns the pages the list loaded."""
    pages = 0
    from PySide6.QtCore import QModelIndex

    model = view.model
    bar = view.table.verticalScrollBar()
    step = 1
    while not done.is_set():
        if not view.copy_list.from_copy and model.rowCount() < 5000 and model.canFetchMore(QModelIndex()):
            if not model.loading:
                model.fetchMore(QModelIndex())
                pages += 1
            view.table.scrollToBottom()
        else:
            bar.setValue(bar.value() + step * bar.pageStep())
            if bar.value() in (bar.minimum(), bar.maximum()):
                step = -step
        await asyncio.sleep(0.1)
    return pages


async def copy_run(base_url: str, contacts: int) -> dict[str, float]:
    from console.services.mirror.store import mirror_path

    figures: dict[str, float] = {}
    async with Window(base_url, local_copy=True) as w:
        view = w.contacts()
        await until(lambda: view.model.rowCount() > 0, 60, "the live list's first page", view)
        figures["rss_before_mb"] = w.rss()
        assert w.copies is not None
        baseline = Counter(w.requests)  # the window's own requests so far (its first page, the tag choices)

        def doing() -> str:
            now = w.copies.progress(w.account.id) if w.copies is not None else []
            source = "from the copy" if view.copy_list.from_copy else "live"
            return (", ".join(f"{p.dataset} {p.phase.name.lower()} {p.fetched:,}" for p in now)
                    + f"; list {view.model.rowCount():,} rows {source}")

        watch = StallWatch(doing)
        done = asyncio.Event()
        browsing = asyncio.ensure_future(browse_while(view, done))
        started = time.perf_counter()
        await w.copies.open_all()
        sync = w.copies.sync(w.account.id)
        if sync is None:
            raise RuntimeError("the account's copy did not open")
        if w.copies.notice(w.account.id):
            raise RuntimeError(f"the copy is not on disk as asked: {w.copies.notice(w.account.id)}")
        names = [spec.name for spec in sync.specs()]

        def failed() -> str:
            return next((p.error for p in w.copies.progress(w.account.id) if p.error), "")

        await until(lambda: all(w.copies.is_complete(w.account.id, n) for n in names) or failed(),
                    max(600.0, contacts / 50), "the full sync")
        if failed():
            raise RuntimeError(f"the sync failed: {failed()}")
        figures["sync_s"] = time.perf_counter() - started
        done.set()
        figures["browsed_pages"] = await browsing
        await watch.stop()
        figures["worst_stall_ms"] = watch.worst * 1000
        print(f"worst stall {watch.worst * 1000:.0f} ms {watch.worst_context}; {watch.over_50ms} of "
              f"{watch.ticks:,} ticks over 50 ms", flush=True)
        states = {n: sync.mirror.state(n) for n in names}
        figures["pages"] = sum(-(-s.fetched // sync.page_size) for s in states.values())
        figures["records"] = sum(s.fetched for s in states.values())
        sync_requests: Counter[str] = Counter()
        for (url, _), n in (w.requests - baseline).items():
            if f"limit={sync.page_size}" in url:
                sync_requests[urlsplit(url).path] += n
        figures["sync_requests"] = sum(sync_requests.values())
        print("sync requests by path: " + ", ".join(f"{p} {n}" for p, n in sync_requests.items())
              + "; pages by dataset: " + ", ".join(f"{n} {-(-s.fetched // sync.page_size)}"
                                                  for n, s in states.items()), flush=True)
        figures["too_many"] = sum(n for (_, status), n in w.requests.items() if status == 429)
        path = mirror_path(w.account.id)
        figures["disk_mb"] = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
        await until(lambda: view.copy_list.from_copy and not view.busy, 60, "the list read from the copy", view)
        figures["rss_synced_mb"] = w.rss()

        surname = next(i for i, c in enumerate(view.spec.columns) if c.key == "surname")
        clicks: list[float] = []
        for n in range(CLICKS + 1):  # the first click warms the column's index pages in the cache
            loads: list[bool] = []
            view.model.loadingChanged.connect(loads.append)

            def sorted_rows(loads: list[bool] = loads) -> bool:
                return bool(loads) and loads[-1] is False and view.model.rowCount() >= FIRST_ROWS

            t0 = time.perf_counter()
            view._on_header_clicked(surname)
            await until(sorted_rows, 60, "the sorted first rows", view)
            view.table.viewport().repaint()  # a synchronous paint (never processEvents() inside a coroutine)
            seconds = time.perf_counter() - t0
            view.model.loadingChanged.disconnect(loads.append)
            if view.query.sort != "surname" or view.query.descending != bool(n % 2):
                raise RuntimeError(f"the click sorted by {view.query.sort} (descending {view.query.descending})")
            if n:
                clicks.append(seconds)
        figures["first_rows_ms"] = statistics.median(clicks) * 1000
        figures["first_rows_max_ms"] = max(clicks) * 1000

        t0 = time.perf_counter()
        view.go_to_end()
        await until(lambda: not view.busy and view.model.base + view.model.rowCount() == contacts
                    and bool(view.table.selectionModel().selectedRows()), 120, "Ctrl+End", view)
        figures["ctrl_end_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        view.go_to_top()
        await until(lambda: not view.busy and view.model.base == 0 and view.model.rowCount() > 0, 60,
                    "Ctrl+Home", view)
        figures["ctrl_home_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        await scroll_down(view, SCROLLED_ROWS, 60)
        figures["scroll_s"] = time.perf_counter() - t0
        figures["scrolled_rows"] = view.model.rowCount()
        figures["rss_browsed_mb"] = w.rss()
    return figures


async def live_run(base_url: str, contacts: int) -> dict[str, float]:
    async with Window(base_url, local_copy=False) as w:
        view = w.contacts()
        await until(lambda: view.model.rowCount() > 0, 60, "the live list's first page", view)
        before = w.rss()
        view.model.page_size = 100  # as test_load browses
        t0 = time.perf_counter()
        await scroll_down(view, contacts, 240)
        seconds = time.perf_counter() - t0
        rows = view.model.rowCount()
        return {"rss_before_mb": before, "rss_loaded_mb": w.rss(), "rows": rows, "load_s": seconds}


def in_qt(coro: Any) -> Any:
    from PySide6.QtWidgets import QApplication

    from console.ui.qtasync import make_event_loop

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: make_event_loop(app)) as runner:
        return runner.run(coro)


def live_main(contacts: int) -> dict[str, float]:
    """The same window with ``contacts`` rows loaded live (no copy); run in a fresh process."""
    proc, urls = emulator_process.spawn(("systeme",), unlimited_quota=True, size=contacts)
    try:
        figures = in_qt(live_run(urls["systeme"], contacts))
    finally:
        emulator_process.stop(proc)
    print("live " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return figures


def live_in_fresh_process(contacts: int) -> dict[str, float]:
    env = {**os.environ, "VENDOR_CONSOLE_HOME": tempfile.mkdtemp(prefix="vc-bench-live-")}
    done = subprocess.run([sys.executable, __file__, "--live", str(contacts)], capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("live ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"the live run failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return {k: float(v) for k, v in (item.split("=", 1) for item in line.split()[1:])}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--live"]:
        live_main(int(argv[1]) if len(argv) > 1 else CONTACTS)
        return 0
    contacts = int(argv[0]) if argv else CONTACTS
    live = live_in_fresh_process(contacts)  # first: the shorter run fails fast
    print(f"emulator: Systeme.io with {contacts:,} contacts in a separate process (the demo's quota)", flush=True)
    proc, urls = emulator_process.spawn(("systeme",), unlimited_quota=False, size=contacts)
    try:
        f = in_qt(copy_run(urls["systeme"], contacts))
    finally:
        emulator_process.stop(proc)
    print(f"full sync of {f['records']:,.0f} records into the copy on disk ({f['disk_mb']:.0f} MB, "
          f"{f['disk_mb'] * 2**20 / f['records']:.0f} bytes a record) in {f['sync_s']:.1f} s: "
          f"{f['sync_requests']:.0f} sync requests for {f['pages']:.0f} pages (target: no more), "
          f"{f['too_many']:.0f} answers 429 (target 0), worst event-loop stall {f['worst_stall_ms']:.0f} ms "
          f"(target <= 50 ms) while the live list was browsed ({f['browsed_pages']:.0f} pages)", flush=True)
    print(f"first rows after a click on Surname ({contacts:,} rows from the copy, {CLICKS} clicks alternating "
          f"ascending/descending): median {f['first_rows_ms']:.0f} ms, max {f['first_rows_max_ms']:.0f} ms "
          f"(target <= 150 ms); Ctrl+End {f['ctrl_end_ms']:.0f} ms, Ctrl+Home {f['ctrl_home_ms']:.0f} ms, "
          f"{f['scrolled_rows']:,.0f} rows scrolled in {f['scroll_s']:.1f} s", flush=True)
    print(f"RSS with the copy: {f['rss_before_mb']:.0f} MB before the sync, {f['rss_synced_mb']:.0f} MB after it, "
          f"{f['rss_browsed_mb']:.0f} MB after browsing the copy-backed list; live, no copy (a fresh process): "
          f"{live['rss_before_mb']:.0f} MB at the first page, {live['rss_loaded_mb']:.0f} MB with "
          f"{live['rows']:,.0f} rows loaded in {live['load_s']:.0f} s; ratio browsed-copy / live "
          f"{f['rss_browsed_mb'] / live['rss_loaded_mb']:.2f} (target <= 1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
