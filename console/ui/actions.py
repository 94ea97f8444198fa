"""One registry of the window's actions: it feeds the menus, the command palette and the shortcut list.

An action is declared once (:class:`ActionSpec`: its name, menu, shortcuts and what it does); the
registry makes the :class:`QAction`, puts it in its menu, and the palette (Ctrl+Shift+P) and Help >
Keyboard shortcuts list the same objects, so none of them can drift from the others. Actions that
act on the table (edit with Enter, delete with Del, copy with Ctrl+C) are scoped to the tables, so
they never take those keys away from a text field. Commands the platform has a key for (Undo, Copy,
Find, Refresh, Quit...) take the platform's keys (:class:`QKeySequence.StandardKey`) before their own;
a change of :attr:`ActionSpec.group` within a menu puts a separator between the groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Menus in menu-bar order.
MENUS = ("File", "Edit", "Record", "View", "Demo", "Help")
ActionRole = Qt.ItemDataRole.UserRole + 20


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command of the window.

    Attributes:
        id: Stable name (``record.edit``).
        text: Menu text, with its ``&`` mnemonic.
        menu: Which menu (one of :data:`MENUS`), or ``""`` for palette and shortcuts only.
        handler: What it does.
        shortcuts: Key sequences (the first is shown in menus).
        table_scoped: The shortcuts work only while a record table has the focus.
        tip: One line of help (status tip and palette).
        checkable: A toggle.
        standard: The platform's key for this command (Undo, Copy, Find...), put before ``shortcuts``
            (which stay the keys used where the platform has none: Quit has none on Linux).
        group: Actions of one menu with the same group sit together; a new group starts after a
            separator.
    """

    id: str
    text: str
    menu: str
    handler: Callable[[], object]
    shortcuts: tuple[str, ...] = ()
    table_scoped: bool = False
    tip: str = ""
    checkable: bool = False
    standard: QKeySequence.StandardKey | None = None
    group: str = ""

    @property
    def plain_text(self) -> str:
        """The text without mnemonics and ellipsis."""
        return self.text.replace("&", "").rstrip("…")


class ActionRegistry:
    """The window's actions, built from specs.

    Args:
        window: Owner of the actions (window-wide shortcuts are added to it).
    """

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.specs: dict[str, ActionSpec] = {}
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self._groups: dict[str, str] = {}  # the group of each menu's last action
        self._tables: list[QWidget] = []

    def add(self, spec: ActionSpec) -> QAction:
        """Makes the action, adds it to its menu and sets its shortcuts."""
        if spec.id in self.specs:
            raise ValueError(f"action {spec.id} is declared twice")
        action = QAction(spec.text, self.window)
        action.setObjectName(f"action_{spec.id.replace('.', '_')}")
        action.setCheckable(spec.checkable)
        keys = key_sequences(spec)
        if keys:
            action.setShortcuts(keys)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        if spec.checkable:
            action.toggled.connect(lambda _on: spec.handler())
        else:
            action.triggered.connect(lambda _checked=False: spec.handler())
        if spec.table_scoped:
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            for table in self._tables:
                table.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
        self.specs[spec.id] = spec
        self.actions[spec.id] = action
        if spec.menu:
            menu = self.menu(spec.menu)
            if menu.actions() and self._groups.get(spec.menu) != spec.group:
                menu.addSeparator()
            self._groups[spec.menu] = spec.group
            menu.addAction(action)
        return action

    def menu(self, name: str) -> QMenu:
        """The menu called ``name`` (made in :data:`MENUS` order on first use)."""
        if name not in self.menus:
            bar = self.window.menuBar()
            for title in MENUS:
                if title not in self.menus:
                    self.menus[title] = bar.addMenu(f"&{title}")
                    self.menus[title].setObjectName(f"menu{title}")
        return self.menus[name]

    def attach_table(self, table: QWidget) -> None:
        """Gives a record table the table-scoped actions (Enter, Del, Ctrl+C...)."""
        self._tables.append(table)
        table.destroyed.connect(lambda *_a, t=table: self._tables.remove(t) if t in self._tables else None)
        for spec in self.specs.values():
            if spec.table_scoped:
                table.addAction(self.actions[spec.id])

    def trigger(self, action_id: str) -> None:
        """Runs an action as if chosen from its menu (disabled ones do nothing)."""
        action = self.actions[action_id]
        if action.isEnabled():
            action.trigger()

    def shortcut_text(self, action_id: str) -> str:
        """The action's shortcuts as shown to the user ("F2, Return"), without dedicated keys (Undo, F16)."""
        return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in self.actions[action_id].shortcuts() if typed(k))

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(id, menu, name, shortcuts) for every action, in menu order."""
        order = {name: i for i, name in enumerate(MENUS)}
        specs = sorted(self.specs.values(), key=lambda s: (order.get(s.menu, len(MENUS)),))
        return [(s.id, s.menu or "—", s.plain_text, self.shortcut_text(s.id)) for s in specs]


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The action's keys: the platform's for its :attr:`~ActionSpec.standard` command, then its own."""
    keys = list(QKeySequence.keyBindings(spec.standard)) if spec.standard is not None else []
    for text in spec.shortcuts:
        key = QKeySequence(text)
        if key not in keys:
            keys.append(key)
    return keys


