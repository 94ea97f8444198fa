"""The local mirror's figures (issue 17): size on disk, find() times, first rows of a sorted list, filter counts.

Real records are read from the demo emulators (the first pages of every mirrored dataset of every
demo account, through the vendor clients), then cloned with other seeded people (new ids, names,
emails and phones) until the Systeme.io contacts mirror holds 100,000 rows and every other account's
people datasets 4,000 each. Each account gets its own encrypted mirror on disk (a random key), so
the lookup runs over every demo account's mirror as the console would. Printed, never asserted.
Targets: find() median <= 30 ms over every mirror; first 50 rows of the 100,000-row list sorted by a
text column <= 150 ms; <= 1 KB on disk per record.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-bench-mirror-"))

from console.core.credentials import MemoryStore
from console.core.models import DatasetSpec, Query, Record
from console.core.settings import AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.mirror.contract import MirrorQuery
from console.services.mirror.store import MirrorStore
from console.vendors.emulation import Person, people

BIG = 100_000
OTHERS = 4_000
TEMPLATE_PAGES = 2
PAGE = 500


async def templates() -> dict[str, tuple[str, dict[str, DatasetSpec], dict[str, list[Record]]]]:
    """The first pages of every mirrored dataset of every demo account: account id -> (vendor, specs, records)."""
    workspace = await asyncio.to_thread(DemoWorkspace.start)
    accounts = AccountService(accounts_file=AccountsFile(Path(tempfile.mkdtemp(prefix="vc-bench-"))),
                              keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    found: dict[str, tuple[str, dict[str, DatasetSpec], dict[str, list[Record]]]] = {}
    try:
        for account in accounts.accounts():
            spec = accounts.spec(account.id)
            client = await accounts.client(account.id)
            specs = {d.name: d for d in spec.datasets if not d.refresh_seconds}
            records: dict[str, list[Record]] = {}
            for name in specs:
                cursor: Any = None
                records[name] = []
                for _ in range(TEMPLATE_PAGES):
                    page = await client.fetch_page(name, Query(), cursor, 100)
                    records[name] += page.items
                    if not page.has_next:
                        break
                    cursor = page.next_cursor
            found[account.id] = (account.vendor, specs, records)
    finally:
        await accounts.aclose()
        await asyncio.to_thread(workspace.stop)
    return found


def _swap(value: Any, swaps: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in swaps:
            if old and old in value:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_swap(v, swaps) for v in value]
    if isinstance(value, dict):
        return {k: _swap(v, swaps) for k, v in value.items()}
    return value


def clone(spec: DatasetSpec, template: Record, person: Person, new_id: int) -> Record:
    """The template record as another person's, with a new id."""
    swaps: list[tuple[str, str]] = []
    if spec.identity is not None:
        identity = spec.identity(template)
        swaps += [(e, person.email) for e in identity.emails]
        swaps += [(p, f"+{person.calling_code} {person.national}") for p in identity.phones]
        swaps += [(n, person.full_name) for n in identity.names]
        for n in identity.names:
            first, _, last = n.partition(" ")
            swaps += [(first, person.first_name), (last, person.last_name)]
    fields = _swap(template.fields, swaps)
    old_id = template.fields.get(spec.id_key)
    fields[spec.id_key] = new_id if isinstance(old_id, int) else str(new_id)
    derived = {k: _swap(v, swaps) if isinstance(v, str | list | dict) else v for k, v in template.derived.items()}
    return Record(template.vendor, template.dataset, str(new_id), fields, derived)


def fill(mirror: MirrorStore, spec: DatasetSpec, records: list[Record], total: int, crowd: tuple[Person, ...],
         offset: int) -> int:
    """Syncs ``total`` records (the templates, then clones) in passes of :data:`PAGE`; returns people used."""
    state = mirror.begin_pass(spec.name, expected=total)
    batch: list[Record] = []
    used = 0
    stored = 0
    if spec.identity is None:
        total = len(records)
    while stored < total:
        template = records[stored % len(records)]
        if stored < len(records):
            batch.append(template)
        else:
            batch.append(clone(spec, template, crowd[(offset + used) % len(crowd)], 10_000_000 + stored))
            used += 1
        stored += 1
        if len(batch) == PAGE:
            state = mirror.store_page(state, batch, stored)
            batch = []
    state = mirror.store_page(state, batch, None)
    mirror.finish_pass(state)
    return used


