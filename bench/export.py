"""Export of the demo's 20,000 contacts through the service layer vs the same pages with bare httpx.

Both page through the same emulator, run in its own process like a remote vendor, with limit=100 in
the vendor's default order; the export also validates every item and writes JSON Lines to a file, bare
httpx only decodes the JSON. Runs alternate; prints medians, requests and the ratio (target <= 1.15x).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-bench-"))


async def with_console(base_url: str, key: str, out: Path) -> tuple[float, int]:
    from console.services.export import export_dataset, make_writer
    from console.vendors import registry
    from console.vendors.base import ClientContext

    client = registry.get("systeme").make_client(ClientContext(account_id="bench", base_url=base_url,
                                                               secrets={"api_key": key}))
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        state = await export_dataset(client, "contacts", make_writer("jsonl", fh))
    elapsed = time.perf_counter() - t0
    await client.aclose()
    return elapsed, state.pages if state.records == 20_000 else -1


async def pages_only(base_url: str, key: str) -> tuple[float, int]:
    """The service layer's paging alone (no writing): what the layer itself costs over bare httpx."""
    from console.core.models import Query
    from console.vendors import registry
    from console.vendors.base import ClientContext

    client = registry.get("systeme").make_client(ClientContext(account_id="bench", base_url=base_url,
                                                               secrets={"api_key": key}))
    t0 = time.perf_counter()
    cursor, requests, records = None, 0, 0
    while True:
        page = await client.fetch_page("contacts", Query(), cursor, 100)
        requests += 1
        records += len(page.items)
        if not page.has_more:
            break
        cursor = page.next_cursor
    elapsed = time.perf_counter() - t0
    await client.aclose()
    return elapsed, requests if records == 20_000 else -1


async def with_bare_httpx(base_url: str, key: str) -> tuple[float, int]:
    import httpx

    async with httpx.AsyncClient(headers={"X-API-Key": key, "Accept": "application/json"}) as client:
        t0 = time.perf_counter()
        cursor, requests, records = None, 0, 0
        while True:
            params: dict[str, object] = {"limit": 100, "order": "desc"}
            if cursor is not None:
                params["startingAfter"] = cursor
            data = (await client.get(f"{base_url}/contacts", params=params)).json()
            requests += 1
            records += len(data["items"])
            if not data["hasMore"]:
                break
            cursor = data["items"][-1]["id"]
        return time.perf_counter() - t0, requests if records == 20_000 else -1


def main(runs: int = 5) -> dict[str, float]:
    from console.vendors.systeme import DEMO_API_KEY

    sys.path.insert(0, str(Path(__file__).parent))
    import emulator_process

    # The demo's quota (1,000 requests a minute) would make later runs wait; the bench measures throughput.
    proc, urls = emulator_process.spawn(("systeme",), unlimited_quota=True)
    base_url = urls["systeme"]
    out = Path(tempfile.mkdtemp(prefix="vc-bench-")) / "contacts.jsonl"
    ours, bare, layer = [], [], []
    requests = 0
    try:
        asyncio.run(with_bare_httpx(base_url, DEMO_API_KEY))  # warm both paths once
        asyncio.run(with_console(base_url, DEMO_API_KEY, out))
        for _ in range(runs):
            seconds, requests = asyncio.run(with_console(base_url, DEMO_API_KEY, out))
            ours.append(seconds)
            seconds, bare_requests = asyncio.run(with_bare_httpx(base_url, DEMO_API_KEY))
            bare.append(seconds)
            seconds, _ = asyncio.run(pages_only(base_url, DEMO_API_KEY))
            layer.append(seconds)
            assert requests == bare_requests == 200, (requests, bare_requests)
    finally:
        emulator_process.stop(proc)
    result = {"export_s": statistics.median(ours), "bare_s": statistics.median(bare), "requests": requests,
              "bytes": out.stat().st_size}
    result["ratio"] = result["export_s"] / result["bare_s"]
    result["layer_ratio"] = statistics.median(layer) / result["bare_s"]
    print(f"export of 20,000 contacts ({runs} runs, median): {result['export_s']:.2f} s and {requests} requests "
          f"({result['bytes'] / 1e6:.1f} MB of JSON Lines); bare httpx on the same pages {result['bare_s']:.2f} s; "
          f"ratio {result['ratio']:.2f}x (target <= 1.15x); paging alone through the service layer (no writing) "
          f"{statistics.median(layer):.2f} s, ratio {result['layer_ratio']:.2f}x")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
