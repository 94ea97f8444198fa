"""The customer card beside the lookup's results: one person across accounts and vendors (issue 17).

When a lookup has finished, its hits are grouped by person (the same email, or the same phone number
once normalised: :func:`console.services.mirror.lookup.group_cards`). The card of the selected hit's
person shows their name, emails and phone numbers, where they were found, and one timeline, by date,
of their appointments, bookings and reservations in every vendor: the ones the lookup found and, from
each complete local copy, every other one with their email or phone. Enter or a double-click on a
timeline row (or *Open*) opens that record in its tab; *Open record* opens one of the person's records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core import log
from console.core.errors import ConsoleError
from console.services.lookup import Hit
from console.services.mirror.lookup import CustomerCard, Visit, group_cards
from console.ui.qtasync import TaskSet

if TYPE_CHECKING:
    from console.services.accounts import AccountService
    from console.services.mirror.lookup import CopyLookup
    from console.ui.lookup import LookupPanel

ModelIndex = QModelIndex | QPersistentModelIndex
#: The row's :class:`Visit`.
VisitRole = Qt.ItemDataRole.UserRole + 11
_HEADERS = ("When", "What", "Status", "Account")


class TimelineModel(QAbstractTableModel):
    """A card's timeline: one row per appointment, booking or reservation, oldest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.visits: list[Visit] = []

    def set_visits(self, visits: list[Visit]) -> None:
        """Shows another card's timeline."""
        self.beginResetModel()
        self.visits = list(visits)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        return 0 if parent.isValid() else len(self.visits)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: the visit's time, title, status and account; the visit itself under :data:`VisitRole`."""
        if not index.isValid() or not 0 <= index.row() < len(self.visits):
            return None
        visit = self.visits[index.row()]
        if role == VisitRole:
            return visit
        if role == Qt.ItemDataRole.DisplayRole:
            hit = visit.hit
            return (visit.when_text or "no date", visit.what, visit.status, hit.account_label)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"{visit.hit.vendor_name} · {visit.hit.account_label}"
            return f"{visit.title}\n{where}, {visit.hit.noun} {visit.hit.record.id}\nEnter or double-click opens it."
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: the column names."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(_HEADERS)):
            return _HEADERS[section]
        return None

    def visit(self, row: int) -> Visit | None:
        """The visit of a row."""
        return self.visits[row] if 0 <= row < len(self.visits) else None


class CustomerCardView(QWidget):
    """One person's card: who, where found, the timeline, and the record actions.

    Signals:
        openRequested(object): A record to open in its tab (:class:`Hit`).
    """

    openRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerCard")
        self.card: CustomerCard | None = None
        self.title = QLabel()
        self.title.setObjectName("customerName")
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.position = QLabel()
        self.position.setObjectName("customerPosition")
        self.position.setStyleSheet("color: #757575")
        self.contact = QLabel()
        self.contact.setObjectName("customerContact")
        self.contact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact.setWordWrap(True)
        self.found = QLabel()
        self.found.setObjectName("customerFound")
        self.found.setWordWrap(True)
        self.records = QComboBox()
        self.records.setObjectName("customerRecords")
        self.records.setToolTip("The person's records in each account")
        self.open_record = QPushButton("Open record")
        self.open_record.setObjectName("customerOpenRecord")
        self.open_record.clicked.connect(self._open_chosen_record)
        self.model = TimelineModel(self)
        self.timeline = QTableView()
        self.timeline.setObjectName("customerTimeline")
        self.timeline.setModel(self.model)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.setWordWrap(False)  # one line a visit; the tooltip says it whole
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.timeline.activated.connect(self._open_visit)
        self.empty = QLabel("No appointments, bookings or reservations.")
        self.empty.setObjectName("customerNoVisits")
        self.empty.setStyleSheet("color: #757575")
        self.notes = QLabel()
        self.notes.setObjectName("customerNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8a6d00")
        self.open_visit = QPushButton("Open")
        self.open_visit.setObjectName("customerOpenVisit")
        self.open_visit.setToolTip("Open the selected appointment, booking or reservation in its tab")
        self.open_visit.clicked.connect(lambda: self._open_visit(self.timeline.currentIndex()))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.position)
        records = QHBoxLayout()
        records.addWidget(self.records, 1)
        records.addWidget(self.open_record)
        heading = QHBoxLayout()
        timeline_label = QLabel("Timeline")
        timeline_label.setStyleSheet("font-weight: bold")
        heading.addWidget(timeline_label, 1)
        heading.addWidget(self.open_visit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.contact)
        layout.addWidget(self.found)
        layout.addLayout(records)
        layout.addLayout(heading)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.notes)
        self.show_card(None)

    def show_card(self, card: CustomerCard | None, number: int = 1, count: int = 1) -> None:
        """Shows a card (``None``: nothing), the ``number``-th of ``count`` people found."""
        self.card = card
        self.setVisible(card is not None)
        self.model.set_visits(card.timeline if card is not None else [])
        self.records.clear()
        if card is None:
            return
        self.title.setText(card.name or (card.emails[0] if card.emails else "Unnamed customer"))
        self.position.setText(f"person {number} of {count}: select a hit to see theirs" if count > 1 else "")
        self.contact.setText("  ·  ".join([*card.emails, *card.phones]) or "No email or phone number")
        self.found.setText("Found in " + ", ".join(card.accounts))
        for hit in card.hits:
            self.records.addItem(f"{hit.vendor_name} · {hit.account_label}: {hit.noun} {hit.record.id}", hit)
        visits = len(card.timeline)
        self.timeline.setVisible(visits > 0)
        self.open_visit.setEnabled(visits > 0)
        self.empty.setVisible(visits == 0)
        if visits:
            self.timeline.selectRow(visits - 1)  # the latest: what a caller most likely rings about
        self.notes.setText("\n".join(card.notes))
        self.notes.setVisible(bool(card.notes))

    def _open_chosen_record(self) -> None:
        hit = self.records.currentData()
        if isinstance(hit, Hit):
            self.openRequested.emit(hit)

    def _open_visit(self, index: QModelIndex) -> None:
        visit = self.model.visit(index.row()) if index.isValid() else None
        if visit is not None:
            self.openRequested.emit(visit.hit)