def typed(key: QKeySequence) -> bool:
    """Whether a key sequence is typed on an ordinary keyboard (not a dedicated Undo, Copy or F16 key)."""
    return key.count() > 0 and key[0].key().value < Qt.Key.Key_F13.value  # type: ignore[index]


class CommandPalette(QDialog):
    """Ctrl+Shift+P: every action by name, with its shortcut; Enter runs the one selected.

    Args:
        registry: The actions.
        parent: The window.
    """

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Command palette")
        self.registry = registry
        self.resize(560, 420)
        self.search = QLineEdit()
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText("Type a command…")
        self.source = QStandardItemModel(self)
        for action_id, menu, name, keys in registry.rows():
            if not registry.actions[action_id].isEnabled():
                continue
            item = QStandardItem(f"{name}    {keys}".rstrip() if keys else name)
            item.setData(action_id, ActionRole)
            item.setToolTip(f"{menu} menu · {registry.specs[action_id].tip}".rstrip(" ·"))
            item.setEditable(False)
            self.source.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setObjectName("paletteList")
        self.list.setModel(self.proxy)
        self.list.activated.connect(lambda _i: self.run_selected())
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.run_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def keyPressEvent(self, event: object) -> None:
        """Up and Down move in the list while typing."""
        key = getattr(event, "key", lambda: None)()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.proxy.rowCount():
            row = self.list.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
            self.list.setCurrentIndex(self.proxy.index(max(0, min(row, self.proxy.rowCount() - 1)), 0))
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def run_selected(self) -> None:
        """Closes the palette and runs the selected action."""
        index = self.list.currentIndex()
        action_id = index.data(ActionRole) if index.isValid() else None
        self.accept()
        if action_id:
            self.registry.trigger(str(action_id))


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: the registry's actions that have keys, with a box that filters them.

    Args:
        registry: The actions.
        parent: The window.
    """

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(640, 540)
        self.search = QLineEdit()
        self.search.setObjectName("shortcutsFilter")
        self.search.setPlaceholderText("Filter by command, key or menu…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        rows = [r for r in registry.rows() if r[3]]
        self._lines: list[str] = []
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Command", "Keys", "Menu"])
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for i, (action_id, menu, name, keys) in enumerate(rows):
            scope = " (in a table)" if registry.specs[action_id].table_scoped else ""
            self._lines.append(f"{name} {keys}{scope} {menu}".casefold())
            for column, text in enumerate((name, keys + scope, menu)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # keys and menu as wide as their longest text: never clipped
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        rows_header = self.table.verticalHeader()
        rows_header.setVisible(False)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.fontMetrics().height() + 8)  # one line of text per row
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        hint = QLabel("Also: Tab and Shift+Tab move between the box, the accounts, the filters, the table "
                      "and the detail pane; Esc closes a panel or dialog.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.search.setFocus()

    def filter(self, text: str) -> None:
        """Shows only the rows whose command, keys or menu contain every word of ``text``."""
        words = text.casefold().split()
        for row, line in enumerate(self._lines):
            self.table.setRowHidden(row, not all(w in line for w in words))

    def visible_rows(self) -> list[str]:
        """The commands shown (after the filter)."""
        return [item.text() for r in range(self.table.rowCount())
                if not self.table.isRowHidden(r) and (item := self.table.item(r, 0)) is not None]


def open_palette(registry: ActionRegistry, parent: QWidget) -> CommandPalette:
    """Opens the command palette over ``parent``, the cursor in its search box."""
    palette = CommandPalette(registry, parent)
    palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    palette.open()
    palette.activateWindow()
    palette.search.setFocus()
    return palette


def show_shortcuts(registry: ActionRegistry, parent: QWidget) -> ShortcutsDialog:
    """Opens Help > Keyboard shortcuts over ``parent``."""
    dialog = ShortcutsDialog(registry, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
