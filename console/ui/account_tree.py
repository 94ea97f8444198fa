"""The window's left side: the accounts grouped by vendor, with "Add account…" and "Remove" under them.

The tree shows what it is given (:meth:`AccountTree.populate`) and says which account a person
chose (``accountChosen``); choosing one from code (:meth:`AccountTree.show_account`) says nothing.
An account's context menu offers *Sync now* when the window has local copies (``syncRequested``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    from console.core.settings import AccountConfig

#: Qt.ItemDataRole.UserRole + 1, as a plain number. Even importing ``Qt`` creates its ~100 enums
#: (about 28 ms), which the first paint does not wait for: this module imports it only in the methods
#: that run after the paint (tests check the value).
ACCOUNT_ROLE = 257

#: (vendor display name, its accounts), in the sidebar's order.
AccountGroups = Sequence[tuple[str, Sequence["AccountConfig"]]]


def account_tip(vendor_name: str, account: AccountConfig) -> str:
    """The sidebar's tooltip of an account: vendor and address, then each mode that is on."""
    tip = f"{vendor_name} · {account.base_url}"
    if account.demo:
        tip += "\nDemo workspace: a local emulator with made-up data."
    if account.session_only:
        tip += "\nSecret kept for this run only (no keychain)."
    if account.allow_insecure:
        tip += "\nInsecure: plain http:// allowed for this account."
    if account.read_only:
        tip += "\nRead-only (safe mode): no new records, edits or deletes."
    return tip


class AccountTree(QTreeWidget):
    """Accounts grouped under their vendor's bold name.

    Signals:
        accountChosen(str): A person chose an account (account id).
        syncRequested(str): A person chose *Sync now* in an account's context menu (account id).
    """

    accountChosen = Signal(str)
    syncRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountTree")
        self.setHeaderHidden(True)
        self.setIconSize(QSize(16, 16))
        self.currentItemChanged.connect(self._on_current_changed)
        #: Whether an account keeps a local copy (*Sync now* offered); ``None``: the window has no copies.
        self.can_sync: Callable[[str], bool] | None = None

    def populate(self, groups: AccountGroups, select: str | None) -> str | None:
        """Shows the groups and selects ``select`` (else the first account), without saying so.

        Returns:
            The selected account's id, or ``None`` when there is no account.
        """
        from PySide6.QtCore import Qt

        from console.ui.icons import lock_icon

        self.blockSignals(True)
        self.clear()
        target: QTreeWidgetItem | None = None
        first: QTreeWidgetItem | None = None
        for vendor_name, accounts in groups:
            if not accounts:
                continue
            group = QTreeWidgetItem([vendor_name])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.addTopLevelItem(group)
            for account in accounts:
                item = QTreeWidgetItem([account.label])
                item.setData(0, ACCOUNT_ROLE, account.id)
                if account.read_only:
                    item.setIcon(0, lock_icon())
                item.setToolTip(0, account_tip(vendor_name, account))
                group.addChild(item)
                first = first or item
                if account.id == select:
                    target = item
            group.setExpanded(True)
        pick = target or first
        if pick is not None:
            self.setCurrentItem(pick)
        self.blockSignals(False)
        return str(pick.data(0, ACCOUNT_ROLE)) if pick is not None else None

    def show_account(self, account_id: str) -> None:
        """Keeps the selection on the account shown (also when chosen from code), without saying so."""
        current = self.currentItem()
        if current is not None and current.data(0, ACCOUNT_ROLE) == account_id:
            return
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            for j in range(group.childCount() if group is not None else 0):
                item = group.child(j) if group is not None else None
                if item is not None and item.data(0, ACCOUNT_ROLE) == account_id:
                    self.blockSignals(True)
                    self.setCurrentItem(item)
                    self.blockSignals(False)
                    return

    def clear_choice(self) -> None:
        """Selects nothing (choosing the account again on the left reopens it)."""
        from PySide6.QtCore import QModelIndex

        self.blockSignals(True)
        self.clearSelection()
        self.setCurrentIndex(QModelIndex())
        self.blockSignals(False)

    def context_menu(self, account_id: str) -> QMenu | None:
        """An account's context menu (``None``: nothing to offer)."""
        from PySide6.QtWidgets import QMenu

        if self.can_sync is None:
            return None
        menu = QMenu(self)
        menu.setObjectName("accountMenu")
        action = menu.addAction("Sync now")
        action.setObjectName("syncNowAction")
        kept = self.can_sync(account_id)
        action.setEnabled(kept)
        action.setToolTip("Bring the account's local copy up to date now" if kept
                          else "This account keeps no local copy (File > Accounts: Keep a local copy)")
        menu.setToolTipsVisible(True)
        action.triggered.connect(lambda _checked=False: self.syncRequested.emit(account_id))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Shows the account's context menu under the pointer (without waiting for it)."""
        item = self.itemAt(event.pos())
        account_id = item.data(0, ACCOUNT_ROLE) if item is not None else None
        menu = self.context_menu(str(account_id)) if account_id else None
        if menu is None:
            super().contextMenuEvent(event)
            return
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(event.globalPos())

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        account_id = current.data(0, ACCOUNT_ROLE) if current is not None else None
        if account_id:
            self.accountChosen.emit(str(account_id))


class AccountSidebar(QWidget):
    """The "Accounts" title, the tree and the two buttons under it.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = AccountTree()
        self.add_button = QPushButton("Add account…")
        self.add_button.setObjectName("addAccountButton")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeAccountButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        title = QLabel("Accounts")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
