"""What one list asks for: the filter bar's values and the order (a click on a column header).

Sorting and filtering happen on the vendor's side (design.md: server-side when the API has them), or
in the account's local copy once it is complete (:mod:`console.ui.copy_list`: any column sorts, the
search box finds any part of any column), so :class:`ListQuery` only keeps the
:class:`~console.core.models.Query`, keeps the header's sort arrow in step with it, and says when the
list must reload.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHeaderView

from console.core.errors import ConsoleError
from console.core.models import DatasetSpec, FieldKind, Query, ViewKind
from console.core.settings import AccountConfig
from console.ui.filter_bar import FilterBar
from console.ui.qtasync import TaskSet
from console.ui.view_layout import show_sort

if TYPE_CHECKING:
    from console.services.datasets import DatasetService

#: Filter kinds a local copy's search box takes.
_TEXT_KINDS = (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.PHONE)


class ListQuery(QObject):
    """The filters and the order of one list.

    Args:
        datasets: The dataset service (the filters' choices).
        account: The account (its fields decide which filters apply and what the vendor can sort).
        vendor_name: The vendor's display name.
        spec: The dataset.
        header: The table's header (its clicks sort; its arrow shows the order).
        tasks: Where the choices load (cancelled with the list).
        parent: Qt parent.

    Attributes:
        filters: The filter bar, or ``None`` when the dataset has no filter for this account.
        query: What the list asks the vendor for now.
        default_sort: The order the list starts with (``sort`` key, descending).

    Signals:
        changed(): The query changed: the list reloads from the first page.
        statusMessage(str): A short note for the status bar.
    """

    changed = Signal()
    statusMessage = Signal(str)

    def __init__(self, datasets: DatasetService, account: AccountConfig, vendor_name: str, spec: DatasetSpec,
                 header: QHeaderView, tasks: TaskSet, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.datasets = datasets
        self.account = account
        self.vendor_name = vendor_name
        self.spec = spec
        self.header = header
        self.tasks = tasks
        preset = "next7" if spec.view is ViewKind.BOOKINGS else "all"
        filters = [f for f in spec.filters if f.applies(account.fields)]
        # A search the vendor lacks for this account (Launch27 2.0) that the local copy gives once complete.
        local_only = None if any(f.primary for f in filters) else next(
            (f for f in spec.filters if f.primary and f.kind in _TEXT_KINDS), None)
        self.filters = (FilterBar(filters, date_preset=preset, local_only=local_only)
                        if filters or local_only else None)
        self.query = Query(filters=self.filters.values() if self.filters else {},
                           descending=spec.default_descending)
        self.default_sort = (self.query.sort, self.query.descending)
        #: Whether the list's local copy answers a query (then every column sorts); the copy list sets it.
        self.local_sorts: Callable[[Query], bool] = lambda _query: False
        if self.filters is not None:
            self.filters.changed.connect(self._on_filters_changed)
        header.sectionClicked.connect(self.header_clicked)

    def load_choices(self) -> None:
        """Loads the filters' choices (tags, services...) from the service's cache."""
        if self.filters is not None:
            for spec in self.filters.specs:
                if spec.choices_from:
                    self.tasks.spawn(self._load_choices(spec.key, spec.choices_from))

    async def _load_choices(self, key: str, dataset: str) -> None:
        try:
            choices = await self.datasets.choices(self.account.id, dataset)
        except ConsoleError as exc:
            self.statusMessage.emit(f"Could not load {dataset} for the filter: {exc.user_message.title}")
            return
        if self.filters is not None:
            self.filters.set_choices(key, choices)

    def filter_to(self, filters: dict[str, str]) -> None:
        """Shows only what matches these filters (another view's "Show ..." action)."""
        if self.filters is None:
            return
        if self.filters.dates is not None:  # every date of that record, not only this week's
            self.filters.dates.blockSignals(True)
            self.filters.dates.set_preset("all")
            self.filters.dates.blockSignals(False)
        for key, value in filters.items():
            self.filters.set_value(key, value)
        self.filters.apply()

    def focus_search(self) -> bool:
        """Puts the cursor in the search box; False when the list has none."""
        box = self.filters.search if self.filters is not None else None
        if box is None and self.filters is not None and self.filters.local_box is not None:
            box = self.filters.local_box if self.filters.local_box.isEnabled() else None
        if box is None:
            return False
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()
        return True

    def _on_filters_changed(self, values: dict[str, str]) -> None:
        self.query = dataclasses.replace(self.query, filters=values)
        self.changed.emit()

    def header_clicked(self, section: int) -> None:
        """A click on a column header: sorts by it when the vendor (or the list's local copy) can, else says not."""
        column = self.spec.columns[section] if 0 <= section < len(self.spec.columns) else None
        key: str | None = None
        if column is not None and column.sortable(self.account.fields) and column.sort_key is not None:
            key = column.sort_key
        elif column is not None and self.local_sorts(self.query):  # the copy sorts by the column itself
            key = column.sort_key or column.key
        if column is None or key is None:
            self._show_sort()  # the arrow stays
            label = column.label if column is not None else "this column"
            self.statusMessage.emit(f"{self.vendor_name} cannot sort {self.spec.label.lower()} by {label}.")
            return
        descending = not self.query.descending if self.sorted_by() == key else False
        self.sort_by(key, descending)

    def vendor_sorts(self, sort: str | None) -> bool:
        """Whether the vendor can give the list in this order (no sort: its default order)."""
        return sort is None or any(c.sort_key == sort and c.sortable(self.account.fields) for c in self.spec.columns)

    def keep_to_vendor(self) -> bool:
        """Before the list goes to the vendor: an order only the local copy gives goes back to the default.

        Returns:
            Whether the order changed (the status bar says why).
        """
        if self.vendor_sorts(self.query.sort):
            return False
        label = next((c.label for c in self.spec.columns if self.query.sort in (c.sort_key, c.key)), self.query.sort)
        sort, descending = self.default_sort
        self.query = dataclasses.replace(self.query, sort=sort, descending=descending)
        self._show_sort()
        self.statusMessage.emit(f"{self.vendor_name} cannot sort {self.spec.label.lower()} by {label}: "
                                "the list is in its default order (the local copy does not answer it).")
        return True

    def _show_sort(self) -> None:
        """The header's arrow on the column the list is sorted by (by its vendor key, or its own key in the copy)."""
        sort, descending = self.query.sort, self.query.descending
        show_sort(self.header, self.spec, sort, descending)
        if sort is not None and not any(c.sort_key == sort for c in self.spec.columns):
            section = next((i for i, c in enumerate(self.spec.columns) if c.key == sort), -1)
            if section >= 0:
                order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                self.header.setSortIndicator(section, order)

    def sorted_by(self) -> str | None:
        """The sort key the list is in: the query's, or for bookings the column the header marks by default."""
        if self.query.sort is not None or self.spec.view is not ViewKind.BOOKINGS:
            return self.query.sort
        return next((c.sort_key for c in self.spec.columns if c.sortable(self.account.fields)), None)

    def sort_by(self, sort_key: str, descending: bool) -> None:
        """Asks the vendor (or the local copy) for a new order (the list reloads)."""
        self.query = dataclasses.replace(self.query, sort=sort_key, descending=descending)
        self._show_sort()
        self.changed.emit()

    def reset_sort(self) -> bool:
        """Back to the default order; returns whether the order changed (the list then reloads if loaded)."""
        sort, descending = self.default_sort
        if (self.query.sort, self.query.descending) == (sort, descending):
            return False
        self.query = dataclasses.replace(self.query, sort=sort, descending=descending)
        return True
