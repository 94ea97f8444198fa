"""The window's local-copy control on its own (console/ui/local_copy.py), over a stand-in for LocalCopies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from console.core.settings import AccountConfig
from console.services.mirror.sync_progress import Phase, SyncProgress
from console.ui.local_copy import CopyBridge, CopyNotices, SyncStatus, synced_words
from console.ui.preferences import Preferences, PreferencesStore


@dataclass
class FakeMirror:
    on_disk: bool = True


@dataclass
class FakeSync:
    current: SyncProgress | None = None
    paused: bool = False
    mirror: FakeMirror = field(default_factory=FakeMirror)


class FakeAccounts:
    def __init__(self, *accounts: AccountConfig) -> None:
        self._accounts = {a.id: a for a in accounts}

    def accounts(self) -> list[AccountConfig]:
        return list(self._accounts.values())

    def get(self, account_id: str) -> AccountConfig:
        return self._accounts[account_id]


class FakeCopies:
    """What CopyBridge reads of LocalCopies, and the controls it calls (recorded)."""

    def __init__(self, *accounts: AccountConfig) -> None:
        self.accounts = FakeAccounts(*accounts)
        self.syncs: dict[str, FakeSync] = {}
        self.notices: dict[str, str] = {}
        self.listeners: list[Callable[[str, SyncProgress | None], None]] = []
        self.calls: list[tuple[str, str]] = []
        self.progress_of: dict[str, list[SyncProgress]] = {}
        self.when: dict[tuple[str, str], float] = {}

    def listen(self, listener: Callable[[str, SyncProgress | None], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def tell(self, account_id: str, progress: SyncProgress | None) -> None:
        for listener in list(self.listeners):
            listener(account_id, progress)

    def sync(self, account_id: str) -> FakeSync | None:
        return self.syncs.get(account_id)

    def notice(self, account_id: str) -> str:
        return self.notices.get(account_id, "")

    def current(self) -> SyncProgress | None:
        return next((s.current for s in self.syncs.values() if s.current is not None), None)

    def progress(self, account_id: str) -> list[SyncProgress]:
        return self.progress_of.get(account_id, [])

    def synced_at(self, account_id: str, dataset: str) -> float | None:
        return self.when.get((account_id, dataset))

    def pause(self, account_id: str) -> None:
        self.calls.append(("pause", account_id))
        self.syncs[account_id].paused = True

    def resume(self, account_id: str) -> None:
        self.calls.append(("resume", account_id))
        self.syncs[account_id].paused = False

    def cancel(self, account_id: str) -> None:
        self.calls.append(("cancel", account_id))


def shown(label: Any) -> str:
    """What a throttled label shows, or shows next once its moment of quiet is over."""
    return str(label._pending if label._pending is not None else label.text())


def account(account_id: str, label: str, *, kept: bool = True) -> AccountConfig:
    return AccountConfig(id=account_id, vendor="systeme", label=label, base_url="https://api.systeme.io/api",
                         local_copy=kept)


def progress(account_id: str, label: str, phase: Phase, fetched: int = 0, expected: int | None = None,
             **extra: Any) -> SyncProgress:
    return SyncProgress(account_id, label, "contacts", "Contacts", phase, fetched, expected, **extra)


@pytest.mark.parametrize(("seconds", "words"), [(-3, "synced just now"), (59, "synced just now"),
                                                (60, "synced 1 min ago"), (3599, "synced 59 min ago"),
                                                (3 * 3600, "synced 3 h ago"), (5 * 86400, "synced 5 days ago")])
def test_synced_words(seconds: float, words: str) -> None:
    assert synced_words(seconds) == words


def test_the_sync_line_follows_the_copies_and_its_buttons_reach_them(qapp: Any) -> None:
    copies = FakeCopies(account("a", "Marketing"), account("b", "Rentals"))
    bridge = CopyBridge(copies)  # type: ignore[arg-type]
    status = SyncStatus(bridge)
    said: list[tuple[str, int]] = []
    status.messageRequested.connect(lambda text, ms: said.append((text, ms)))
    assert status.isHidden() and status.account_id is None
    syncing = progress("a", "Marketing", Phase.SYNCING, 12400, 20000)
    copies.syncs["a"] = FakeSync(syncing)
    copies.tell("a", syncing)
    assert not status.isHidden() and status.account_id == "a"
    assert shown(status.label) == "Syncing Marketing contacts: 12,400 of about 20,000"
    copies.syncs["b"] = FakeSync(progress("b", "Rentals", Phase.SYNCING, 10))
    status.refresh()
    assert shown(status.label).endswith(" · 1 more account syncing")

    status.pause_button.click()
    assert copies.calls == [("pause", "a")] and status.pause_button.text() == "Resume"
    assert shown(status.label) == "Pausing the sync of Marketing contacts after this page · 1 more account syncing"
    status.pause_button.click()
    assert copies.calls[-1] == ("resume", "a") and status.pause_button.text() == "Pause"
    status.cancel_button.click()
    assert copies.calls[-1] == ("cancel", "a")

    stopped = progress("a", "Marketing", Phase.CANCELLED, 12500, 20000)
    copies.syncs["a"].current = None
    copies.syncs["b"].current = None
    copies.tell("a", stopped)
    assert status.isHidden()
    assert said == [("Sync of Marketing contacts cancelled at 12,500 of about 20,000; it goes on from there next "
                     "time", 10000)]
    failed = progress("a", "Marketing", Phase.FAILED, error="The disk is full.")
    copies.tell("a", failed)
    assert said[-1][0] == "Sync of Marketing contacts stopped: The disk is full."
    bridge.stop()
    assert not copies.listeners


def test_the_managers_lines_say_where_the_copy_is_and_each_dataset(qapp: Any) -> None:
    copies = FakeCopies(account("a", "Marketing"), account("b", "Rentals", kept=False), account("c", "Shop"))
    bridge = CopyBridge(copies)  # type: ignore[arg-type]
    assert bridge.lines("b") == ["No local copy: lists and lookups ask the vendor each time."]
    assert bridge.lines("c")[0].startswith("Local copy: not open yet")
    assert bridge.lines("gone") == ["No local copy: lists and lookups ask the vendor each time."]
    copies.syncs["a"] = FakeSync(mirror=FakeMirror(on_disk=False), paused=True)
    copies.progress_of["a"] = [progress("a", "Marketing", Phase.DONE),
                               SyncProgress("a", "Marketing", "tags", "Tags", Phase.SYNCING, 40)]
    copies.when[("a", "contacts")] = 1000.0
    assert bridge.lines("a", now=1000.0 + 300) == [
        "Local copy: in memory for this session (fetched again after a restart).",
        "Marketing contacts synced (synced 5 min ago)",
        "Syncing Marketing tags: 40 so far · pausing after this page"]
    demo = replace(account("d", "Marketing (demo)"), demo=True)
    copies.accounts._accounts["d"] = demo
    copies.syncs["d"] = FakeSync(mirror=FakeMirror(on_disk=False))
    assert bridge.lines("d") == ["Local copy: in memory for this session (the demo's data is made afresh at each "
                                 "start)."]


def test_each_notice_is_said_once_and_a_second_joins_the_open_box(qapp: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    copies = FakeCopies(account("a", "Marketing"), account("b", "Rentals"))
    bridge = CopyBridge(copies)  # type: ignore[arg-type]
    parent = QWidget()
    qtbot.addWidget(parent)
    notices = CopyNotices(parent, bridge)
    heard: list[str] = []
    bridge.noticeReady.connect(lambda _a, text: heard.append(text))
    copies.tell("a", None)  # opened, nothing to say
    assert heard == [] and notices.box is None
    copies.notices["a"] = "The local copy of Marketing is kept in memory."
    copies.tell("a", None)
    copies.tell("a", None)  # opened again: said already
    assert heard == ["The local copy of Marketing is kept in memory."]
    assert notices.box is not None and notices.box.isVisible()
    copies.notices["b"] = "The local copy of Rentals could not be opened. It is rebuilt."
    copies.tell("b", None)
    assert notices.box.informativeText() == ("The local copy of Marketing is kept in memory.\n\n"
                                             "The local copy of Rentals could not be opened. It is rebuilt.")
    # A copy found damaged while in use: its sync fails, and the copy's new notice is said (once).
    copies.notices["a"] = "The local copy of Marketing could not be read. It was moved aside and is rebuilt."
    notices.box.close()
    for _ in range(2):
        copies.tell("a", progress("a", "Marketing", Phase.FAILED, error=copies.notices["a"]))
    assert heard[-1] == copies.notices["a"] and len(heard) == 3
    assert notices.box.isVisible() and notices.box.informativeText() == copies.notices["a"]
    notices.box.close()


@pytest.mark.allow_warnings  # the bad saved value is logged
def test_the_refresh_interval_is_kept_and_a_bad_one_reads_as_the_default(qapp: Any) -> None:
    from console.core.settings import take_problems

    store = PreferencesStore()
    assert store.load().copy_refresh_minutes == 15 and Preferences().copy_refresh_seconds == 900.0
    store.save(Preferences(copy_refresh_minutes=90))
    assert PreferencesStore().load().copy_refresh_minutes == 90
    store.settings.setValue("preferences/copy_refresh_minutes", 0)
    assert PreferencesStore().load().copy_refresh_minutes == 15
    assert any("copy_refresh_minutes 0 (allowed 1-1440)" in p for p in take_problems())
