"""``vendor-console sync``: one sync round of each account's local copy (mirror), progress on standard error.

Each account chosen (every saved one, ``--account`` ones, or with ``--demo`` the demo workspace's)
gets its mirror opened (on disk, encrypted, with its key in the keychain; without a keychain in memory
for this run only, said once) and one round of :class:`~console.services.mirror.sync.MirrorSync`:
a dataset never synced, or cut short, gets (or resumes) a full pass; a complete one is refreshed by
what its vendor allows, or fully with ``--full``. A dataset that fails is said and the others go on;
the exit code is the worst of them. Ctrl+C stops at once, keeping what is stored: the next sync goes on
from there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from console.cli import EXIT_OK, EXIT_USAGE, UsageError, exit_code_for
from console.commands.demo import find_demo, start_demo, stop_demo
from console.commands.report import Reporter
from console.core.errors import ConsoleError
from console.core.lookup import DEFAULT_REGION
from console.services.mirror.sync_progress import Phase, SyncProgress

if TYPE_CHECKING:
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService
    from console.services.mirror.store import MirrorStore

#: Seconds between two progress lines of one dataset in the same phase.
THROTTLE = 1.0
#: What is said once when the mirrors cannot be kept on disk.
NO_KEYCHAIN = ("no keychain, so the local copy lasts only this run (the next sync fetches everything again); "
               "a keychain keeps it on disk, encrypted")
_ENDS = (Phase.DONE, Phase.FAILED, Phase.CANCELLED)


@dataclass(slots=True)
class ProgressLines:
    """One account's sync progress as lines on standard error: throttled, then a last line per dataset.

    A dataset's line is said when its phase changes, else at most every :data:`THROTTLE` seconds;
    its end is always said: "Marketing (demo) contacts: 20,000 records, synced" (the count is the
    mirror's, read by ``count``), a failure with what to try, or where a cancelled pass stopped.

    Attributes:
        say: Standard error.
        count: How many records a dataset of the mirror holds now (awaited off the event loop).
        quiet: Say only failures.
        clock: Monotonic seconds (tests).
        errors: The error of each failed dataset (its next step is said under it).
    """

    say: Reporter
    count: Callable[[str], Awaitable[int]]
    quiet: bool = False
    clock: Callable[[], float] = time.monotonic
    errors: dict[str, ConsoleError] = field(default_factory=dict)
    _last: dict[str, tuple[Phase, float]] = field(default_factory=dict)
    _refreshed: set[str] = field(default_factory=set)
    _pending: list[asyncio.Task[None]] = field(default_factory=list)

    def __call__(self, progress: SyncProgress) -> None:
        """Says the progress, if it is time to (a :class:`~.sync_progress.ProgressBoard` listener)."""
        if progress.phase is Phase.REFRESHING:
            self._refreshed.add(progress.dataset)
        elif progress.phase is Phase.SYNCING:
            self._refreshed.discard(progress.dataset)
        if progress.phase is Phase.FAILED:
            self.say.say(progress.text)
            error = self.errors.get(progress.dataset)
            if error is not None and error.user_message.next_step:
                self.say.line(f"  {error.user_message.next_step}")
            return
        if self.quiet:
            return
        if progress.phase is Phase.DONE:
            self._pending.append(asyncio.ensure_future(self._done(progress)))
            return
        if progress.phase is Phase.SYNCING and not progress.fetched:
            return  # a pass just begun: its first page says more
        now = self.clock()
        last = self._last.get(progress.dataset)
        if progress.phase in _ENDS or last is None or last[0] is not progress.phase or now - last[1] >= THROTTLE:
            self._last[progress.dataset] = (progress.phase, now)
            self.say.line(progress.text)

    async def _done(self, progress: SyncProgress) -> None:
        total = await self.count(progress.dataset)
        tail = ""
        if progress.dataset in self._refreshed:
            tail = f", {progress.fetched:,} new or changed"
        if progress.removed:
            tail += f", {progress.removed:,} deleted at the vendor removed"
        self.say.line(f"{progress.what}: {total:,} records, synced{tail}")

    async def flush(self) -> None:
        """Waits for the last lines still being worked out."""
        pending, self._pending = self._pending, []
        for task in pending:
            with contextlib.suppress(ConsoleError):
                await task


def _demo_vendors(labels: list[str]) -> tuple[str, ...]:
    """The vendors whose emulators ``--demo`` starts: every one, or those of the demo labels asked for."""
    from console.vendors import registry

    found = [find_demo(label) for label in labels]
    if not labels or any(choice is None for choice in found):  # a saved account asked for too: all
        return tuple(spec.id for spec in registry.VENDORS if spec.emulator is not None)
    return tuple(dict.fromkeys(c.spec.id for c in found if c is not None))


def choose_accounts(args: argparse.Namespace, accounts: AccountService) -> list[AccountConfig]:
    """The accounts to sync: those named by ``--account``, else the demo ones with ``--demo``, else the saved ones.

    Raises:
        UsageError: A label no account has, or no account at all.
    """
    if args.account:
        missing = [label for label in args.account if accounts.by_label(label) is None]
        if missing:
            hint = ("; demo accounts need --demo" if not args.demo and any(find_demo(m) for m in missing)
                    else "")
            known = ", ".join(repr(a.label) for a in accounts.accounts()) or "none"
            raise UsageError(f"no account is labelled {', '.join(repr(m) for m in missing)}{hint} "
                             f"(accounts: {known})")
        wanted = {label.strip().casefold() for label in args.account}
        return [a for a in accounts.accounts() if a.label.casefold() in wanted]
    chosen = [a for a in accounts.accounts() if a.demo == bool(args.demo)]
    if not chosen:
        raise UsageError("there are no saved accounts: add one (vendor-console accounts add, or in the window), "
                         "or use --demo")
    return chosen


async def sync_command(args: argparse.Namespace, out: IO[str], say: Reporter) -> int:
    """Runs ``sync``; returns the exit code: 0 when every dataset synced, else the worst failure's."""
    from console.core.credentials import KeyringStore
    from console.core.lookup import system_region
    from console.core.settings import AccountsFile, LookupHistory
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService

    region = (LookupHistory().region() or system_region()).upper()
    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    accounts.load()
    workspace = None
    try:
        if args.demo:
            workspace = await start_demo(_demo_vendors(args.account))
            await accounts.add_demo(workspace.accounts, workspace.secrets)
        chosen = choose_accounts(args, accounts)
        datasets = DatasetService(accounts)
        worst = EXIT_OK
        for account in chosen:
            worst = max(worst, await sync_account(account, datasets, say, full=args.full, quiet=args.quiet,
                                                  region=region))
        return worst
    finally:
        await accounts.aclose()
        if workspace is not None:
            await stop_demo(workspace)


async def sync_account(account: AccountConfig, datasets: DatasetService, say: Reporter, *, full: bool = False,
                       quiet: bool = False, region: str = DEFAULT_REGION) -> int:
    """One sync round of one account's mirror; returns its exit code (0, or its worst failure's).

    Args:
        account: The account.
        datasets: The dataset service (its accounts service holds the account).
        say: Standard error.
        full: A full reconcile pass of every dataset.
        quiet: Say only failures and notices.
        region: Default region for phone numbers written without a country code.
    """
    from console.services.mirror.keys import open_mirror
    from console.services.mirror.sync import MirrorSync, mirrored

    accounts = datasets.accounts
    try:
        await accounts.client(account.id)  # the secrets, before any dataset asks for them
    except ConsoleError as exc:
        say.failure(exc)
        return exit_code_for(exc)
    specs = {spec.name: spec for spec in mirrored(accounts.spec(account.id).datasets)}
    credentials = accounts.memory if account.session_only else accounts.keychain
    mirror = await open_mirror(credentials, account.vendor, account.id, specs, label=account.label, region=region)
    try:
        _say_notice(mirror, say)
        sync = MirrorSync(datasets, mirror)
        lines = ProgressLines(say, lambda name: asyncio.to_thread(mirror.count, name), quiet=quiet,
                              errors=sync.errors)
        stop = sync.listen(lines)
        try:
            await sync.sync_now(full=full)
        finally:  # Ctrl+C too: the round ends (what is stored stays) before the mirror closes
            sync.cancel()
            await sync.aclose()
            await lines.flush()
            stop()
        return max((_code(error) for error in sync.errors.values()), default=EXIT_OK)
    finally:
        await asyncio.to_thread(mirror.close)


def _say_notice(mirror: MirrorStore, say: Reporter) -> None:
    if not mirror.on_disk:
        say.note(NO_KEYCHAIN)
    elif mirror.notice:
        say.note(mirror.notice)


def _code(error: ConsoleError) -> int:
    """A dataset's failure as an exit code: the mirror's own (a full disk) is 2, as an output that cannot be written."""
    from console.services.mirror.errors import MirrorFull

    return EXIT_USAGE if isinstance(error, MirrorFull) else exit_code_for(error)
