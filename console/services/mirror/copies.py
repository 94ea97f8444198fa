"""Every account's local copy in the window: opened, synced in the background, read by lists, kept current.

:class:`LocalCopies` is the one owner of the window's mirrors (issue 17). For each account whose
*Keep a local copy* is on (:attr:`AccountConfig.local_copy <console.core.settings.AccountConfig.local_copy>`)
it opens the mirror (on disk, encrypted, its key in the keychain; a demo account's in memory, since
the demo's data is made afresh at each start) and runs its :class:`~.sync.MirrorSync`. It

- answers a list (:meth:`page`, the dataset service's :class:`~console.services.datasets.LocalSource`)
  once the dataset is complete and the list's filters are ones the copy can apply
  (:func:`~.list_filter.copy_filter`): the search box (any column, substring, case- and
  accent-insensitive), a bookings list's date range, exact values such as a status; any column sorts;
  totals are exact. Any other filter (a tag, a provider) goes to the vendor, as before;
- keeps every record the console reads fresh, writes or deletes
  (a :class:`~console.services.datasets.RecordWatcher`);
- forgets a copy (*Forget local copy*, an account removed): the file and its key go.

A page read from the copy carries a cursor of its own (:func:`local_cursor`); a list begun at the
vendor keeps the vendor's cursor, so a list never mixes the two (it changes source when it reloads).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from console.core import log
from console.core.errors import ConsoleError, UserMessage
from console.core.listeners import subscribe
from console.core.lookup import DEFAULT_REGION
from console.core.models import Cursor, DatasetSpec, Page, Query, Record, ViewKind
from console.services.mirror.contract import Mirror, MirrorQuery
from console.services.mirror.list_filter import CopyFilter, copy_filter
from console.services.mirror.sync import DEFAULT_INTERVAL, MirrorSync, mirrored
from console.services.mirror.sync_progress import Phase, SyncProgress

if TYPE_CHECKING:
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService

#: Who hears of a copy's changes: the account id and its dataset's progress (``None``: opened, forgotten).
CopyListener = Callable[[str, SyncProgress | None], None]
#: How a dataset's refresh ends.
_ENDS = (Phase.DONE, Phase.FAILED, Phase.CANCELLED)


class CopyGone(ConsoleError):
    """A list read from a local copy that was forgotten meanwhile."""

    def __init__(self) -> None:
        super().__init__("The local copy of this list was forgotten while the list was open.",
                         user_message=UserMessage("The local copy is gone",
                                                  "The local copy of this list was forgotten while it was open.",
                                                  "Press F5 to load the list from the vendor."))


#: What starts the cursor of a page read from the copy (a NUL: no vendor's cursor starts so).
LOCAL_CURSOR = "\x00copy:"


def local_cursor(offset: int) -> str:
    """The cursor of the copy's page after ``offset`` rows."""
    return f"{LOCAL_CURSOR}{offset}"


def local_offset(cursor: Cursor) -> int | None:
    """The rows already shown, when ``cursor`` is the copy's (``None``: the vendor's, or no cursor)."""
    if isinstance(cursor, str) and cursor.startswith(LOCAL_CURSOR):
        return int(cursor[len(LOCAL_CURSOR):])
    return None


@dataclass(frozen=True, slots=True)
class MirrorOrder:
    """How a list's order reads in the copy: the column's key (``None``: by id) and the direction."""

    column: str | None
    descending: bool


def mirror_order(spec: DatasetSpec, query: Query) -> MirrorOrder:
    """The copy's order for a list's query.

    ``query.sort`` is a column's vendor sort key or, for a column only the copy sorts, its key. No
    sort is the vendor's default order: by id for most lists (what they list by), by the first
    sortable column (the time) for bookings, as the header marks it.
    """
    if query.sort is not None:
        column = next((c for c in spec.columns if c.sort_key == query.sort), None)
        column = column or next((c for c in spec.columns if c.key == query.sort), None)
        if column is not None:
            return MirrorOrder(column.key, query.descending)
    elif spec.view is ViewKind.BOOKINGS:
        column = next((c for c in spec.columns if c.sort_key is not None), None)
        if column is not None:
            return MirrorOrder(column.key, query.descending)
    return MirrorOrder(None, query.descending)


