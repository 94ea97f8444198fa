"""``vendor-console sync`` against the demo emulators, in this process: the mirror filled, resumed, refreshed;
``lookup`` answering from it.

The keychain is a store of the test's own (shared by the runs of one test), so a mirror stays on disk
between runs; the demo starts with a small Systeme.io account.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import KeychainUnavailable
from console.sandbox.workspace import DemoWorkspace
from console.services.mirror.contract import MirrorQuery
from console.services.mirror.sync import mirrored
from console.vendors import registry
from tests.e2e.cli_in_process import InProcessCli
from tests.keychains import Vault

MARKETING = "Marketing (demo)"
MARKETING_ID = "demo-systeme-0"
CONTACTS = 450


class NoKeychain(MemoryStore):
    """A computer without a keychain."""

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        raise KeychainUnavailable("no keychain here")

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        raise KeychainUnavailable("no keychain here")


class Demo:
    """The demo as ``sync --demo`` starts it in this test: small, and the last workspace at hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.last: DemoWorkspace | None = None
        self.prepare: Callable[[DemoWorkspace], None] = lambda ws: None

        async def start(vendors: tuple[str, ...]) -> DemoWorkspace:
            ws = await asyncio.to_thread(DemoWorkspace.start, vendors=vendors,
                                         sizes={"systeme": CONTACTS, "setster": 120})
            self.prepare(ws)
            self.last = ws
            return ws

        monkeypatch.setattr("console.commands.sync.start_demo", start)
        monkeypatch.setattr("console.commands.lookup.start_demo", start)

    def requests(self, path: str) -> int:
        """GET requests the last Systeme.io emulator received for this path."""
        assert self.last is not None
        return sum(1 for s in self.last.vendors["systeme"].faults.seen() if s.method == "GET" and s.path == path)


@pytest.fixture
def vault(monkeypatch: pytest.MonkeyPatch) -> Vault:
    store = Vault()
    monkeypatch.setattr("console.core.credentials.KeyringStore", lambda: store)
    return store


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Demo:
    return Demo(monkeypatch)


@pytest.fixture
def ctrl_c_reaches_us() -> Iterator[None]:
    """SIGINT handled as in a terminal's foreground process (Python's own handler), for this test only.

    A shell without job control starts a background command (``make pytest &``, a loop in a script)
    with SIGINT ignored, as it should, so that a terminal's Ctrl+C does not reach it; Python keeps
    that, ``asyncio.run`` then installs no handler of its own, and a raised SIGINT does nothing.
    """
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessCli:
    return InProcessCli(monkeypatch, capsys)


def mirrored_ids(vault: Vault, dataset: str) -> list[str]:
    """The ids the Marketing mirror holds on disk, read with its key from the keychain."""
    from console.services.mirror.keys import open_mirror

    specs = {s.name: s for s in mirrored(registry.get("systeme").datasets)}

    async def read() -> list[str]:
        mirror = await open_mirror(vault, "systeme", MARKETING_ID, specs)
        try:
            assert mirror.on_disk and mirror.state(dataset).complete
            return [r.id for r in mirror.rows(dataset, MirrorQuery(limit=10_000))]
        finally:
            mirror.close()

    return asyncio.run(read())


def test_sync_of_a_demo_account_stores_every_record_then_refreshes_without_a_full_pass(
        cli: InProcessCli, vault: Vault, demo: Demo) -> None:
    first = cli("sync", "--demo", "--account", MARKETING)
    assert first.code == 0, first.err
    assert first.out == ""
    lines = first.err.splitlines()
    assert f"{MARKETING} contacts: {CONTACTS:,} records, synced" in lines
    assert any(line.startswith(f"{MARKETING} tags: ") and line.endswith(" records, synced") for line in lines)
    assert any(line.startswith(f"Syncing {MARKETING} contacts: ") for line in lines)
    assert "note:" not in first.err  # the keychain keeps the key: the copy is on disk
    assert demo.last is not None
    emulator = demo.last.vendors["systeme"].emulator
    assert sorted(map(int, mirrored_ids(vault, "contacts"))) == emulator.contact_ids()
    pages = demo.requests("/api/contacts")
    assert pages >= CONTACTS // 100

    again = cli("sync", "--demo", "--account", MARKETING)
    assert again.code == 0, again.err
    assert f"{MARKETING} contacts: {CONTACTS:,} records, synced, 0 new or changed" in again.err.splitlines()
    assert f"Syncing {MARKETING} contacts" not in again.err  # checked for changes, not read again
    assert demo.requests("/api/contacts") == 1  # the newest page brought nothing new: the rest is known

    full = cli("sync", "--demo", "--account", MARKETING, "--full", "--quiet")
    assert full.code == 0 and full.err == ""
    assert demo.requests("/api/contacts") == pages


