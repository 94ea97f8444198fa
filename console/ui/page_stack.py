"""The window's middle: one account's tabs at a time, or a line that says what is going on.

:class:`PageStack` makes an account's page on first use (its last tab again), keeps the pages
by account id, and speaks for all of them (busy? held deletes? save the layout); the window asks the
stack and the pages, never their lists' models or forms.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

if TYPE_CHECKING:
    from console.core.settings import AccountConfig
    from console.services.datasets import DatasetService
    from console.ui.account_page import AccountPage
    from console.ui.dataset_view import DatasetView
    from console.ui.layout import LayoutStore


class PageStack(QStackedWidget):
    """The account pages and the welcome text.

    Args:
        layout_store: Where each account's last tab is remembered.
        parent: Qt parent.

    Signals:
        pageAdded(object): A page was made (:class:`~console.ui.account_page.AccountPage`).
        statusMessage(str): A list's short note for the status bar.
        messageWithdrawn(str): Another account is shown now: its list's note (this text) no longer applies.
        countChanged(): The shown list, or its loaded-rows text, changed.
        credentialsNeeded(str): An account's secret is missing or refused (account id).
    """

    pageAdded = Signal(object)
    statusMessage = Signal(str)
    messageWithdrawn = Signal(str)
    countChanged = Signal()
    credentialsNeeded = Signal(str)

    def __init__(self, layout_store: LayoutStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_store = layout_store
        self.pages: dict[str, AccountPage] = {}
        self.welcome = QLabel("Starting…")
        self.welcome.setObjectName("welcome")
        self.welcome.setWordWrap(True)
        self.addWidget(self.welcome)
        #: The account whose list spoke last on the status bar, and what it said.
        self._said: tuple[str, str] | None = None
        self.currentChanged.connect(self._withdraw_other_accounts_note)

    def set_starting(self, text: str) -> None:
        """Shows what the app is doing while no account is open."""
        self.welcome.setText(text)
        self.setCurrentWidget(self.welcome)

    def page_for(self, datasets: DatasetService, account: AccountConfig, page_size: int) -> AccountPage:
        """An account's page, made on first use (on its last tab)."""
        from console.ui.account_page import AccountPage

        page = self.pages.get(account.id)
        if page is not None:
            return page
        page = AccountPage(datasets, account, self, self.layout_store, page_size)
        key = f"tabs/{account.id}"
        tab = self.layout_store.text(key)
        with contextlib.suppress(KeyError):
            if tab:
                page.setCurrentWidget(page.view(tab))
        page.currentChanged.connect(
            lambda _i, p=page: self.layout_store.set(key, p.current_view().spec.name)
            if p.current_view() is not None else None)
        page.statusMessage.connect(lambda text, aid=account.id: self._page_said(aid, text))
        page.countChanged.connect(lambda _text: self.countChanged.emit())
        page.credentialsNeeded.connect(self.credentialsNeeded)
        page.currentChanged.connect(lambda _i: self.countChanged.emit())
        self.pages[account.id] = page
        self.addWidget(page)
        self.pageAdded.emit(page)
        return page

    def _page_said(self, account_id: str, text: str) -> None:
        self._said = (account_id, text)
        self.statusMessage.emit(text)

    def _withdraw_other_accounts_note(self, _index: int) -> None:
        page = self.current_page()
        if self._said is not None and (page is None or page.account.id != self._said[0]):
            self.messageWithdrawn.emit(self._said[1])
            self._said = None

    def current_page(self) -> AccountPage | None:
        """The visible account page."""
        from console.ui.account_page import AccountPage

        widget = self.currentWidget()
        return widget if isinstance(widget, AccountPage) else None

    def current_view(self) -> DatasetView | None:
        """The visible dataset view."""
        page = self.current_page()
        return page.current_view() if page is not None else None

    def discard(self, account_id: str) -> AccountPage | None:
        """Closes an account's page (its lists stop) and forgets it; returns it, if there was one."""
        page = self.pages.pop(account_id, None)
        if page is not None:
            self._drop(page)
        return page

    def _drop(self, page: AccountPage) -> None:
        page.close_page()
        self.removeWidget(page)
        page.deleteLater()

    async def release(self, account_id: str) -> None:
        """Before an account goes: its held deletes are sent, then its page closes."""
        page = self.pages.pop(account_id, None)
        if page is not None:
            await page.flush_deletes()
            self._drop(page)

    def on_page(self, account_id: str, intent: Callable[[AccountPage], object]) -> None:
        """Runs ``intent`` on an account's page, if it is open."""
        page = self.pages.get(account_id)
        if page is not None:
            intent(page)

    def busy(self) -> bool:
        """Whether any list is loading."""
        return any(page.busy() for page in self.pages.values())

    def set_page_size(self, rows: int) -> None:
        """Rows per page in every list from its next load on."""
        for page in self.pages.values():
            page.set_page_size(rows)

    def save_layout(self) -> None:
        """Remembers every open list's columns, sort and panes."""
        for page in self.pages.values():
            page.save_layout()

    def reset_layout(self) -> None:
        """Every open list back to its default columns, sort and panes."""
        for page in self.pages.values():
            page.reset_layout()

    def undo_delete(self) -> bool:
        """Brings back the shown list's latest held delete, else the first other list's; returns whether one was."""
        current = self.current_view()
        return bool((current is not None and current.pending_count() and current.undo_delete())
                    or any(page.undo_delete(skip=current) for page in self.pages.values()))

    def close_all(self) -> None:
        """Stops every page's background work (the window closes)."""
        for page in self.pages.values():
            page.close_page()