class LocalCopies:
    """The window's local copies, one per account that keeps one.

    Args:
        accounts: The account service.
        datasets: The dataset service (the copies answer its lists and watch its writes).
        interval: Seconds between scheduled refreshes.
        region: Default region for phone numbers written without a country code.
        clock: Unix time (tests).
    """

    def __init__(self, accounts: AccountService, datasets: DatasetService, *, interval: float = DEFAULT_INTERVAL,
                 region: str = DEFAULT_REGION, clock: Callable[[], float] = time.time) -> None:
        self.accounts = accounts
        self.datasets = datasets
        self.interval = interval
        self.region = region
        self.clock = clock
        self._syncs: dict[str, MirrorSync] = {}
        self._notices: dict[str, str] = {}
        self._complete: dict[tuple[str, str], bool] = {}
        self._synced_at: dict[tuple[str, str], float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._stops: dict[str, Callable[[], None]] = {}
        self._listeners: list[CopyListener] = []
        self._pending: set[asyncio.Task[None]] = set()
        #: The console's own writes on their way into the copies (a list's page waits for them).
        self._writes: set[asyncio.Task[None]] = set()
        datasets.local = self
        datasets.watch(self)

    # -- listening --------------------------------------------------------------------------------

    def listen(self, listener: CopyListener) -> Callable[[], None]:
        """Calls ``listener`` with every copy's progress (and ``None`` when one opens or goes)."""
        return subscribe(self._listeners, listener)

    def _tell(self, account_id: str, progress: SyncProgress | None) -> None:
        for listener in list(self._listeners):
            listener(account_id, progress)

    # -- what there is ------------------------------------------------------------------------------

    def sync(self, account_id: str) -> MirrorSync | None:
        """The account's sync, while its copy is open."""
        return self._syncs.get(account_id)

    def mirror(self, account_id: str) -> Mirror | None:
        """The account's copy, while open."""
        sync = self._syncs.get(account_id)
        return sync.mirror if sync is not None else None

    def notice(self, account_id: str) -> str:
        """What to say once about the account's copy ("kept in memory", "was damaged and is rebuilt"), or ""."""
        return self._notices.get(account_id, "")

    def is_complete(self, account_id: str, dataset: str) -> bool:
        """Whether the dataset's copy holds all of it (a full pass finished)."""
        return self._complete.get((account_id, dataset), False)

    def synced_at(self, account_id: str, dataset: str) -> float | None:
        """Unix time the dataset's copy was last brought up to date (a pass or a refresh), if ever."""
        return self._synced_at.get((account_id, dataset))

    def progress(self, account_id: str) -> list[SyncProgress]:
        """The latest progress of every mirrored dataset of an open copy, in tab order."""
        sync = self._syncs.get(account_id)
        return [sync.progress(spec.name) for spec in sync.specs()] if sync is not None else []

    def current(self) -> SyncProgress | None:
        """What the status bar shows: the dataset being synced now (any account), if any."""
        for sync in self._syncs.values():
            if sync.current is not None:
                return sync.current
        return None

    def kept(self, account_id: str, dataset: str) -> bool:
        """Whether the account's copy is open and mirrors this dataset (complete or not yet)."""
        sync = self._syncs.get(account_id)
        return sync is not None and sync.is_mirrored(dataset)

    def answers(self, account_id: str, dataset: str, query: Query) -> bool:
        """Whether the copy answers this list (complete, and only filters it can apply)."""
        if not self.is_complete(account_id, dataset) or account_id not in self._syncs:
            return False
        return copy_filter(self.datasets.spec(account_id, dataset), query) is not None

    # -- opening and forgetting ------------------------------------------------------------------------

    def _lock(self, account_id: str) -> asyncio.Lock:
        return self._locks.setdefault(account_id, asyncio.Lock())

    async def open_all(self) -> None:
        """Opens and starts syncing the copy of every account that keeps one."""
        for account in self.accounts.accounts():
            if account.local_copy:
                try:
                    await self.open(account.id)
                except ConsoleError as exc:
                    log.services.warning("local copy of %s not opened: %s", account.label, exc)

    async def open(self, account_id: str) -> MirrorSync | None:
        """Opens the account's copy and starts its sync (``None``: it keeps no copy).

        Raises:
            ConsoleError: The copy could not be opened (a full disk).
        """
        async with self._lock(account_id):
            account = self.accounts.get(account_id)
            if not account.local_copy:
                return None
            if account_id in self._syncs:
                return self._syncs[account_id]
            mirror = await self._open_mirror(account)
            states = await asyncio.to_thread(lambda: [mirror.state(name) for name in self._specs(account_id)])
            for state in states:
                self._complete[(account_id, state.dataset)] = state.complete
                if state.synced_at is not None:
                    self._synced_at[(account_id, state.dataset)] = state.synced_at
            sync = MirrorSync(self.datasets, mirror, interval=self.interval)
            self._syncs[account_id] = sync
            self._stops[account_id] = sync.listen(lambda progress: self._heard(account_id, progress))
            sync.start()
        self._tell(account_id, None)
        return sync

    def _specs(self, account_id: str) -> dict[str, DatasetSpec]:
        return {spec.name: spec for spec in mirrored(self.accounts.spec(account_id).datasets)}

    async def _open_mirror(self, account: AccountConfig) -> Mirror:
        from console.services.mirror.keys import open_mirror
        from console.services.mirror.store import MirrorStore

        specs = self._specs(account.id)
        if account.demo:  # the demo's data is made afresh at each start: its copy lasts the session
            return await asyncio.to_thread(MirrorStore, account.id, specs, key=None, label=account.label,
                                           region=self.region)
        store = await open_mirror(self.accounts.keychain, account.vendor, account.id, specs, label=account.label,
                                  region=self.region)
        if store.notice:
            self._notices[account.id] = store.notice
        return store

    def _heard(self, account_id: str, progress: SyncProgress) -> None:
        key = (account_id, progress.dataset)
        if progress.phase is Phase.DONE:
            self._complete[key] = True
            self._synced_at[key] = self.clock()
        self._tell(account_id, progress)

    async def close(self, account_id: str) -> Mirror | None:
        """Stops the account's sync and closes its copy (the file stays); returns the closed copy."""
        async with self._lock(account_id):
            sync = self._syncs.pop(account_id, None)
            stop = self._stops.pop(account_id, None)
            if stop is not None:
                stop()
            for key in [k for k in self._complete if k[0] == account_id]:
                self._complete.pop(key, None)
                self._synced_at.pop(key, None)
            if sync is None:
                return None
            await sync.aclose()
            await asyncio.to_thread(sync.mirror.close)
            return sync.mirror

    async def forget(self, account_id: str) -> None:
        """*Forget local copy*: stops the sync and removes the copy's file and key (lists go to the vendor)."""
        await self.removed(self.accounts.get(account_id))

    async def set_kept(self, account_id: str, kept: bool) -> None:
        """Switches *Keep a local copy*: on opens and syncs it, off forgets it.

        Raises:
            ConfigError: The accounts file could not be written.
        """
        self.accounts.update(account_id, local_copy=kept)
        if kept:
            await self.open(account_id)
        else:
            await self.forget(account_id)

    async def removed(self, account: AccountConfig) -> None:
        """Removes the account's copy, file and key (the account is being removed, or forgets its copy)."""
        mirror = await self.close(account.id)
        if mirror is not None:
            await asyncio.to_thread(mirror.drop)
        else:
            await discard(self.accounts, account)
        self._notices.pop(account.id, None)
        self._tell(account.id, None)

    # -- control ------------------------------------------------------------------------------------

    async def sync_now(self, account_id: str, *, full: bool = False) -> None:
        """*Sync now*: opens the copy if needed and syncs it at once (a full pass with ``full``)."""
        sync = await self.open(account_id)
        if sync is None:
            return
        if full:
            task = asyncio.ensure_future(sync.sync_now(full=True))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            sync.resume()
            sync.refresh_now()

    async def refresh(self, account_id: str, dataset: str) -> SyncProgress | None:
        """F5 on a list read from the copy: the account's copy is refreshed now, incrementally, as by *Sync now*.

        The round runs at once (after the one on its way, if any: that one may have read the dataset
        before the change F5 is pressed for). The round goes on with the account's other datasets;
        this returns as soon as the dataset's own refresh ended.

        Returns:
            The dataset's progress as its refresh ended: DONE (``fetched`` new or changed, ``removed``),
            FAILED (``error`` says why in words) or CANCELLED; ``None``: the account keeps no copy of it.

        Raises:
            ConsoleError: The copy could not be opened.
        """
        sync = await self.open(account_id)
        if sync is None or not sync.is_mirrored(dataset):
            return None
        sync.resume()
        outcome: asyncio.Future[SyncProgress] = asyncio.get_running_loop().create_future()
        # A short refresh of the dataset on its way began before F5: its end is not the answer.
        stale = sync.progress(dataset).phase in (Phase.REFRESHING, Phase.WAITING)

        def heard(progress: SyncProgress) -> None:
            nonlocal stale
            if progress.dataset != dataset or outcome.done() or progress.phase not in _ENDS:
                return
            if stale:
                stale = False
            else:
                outcome.set_result(progress)

        async def rounds() -> None:
            if sync.running:
                await sync.sync_now()
            if not outcome.done():
                await sync.sync_now()

        stop = sync.listen(heard)
        running = asyncio.ensure_future(rounds())
        self._pending.add(running)
        running.add_done_callback(self._pending.discard)
        try:
            either: set[asyncio.Future[Any]] = {outcome, running}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop()
        if outcome.done():
            return outcome.result()
        if not running.cancelled() and (error := running.exception()) is not None:
            raise error
        # The round ended before it came to the dataset: the copy failed on an earlier one, or it was cancelled.
        last = sync.progress(dataset)
        failure = next(iter(sync.errors.values()), None)
        if failure is not None:
            return replace(last, phase=Phase.FAILED, error=failure.user_message.text)
        return replace(last, phase=Phase.CANCELLED)

    def pause(self, account_id: str) -> None:
        """Holds the account's sync before its next request."""
        if (sync := self._syncs.get(account_id)) is not None:
            sync.pause()

    def resume(self, account_id: str) -> None:
        """Lets a paused sync go on."""
        if (sync := self._syncs.get(account_id)) is not None:
            sync.resume()

    def cancel(self, account_id: str) -> None:
        """Stops the running round (what is stored stays; the next round goes on from there)."""
        if (sync := self._syncs.get(account_id)) is not None:
            sync.cancel()

    def set_interval(self, seconds: float) -> None:
        """The refresh interval (Settings), for every copy from its next wait on."""
        self.interval = seconds
        for sync in self._syncs.values():
            sync.interval = seconds

    async def aclose(self) -> None:
        """Stops every sync and closes every copy (the files stay)."""
        for account_id in list(self._syncs):
            with contextlib.suppress(ConsoleError):
                await self.close(account_id)
        for task in list(self._pending):
            task.cancel()
        if self.datasets.local is self:
            self.datasets.local = None

    # -- lists (LocalSource) ---------------------------------------------------------------------------

    async def page(self, account_id: str, dataset: str, query: Query, cursor: Cursor,
                   limit: int) -> Page[Record] | None:
        """A list's page from the copy (rows, exact total), or ``None``: ask the vendor.

        The first page (no cursor) comes from the copy when it :meth:`answers`; the next ones follow the
        first's source.

        Raises:
            CopyGone: A list read from the copy goes on after the copy was forgotten.
        """
        offset = local_offset(cursor)
        if cursor is not None and offset is None:
            return None  # a list begun at the vendor stays there until it reloads
        mirror = self.mirror(account_id)
        if cursor is None and (mirror is None or not self.answers(account_id, dataset, query)):
            return None
        if mirror is None:
            raise CopyGone
        spec = self.datasets.spec(account_id, dataset)
        order = mirror_order(spec, query)
        offset = offset or 0
        found = copy_filter(spec, query) or CopyFilter()
        wanted = MirrorQuery(text=found.text, conditions=found.conditions, sort=order.column,
                             descending=order.descending, offset=offset, limit=limit)
        sync = self._syncs.get(account_id)
        if sync is None:
            raise CopyGone
        if self._writes:  # an edit or delete just made shows, never the copy's older version
            await asyncio.gather(*list(self._writes), return_exceptions=True)
        try:
            rows, total = await sync.mirror_call(lambda: (mirror.rows(dataset, wanted),
                                                          mirror.count(dataset, wanted.text, wanted.conditions)))
        except RuntimeError as exc:  # the mirror closed on the way (forgotten, the window closing)
            if self._syncs.get(account_id) is sync:
                raise
            raise CopyGone from exc
        end = offset + len(rows)
        more = end < total
        return Page(rows, local_cursor(end) if more else None, more, total)

    # -- the console's reads and writes (RecordWatcher) -----------------------------------------------

    def written(self, account_id: str, record: Record) -> None:
        """A record read fresh or written: the copy holds it at once."""
        if (sync := self._syncs.get(account_id)) is not None:
            self._spawn(sync.record_written(record.dataset, record))

    def deleted(self, account_id: str, dataset: str, record_id: str) -> None:
        """A record deleted (or found gone): the copy forgets it at once."""
        if (sync := self._syncs.get(account_id)) is not None:
            self._spawn(sync.record_deleted(dataset, record_id))

    def _spawn(self, job: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await job
            except ConsoleError as exc:
                log.services.warning("local copy not updated: %s", exc)

        task = asyncio.ensure_future(run())
        for tasks in (self._pending, self._writes):
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def settled(self) -> None:
        """Waits for the copies' updates on their way (tests, closing)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)


async def discard(accounts: AccountService, account: AccountConfig) -> None:
    """Removes the local copy of an account whose copy is not open: its file and its key (a demo's has none)."""
    from console.services.mirror.keys import forget_key
    from console.services.mirror.store import _sidecars, mirror_path

    if account.demo:
        return
    path = mirror_path(account.id)

    def unlink() -> None:
        for each in (path, *_sidecars(path)):
            with contextlib.suppress(FileNotFoundError):
                each.unlink()

    await asyncio.to_thread(unlink)
    await forget_key(accounts.keychain, account.vendor, account.id)
