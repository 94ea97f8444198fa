"""What the background sync tells the window: per account and dataset, where it stands, in words.

:class:`SyncProgress` is one plain value per dataset (the status bar and the accounts manager show
its :attr:`~SyncProgress.text`: "Syncing Marketing contacts: 12,400 of about 20,000");
:class:`ProgressBoard` keeps the latest one per dataset and calls its listeners on each change.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from console.core import log
from console.core.listeners import subscribe


class Phase(Enum):
    """What a dataset's sync is doing."""

    IDLE = "idle"
    SYNCING = "syncing"  # a full pass is reading the dataset
    REFRESHING = "refreshing"  # an incremental refresh is reading the newest records
    WAITING = "waiting"  # held back: the account's quota is low, or a person's requests go first
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


#: Why a dataset's sync is waiting (:attr:`SyncProgress.waiting_for`).
FOR_QUOTA = "the request quota"
FOR_YOUR_REQUESTS = "your requests"


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where one dataset's sync stands.

    Attributes:
        account_id: The account.
        account_label: The account's label ("Marketing").
        dataset: The dataset's name.
        dataset_label: The dataset's label ("Contacts").
        phase: What it is doing.
        fetched: Records stored by the running (or last) full pass; records new or changed in a refresh.
        expected: The vendor's total, when it says one.
        waiting_for: While :attr:`phase` is WAITING: :data:`FOR_QUOTA` or :data:`FOR_YOUR_REQUESTS`.
        error: Why the pass stopped (a plain sentence), when it failed.
        removed: Records a finished pass removed (deleted at the vendor).
        changed: Records a finished full pass found new or changed (``None``: not known, the pass was
            resumed after a restart; a refresh says them in :attr:`fetched`).
    """

    account_id: str
    account_label: str
    dataset: str
    dataset_label: str
    phase: Phase = Phase.IDLE
    fetched: int = 0
    expected: int | None = None
    waiting_for: str = ""
    error: str = ""
    removed: int = 0
    changed: int | None = None

    @property
    def what(self) -> str:
        """The account and dataset in words ("Marketing contacts")."""
        return f"{self.account_label} {self.dataset_label.lower()}"

    @property
    def count(self) -> str:
        """How far the pass is ("12,400 of about 20,000", "12,400 so far")."""
        if self.expected is None:
            return f"{self.fetched:,} so far"
        return f"{self.fetched:,} of about {max(self.expected, self.fetched):,}"

    @property
    def active(self) -> bool:
        """Whether it is reading or waiting to read (not idle, done, paused, cancelled or failed)."""
        return self.phase in (Phase.SYNCING, Phase.REFRESHING, Phase.WAITING)

    @property
    def text(self) -> str:
        """One line for the status bar and the accounts manager."""
        if self.phase is Phase.SYNCING:
            return f"Syncing {self.what}: {self.count}"
        if self.phase is Phase.REFRESHING:
            return f"Checking {self.what} for changes"
        if self.phase is Phase.WAITING:
            return f"Syncing {self.what}: {self.count}, waiting for {self.waiting_for}"
        if self.phase is Phase.PAUSED:
            return f"Sync of {self.what} paused at {self.count}"
        if self.phase is Phase.CANCELLED:
            return f"Sync of {self.what} cancelled at {self.count}; it goes on from there next time"
        if self.phase is Phase.FAILED:
            return f"Sync of {self.what} stopped: {self.error}"
        if self.phase is Phase.DONE:
            gone = f", {self.removed:,} deleted at the vendor removed" if self.removed else ""
            return f"{self.what[:1].upper()}{self.what[1:]} synced{gone}"
        return f"{self.what[:1].upper()}{self.what[1:]}: not synced yet"


Listener = Callable[[SyncProgress], None]

#: Progress values :attr:`ProgressBoard.history` keeps.
HISTORY = 2000


class ProgressBoard:
    """The latest :class:`SyncProgress` of each dataset of one account, and who wants to hear of changes."""

    def __init__(self) -> None:
        self._latest: dict[str, SyncProgress] = {}
        self._listeners: list[Listener] = []
        #: The progress values published, in order, the last :data:`HISTORY` of them (tests, the CLI).
        self.history: deque[SyncProgress] = deque(maxlen=HISTORY)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Calls ``listener`` with each new progress value; returns what stops it."""
        return subscribe(self._listeners, listener)

    def get(self, dataset: str) -> SyncProgress | None:
        """The dataset's latest progress (``None``: never published)."""
        return self._latest.get(dataset)

    def all(self) -> list[SyncProgress]:
        """The latest progress of every dataset published so far."""
        return list(self._latest.values())

    def publish(self, progress: SyncProgress) -> None:
        """Keeps ``progress`` as its dataset's latest and tells the listeners (unless nothing changed)."""
        if self._latest.get(progress.dataset) == progress:
            return
        self._latest[progress.dataset] = progress
        self.history.append(progress)
        for listener in list(self._listeners):
            try:
                listener(progress)
            except Exception:  # a broken listener must not stop the sync
                log.services.exception("a sync progress listener failed")
