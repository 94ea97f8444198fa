"""One account's tabs: a dataset view per dataset."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from console.core.constants import UI_PAGE_SIZE
from console.core.models import Record
from console.core.settings import AccountConfig
from console.services.catalog import vendor
from console.services.datasets import DatasetService
from console.ui.dataset_view import DatasetView
from console.ui.layout import LayoutStore


class AccountPage(QTabWidget):
    """The tabs of one account: one :class:`DatasetView` per dataset.

    Args:
        datasets: The dataset service.
        account: The account.
        parent: Qt parent.
        layout_store: Where the views remember their columns and sorts.
        page_size: Rows per page.
    """

    def __init__(self, datasets: DatasetService, account: AccountConfig, parent: QWidget | None = None,
                 layout_store: LayoutStore | None = None, page_size: int = UI_PAGE_SIZE) -> None:
        super().__init__(parent)
        self.setObjectName(f"account_{account.id}")
        self.account = account
        spec = vendor(account.vendor)
        self.views: list[DatasetView] = []
        for dataset in spec.datasets:
            view = DatasetView(datasets, account, spec.display_name, dataset, page_size, self, layout_store)
            self.views.append(view)
            self.addTab(view, dataset.label)
            view.openRequested.connect(self.open_filtered)
            view.set_read_only(account.read_only)
        self.currentChanged.connect(self._on_tab_changed)

    def current_view(self) -> DatasetView | None:
        """The visible dataset view."""
        widget = self.currentWidget()
        return widget if isinstance(widget, DatasetView) else None

    def view(self, dataset: str) -> DatasetView:
        """The view of a dataset.

        Raises:
            KeyError: No such dataset.
        """
        for view in self.views:
            if view.spec.name == dataset:
                return view
        raise KeyError(dataset)

    def open_filtered(self, dataset: str, filters: dict[str, str]) -> None:
        """Switches to a dataset's tab and filters it ("Show reservations" of a property)."""
        try:
            view = self.view(dataset)
        except KeyError:
            return
        self.setCurrentWidget(view)
        view.activate()
        view.filter_to(filters)

    def open_record(self, dataset: str, record: Record) -> None:
        """Switches to a dataset's tab with a record selected (a lookup hit)."""
        view = self.view(dataset)
        self.setCurrentWidget(view)
        view.activate()
        view.reveal(record)

    def _on_tab_changed(self, _index: int) -> None:
        view = self.current_view()
        if view is not None and self.isVisible():
            view.activate()

    def activate(self) -> None:
        """Loads the visible tab."""
        view = self.current_view()
        if view is not None:
            view.activate()

    def set_read_only(self, on: bool) -> None:
        """Safe mode on or off for every tab."""
        for view in self.views:
            view.set_read_only(on)

    def pending_deletes(self) -> int:
        """Deletes held behind "Undo" in this account's tabs."""
        return sum(len(view.pending) for view in self.views)

    def close_page(self) -> None:
        """Stops every view's background work."""
        for view in self.views:
            view.close_view()
