"""One account's tabs: a dataset view per dataset.

The page speaks for its views: the window, the accounts controller and the close guard ask the page
(unsaved forms? held deletes? reload what failed?) and never walk the views' models or forms.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from console.core.constants import UI_PAGE_SIZE
from console.core.models import Record
from console.core.settings import AccountConfig
from console.services.catalog import vendor
from console.services.datasets import DatasetService
from console.ui.dataset_view import DatasetView
from console.ui.forms import RecordForm
from console.ui.layout import LayoutStore


class AccountPage(QTabWidget):
    """The tabs of one account: one :class:`DatasetView` per dataset.

    Args:
        datasets: The dataset service.
        account: The account.
        parent: Qt parent.
        layout_store: Where the views remember their columns and sorts.
        page_size: Rows per page.

    Signals:
        statusMessage(str): A view's short note for the status bar.
        countChanged(str): A view's loaded-rows text changed.
        credentialsNeeded(str): The account's secret is missing or refused (account id).
    """

    statusMessage = Signal(str)
    countChanged = Signal(str)
    credentialsNeeded = Signal(str)

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
            view.statusMessage.connect(self.statusMessage)
            view.countChanged.connect(self.countChanged)
            view.credentialsNeeded.connect(self.credentialsNeeded)
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

    def close_page(self) -> None:
        """Stops every view's background work."""
        for view in self.views:
            view.close_view()

    # -- what the window may ask (intent methods over every tab) -----------------------------------

    def tables(self) -> list[QWidget]:
        """The record tables of every tab (they get the table-scoped shortcuts)."""
        return [view.table for view in self.views]

    def focus_table(self) -> None:
        """Puts the keyboard focus in the visible tab's table."""
        view = self.current_view()
        if view is not None:
            view.table.setFocus()

    def busy(self) -> bool:
        """Whether any tab is loading a page."""
        return any(view.busy for view in self.views)

    def set_page_size(self, rows: int) -> None:
        """Rows asked per page, in every tab from its next load on."""
        for view in self.views:
            view.set_page_size(rows)

    def has_open_forms(self) -> bool:
        """Whether a form of any tab is open (saved or not)."""
        return any(view.has_open_forms() for view in self.views)

    def unsaved_forms(self) -> list[RecordForm]:
        """Open forms of every tab with changes that are not saved."""
        return [form for view in self.views for form in view.unsaved_forms()]

    def pending_deletes(self) -> int:
        """Deletes held behind "Undo" in this account's tabs."""
        return sum(view.pending_count() for view in self.views)

    async def flush_deletes(self) -> int:
        """Sends every tab's held deletes now; returns how many the vendor refused."""
        failed = 0
        for view in self.views:
            failed += await view.flush_deletes()
        return failed

    def drop_pending(self) -> int:
        """Forgets every tab's held deletes without sending them; returns how many."""
        return sum(view.drop_pending() for view in self.views)

    def undo_delete(self, skip: DatasetView | None = None) -> bool:
        """Brings back the latest held delete of the first tab (but ``skip``) that holds one.

        Returns:
            Whether a delete was undone.
        """
        return any(view.undo_delete() for view in self.views if view is not skip and view.pending_count())

    def save_layout(self) -> None:
        """Remembers every tab's columns, sort and panes."""
        for view in self.views:
            view.save_layout()

    def reset_layout(self) -> None:
        """Every tab back to its default columns, sort and panes."""
        for view in self.views:
            view.reset_layout()

    def refresh_if_loaded(self) -> None:
        """Reloads the tabs that show rows or an error (the account's address changed)."""
        self._each(DatasetView.refresh_if_loaded)

    def refresh_if_failed_or_empty(self) -> None:
        """Reloads the tabs that failed or came back empty (the account's secret changed)."""
        self._each(DatasetView.refresh_if_failed_or_empty)

    def _each(self, intent: Callable[[DatasetView], object]) -> None:
        for view in self.views:
            intent(view)