def rss_mb() -> float:
    """The process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    """Median milliseconds of ``fn`` and its last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    found = asyncio.run(templates())
    crowd = people(4242, 200_000)
    mirrors: list[MirrorStore] = []
    keys: dict[str, bytes] = {}
    offset = 0
    t0 = time.perf_counter()
    records_total = 0
    big: tuple[MirrorStore, DatasetSpec] | None = None
    for account_id, (_vendor, specs, records) in found.items():
        keys[account_id] = secrets.token_bytes(32)
        mirror = MirrorStore(account_id, specs, key=keys[account_id], label=account_id)
        mirrors.append(mirror)
        for name, spec in specs.items():
            if not records[name]:
                continue
            is_big = big is None and name == "contacts" and account_id.startswith("demo-systeme")
            total = BIG if is_big else OTHERS
            offset += fill(mirror, spec, records[name], total, crowd, offset)
            records_total += mirror.count(name)
            if is_big:
                big = (mirror, spec)
    fill_s = time.perf_counter() - t0
    size = 0
    wal = 0
    for mirror in mirrors:  # as it is after the passes: no checkpoint of its own
        assert mirror.path is not None
        size += sum(p.stat().st_size for p in mirror.path.parent.glob(mirror.path.name + "*"))
        wal += sum(p.stat().st_size for p in mirror.path.parent.glob(mirror.path.name + "-wal"))
    print(f"mirrors of {len(mirrors)} demo accounts: {records_total:,} records stored in {fill_s:.1f} s "
          f"({records_total / fill_s:,.0f} records/s, in pages of {PAGE}); {size / 1e6:.1f} MB on disk "
          f"(WAL {wal / 1e6:.1f} MB), {size / records_total:.0f} bytes per record (target <= 1,024)")
    assert big is not None
    index = mirrors.index(big[0])
    old = mirrors[index]
    assert old.path is not None
    old.close()
    t0 = time.perf_counter()
    mirrors[index] = MirrorStore(old.account_id, found[old.account_id][1], key=keys[old.account_id], label=old.label)
    opened_ms = (time.perf_counter() - t0) * 1000
    big = (mirrors[index], big[1])
    print(f"open of the {big[0].count(big[1].name):,}-record mirror ({old.path.stat().st_size / 1e6:.0f} MB) with "
          f"every page checked: {opened_ms:.0f} ms ({'damage found' if mirrors[index].notice else 'whole'})")

    # find() over every account's mirror: emails, phones and names of people in the mirrors.
    sample = [crowd[i] for i in range(0, offset, max(1, offset // 200))][:200]
    lookups: list[dict[str, list[str]]] = []
    for n, person in enumerate(sample):
        kind = n % 3
        if kind == 0:
            lookups.append({"emails": [person.email.upper()]})
        elif kind == 1:
            lookups.append({"phones": [f"+{person.calling_code}{person.national}"]})
        else:
            lookups.append({"names": [f"{person.first_name[:4]} {person.last_name}"]})
    times, hits = [], 0
    for lookup in lookups:
        t0 = time.perf_counter()
        for mirror in mirrors:
            hits += len(mirror.find(**lookup))  # type: ignore[arg-type]
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print(f"find() over every mirror, {len(lookups)} lookups (emails, phones, name words): median "
          f"{statistics.median(times):.1f} ms (target <= 30 ms), 95th percentile {p95:.1f} ms; {hits:,} hits")

    assert big is not None
    mirror, spec = big
    text_col = next(c.key for c in spec.columns if c.kind.value in ("text", "email"))
    time_col = next((c.key for c in spec.columns if c.kind.value in ("datetime", "date")), spec.columns[-1].key)
    rows = mirror.count(spec.name)
    for label, query in ((f"sorted by {text_col} (text)", MirrorQuery(sort=text_col)),
                         (f"sorted by {text_col}, descending", MirrorQuery(sort=text_col, descending=True)),
                         (f"sorted by {time_col} (time)", MirrorQuery(sort=time_col, descending=True)),
                         (f"last 50 (Ctrl+End) sorted by {text_col}", MirrorQuery(sort=text_col, offset=rows - 50))):
        ms, page = timed(lambda q=query: mirror.rows(spec.name, q))
        print(f"{rows:,}-row list, first 50 rows {label}: {ms:.1f} ms (target <= 150 ms), {len(page)} rows")
    for text in ("muller", "son", "ex", "example.com", "zzqx"):
        ms, count = timed(lambda t=text: mirror.count(spec.name, t))
        ms_rows, _ = timed(lambda t=text: mirror.rows(spec.name, MirrorQuery(text=t, sort=text_col)))
        print(f"filter {text!r}: exact count {count:,} in {ms:.1f} ms; "
              f"first 50 sorted by {text_col} in {ms_rows:.1f} ms")
    ms, total = timed(lambda: mirror.count(spec.name))
    print(f"exact total {total:,} in {ms:.1f} ms")
    before = rss_mb()
    for offset in range(0, rows, 5_000):  # scrolling through the whole sorted list, a page at a time
        mirror.rows(spec.name, MirrorQuery(sort=text_col, offset=offset))
    print(f"resident memory after browsing all {rows:,} rows sorted by {text_col}: {rss_mb():.0f} MB "
          f"({rss_mb() - before:+.0f} MB; the process also holds the demo's templates and the clones' people)")
    for mirror in mirrors:
        mirror.drop()


if __name__ == "__main__":
    sys.exit(main())
