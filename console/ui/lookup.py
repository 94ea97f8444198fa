"""The support-desk lookup in the window: a search box at the top, results streaming in below it.

Ctrl+K (or a click) puts the cursor in the box. Typing searches every account after a short pause
(Enter at once); each account has a row with its state (searching, n hits, no hits, failed with the
reason, cannot search that kind) and its hits under it. A newer query cancels the older one, and
rows of an older query never land (each update carries its query's generation). Enter or a
double-click on a hit opens it in its dataset tab; on a failed account it searches that account again.
With the box empty the panel offers the last lookups.

A hit's row says who (the name), what it is and which field matched, phone numbers in one
international format; its account's header above it says whose. Down from the box lands on the first
hit and the arrows go from hit to hit over the headers; accounts that cannot search that kind of query
come last. An account searched by reading its list says how far ("the newest 300 bookings"), and
*Search further* reads on from there.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.core.lookup import classify, system_region
from console.core.settings import LookupHistory
from console.services.lookup import Hit, LookupService, Outcome, Source, State
from console.ui.forms import set_phone_region
from console.ui.qtasync import TaskSet

if TYPE_CHECKING:
    from console.core.lookup import LookupQuery

ModelIndex = QModelIndex | QPersistentModelIndex
#: The row's payload (an :class:`Outcome` for account rows, a :class:`Hit` under them).
PayloadRole = Qt.ItemDataRole.UserRole + 10
DEBOUNCE_MS = 300
SPINNER = "◐◓◑◒"
REGIONS = ("US", "CA", "GB", "IE", "AU", "NZ", "DE", "FR", "ES", "IT", "NL", "BE", "PT", "PL", "SE", "NO", "DK", "FI",
           "CH", "AT", "IN", "ZA")
_STATE_COLOURS = {State.FAILED: "#c62828", State.NONE: "#757575", State.UNSUPPORTED: "#9e9e9e"}
# Internal ids: 0 for account rows, 1 + the account's row for hit rows (ids must not be negative).
_ACCOUNT = 0


class LookupBox(QLineEdit):
    """The search box: says when it gets the focus; Esc leaves it, Down goes to the results.

    Signals:
        focused(): The box got the keyboard focus (the panel opens).
        escaped(): Esc (the panel closes).
        down(): The Down arrow (the results take the focus).
    """

    focused = Signal()
    escaped = Signal()
    down = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupBox")
        self.setClearButtonEnabled(True)
        self.setPlaceholderText("Look up an email, a phone number, a name or an id in every account (Ctrl+K)")
        self.setMinimumWidth(460)

    def focusInEvent(self, event: Any) -> None:
        """Opens the panel when the user came here on purpose (a click, Ctrl+K).

        Not for a focus that merely lands here: when the focused widget goes away (a tab switch hides
        the table, *Show reservations* opens another tab) Qt moves the focus on with a Tab reason,
        and a closed panel must stay closed then.
        """
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason):
            self.focused.emit()

    def keyPressEvent(self, event: Any) -> None:
        """Esc and Down."""
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class LookupModel(QAbstractItemModel):
    """Accounts (top level) with their hits as children; one column.

    Rows keep the order the accounts were given in (the sidebar's), so rows do not jump while answers
    arrive; each account row's text and colour follow its state.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.query_text = ""
        self.outcomes: list[Outcome] = []
        self.spin = 0

    # -- feeding ------------------------------------------------------------------------------------

    def begin(self, query_text: str, outcomes: list[Outcome]) -> int:
        """Starts a query: every account searching. Returns the generation updates must carry."""
        self.beginResetModel()
        self.generation += 1
        self.query_text = query_text
        self.outcomes = outcomes
        self.endResetModel()
        return self.generation

    def update(self, generation: int, outcome: Outcome) -> bool:
        """Puts an account's answer in place; False (and nothing changes) for an older query's answer."""
        if generation != self.generation:
            return False
        row = next((i for i, o in enumerate(self.outcomes) if o.account_id == outcome.account_id), -1)
        if row < 0:
            return False
        parent = self.index(row, 0)
        old = self.outcomes[row]
        if old.hits:
            self.beginRemoveRows(parent, 0, len(old.hits) - 1)
            old.hits = []
            self.endRemoveRows()
        if outcome.hits:
            self.beginInsertRows(parent, 0, len(outcome.hits) - 1)
            self.outcomes[row] = outcome
            self.endInsertRows()
        else:
            self.outcomes[row] = outcome
        self.dataChanged.emit(parent, parent)
        return True

    def tick(self) -> None:
        """Turns the spinner of the accounts still searching."""
        self.spin = (self.spin + 1) % len(SPINNER)
        for row, outcome in enumerate(self.outcomes):
            if outcome.state is State.SEARCHING:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    @property
    def searching(self) -> bool:
        """Whether any account has not answered yet."""
        return any(o.state is State.SEARCHING for o in self.outcomes)

    def hits(self) -> list[Hit]:
        """Every hit shown."""
        return [hit for outcome in self.outcomes for hit in outcome.hits]

    # -- Qt model -----------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt: account rows have internal id 0, hit rows 1 + their account's row."""
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, _ACCOUNT) if row < len(self.outcomes) else QModelIndex()
        if parent.internalId() != _ACCOUNT or parent.row() >= len(self.outcomes):
            return QModelIndex()
        if row >= len(self.outcomes[parent.row()].hits):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1)

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """Qt: a hit's parent is its account row."""
        if not index.isValid() or index.internalId() == _ACCOUNT:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, _ACCOUNT)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        if not parent.isValid():
            return len(self.outcomes)
        if parent.internalId() == _ACCOUNT and parent.row() < len(self.outcomes):
            return len(self.outcomes[parent.row()].hits)
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        return 1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: texts, colours, tooltips and the payload."""
        payload = self.payload(index)
        if payload is None:
            return None
        if isinstance(payload, Hit):
            if role == Qt.ItemDataRole.DisplayRole:
                return payload.line  # its account's header above says whose
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Enter or double-click opens it."
            return payload if role == PayloadRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{payload.vendor_name} · {payload.account_label} — {self.state_text(payload)}"
        if role == Qt.ItemDataRole.ForegroundRole and payload.state in _STATE_COLOURS:
            return QBrush(QColor(_STATE_COLOURS[payload.state]))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if payload.state is State.FAILED:
                return f"{payload.reason}\nEnter or double-click searches this account again."
            if payload.more:
                return f"Searched {payload.coverage}; Search further reads on."
            return payload.reason or None
        return payload if role == PayloadRole else None

    def state_text(self, outcome: Outcome) -> str:
        """An account's state and, while some accounts answer from their copy, where the answer comes from."""
        copy = outcome.source is Source.COPY
        mixed = any(o.source is Source.COPY for o in self.outcomes)
        if outcome.state is State.SEARCHING:
            return f"{SPINNER[self.spin]} searching{' its local copy' if copy else ' live' if mixed else ''}…"
        if outcome.state is State.UNSUPPORTED or not mixed:
            return outcome.text
        return f"{outcome.text} · {'from its local copy' if copy else 'asked live'}"

    def payload(self, index: ModelIndex) -> Outcome | Hit | None:
        """The outcome or hit of a row."""
        if not index.isValid():
            return None
        if index.internalId() == _ACCOUNT:
            return self.outcomes[index.row()] if index.row() < len(self.outcomes) else None
        account = int(index.internalId()) - 1
        if account >= len(self.outcomes) or index.row() >= len(self.outcomes[account].hits):
            return None
        return self.outcomes[account].hits[index.row()]

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Qt: hits and failed accounts (Enter retries) are selectable; other headers are only labels."""
        payload = self.payload(index)
        if payload is None:
            return Qt.ItemFlag.NoItemFlags
        if isinstance(payload, Outcome) and payload.state is not State.FAILED:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def first_hit(self) -> QModelIndex:
        """The first hit's index (invalid when there is none)."""
        for row, outcome in enumerate(self.outcomes):
            if outcome.hits:
                return self.index(0, 0, self.index(row, 0))
        return QModelIndex()


