"""Where the lookup sits in the window: its box in a toolbar, its results above the account's tabs.

:class:`LookupArea` lays the box and the panel out and opens, closes and focuses them; the search
itself is :class:`~console.ui.lookup.LookupController`'s, made once the services are there
(:meth:`LookupArea.attach`).

The panel opens when the user looks something up (Ctrl+K, a click in the box, typing, Enter) and
stays closed otherwise: a focus that only lands in the box (a tab switch hides the focused table)
does not open it. While open, Esc closes it from anywhere in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QPushButton, QSplitter, QWidget

from console.core.errors import ConsoleError, NotFound
from console.services.lookup import Hit
from console.ui.lookup import LookupBox, LookupController, LookupPanel
from console.ui.qtasync import TaskSet

if TYPE_CHECKING:
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService
    from console.services.mirror.copies import LocalCopies
    from console.ui.customer_card import CustomerCards


class LookupArea(QObject):
    """The lookup box and results panel of a window.

    Args:
        window: The window (gets the box's toolbar).
        content: What the panel sits above (the account pages); both go in :attr:`splitter`.

    Signals:
        hitOpened(object): A person opened a hit (:class:`~console.services.lookup.Hit`), its record
            just read fresh from the vendor (or as found, when it could not be read).
        closed(): The panel was closed (the focus goes back to the list).
    """

    hitOpened = Signal(object)
    closed = Signal()

    def __init__(self, window: QMainWindow, content: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.box = LookupBox()
        self.panel = LookupPanel()
        self.panel.setVisible(False)
        self.controller: LookupController | None = None
        self.cards: CustomerCards | None = None
        self.datasets: DatasetService | None = None
        self.opening = TaskSet("lookup opening")
        self.box.focused.connect(self.open)
        self.box.textEdited.connect(lambda _text: self.open())
        self.box.returnPressed.connect(self.open)  # Enter looks up again: the results show
        self.box.escaped.connect(self.close)
        self.box.down.connect(self.focus_results)
        self.panel.closeRequested.connect(self.close)
        self.panel.openRequested.connect(self.open_hit)
        self.panel.tree.upFromTop.connect(lambda: self.box.setFocus(Qt.FocusReason.OtherFocusReason))
        # Esc closes the panel wherever the focus is in the window (the table, the detail pane);
        # the shortcut exists only while the panel is open, so Esc means nothing else meanwhile.
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self.close,
                                context=Qt.ShortcutContext.WindowShortcut)
        self.escape.setObjectName("lookupEscape")
        self.escape.setEnabled(False)
        toolbar = window.addToolBar("Lookup")
        toolbar.setObjectName("lookupToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.box)
        # The closed panel's strip: one button beside the box while its results are still there.
        self.strip = QPushButton()
        self.strip.setObjectName("lookupStrip")
        self.strip.setFlat(True)
        self.strip.setToolTip("Show the lookup's results again (Ctrl+K)")
        self.strip.clicked.connect(self.show_results)
        self.strip_action = toolbar.addWidget(self.strip)
        self.strip_action.setVisible(False)
        self.box.textChanged.connect(lambda _text: self._sync_strip())
        self.panel.lookupFinished.connect(lambda _text: self._sync_strip())
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

    def attach(self, accounts: AccountService, account_order: Callable[[], list[str]],
               datasets: DatasetService | None = None, copies: LocalCopies | None = None) -> LookupController:
        """Makes the search over the accounts (listed in ``account_order``) and the customer cards.

        Args:
            accounts: The account service.
            account_order: The account ids in sidebar order.
            datasets: Reads an opened hit fresh (``None``: it opens as found).
            copies: The local copies: an account whose copy is complete answers from it (``None``: all live).
        """
        from console.core.settings import LookupHistory
        from console.services.lookup import LookupService
        from console.services.mirror.lookup import CopyLookup
        from console.ui.customer_card import CustomerCards

        local = CopyLookup(accounts, copies) if copies is not None else None
        self.datasets = datasets
        self.controller = LookupController(self.box, self.panel, LookupService(accounts, local=local),
                                           LookupHistory(), account_order)
        self.cards = CustomerCards(self.panel, accounts, local, lambda: str(self.panel.region.currentData() or ""))
        self.cards.view.openRequested.connect(self.open_hit)
        return self.controller

    def open_hit(self, hit: Hit) -> None:
        """Opens a hit (or a card's record): read fresh from the vendor first, then :attr:`hitOpened`."""
        if self.datasets is None:
            self.hitOpened.emit(hit)
            return
        self.opening.spawn(self.open_fresh(hit))

    async def open_fresh(self, hit: Hit) -> None:
        """Reads the hit's record live (the copy is brought up to date too) and opens it.

        A record gone at the vendor is said and not opened; one that cannot be read now opens as found.
        """
        assert self.datasets is not None
        say = self._window.statusBar().showMessage
        what = f"{hit.noun} {hit.record.id}"
        try:
            record = await self.datasets.get(hit.account_id, hit.dataset, hit.record.id)
        except NotFound:
            say(f"That {what} is gone at {hit.vendor_name}: it was deleted there.", 8000)
            return
        except ConsoleError as exc:
            say(f"Could not read {what} fresh from {hit.vendor_name} ({exc.user_message.title}); "
                "it opens as the lookup found it.", 8000)
            record = hit.record
        except KeyError:  # the account was removed meanwhile
            say("That account was removed.", 6000)
            return
        self.hitOpened.emit(replace(hit, record=record))

    def focus(self) -> None:
        """Ctrl+K: the cursor in the box, its text selected, the panel open."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()
        self.open()

    def open(self) -> None:
        """Shows the panel under the box (recent lookups when the box is empty)."""
        if self.controller is None:
            return
        if self.panel.isHidden():
            if not self.box.text().strip():
                self.controller.show_history()
            self.panel.setVisible(True)
            self.escape.setEnabled(True)
            self._sync_strip()
            self.splitter.setSizes([300, max(200, self.splitter.height() - 300)])

    @property
    def is_open(self) -> bool:
        """Whether the panel is showing (it stays closed until the user looks something up again)."""
        return not self.panel.isHidden()

    def close(self) -> None:
        """Hides the panel; the results stay for the next Ctrl+K."""
        self.escape.setEnabled(False)
        self.panel.setVisible(False)
        self._sync_strip()
        self.closed.emit()

    def show_results(self) -> None:
        """The strip's button: the panel open again on the results, the first hit current."""
        self.open()
        self.focus_results()

    def _sync_strip(self) -> None:
        """Shows the strip while the panel is closed on results that still match the box."""
        model = self.panel.model
        text = self.box.text().strip()
        showing = not self.is_open and bool(text) and text == model.query_text and bool(model.outcomes)
        if showing:
            hits = len(model.hits())
            state = "searching…" if model.searching else f"{hits} hit{'s' if hits != 1 else ''}"
            self.strip.setText(f"{state} · Show results")
        self.strip_action.setVisible(showing)

    def focus_results(self) -> None:
        """Down in the box: the focus on the results (or the recent lookups), the first one current."""
        self.open()
        panel = self.panel
        if panel.stack.currentWidget() is panel.results:
            panel.tree.setFocus()
            index = panel.tree.currentIndex()
            if not isinstance(panel.model.payload(index), Hit):
                first = panel.model.first_hit()  # not an account's header or a "cannot search" row
                index = first if first.isValid() else panel.model.index(0, 0)
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            panel.tree.selectionModel().setCurrentIndex(index, flags)
            return
        panel.history.setFocus()
        if panel.history.currentRow() < 0 and panel.history.count():
            panel.history.setCurrentRow(0)

    def cancel(self) -> None:
        """Stops a search on its way (the window closes)."""
        self.opening.cancel_all()
        if self.cards is not None:
            self.cards.cancel()
        if self.controller is not None:
            self.controller.cancel()
