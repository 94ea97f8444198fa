"""The lookup's figure: one query over every demo account with each emulator 200 ms slow.

Sessions are opened first (a warm-up lookup), then each run times the query until every account has
answered. Concurrent means about one round trip; the serial figure is the sum of the accounts' own
times (what one-after-another would cost). Target: all results within 300 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from console.core.credentials import MemoryStore
from console.core.lookup import classify
from console.core.settings import AccountsFile
from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService
from console.services.lookup import LookupService


async def main(runs: int) -> dict[str, float]:
    workspace = await asyncio.to_thread(DemoWorkspace.start)
    accounts = AccountService(accounts_file=AccountsFile(Path(tempfile.mkdtemp(prefix="vc-bench-"))),
                              keychain=MemoryStore())
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    service = LookupService(accounts)
    query = classify("jane.doe@example.com")
    try:
        [o async for o in service.stream(query)]  # log in where vendors have sessions
        workspace.set_faults(FaultConfig(latency=0.2))
        totals, serial = [], []
        for _ in range(runs):
            started = time.perf_counter()
            outcomes = [o async for o in service.stream(query)]
            totals.append(time.perf_counter() - started)
            serial.append(sum(o.seconds for o in outcomes))
        hits = sum(len(o.hits) for o in outcomes)
    finally:
        await accounts.aclose()
        await asyncio.to_thread(workspace.stop)
    result = {"ms": statistics.median(totals) * 1000, "serial_ms": statistics.median(serial) * 1000}
    print(f"lookup over {len(outcomes)} accounts, every emulator 200 ms slow ({runs} runs, median): all results in "
          f"{result['ms']:.0f} ms (target <= 300 ms); one after another would take {result['serial_ms']:.0f} ms; "
          f"{hits} hits")
    return result


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