class LookupTree(QTreeView):
    """The results tree: the arrow keys go from hit to hit, over the accounts' header rows.

    Signals:
        upFromTop(): Up on the first hit (the search box takes the focus back).
    """

    upFromTop = Signal()

    def keyPressEvent(self, event: Any) -> None:
        """Up on the first hit goes back to the box."""
        model = self.model()
        if (event.key() == Qt.Key.Key_Up and isinstance(model, LookupModel) and model.hits()
                and self.currentIndex() == model.first_hit()):
            self.upFromTop.emit()
            return
        super().keyPressEvent(event)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Qt: moves as a tree does, then on past header rows to the nearest hit that way."""
        model = self.model()
        index = super().moveCursor(action, modifiers)
        if not isinstance(model, LookupModel) or not model.hits() or isinstance(model.payload(index), Hit):
            return index
        up = action in (QAbstractItemView.CursorAction.MoveUp, QAbstractItemView.CursorAction.MovePrevious,
                        QAbstractItemView.CursorAction.MovePageUp, QAbstractItemView.CursorAction.MoveEnd)
        if not self.currentIndex().isValid():
            return model.first_hit()
        step = self.indexAbove if up else self.indexBelow
        found = index
        while found.isValid() and not isinstance(model.payload(found), Hit):
            found = step(found)
        if not found.isValid():  # none that way (Up from the first hit): the other way, else stay
            found = index
            other = self.indexBelow if up else self.indexAbove
            while found.isValid() and not isinstance(model.payload(found), Hit):
                found = other(found)
        return found if found.isValid() else self.currentIndex()


class LookupPanel(QWidget):
    """The results below the search box: recent lookups when empty, else the accounts and their hits.

    Signals:
        openRequested(object): A hit to open (:class:`Hit`).
        closeRequested(): Esc in the results.
        historyChosen(str): A recent lookup to run again.
        lookupFinished(str): Every account answered the current query and it is in the recent
            lookups (the query's text); what tests and anything else reading the outcome wait for.
    """

    openRequested = Signal(object)
    closeRequested = Signal()
    historyChosen = Signal(str)
    lookupFinished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupPanel")
        self.model = LookupModel(self)
        self.heading = QLabel("Recent lookups")
        self.heading.setObjectName("lookupHeading")
        self.region = QComboBox()
        self.region.setObjectName("lookupRegion")
        self.region.setToolTip("Country of phone numbers written without a country code")
        self.retry_button = QPushButton("Retry failed")
        self.retry_button.setObjectName("lookupRetry")
        self.retry_button.setVisible(False)
        self.further_button = QPushButton("Search further")
        self.further_button.setObjectName("lookupFurther")
        self.further_button.setToolTip("Read on where the searches of lists without a search stopped")
        self.further_button.setVisible(False)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Hide the lookup (Esc)")
        self.close_button.clicked.connect(self.closeRequested.emit)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel("Numbers without +:"))
        top.addWidget(self.region)
        top.addWidget(self.further_button)
        top.addWidget(self.retry_button)
        top.addWidget(self.close_button)
        self.history = QListWidget()
        self.history.setObjectName("lookupHistory")
        self.history.itemActivated.connect(lambda item: self.historyChosen.emit(item.text()))
        self.tree = LookupTree()
        self.tree.setObjectName("lookupResults")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.activated.connect(self._activated)
        self.model.rowsInserted.connect(lambda parent, _first, _last: self.tree.expand(parent))
        self.model.modelReset.connect(self.tree.expandAll)
        self.results = QSplitter(Qt.Orientation.Horizontal)  # the tree, and the customer card beside it
        self.results.setObjectName("lookupResultsArea")
        self.results.addWidget(self.tree)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.history)
        self.stack.addWidget(self.results)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.retry_account: Any = None  # set by the controller: retries one account

    def show_history(self, items: list[str]) -> None:
        """Shows the recent lookups (or says there are none)."""
        self.history.clear()
        for text in items:
            self.history.addItem(QListWidgetItem(text))
        self.heading.setText("Recent lookups: Enter runs one again" if items else
                             "Type an email, a phone number in any format, a name or a record id.")
        self.stack.setCurrentWidget(self.history)
        if items:
            self.history.setCurrentRow(0)

    def show_results(self) -> None:
        """Shows the results tree."""
        self.stack.setCurrentWidget(self.results)

    def summarise(self) -> None:
        """The heading line: what is being looked up and how far it got."""
        model = self.model
        hits = len(model.hits())
        answered = sum(1 for o in model.outcomes if o.state is not State.SEARCHING)
        failed = sum(1 for o in model.outcomes if o.state is State.FAILED)
        tail = "searching…" if model.searching else "done"
        searched = [o for o in model.outcomes if o.state is not State.UNSUPPORTED]
        copies = sum(1 for o in searched if o.source is Source.COPY)
        where = (f"; {copies} from their local cop{'y' if copies == 1 else 'ies'}, {len(searched) - copies} live"
                 if copies else "")
        self.heading.setText(f"“{model.query_text}”: {hits} hit{'s' if hits != 1 else ''} from "
                             f"{answered} of {len(model.outcomes)} accounts, {tail}{where}")
        self.retry_button.setVisible(failed > 0 and not model.searching)
        self.further_button.setVisible(not model.searching and any(o.more for o in model.outcomes))

    def keyPressEvent(self, event: Any) -> None:
        """Esc closes the panel."""
        if event.key() == Qt.Key.Key_Escape:
            self.closeRequested.emit()
            return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        payload = self.model.payload(index)
        if isinstance(payload, Hit):
            self.openRequested.emit(payload)
        elif isinstance(payload, Outcome) and payload.state is State.FAILED and self.retry_account is not None:
            self.retry_account(payload.account_id)


class LookupController:
    """Wires the search box and the panel to the lookup service (one query at a time).

    Args:
        box: The search box.
        panel: The results panel.
        service: The lookup service.
        history: The recent lookups file.
        account_order: The account ids in sidebar order (called for each query).
    """

    def __init__(self, box: LookupBox, panel: LookupPanel, service: LookupService, history: LookupHistory,
                 account_order: Any) -> None:
        self.box = box
        self.panel = panel
        self.service = service
        self.history = history
        self.account_order = account_order
        self.tasks = TaskSet("lookup")
        self.query: LookupQuery | None = None
        self._debounce = QTimer(panel)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        self._spinner = QTimer(panel)
        self._spinner.setInterval(120)
        self._spinner.timeout.connect(panel.model.tick)
        box.textEdited.connect(self._on_edited)
        box.returnPressed.connect(self._on_return)
        panel.historyChosen.connect(self.run_text)
        panel.retry_account = self.retry
        panel.retry_button.clicked.connect(self.retry_failed)
        panel.further_button.clicked.connect(self.search_further)
        region = history.region() or system_region()
        for code in sorted({*REGIONS, region}):
            panel.region.addItem(code, code)
        panel.region.setCurrentIndex(panel.region.findData(region))
        panel.region.currentIndexChanged.connect(self._on_region)
        set_phone_region(region)  # forms read numbers without a country code in the same country

    def show_history(self) -> None:
        """The panel's empty state."""
        self.panel.show_history(self.history.items())

    def run_text(self, text: str) -> None:
        """Puts ``text`` in the box and looks it up now."""
        self.box.setText(text)
        self.run_now()

    def run_now(self) -> None:
        """Looks up what is in the box (cancelling the lookup before it)."""
        self._debounce.stop()
        self.tasks.cancel_all()
        text = self.box.text().strip()
        if not text:
            self.panel.model.begin("", [])
            self._spinner.stop()
            self.show_history()
            return
        self.query = query = classify(text, str(self.panel.region.currentData() or system_region()))
        outcomes = [self.service.prepare(i, query) for i in self.account_order()]
        # The accounts that cannot search this kind of query go last: they have nothing to show.
        outcomes.sort(key=lambda o: o.state is State.UNSUPPORTED)
        ids = [o.account_id for o in outcomes if o.state is State.SEARCHING]
        generation = self.panel.model.begin(text, outcomes)
        self.panel.show_results()
        self.panel.summarise()
        self._spinner.start()
        self.tasks.spawn(self._stream(generation, query, ids))

    def retry(self, account_id: str) -> None:
        """Searches one account again with the current query."""
        if self.query is None:
            return
        generation = self.panel.model.generation
        self.panel.model.update(generation, self.service.start(account_id))
        self.panel.summarise()
        self._spinner.start()
        self.tasks.spawn(self._stream(generation, self.query, [account_id]))

    def search_further(self) -> None:
        """Reads on in every account whose search stopped at its bound (the newest 300 bookings)."""
        if self.query is None:
            return
        generation = self.panel.model.generation
        for outcome in list(self.panel.model.outcomes):
            if outcome.more and outcome.state is not State.SEARCHING:
                before = replace(outcome, hits=list(outcome.hits))  # the model empties the row it replaces
                self.panel.model.update(generation, replace(outcome, state=State.SEARCHING, hits=list(outcome.hits)))
                self.tasks.spawn(self._further(generation, self.query, before))
        self.panel.summarise()
        self._spinner.start()

    async def _further(self, generation: int, query: LookupQuery, outcome: Outcome) -> None:
        further = await self.service.search_further(outcome, query)
        if self.panel.model.update(generation, further):
            self.panel.summarise()
            if not self.panel.model.searching:
                self._spinner.stop()
                self.panel.lookupFinished.emit(query.text)

    def retry_failed(self) -> None:
        """Searches every failed account again."""
        for outcome in list(self.panel.model.outcomes):
            if outcome.state is State.FAILED:
                self.retry(outcome.account_id)

    def cancel(self) -> None:
        """Stops whatever is running (the window closes)."""
        self._debounce.stop()
        self._spinner.stop()
        self.tasks.cancel_all()

    async def _stream(self, generation: int, query: LookupQuery, ids: list[str]) -> None:
        async with contextlib.aclosing(self.service.stream(query, ids)) as outcomes:
            async for outcome in outcomes:
                if not self.panel.model.update(generation, outcome):
                    return  # a newer query took over (closing the stream cancels its searches)
                self.panel.summarise()
        if generation == self.panel.model.generation:
            if not self.panel.model.searching:
                self._spinner.stop()
            self.history.add(query.text)
            self.panel.lookupFinished.emit(query.text)

    def _on_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_return(self) -> None:
        model = self.panel.model
        if self.box.text().strip() == model.query_text and model.hits() and not self._debounce.isActive():
            # Enter again on the same query: open the selected (or first) hit.
            index = self.panel.tree.currentIndex()
            payload = model.payload(index)
            hit = payload if isinstance(payload, Hit) else model.hits()[0]
            self.panel.openRequested.emit(hit)
            return
        self.run_now()

    def set_region(self, region: str) -> None:
        """Uses ``region`` for numbers without a country code (the settings changed it)."""
        if self.panel.region.findData(region) < 0:
            self.panel.region.addItem(region, region)
        self.panel.region.setCurrentIndex(self.panel.region.findData(region))  # saves and reruns
        self.history.set_region(region)

    def _on_region(self, _index: int) -> None:
        region = str(self.panel.region.currentData() or "")
        if region:
            self.history.set_region(region)
            set_phone_region(region)
            if self.box.text().strip():
                self.run_now()
