"""Where the lookup sits in the window: its box in a toolbar, its results above the account's tabs.

:class:`LookupArea` lays the box and the panel out and opens, closes and focuses them; the search
itself is :class:`~console.ui.lookup.LookupController`'s, made once the services are there
(:meth:`LookupArea.attach`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from console.ui.lookup import LookupBox, LookupController, LookupPanel

if TYPE_CHECKING:
    from console.services.accounts import AccountService


class LookupArea(QObject):
    """The lookup box and results panel of a window.

    Args:
        window: The window (gets the box's toolbar).
        content: What the panel sits above (the account pages); both go in :attr:`splitter`.

    Signals:
        hitOpened(object): A person opened a hit (:class:`~console.services.lookup.Hit`).
        closed(): The panel was closed (the focus goes back to the list).
    """

    hitOpened = Signal(object)
    closed = Signal()

    def __init__(self, window: QMainWindow, content: QWidget) -> None:
        super().__init__(window)
        self.box = LookupBox()
        self.panel = LookupPanel()
        self.panel.setVisible(False)
        self.controller: LookupController | None = None
        self.box.focused.connect(self.open)
        self.box.textEdited.connect(lambda _text: self.open())
        self.box.escaped.connect(self.close)
        self.box.down.connect(self.focus_results)
        self.panel.closeRequested.connect(self.close)
        self.panel.openRequested.connect(self.hitOpened)
        toolbar = window.addToolBar("Lookup")
        toolbar.setObjectName("lookupToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.box)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

    def attach(self, accounts: AccountService, account_order: Callable[[], list[str]]) -> LookupController:
        """Makes the search over the accounts (listed in ``account_order``)."""
        from console.core.settings import LookupHistory
        from console.services.lookup import LookupService

        self.controller = LookupController(self.box, self.panel, LookupService(accounts), LookupHistory(),
                                           account_order)
        return self.controller

    def focus(self) -> None:
        """Ctrl+K: the cursor in the box, its text selected, the panel open."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()
        self.open()

    def open(self) -> None:
        """Shows the panel under the box (recent lookups when the box is empty)."""
        if self.controller is None:
            return
        if not self.panel.isVisible():
            if not self.box.text().strip():
                self.controller.show_history()
            self.panel.setVisible(True)
            self.splitter.setSizes([300, max(200, self.splitter.height() - 300)])

    def close(self) -> None:
        """Hides the panel; the results stay for the next Ctrl+K."""
        self.panel.setVisible(False)
        self.closed.emit()

    def focus_results(self) -> None:
        """Down in the box: the focus on the results (or the recent lookups), the first one current."""
        self.open()
        panel = self.panel
        target = panel.tree if panel.stack.currentWidget() is panel.tree else panel.history
        target.setFocus()
        if not target.currentIndex().isValid() and target.model() is not None and target.model().rowCount() > 0:
            target.setCurrentIndex(target.model().index(0, 0))

    def cancel(self) -> None:
        """Stops a search on its way (the window closes)."""
        if self.controller is not None:
            self.controller.cancel()
