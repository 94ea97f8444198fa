"""Status bar labels that follow busy sources without repainting the window for each change.

Eight lists loading at once change the request count, the quota and the row count hundreds of times a
second; each new text asks the status bar for a new layout and the window for a repaint (1,800 repaints
in a 9-second load, measured). :class:`ThrottledLabel` shows a change at once when it has been quiet,
and at most one more per :data:`INTERVAL_MS` while changes keep coming: the last text always shows.

:func:`quota_text` is the quota label's text: what the vendor last said of the account's quota, in
words that say what the figure counts ("29 of 30 requests left this second") when the vendor says how
long its window is, else "Quota 99/100 · refills in 60 s".
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:  # the snapshot reaches the window through the observer's signal
    from console.services.activity import RateLimitSnapshot

#: Shortest time between two visible changes while a label is busy.
INTERVAL_MS = 150


class ThrottledLabel(QLabel):
    """A label whose :meth:`show_text` coalesces fast changes.

    Args:
        text: First text.
        parent: Qt parent.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._pending: str | None = None
        self._cooldown = QTimer(self)
        self._cooldown.setSingleShot(True)
        self._cooldown.setInterval(INTERVAL_MS)
        self._cooldown.timeout.connect(self._flush)

    def show_text(self, text: str) -> None:
        """Shows ``text`` now if the label has been quiet, else with the next change due."""
        if self._cooldown.isActive():
            self._pending = text
            return
        self._pending = None
        self._apply(text)

    def show_now(self, text: str) -> None:
        """Shows ``text`` at once (a settled state), dropping any change held back."""
        self._pending = None
        self._apply(text)

    def _flush(self) -> None:
        if self._pending is not None:
            text, self._pending = self._pending, None
            self._apply(text)

    def _apply(self, text: str) -> None:
        """Shows ``text`` (when it differs) and holds later changes back for the interval."""
        if text != self.text():
            self.setText(text)
        self._cooldown.start()


#: How a window of so many seconds is said after "requests left".
WINDOW_WORDS = {1.0: "this second", 60.0: "this minute", 3600.0: "this hour", 86400.0: "today"}
#: Windows at least this long also say when they refill (a 1-second window always refills soon).
COUNTDOWN_FROM = 10.0


def window_words(seconds: float) -> str:
    """How a window of ``seconds`` is said: "this second", "this minute", or "in this 5-second window"."""
    return WINDOW_WORDS.get(float(seconds)) or f"in this {seconds:g}-second window"


def quota_text(snapshot: RateLimitSnapshot | None, waiting: int = 0, now: float | None = None) -> str:
    """The status bar's quota text.

    Args:
        snapshot: The account's quota as the vendor last said it (``None``: it never did).
        waiting: Whole seconds a request of the account is still held back (0: none).
        now: Unix time (tests).

    Returns:
        "29 of 30 requests left this second", "Quota 99/100 · refills in 60 s", "Waiting 12 s · ..." or "".
    """
    parts = []
    if snapshot is not None:
        left = snapshot.seconds_to_reset(time.time() if now is None else now)
        window = snapshot.window
        if window and snapshot.remaining is not None and snapshot.limit is not None:
            parts.append(f"{snapshot.remaining:,} of {snapshot.limit:,} requests left {window_words(window)}")
            if left is not None and window >= COUNTDOWN_FROM:
                parts.append(f"refills in {left:.0f} s")
        else:
            if snapshot.remaining is not None and snapshot.limit is not None:
                parts.append(f"Quota {snapshot.remaining:,}/{snapshot.limit:,}")
            elif snapshot.remaining is not None:
                parts.append(f"Quota {snapshot.remaining:,} left")
            if left is not None:
                parts.append(f"refills in {left:.0f} s")
    text = " · ".join(parts)
    if waiting > 0:
        return f"Waiting {waiting} s · {text}" if text else f"Waiting {waiting} s"
    return text
