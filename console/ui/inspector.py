"""View > Requests (F12): every HTTP exchange of the session, newest first, secrets masked.

It opens over the main window (its tool window, centred on it) and Esc closes it. An empty log says
what to do ("open a dataset or press F5": the main window's keys work here), and so do the detail
panes before a request is selected.

The table mirrors the shared :class:`RequestLog` (a ring buffer: the oldest exchanges go when it is
full) and grows as requests finish. The selected exchange shows its request and response headers and
bodies (JSON pretty-printed), the vendor's reference token, and "Copy as curl" with placeholders
where secrets were. Everything here was masked when it was recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.activity import Exchange, RequestLog

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Time", "Account", "Method", "Path", "Status", "Duration", "Size", "Retries")
ExchangeRole = Qt.ItemDataRole.UserRole + 30
STATUS_FILTERS = (("", "All statuses"), ("2", "2xx success"), ("3", "3xx"), ("4", "4xx refused"),
                  ("5", "5xx vendor error"), ("x", "No answer"))


def _size(n: int) -> str:
    return f"{n:,} B" if n < 10_000 else f"{n / 1024:,.0f} KB"


class ExchangeModel(QAbstractTableModel):
    """The exchanges, newest first.

    Args:
        label_of: An account id's label.
        capacity: Rows kept (the log's).
        parent: Qt parent.
    """

    def __init__(self, label_of: Callable[[str], str], capacity: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label_of = label_of
        self.capacity = capacity
        self.rows: list[Exchange] = []

    def load(self, log: RequestLog) -> None:
        """Starts from what the log holds."""
        self.beginResetModel()
        self.rows = list(reversed(list(log)))[: self.capacity]
        self.endResetModel()

    def add(self, exchange: Exchange) -> None:
        """Puts a finished exchange on top, dropping the oldest beyond the capacity."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, exchange)
        self.endInsertRows()
        if len(self.rows) > self.capacity:
            self.beginRemoveRows(QModelIndex(), self.capacity, len(self.rows) - 1)
            del self.rows[self.capacity:]
            self.endRemoveRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt."""
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        ex = self.rows[index.row()]
        if role == ExchangeRole:
            return ex
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                dt.datetime.fromtimestamp(ex.started).strftime("%H:%M:%S.%f")[:-3],
                self.label_of(ex.account_id), ex.method, ex.path,
                str(ex.status) if ex.status is not None else (ex.error or "no answer"),
                f"{ex.duration * 1000:,.0f} ms", _size(ex.size), str(ex.retries) if ex.retries else "",
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return ex.url
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and (ex.status is None or ex.status >= 400):
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (5, 6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ExchangeFilter(QSortFilterProxyModel):
    """Keeps the exchanges of one account and one status class."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_id = ""
        self.status_class = ""

    def set(self, account_id: str, status_class: str) -> None:
        """Changes the filter."""
        self.beginFilterChange()
        self.account_id, self.status_class = account_id, status_class
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        """Qt."""
        model = self.sourceModel()
        ex = model.data(model.index(source_row, 0, source_parent), ExchangeRole)
        if not isinstance(ex, Exchange):
            return False
        if self.account_id and ex.account_id != self.account_id:
            return False
        if self.status_class == "x":
            return ex.status is None
        return not self.status_class or (ex.status is not None and str(ex.status).startswith(self.status_class))


def _is_escape(event: QEvent) -> bool:
    return (isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier))


def pretty(body: str) -> str:
    """A body for reading: JSON indented when it is JSON."""
    if not body:
        return ""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return body


#: The table's place when there is nothing to list, and the detail panes' when nothing is selected.
EMPTY_LOG = "No requests yet: open a dataset or press F5"
NOTHING_MATCHES = "No request matches these filters: choose All accounts and All statuses to see every one"
NO_SELECTION = "Select a request to see its headers and body"
#: The window's size at most (smaller over a small main window).
SIZE = QSize(1180, 720)


