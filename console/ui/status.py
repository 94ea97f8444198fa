"""Status bar labels that follow busy sources without repainting the window for each change.

Eight lists loading at once change the request count, the quota and the row count hundreds of times a
second; each new text asks the status bar for a new layout and the window for a repaint (1,800 repaints
in a 9-second load, measured). :class:`ThrottledLabel` shows a change at once when it has been quiet,
and at most one more per :data:`INTERVAL_MS` while changes keep coming: the last text always shows.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

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

    def _flush(self) -> None:
        if self._pending is not None:
            text, self._pending = self._pending, None
            self._apply(text)

    def _apply(self, text: str) -> None:
        """Shows ``text`` (when it differs) and holds later changes back for the interval."""
        if text != self.text():
            self.setText(text)
        self._cooldown.start()