class CustomerCards(QObject):
    """Makes the cards as a lookup's hits land (the copies' at once) and shows the one of the selected hit.

    Args:
        panel: The lookup's results panel (the card goes beside its tree).
        accounts: The account service (the datasets' specs).
        local: The local copies (bookings the lookup did not find); ``None``: only the lookup's hits.

    Attributes:
        ready: The cards are those of the whole current lookup (every account answered).

    Signals:
        cardsChanged(): The cards changed (hits landed; a new query empties them at once).
    """

    cardsChanged = Signal()

    def __init__(self, panel: LookupPanel, accounts: AccountService, local: CopyLookup | None,
                 region: Callable[[], str]) -> None:
        super().__init__(panel)
        self.panel = panel
        self.accounts = accounts
        self.local = local
        self.region = region
        self.cards: list[CustomerCard] = []
        self.ready = False
        self.tasks = TaskSet("customer cards")
        self.view = CustomerCardView()
        panel.results.addWidget(self.view)
        panel.results.setStretchFactor(0, 3)
        panel.results.setStretchFactor(1, 2)
        panel.lookupFinished.connect(lambda _text: self._schedule(final=True))
        panel.model.rowsInserted.connect(self._on_rows_inserted)
        panel.model.modelReset.connect(self._clear)
        panel.tree.selectionModel().currentChanged.connect(lambda current, _old: self._follow(current))

    def spec_of(self, account_id: str, dataset: str) -> Any:
        """The spec of an account's dataset."""
        return self.accounts.spec(account_id).dataset(dataset)

    def _on_rows_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        if parent.isValid():  # an account's hits landed
            self._schedule()

    def _schedule(self, final: bool = False) -> None:
        """Makes the cards again, from the hits there are now (the newest hits win over a build on its way)."""
        self.tasks.cancel_all()
        self.ready = False
        self.tasks.spawn(self.refresh(final))

    async def refresh(self, final: bool = True) -> None:
        """Makes the current lookup's cards (with the copies' bookings) and shows the selected hit's.

        Args:
            final: Every account has answered: the cards are then :attr:`ready`.
        """
        model = self.panel.model
        generation, hits = model.generation, model.hits()
        region = self.region()
        present = {a.id for a in self.accounts.accounts()}
        known = [h for h in hits if h.account_id in present]  # not removed meanwhile
        cards = None
        if self.local is not None:
            try:
                cards = await self.local.cards(known, region)
            except ConsoleError as exc:  # a copy forgotten or damaged meanwhile: the lookup's own hits
                log.ui.info("customer cards without the local copies' bookings: %s", exc)
        if cards is None:
            cards = group_cards(known, self.spec_of, region)
        if generation != model.generation:
            return  # a newer query took over
        self.cards = cards
        self.ready = final and not model.searching
        self._follow(self.panel.tree.currentIndex(), rebuilt=True)
        self.cardsChanged.emit()

    def card_of(self, hit: Hit) -> CustomerCard | None:
        """The card holding a hit."""
        return next((card for card in self.cards if card.holds(hit)), None)

    def _follow(self, index: QModelIndex, rebuilt: bool = False) -> None:
        if not self.cards:
            self.view.show_card(None)
            return
        payload = self.panel.model.payload(index)
        card = self.card_of(payload) if isinstance(payload, Hit) else None
        if card is None:  # no hit selected: the first person found in more than one place, else the first
            card = next((c for c in self.cards if len(c.hits) > 1 or c.timeline), self.cards[0])
        if self.view.isHidden():  # the card's first showing: it takes three fifths, its timeline is wide
            width = max(self.panel.results.width(), 600)
            self.panel.results.setSizes([width * 2 // 5, width - width * 2 // 5])
        if rebuilt or card is not self.view.card:
            number = next(i for i, c in enumerate(self.cards) if c is card) + 1
            self.view.show_card(card, number, len(self.cards))

    def _clear(self) -> None:
        self.tasks.cancel_all()
        self.cards, self.ready = [], False
        self.view.show_card(None)

    def cancel(self) -> None:
        """Stops a card on its way (the window closes)."""
        self.tasks.cancel_all()
