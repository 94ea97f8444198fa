"""The background sync: fills one account's mirror from its vendor and keeps it current (issue 17).

Every dataset of the account except the live ones (:attr:`DatasetSpec.refresh_seconds` > 0, a call
queue) is mirrored. A dataset not yet complete gets a *full pass*: :meth:`Mirror.begin_pass`, then
page after page through the service layer (:class:`~console.services.paging.PageCursor` over
:meth:`DatasetService.fetch_page`), each page stored with the cursor of the next one, then
:meth:`Mirror.finish_pass`, which removes the records the pass did not see. A pass cut short (a
crash, a restart, :meth:`MirrorSync.cancel`) goes on from its last stored page: records are stored
by id, so nothing is lost or doubled.

A complete dataset is refreshed on a schedule and on demand, by what its order allows
(:func:`refresh_strategy`): a vendor that lists newest first is read from its start until a page
brings nothing new or changed; any other dataset, and every n-th refresh of all of them, gets a full
pass again (the reconcile that catches edits and deletes made elsewhere).

The sync is polite: before each request it waits while a person's requests to the account are on
their way (:meth:`VendorHttp.wait_idle <console.http.client.VendorHttp.wait_idle>`: the sync sends
one request at a time, so between its pages every call on the way is someone else's), and while
the account's quota is below a headroom (:func:`headroom_wait`), so it never spends the quota to
zero; a 429 that still comes pauses it until the vendor's wait is over.

A vendor's refusal stops that dataset's pass (the error stays in its progress) and the others go
on; a failure of the mirror itself (a full disk) stops the round, keeping what is stored.

The mirror's calls block (SQLite): they run in a worker thread, one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from console.core import log
from console.core.errors import ConsoleError, NotFound, RateLimited, ValidationError
from console.core.models import DatasetSpec, Query, Record
from console.http.ratelimit import RateLimitSnapshot
from console.services.datasets import DatasetService
from console.services.mirror.contract import Mirror, SyncState
from console.services.mirror.sync_progress import (
    FOR_QUOTA,
    FOR_YOUR_REQUESTS,
    Listener,
    Phase,
    ProgressBoard,
    SyncProgress,
)
from console.services.paging import PageCursor

T = TypeVar("T")

#: Records asked for per page (vendors with a smaller maximum send fewer; the cursor follows them).
SYNC_PAGE_SIZE = 100
#: Seconds between scheduled refreshes.
DEFAULT_INTERVAL = 15 * 60.0
#: Every this many refreshes, a dataset refreshed newest first gets a full reconcile pass instead.
RECONCILE_EVERY = 12
#: The share of the account's quota the sync leaves for the person using the console.
HEADROOM_SHARE = 0.2
#: Requests the sync always leaves, whatever the quota.
MIN_HEADROOM = 2
#: Seconds to wait for a refill the vendor gives no time for (nor a window length).
UNTIMED_REFILL = 60.0
#: Seconds to wait after a 429 that says no Retry-After.
DEFAULT_RATE_PAUSE = 5.0


class Strategy(Enum):
    """How a complete dataset is refreshed."""

    NEWEST_FIRST = "newest first, until a page brings nothing new"
    FULL = "a full reconcile pass"


def mirrored(datasets: Sequence[DatasetSpec]) -> list[DatasetSpec]:
    """The datasets a mirror keeps: every one but the live ones (reloaded every few seconds)."""
    return [spec for spec in datasets if spec.refresh_seconds <= 0]


def refresh_strategy(spec: DatasetSpec) -> Strategy:
    """How a complete dataset is refreshed: newest first when the vendor lists it so, else a full pass."""
    return Strategy.NEWEST_FIRST if spec.default_descending else Strategy.FULL


def headroom(limit: int | None, share: float = HEADROOM_SHARE, minimum: int = MIN_HEADROOM) -> int:
    """Requests of a quota the sync leaves unspent: ``max(minimum, share of the limit)``."""
    if not limit:
        return minimum
    return max(minimum, math.ceil(limit * share))


def headroom_wait(snapshot: RateLimitSnapshot | None, now: float, share: float = HEADROOM_SHARE,
                  minimum: int = MIN_HEADROOM) -> float:
    """Seconds the sync holds back before its next request for the quota's sake (0: it may go).

    Args:
        snapshot: The account's quota as last known (the client counts its requests on their way).
        now: Unix time.
        share: See :func:`headroom`.
        minimum: See :func:`headroom`.

    Returns:
        While fewer requests than the headroom are left, the seconds until the quota refills (the
        vendor's reset time, else the end of its window after the answer, else
        :data:`UNTIMED_REFILL`); once that time has passed the quota counts as refilled.
    """
    if snapshot is None or snapshot.remaining is None:
        return 0.0
    if snapshot.remaining >= headroom(snapshot.limit, share, minimum):
        return 0.0
    refill = snapshot.reset_at
    if refill is None:
        refill = snapshot.observed_at + (snapshot.window or UNTIMED_REFILL)
    return max(0.0, refill - now)


def _merge(mirror: Mirror, dataset: str, records: Sequence[Record]) -> int:
    """Stores the records that are new or changed (in a worker thread); returns how many there were."""
    changed = []
    for record in records:
        known = mirror.get(dataset, record.id)
        if known is None or known.fields != record.fields:
            changed.append(record)
    if changed:
        mirror.put(dataset, changed)
    return len(changed)


class _MirrorFailed(Exception):
    """The mirror failed during a pass (a full disk): every dataset would fail alike, so the round stops."""

    def __init__(self, error: ConsoleError) -> None:
        super().__init__(str(error))
        self.error = error


class MirrorSync:
    """Syncs one account's mirror in the background.

    Args:
        datasets: The dataset service (its accounts service gives the account's client).
        mirror: The account's mirror (:attr:`Mirror.account_id` names the account).
        page_size: Records asked for per page.
        interval: Seconds between scheduled refreshes (:meth:`start`).
        reconcile_every: Every this many refreshes of a dataset is a full pass.
        headroom_share: The share of the quota left unspent (:func:`headroom`).
        min_headroom: Requests always left unspent.
        clock: Unix time (tests).
    """

    def __init__(self, datasets: DatasetService, mirror: Mirror, *, page_size: int = SYNC_PAGE_SIZE,
                 interval: float = DEFAULT_INTERVAL, reconcile_every: int = RECONCILE_EVERY,
                 headroom_share: float = HEADROOM_SHARE, min_headroom: int = MIN_HEADROOM,
                 clock: Callable[[], float] = time.time) -> None:
        self.datasets = datasets
        self.mirror = mirror
        self.account_id = mirror.account_id
        self.page_size = page_size
        self.interval = interval
        self.reconcile_every = max(1, reconcile_every)
        self.headroom_share = headroom_share
        self.min_headroom = min_headroom
        self.clock = clock
        self.board = ProgressBoard()
        self._refreshes: dict[str, int] = {}
        self._synced: dict[str, float] = {}
        #: The error that stopped each dataset's last sync, while it stands (the command line's exit code).
        self.errors: dict[str, ConsoleError] = {}
        self._mirror_lock = asyncio.Lock()
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._wake = asyncio.Event()
        self._round: asyncio.Task[None] | None = None
        self._schedule: asyncio.Task[None] | None = None

    # -- what is mirrored -------------------------------------------------------------------------

    def specs(self) -> list[DatasetSpec]:
        """The account's mirrored datasets, in tab order."""
        return mirrored(self.datasets.accounts.spec(self.account_id).datasets)

    def is_mirrored(self, dataset: str) -> bool:
        """Whether the dataset is kept in the mirror."""
        return any(spec.name == dataset for spec in self.specs())

    # -- progress ---------------------------------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Calls ``listener`` with each new :class:`SyncProgress`; returns what stops it."""
        return self.board.listen(listener)

    def progress(self, dataset: str) -> SyncProgress:
        """The dataset's latest progress (idle when nothing happened yet)."""
        return self.board.get(dataset) or self._progress(self.datasets.spec(self.account_id, dataset), Phase.IDLE)

    @property
    def current(self) -> SyncProgress | None:
        """The progress of the dataset being synced now, if any (what the status bar shows)."""
        return next((p for p in self.board.all() if p.active or p.phase is Phase.PAUSED), None)

    def last_synced(self, dataset: str) -> float | None:
        """Unix time the dataset's last pass or refresh of this session ended (``None``: none yet).

        A refresh reads only the newest records and leaves :attr:`SyncState.synced_at` (the last full
        pass) as it is; "synced 2 min ago" is the later of the two.
        """
        return self._synced.get(dataset)

    @property
    def running(self) -> bool:
        """Whether a sync round is on its way."""
        return self._round is not None and not self._round.done()

    @property
    def paused(self) -> bool:
        """Whether :meth:`pause` holds the sync."""
        return not self._resumed.is_set()

    def _progress(self, spec: DatasetSpec, phase: Phase, state: SyncState | None = None, **extra: Any
                  ) -> SyncProgress:
        label = self.datasets.accounts.get(self.account_id).label
        progress = SyncProgress(self.account_id, label, spec.name, spec.label, phase)
        if state is not None:
            progress = replace(progress, fetched=state.fetched, expected=state.expected)
        return replace(progress, **extra)

    def _publish(self, spec: DatasetSpec, phase: Phase, state: SyncState | None = None, **extra: Any) -> None:
        last = self.board.get(spec.name)
        if state is None and last is not None:
            extra = {"fetched": last.fetched, "expected": last.expected, **extra}
        self.board.publish(self._progress(spec, phase, state, **extra))

    def _done(self, spec: DatasetSpec, state: SyncState | None, **extra: Any) -> None:
        self._synced[spec.name] = self.clock()
        self._publish(spec, Phase.DONE, state, **extra)

    # -- control ----------------------------------------------------------------------------------

    def pause(self) -> None:
        """Holds the sync before its next request (what is on its way ends and is stored)."""
        self._resumed.clear()

    def resume(self) -> None:
        """Lets a paused sync go on."""
        self._resumed.set()

    def cancel(self) -> None:
        """Stops the running round: what is stored stays, and the pass goes on from there next time.

        A pause ends with it: the next round (the schedule's, or *Sync now*) is not held.
        """
        self._resumed.set()
        if self.running and self._round is not None:
            self._round.cancel()

    def start(self) -> None:
        """Syncs now, then refreshes every :attr:`interval` seconds (and on :meth:`refresh_now`)."""
        if self._schedule is None or self._schedule.done():
            self._schedule = asyncio.ensure_future(self._run_schedule())

    def refresh_now(self) -> None:
        """Syncs at once (F5, *Sync now*): starts the schedule, or wakes it."""
        self._wake.set()
        self.start()

    async def aclose(self) -> None:
        """Stops the schedule and the running round (what is stored stays)."""
        tasks = [t for t in (self._schedule, self._round) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run_schedule(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.sync_now()
            except Exception:  # a defect in one round must not end the schedule
                log.services.exception("sync round of %s failed", self.account_id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    # -- the console's own changes ------------------------------------------------------------------

    async def record_written(self, dataset: str, record: Record) -> None:
        """A record the console created, changed or read fresh: the mirror holds it at once."""
        if self.is_mirrored(dataset):
            await self.mirror_call(self.mirror.put, dataset, [record])

    async def record_deleted(self, dataset: str, record_id: str) -> None:
        """A record the console deleted: the mirror forgets it at once."""
        if self.is_mirrored(dataset):
            await self.mirror_call(self.mirror.forget, dataset, record_id)

    # -- a round ------------------------------------------------------------------------------------

    async def sync_now(self, *, full: bool = False) -> None:
        """Syncs every mirrored dataset once, one after another; returns when done or cancelled.

        A dataset not complete gets (or resumes) a full pass; a complete one is refreshed by its
        :func:`refresh_strategy`, or fully when ``full`` or every :attr:`reconcile_every` refreshes.
        A failure of one dataset is kept in its progress, and the others go on.

        Args:
            full: Give every dataset a full reconcile pass.
        """
        round_ = self._round if self.running else None
        if round_ is None:  # one round at a time: a second caller waits for the one on its way
            round_ = self._round = asyncio.ensure_future(self._sync_all(full))
        try:
            await asyncio.shield(round_)  # the round is the sync's own: a caller cancelled leaves it be
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not round_.cancelled() or (task is not None and task.cancelling()):
                raise  # the caller was cancelled, not the round (cancel() ends the round quietly)

    async def _sync_all(self, full: bool) -> None:
        for spec in self.specs():
            try:
                await self._sync_dataset(spec, full=full)
            except asyncio.CancelledError:
                self._publish(spec, Phase.CANCELLED)
                raise
            except _MirrorFailed as failed:
                log.services.warning("sync of %s stopped at %s: the mirror failed: %s", self.account_id, spec.name,
                                     failed.error)
                self.errors[spec.name] = failed.error
                self._publish(spec, Phase.FAILED, error=failed.error.user_message.text)
                return  # what is stored stays; the next round goes on from there

    async def _sync_dataset(self, spec: DatasetSpec, *, full: bool = False) -> None:
        """Syncs one dataset: a full pass, or a refresh (see :meth:`sync_now`); a vendor's refusal goes to its progress.

        Raises:
            _MirrorFailed: The mirror failed (the round stops).
        """
        self.errors.pop(spec.name, None)
        try:
            state = await self._store(self.mirror.state, spec.name)
            if not state.complete or state.running or full:
                await self._full_pass(spec, state)
                return
            count = self._refreshes.get(spec.name, 0) + 1
            self._refreshes[spec.name] = count % self.reconcile_every
            if refresh_strategy(spec) is Strategy.FULL or count >= self.reconcile_every:
                await self._full_pass(spec, state)
            else:
                await self._newest_first(spec)
        except ConsoleError as exc:
            log.services.warning("sync of %s %s stopped: %s", self.account_id, spec.name, exc)
            self.errors[spec.name] = exc
            self._publish(spec, Phase.FAILED, error=exc.user_message.text)

    async def _full_pass(self, spec: DatasetSpec, state: SyncState) -> None:
        if state.running and state.cursor is None and state.fetched:
            # The last page was stored, the finish was cut short: finish it now.
            removed = await self._store(self.mirror.finish_pass, state)
            self._done(spec, state, removed=removed, changed=None)
            return
        if not state.running:
            # The vendor may say no total: the last pass's count is the "about" of this one.
            about = await self._store(self.mirror.count, spec.name) if state.complete else None
            state = await self._store(self.mirror.begin_pass, spec.name, about)
        query = Query(descending=spec.default_descending)
        fetch = partial(self.datasets.fetch_page, self.account_id, spec.name, query)
        cursor = PageCursor(fetch, self.page_size, start=state.cursor)
        self._publish(spec, Phase.SYNCING, state)
        resumed = state.cursor is not None
        changed: int | None = None if resumed else 0  # what changed before a restart is not known
        while not cursor.done:
            await self._clear_to_send(spec, Phase.SYNCING)
            try:
                page = await cursor.next()
            except RateLimited as exc:  # the vendor asked to wait longer than the client sits out
                await self._rate_pause(spec, Phase.SYNCING, exc)
                continue
            except (ValidationError, NotFound):
                if not resumed:
                    raise
                # The vendor no longer knows where the pass stood (a cursor kept since an old run):
                # a new pass from the start (records are stored by id: nothing doubles).
                log.services.info("sync of %s %s: the stored cursor was refused; starting over",
                                  self.account_id, spec.name)
                resumed = False
                changed = 0
                state = await self._store(self.mirror.begin_pass, spec.name, state.expected)
                cursor = PageCursor(fetch, self.page_size)
                continue
            resumed = False
            next_cursor = page.next_cursor if not cursor.done else None
            expected = page.total if page.total is not None else state.expected
            state = await self._store(self.mirror.store_page, state, list(page.items), next_cursor, expected)
            if changed is not None:
                changed += state.changed
            self._publish(spec, Phase.SYNCING, state)
        removed = await self._store(self.mirror.finish_pass, state)
        self._done(spec, state, removed=removed, changed=changed)

    async def _newest_first(self, spec: DatasetSpec) -> None:
        fetch = partial(self.datasets.fetch_page, self.account_id, spec.name, Query(descending=True))
        cursor = PageCursor(fetch, self.page_size)
        changed = 0
        self._publish(spec, Phase.REFRESHING, fetched=0)
        while not cursor.done:
            await self._clear_to_send(spec, Phase.REFRESHING)
            try:
                page = await cursor.next()
            except RateLimited as exc:
                await self._rate_pause(spec, Phase.REFRESHING, exc)
                continue
            news = await self._store(_merge, self.mirror, spec.name, list(page.items))
            changed += news
            self._publish(spec, Phase.REFRESHING, fetched=changed)
            if not news:
                break  # a page of records already mirrored as they are: the rest is known too
        self._done(spec, None, fetched=changed)

    # -- politeness -----------------------------------------------------------------------------------

    async def _clear_to_send(self, spec: DatasetSpec, phase: Phase) -> None:
        """Returns when the next request may go: not paused, no request of a person on its way, quota left."""
        while True:
            if not self._resumed.is_set():
                self._publish(spec, Phase.PAUSED)
                await self._resumed.wait()
                self._publish(spec, phase)
                continue
            http = (await self.datasets.accounts.client(self.account_id)).http
            if http.active:  # the sync's own request has ended: these are a person's
                self._publish(spec, Phase.WAITING, waiting_for=FOR_YOUR_REQUESTS)
                await http.wait_idle()
                await asyncio.sleep(0)  # a request queued behind the last one starts first
                continue
            tracker = http.rate_limit
            wait = max(tracker.blocked_for(), headroom_wait(tracker.snapshot, self.clock(), self.headroom_share,
                                                            self.min_headroom))
            if wait > 0:
                self._publish(spec, Phase.WAITING, waiting_for=FOR_QUOTA)
                await asyncio.sleep(wait)  # until the vendor's refill time: the quota is full again then
                continue
            if self.board.get(spec.name) is not None and self.progress(spec.name).phase is not phase:
                self._publish(spec, phase)
            return

    async def _rate_pause(self, spec: DatasetSpec, phase: Phase, exc: RateLimited) -> None:
        self._publish(spec, Phase.WAITING, waiting_for=FOR_QUOTA)
        await asyncio.sleep(exc.retry_after if exc.retry_after and exc.retry_after > 0 else DEFAULT_RATE_PAUSE)
        self._publish(spec, phase)

    async def _store(self, call: Callable[..., T], *args: object) -> T:
        """A mirror call of a pass: its failure (a full disk) is the mirror's, not the vendor's."""
        try:
            return await self.mirror_call(call, *args)
        except ConsoleError as exc:
            raise _MirrorFailed(exc) from exc

    async def mirror_call(self, call: Callable[..., T], *args: object) -> T:
        """Runs a blocking mirror call in a worker thread, one at a time; a cancel waits for it to end."""
        async with self._mirror_lock:
            work = asyncio.ensure_future(asyncio.to_thread(call, *args))
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                # A thread cannot be stopped: let the call end (its transaction commits or not, whole)
                # before the next one may start.
                await asyncio.wait([work])
                if not work.cancelled():
                    work.exception()  # read, so an error of a call nobody awaits is not logged as lost
                raise