@pytest.mark.usefixtures("ctrl_c_reaches_us")
def test_ctrl_c_keeps_what_is_stored_and_the_next_sync_goes_on_from_there(
        cli: InProcessCli, vault: Vault, demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.commands.sync import ProgressLines
    from console.services.mirror.sync_progress import SyncProgress

    said = ProgressLines.__call__
    interrupted: list[int] = []

    def press_ctrl_c(self: ProgressLines, progress: SyncProgress) -> None:
        said(self, progress)
        if progress.dataset == "contacts" and progress.fetched >= 200 and not interrupted:
            interrupted.append(progress.fetched)
            signal.raise_signal(signal.SIGINT)  # as a terminal's Ctrl+C: asyncio.run cancels the command

    monkeypatch.setattr(ProgressLines, "__call__", press_ctrl_c)
    cut = cli("sync", "--demo", "--account", MARKETING)
    assert interrupted, cut.err  # Ctrl+C was pressed mid-pass
    assert cut.code == 130, cut.err
    assert cut.err.splitlines()[-1] == "vendor-console sync: interrupted"
    assert f"Sync of {MARKETING} contacts cancelled at " in cut.err and "goes on from there next time" in cut.err

    monkeypatch.setattr(ProgressLines, "__call__", said)
    resumed = cli("sync", "--demo", "--account", MARKETING)
    assert resumed.code == 0, resumed.err
    progress = [line for line in resumed.err.splitlines() if line.startswith(f"Syncing {MARKETING} contacts: ")]
    assert progress and int(progress[0].split(": ")[1].split()[0].replace(",", "")) >= interrupted[0]
    assert demo.requests("/api/contacts") < CONTACTS // 100  # the pages stored before are not read again
    assert len(set(mirrored_ids(vault, "contacts"))) == CONTACTS  # nothing lost, nothing doubled


def test_an_unknown_account_is_one_line_and_exit_2(cli: InProcessCli, vault: Vault, demo: Demo) -> None:
    unknown = cli("sync", "--demo", "--account", "Nope")
    assert unknown.code == 2
    assert unknown.err.splitlines() == [unknown.err.strip()]
    assert "no account is labelled 'Nope'" in unknown.err and MARKETING in unknown.err
    without_demo = cli("sync", "--account", MARKETING)
    assert without_demo.code == 2 and "demo accounts need --demo" in without_demo.err
    nothing = cli("sync")
    assert nothing.code == 2 and "no saved accounts" in nothing.err


def _refuse(path: str, app: Any) -> Any:
    """The emulator, answering ``path`` with a vendor's 400 refusal."""

    async def refusing(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == path:
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"detail": "tags are not available"}'})
            return
        await app(scope, receive, send)

    return refusing


@pytest.mark.allow_warnings  # the sync logs the dataset it could not read
def test_a_vendor_error_on_one_dataset_is_said_and_the_others_complete(
        cli: InProcessCli, vault: Vault, demo: Demo) -> None:
    def refuse_tags(ws: DemoWorkspace) -> None:
        hosted = ws.vendors["systeme"].faults
        hosted.app = _refuse("/api/tags", hosted.app)

    demo.prepare = refuse_tags
    ran = cli("sync", "--demo", "--account", MARKETING, "--account", "Bright Smiles (demo)")
    assert ran.code == 4, ran.err
    lines = ran.err.splitlines()
    assert any(line.startswith(f"vendor-console sync: Sync of {MARKETING} tags stopped: ") for line in lines)
    assert f"{MARKETING} contacts: {CONTACTS:,} records, synced" in lines
    assert any(line.startswith("Bright Smiles (demo) appointments: ") and line.endswith(", synced")
               for line in lines), ran.err


def test_without_a_keychain_the_copy_lasts_this_run_and_says_so_once(
        cli: InProcessCli, demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("console.core.credentials.KeyringStore", NoKeychain)
    ran = cli("sync", "--demo", "--account", MARKETING, "--account", "Bright Smiles (demo)", "--quiet")
    assert ran.code == 0, ran.err
    assert ran.err.splitlines() == ["vendor-console sync: note: no keychain, so the local copy lasts only this run "
                                    "(the next sync fetches everything again); a keychain keeps it on disk, "
                                    "encrypted"]


def test_lookup_answers_from_a_synced_mirror_and_live_for_the_rest(cli: InProcessCli, vault: Vault, demo: Demo) -> None:
    import json

    accounts = ("--account", MARKETING, "--account", "Bright Smiles (demo)")
    live = cli("lookup", "jane.doe@example.com", "--demo", *accounts)
    assert live.code == 0, live.err
    before = [json.loads(line) for line in live.lines]
    assert before and {x["source"] for x in before} == {"live"}
    assert cli("sync", "--demo", "--account", MARKETING, "--quiet").code == 0

    ran = cli("lookup", "jane.doe@example.com", "--demo", *accounts)
    assert ran.code == 0, ran.err
    after = [json.loads(line) for line in ran.lines]
    assert demo.requests("/api/contacts") == 0  # Marketing answered from its copy

    def strip(rows: list[dict[str, Any]], account: str) -> list[dict[str, Any]]:
        return [{k: v for k, v in x.items() if k != "source"} for x in rows if x["account"] == account]

    assert strip(after, MARKETING) == strip(before, MARKETING)
    assert {x["source"] for x in after if x["account"] == MARKETING} == {"mirror"}
    assert {x["source"] for x in after if x["account"] != MARKETING} == {"live"}

    by_name = cli("lookup", "jane doe", "--demo", "--account", MARKETING)
    assert by_name.code == 0, by_name.err
    named = [json.loads(line) for line in by_name.lines]
    assert any(x["id"] == before[0]["id"] for x in named if x["account"] == MARKETING)
    assert all(x["source"] == "mirror" and x["matched"]["name"] for x in named)

    forced = cli("lookup", "jane.doe@example.com", "--demo", "--account", MARKETING, "--live")
    assert forced.code == 0 and {json.loads(line)["source"] for line in forced.lines} == {"live"}
    assert demo.requests("/api/contacts") >= 1
