"""The service layer's HTTP observer as Qt signals (status bar, request activity)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.services.activity import Exchange, RateLimitSnapshot


class QtHttpObserver(QObject):
    """Turns HTTP events into signals. Lives on the GUI thread, where the qasync loop runs.

    It implements :class:`console.services.activity.HttpObserver`; the accounts service passes it to
    every client.

    Signals:
        inFlightChanged(int): Requests on their way, over every account.
        rateLimitChanged(str, object): An account's quota (account id, :class:`RateLimitSnapshot`).
        waitStarted(str, float, str): A request of an account is held back (seconds, reason).
        exchangeFinished(object): An attempt ended (:class:`Exchange`).
        noticePosted(str, str): A short note for the status bar (account id, text).
    """

    inFlightChanged = Signal(int)
    rateLimitChanged = Signal(str, object)
    waitStarted = Signal(str, float, str)
    exchangeFinished = Signal(object)
    noticePosted = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.in_flight = 0
        self.snapshots: dict[str, RateLimitSnapshot] = {}

    def request_started(self, account_id: str) -> None:
        """Counts a request in."""
        self.in_flight += 1
        self.inFlightChanged.emit(self.in_flight)

    def request_finished(self, account_id: str, exchange: Exchange) -> None:
        """Counts a request out."""
        self.in_flight = max(0, self.in_flight - 1)
        self.inFlightChanged.emit(self.in_flight)
        self.exchangeFinished.emit(exchange)

    def rate_limit_changed(self, account_id: str, snapshot: RateLimitSnapshot) -> None:
        """Keeps and forwards an account's quota."""
        self.snapshots[account_id] = snapshot
        self.rateLimitChanged.emit(account_id, snapshot)

    def waiting(self, account_id: str, seconds: float, reason: str) -> None:
        """Forwards a hold-back."""
        self.waitStarted.emit(account_id, seconds, reason)

    def notice(self, account_id: str, text: str) -> None:
        """Forwards a status-bar note."""
        self.noticePosted.emit(account_id, text)
