"""The background sync's figures (issue 17): a full sync of the demo's 20,000 Systeme.io contacts.

Syncs the demo Marketing account into an encrypted mirror on disk (a random key) while a person
pages through the contacts list (a page every 100 ms), and prints the requests against the pages,
the answers 429, the worst event-loop stall (a 5 ms ticker's lateness, the emulator sharing the
process as in the demo) and the size on disk. Printed, never asserted. Targets: no more requests
than pages (beside the person's), 0 answers 429, worst stall <= 50 ms.

Usage: python bench/mirror_sync.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from pathlib import Path

os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-bench-sync-"))

from console.core.credentials import MemoryStore
from console.core.models import Query
from console.core.settings import AccountsFile
from console.http.requestlog import RequestLog
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.datasets import DatasetService
from console.services.mirror.store import MirrorStore
from console.services.mirror.sync import MirrorSync

CONTACTS = 20_000
TICK = 0.005


async def main() -> None:
    workspace = await asyncio.to_thread(DemoWorkspace.start, sizes={"systeme": CONTACTS}, vendors=("systeme",))
    home = Path(tempfile.mkdtemp(prefix="vc-bench-sync-"))
    accounts = AccountService(accounts_file=AccountsFile(home), keychain=MemoryStore(), request_log=RequestLog(100_000))
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    datasets = DatasetService(accounts)
    account = next(a for a in workspace.accounts if a.vendor == "systeme")
    specs = {d.name: d for d in accounts.spec(account.id).datasets if not d.refresh_seconds}
    path = home / "mirror.db"
    key = secrets.token_bytes(32)
    store = await asyncio.to_thread(MirrorStore, account.id, specs, key=key, path=path,
                                    label=account.label)
    sync = MirrorSync(datasets, store)
    worst = 0.0
    person_pages = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        loop = asyncio.get_running_loop()
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(TICK)
            worst = max(worst, loop.time() - before - TICK)

    async def person() -> None:  # pages through the list while the sync runs
        nonlocal person_pages
        cursor = None
        while not done.is_set():
            page = await datasets.fetch_page(account.id, "contacts", Query(), cursor, 50)
            person_pages += 1
            cursor = page.next_cursor if page.has_next else None
            await asyncio.sleep(0.1)

    await AccountService.warm_up()  # the HTTP stack loaded and the client built first, as after the window's start
    await accounts.client(account.id)
    helpers = [asyncio.ensure_future(ticker()), asyncio.ensure_future(person())]
    started = time.perf_counter()
    try:
        await sync.sync_now()
    finally:
        done.set()
        await asyncio.gather(*helpers, return_exceptions=True)
    seconds = time.perf_counter() - started
    exchanges = [e for e in accounts.request_log if e.account_id == account.id]
    state = {name: store.state(name) for name in specs}
    pages = sum(-(-s.fetched // sync.page_size) for s in state.values())
    sync_requests = sum(1 for e in exchanges if f"limit={sync.page_size}" in e.url)  # the person asks for 50
    too_many = sum(1 for e in exchanges if e.status == 429)
    records = sum(store.count(name) for name in specs)
    files = {p.name.removeprefix(path.name) or "file": p.stat().st_size for p in path.parent.glob(path.name + "*")}
    size = sum(files.values())
    print(f"sync of {records:,} records ({', '.join(f'{n} {s.fetched:,}' for n, s in state.items())}) in "
          f"{seconds:.1f} s: {sync_requests} sync requests for {pages} pages (target: no more), "
          f"{person_pages} pages browsed meanwhile, {too_many} answers 429 (target 0), worst loop stall "
          f"{worst * 1000:.0f} ms (target <= 50 ms), {size / max(1, records):.0f} bytes on disk per record")
    conn = store._db()
    pages, free = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count"))
    print(f"on disk: {', '.join(f'{k} {v / 1e6:.1f} MB' for k, v in sorted(files.items()))}; {pages:,} pages, "
          f"{free:,} free (target <= 1,024 bytes per record)")
    store.close()
    started = time.perf_counter()
    reopened = await asyncio.to_thread(MirrorStore, account.id, specs, key=key, path=path, label=account.label)
    print(f"open with every page checked: {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"{'damage found' if reopened.notice else 'whole'}")
    reopened.close()
    await accounts.aclose()
    await asyncio.to_thread(workspace.stop)


if __name__ == "__main__":
    asyncio.run(main())
