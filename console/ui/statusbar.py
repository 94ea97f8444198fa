"""The status bar's permanent texts: the current list's row count, the account's quota, the requests on their way.

With local copies (issue 17) the sync line (:class:`~console.ui.local_copy.SyncStatus`) sits first.

:class:`StatusPanel` follows the HTTP observer (requests in flight, quota headers, waits before
sending) and the window's current account and list; the window only says which account and list
are shown. Each text is a :class:`~console.ui.status.ThrottledLabel`, so a busy load does not repaint
the window for each change.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QStatusBar, QWidget

from console.ui.status import ThrottledLabel

if TYPE_CHECKING:  # the snapshot reaches the panel through the observer's signal
    from console.services.activity import RateLimitSnapshot
    from console.ui.dataset_view import DatasetView
    from console.ui.local_copy import SyncStatus
    from console.ui.observer import QtHttpObserver

#: How often the quota's countdown ("refills in 12 s", "Waiting 3 s") moves on.
TICK_MS = 1000


class StatusPanel(QWidget):
    """The count, quota and activity texts at the status bar's right.

    Args:
        parent: Qt parent.

    Signals:
        messageRequested(str, int): A passing note for the status bar and how long to show it (ms).
    """

    messageRequested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusPanel")
        self.count = ThrottledLabel("")
        self.count.setObjectName("statusCount")
        self.quota = ThrottledLabel("")
        self.quota.setObjectName("quotaLabel")
        self.activity = ThrottledLabel("Idle")
        self.activity.setObjectName("activityLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for label in (self.count, self.quota, self.activity):
            layout.addWidget(label)
        self._layout = layout
        #: The local copies' sync line, when the window has copies (:meth:`add_sync_status`).
        self.sync_status: SyncStatus | None = None
        self.observer: QtHttpObserver | None = None
        self.account_id: str | None = None
        self._label_of: Callable[[str], str] = str
        self._wait_until: dict[str, float] = {}
        self._tick: QTimer | None = None

    def start(self) -> None:
        """Starts the quota's countdown (after the first paint; idempotent)."""
        if self._tick is None:
            self._tick = QTimer(self)
            self._tick.setInterval(TICK_MS)
            self._tick.timeout.connect(self.refresh_quota)
            self._tick.start()

    def stop(self) -> None:
        """Stops the countdown (the window closes)."""
        if self._tick is not None:
            self._tick.stop()

    def attach(self, observer: QtHttpObserver, label_of: Callable[[str], str]) -> None:
        """Follows an observer's requests, quotas and waits.

        Args:
            observer: The HTTP observer of every account.
            label_of: An account's name from its id (raises ``KeyError`` for an unknown one).
        """
        self.observer = observer
        self._label_of = label_of
        observer.inFlightChanged.connect(self.set_in_flight)
        observer.rateLimitChanged.connect(self._on_rate_limit)
        observer.waitStarted.connect(self._on_wait)

    def add_sync_status(self, status: SyncStatus) -> None:
        """Puts the local copies' sync line first (it hides itself while nothing syncs)."""
        self.sync_status = status
        self._layout.insertWidget(0, status)

    def set_account(self, account_id: str | None) -> None:
        """The account shown (its quota is the one on the bar)."""
        self.account_id = account_id
        self.refresh_quota()

    def show_count(self, view: DatasetView | None) -> None:
        """The shown list's loaded-rows text ("Contacts: 50 loaded, more available"), or "" with no list.

        While pages come in the text follows a few times a second; once the list has settled it shows at
        once, so it never lags behind the list's own footer.
        """
        text = f"{view.spec.label}: {view.count_text()}" if view is not None else ""
        if view is not None and view.busy:
            self.count.show_text(text)
        else:
            self.count.show_now(text)

    def set_in_flight(self, count: int) -> None:
        """Requests on their way in every account."""
        self.activity.show_text(f"⟳ {count} request{'s' if count != 1 else ''}" if count else "Idle")

    def _on_rate_limit(self, account_id: str, _snapshot: RateLimitSnapshot) -> None:
        if account_id == self.account_id:
            self.refresh_quota()

    def _on_wait(self, account_id: str, seconds: float, reason: str) -> None:
        label = account_id
        with contextlib.suppress(KeyError):
            label = self._label_of(account_id)
        self._wait_until[account_id] = time.monotonic() + seconds
        self.messageRequested.emit(f"{label}: waiting {seconds:.1f} s ({reason}); the request goes on by itself.",
                                   int(seconds * 1000) + 1500)
        self.refresh_quota()

    def refresh_quota(self) -> None:
        """Shows the current account's quota (and how long its request still waits)."""
        from console.ui.status import quota_text

        account_id = self.account_id
        if account_id is None or self.observer is None:
            self.quota.show_text("")
            return
        waiting = math.ceil(self._wait_until.get(account_id, 0.0) - time.monotonic())
        self.quota.show_text(quota_text(self.observer.snapshots.get(account_id), waiting))


def withdraw_message(bar: QStatusBar, text: str) -> None:
    """Clears the bar's passing note if it still says ``text`` (a newer note stays)."""
    if bar.currentMessage() == text:
        bar.clearMessage()