class RequestInspector(QWidget):
    """The requests window: a tool window of the main window, opened over it (:meth:`present`).

    As the main window's tool window it shares the window's shortcuts (F5 reloads the list there, and
    its requests come in here). Esc is its own: it closes the inspector, even while the main window's
    Esc (the lookup panel's) is armed.

    Args:
        log: The shared request log.
        accounts: ``(id, label)`` of every account, for the filter.
        parent: The main window (the inspector is its tool window: above it, closed with it).
    """

    def __init__(self, log: RequestLog, accounts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self.setObjectName("requestInspector")
        self.setWindowTitle("Requests")
        self.resize(SIZE)
        self.labels: dict[str, str] = {}
        self.model = ExchangeModel(lambda account_id: self.labels.get(account_id, account_id), log.capacity, self)
        self.model.load(log)
        self.proxy = ExchangeFilter(self)
        self.proxy.setSourceModel(self.model)
        self.account = QComboBox()
        self.account.setObjectName("inspectorAccount")
        self.set_accounts(accounts)
        self.status = QComboBox()
        self.status.setObjectName("inspectorStatus")
        for key, text in STATUS_FILTERS:
            self.status.addItem(text, key)
        self.count = QLabel()
        self.account.currentIndexChanged.connect(self._refilter)
        self.status.currentIndexChanged.connect(self._refilter)
        top = QHBoxLayout()
        top.addWidget(QLabel("Account"))
        top.addWidget(self.account)
        top.addWidget(QLabel("Status"))
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.count)

        self.table = QTableView()
        self.table.setObjectName("inspectorTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((100, 170, 70, 420, 70, 90, 80, 60)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_current())
        self.empty = QLabel(EMPTY_LOG)
        self.empty.setObjectName("inspectorEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        # Where the table would be, looking like it (a panel on the base colour), with a hint's text.
        self.empty.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty.setAutoFillBackground(True)
        self.empty.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.listing = QStackedWidget()
        self.listing.addWidget(self.table)
        self.listing.addWidget(self.empty)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.request_text = QPlainTextEdit()
        self.response_text = QPlainTextEdit()
        for name, editor in (("inspectorRequest", self.request_text), ("inspectorResponse", self.response_text)):
            editor.setObjectName(name)
            editor.setReadOnly(True)
            editor.setFont(mono)
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            editor.setPlaceholderText(NO_SELECTION)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.response_text, "Response")
        self.tabs.addTab(self.request_text, "Request")
        self.reference = QLabel()
        self.reference.setObjectName("inspectorReference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.curl_button = QPushButton("Copy as curl")
        self.curl_button.setObjectName("copyCurl")
        self.curl_button.setToolTip("The request as a curl command; secrets become <secret> placeholders")
        self.curl_button.clicked.connect(self.copy_curl)
        self.reference_button = QPushButton("Copy reference")
        self.reference_button.setObjectName("copyReference")
        self.reference_button.clicked.connect(self.copy_reference)
        self.note = QLabel()  # what a Copy button just did
        self.note.setObjectName("inspectorNote")
        buttons = QHBoxLayout()
        buttons.addWidget(self.reference, 1)
        buttons.addWidget(self.note)
        buttons.addWidget(self.reference_button)
        buttons.addWidget(self.curl_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.tabs, 1)
        detail_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.listing)
        splitter.addWidget(detail)
        splitter.setSizes([360, 360])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.proxy.rowsInserted.connect(lambda *_a: self._count())
        self.proxy.rowsRemoved.connect(lambda *_a: self._count())
        self.proxy.modelReset.connect(self._count)
        self._count()
        self._show_current()

    def event(self, event: QEvent) -> bool:
        """Qt: claims Esc before any shortcut (the main window's are live in its tool window)."""
        if event.type() == QEvent.Type.ShortcutOverride and _is_escape(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Qt: Esc closes the inspector (a key no pane inside used)."""
        if _is_escape(event):
            self.close()
            return
        super().keyPressEvent(event)

    def present(self) -> None:
        """Opens the window over the main window (centred on it, sized to fit), raised and focused.

        Already open, it is only raised: where the user moved it, it stays.
        """
        owner = self.parentWidget()
        if not self.isVisible() and owner is not None:
            self.place_over(owner.window())
        self.show()
        self.raise_()
        self.activateWindow()

    def place_over(self, window: QWidget) -> None:
        """Sizes the inspector to fit inside ``window`` (at most :data:`SIZE`) and centres it there."""
        frame = window.frameGeometry()
        screen = window.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else frame
        size = QSize(min(SIZE.width(), max(640, frame.width() - 80), room.width()),
                     min(SIZE.height(), max(420, frame.height() - 80), room.height()))
        self.resize(size)
        place = QRect(QPoint(0, 0), size)
        place.moveCenter(frame.center())
        place.moveLeft(max(room.left(), min(place.left(), room.right() - size.width())))
        place.moveTop(max(room.top(), min(place.top(), room.bottom() - size.height())))
        self.move(place.topLeft())

    def set_accounts(self, accounts: list[tuple[str, str]]) -> None:
        """The accounts the filter offers (kept current as accounts are added and removed)."""
        chosen = self.account.currentData()
        self.labels = dict(accounts)
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem("All accounts", "")
        for account_id, label in accounts:
            self.account.addItem(label, account_id)
        self.account.setCurrentIndex(max(0, self.account.findData(chosen)))
        self.account.blockSignals(False)

    def add(self, exchange: Exchange) -> None:
        """A request finished (the observer's signal)."""
        self.model.add(exchange)

    def current(self) -> Exchange | None:
        """The selected exchange."""
        index = self.table.currentIndex()
        value = index.data(ExchangeRole) if index.isValid() else None
        return value if isinstance(value, Exchange) else None

    def copy_curl(self) -> None:
        """Copies the selected request as a curl command (masked)."""
        exchange = self.current()
        if exchange is not None:
            QGuiApplication.clipboard().setText(exchange.as_curl())
            path = QUrl(exchange.url).path() or exchange.url
            self._said(f"Copied {exchange.method} {path} as a curl command (secrets as <secret>).")

    def copy_reference(self) -> None:
        """Copies the vendor's reference token."""
        exchange = self.current()
        if exchange is not None and exchange.reference:
            QGuiApplication.clipboard().setText(exchange.reference)
            self._said(f"Copied the vendor's reference {exchange.reference}.")

    def _said(self, text: str) -> None:
        """Confirms a copy beside the buttons and on the main window's status bar."""
        self.note.setText(text)
        parent = self.parentWidget()
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage(text, 5000)

    def _refilter(self) -> None:
        self.proxy.set(str(self.account.currentData() or ""), str(self.status.currentData() or ""))
        self._count()

    def _count(self) -> None:
        shown, held = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown:,} of {held:,} requests (the last {self.model.capacity:,} are kept)")
        self.empty.setText(EMPTY_LOG if not held else NOTHING_MATCHES)
        self.listing.setCurrentWidget(self.table if shown else self.empty)

    def _show_current(self) -> None:
        ex = self.current()
        has = ex is not None
        self.curl_button.setEnabled(has)
        self.reference_button.setEnabled(bool(ex and ex.reference))
        if ex is None:  # both panes show their placeholder (NO_SELECTION)
            self.request_text.setPlainText("")
            self.response_text.setPlainText("")
            self.reference.setText("")
            return

        def headers(items: tuple[tuple[str, str], ...]) -> str:
            return "\n".join(f"{name}: {value}" for name, value in items)

        cut = "\n\n(cut at 64 KB)" if ex.truncated else ""
        self.request_text.setPlainText(f"{ex.method} {ex.url}\n{headers(ex.request_headers)}\n\n"
                                       f"{pretty(ex.request_body)}{cut}")
        status = str(ex.status) if ex.status is not None else f"no answer: {ex.error}"
        self.response_text.setPlainText(f"{status} in {ex.duration * 1000:,.0f} ms, {_size(ex.size)}\n"
                                        f"{headers(ex.response_headers)}\n\n{pretty(ex.response_body)}{cut}")
        self.reference.setText(f"Vendor reference: {ex.reference}" if ex.reference else "No vendor reference.")
