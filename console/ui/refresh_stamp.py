"""When a live list (Setera's queues, reloaded every 15 s) last got its rows: "Updated 12:03:15"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from console.ui.table_model import PagedTableModel


class RefreshStamp(QLabel):
    """The time a live list's rows last came, beside its Refresh button (hidden for other lists).

    Args:
        seconds: How often the list reloads while shown (``DatasetSpec.refresh_seconds``; 0: not live).
        clock: The local time now (tests pass their own).
        parent: Qt parent.
    """

    def __init__(self, seconds: int, clock: Callable[[], dt.datetime] = dt.datetime.now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("updatedLabel")
        self.seconds = seconds
        self._clock = clock
        #: When the rows last came (``None``: not yet).
        self.updated_at: dt.datetime | None = None
        self.setToolTip(f"The list reloads every {seconds} s while it is shown; Refresh (F5) reloads it now.")
        self.hide()

    def watch(self, model: PagedTableModel) -> None:
        """Stamps the time each time the model's rows come in (a first load, a refresh, a live reload)."""
        if self.seconds:
            model.loadingChanged.connect(lambda loading: None if loading else self._settled(model))
            model.pageFailed.connect(lambda _error: self._failed())

    def _settled(self, model: PagedTableModel) -> None:
        # A reset also ends a load on its way (its rows are gone): only rows that came, or a list
        # that came back empty, are stamped.
        if model.error is None and (model.rowCount() > 0 or not model.has_more):
            self.stamp()

    def stamp(self, when: dt.datetime | None = None) -> None:
        """Says the rows came now (or at ``when``)."""
        self.updated_at = when or self._clock()
        self.setText(f"Updated {self.updated_at:%H:%M:%S}")
        self.show()

    def _failed(self) -> None:
        now = self._clock()
        last = f" (rows from {self.updated_at:%H:%M:%S})" if self.updated_at else ""
        self.setText(f"Update failed at {now:%H:%M:%S}{last}")
        self.show()
