"""The window's frame: its size on this screen, maximised or not, and the accounts pane that folds away.

:class:`WindowFrame` decides where the window opens the first time (:func:`first_geometry`: most
of a large screen, the whole of a small one), remembers its size, place and whether it was
maximised, and owns the splitter between the accounts pane and the rest. The accounts pane folds
away with View > Accounts pane (Ctrl+B) or by dragging the splitter to the left edge; a window
opened narrow starts with it folded.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from console.ui.layout import LayoutStore

#: The smallest first size on a screen with room for it.
DEFAULT_SIZE = (1360, 820)
#: The accounts pane's width, and the rest's, when nothing is remembered.
DEFAULT_SPLIT = [220, 1140]
#: A screen whose free area is smaller than this opens the window maximised the first time.
SMALL_SCREEN = QSize(1280, 800)
#: Below this width the accounts pane starts folded (unless the person chose to show it).
NARROW_WIDTH = 1100


def first_geometry(available: QRect) -> tuple[QRect, bool]:
    """Where the window opens when nothing is remembered.

    Args:
        available: The screen's free area (without panels and docks).

    Returns:
        The window's rectangle, centred on the screen, and whether to maximise it (a small screen:
        every pixel counts).
    """
    if available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height():
        return QRect(available), True
    width = min(max(DEFAULT_SIZE[0], int(available.width() * 0.8)), int(available.width() * 0.92))
    height = min(max(DEFAULT_SIZE[1], int(available.height() * 0.8)), int(available.height() * 0.92))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect, False


class WindowFrame:
    """The window's geometry and its accounts pane.

    Args:
        window: The main window.
        store: Where the geometry, the maximised state and the panes are remembered.
    """

    def __init__(self, window: QMainWindow, store: LayoutStore) -> None:
        self.window = window
        self.store = store
        self.splitter: QSplitter | None = None
        self.sidebar: QWidget | None = None
        self.pane_action: QAction | None = None
        self._maximise = False
        geometry = store.state("window/geometry")
        if geometry is not None and window.restoreGeometry(geometry):
            self._maximise = store.text("window/maximized") == "yes"
        else:
            self._place_first_time()

    def _place_first_time(self) -> None:
        rect, self._maximise = first_geometry(self.window.screen().availableGeometry())
        self.window.setGeometry(rect)

    def show(self) -> None:
        """Shows the window as it was left (maximised again if it was)."""
        if self._maximise:
            self.window.showMaximized()
        else:
            self.window.show()

    def build(self, sidebar: QWidget, rest: QWidget) -> QSplitter:
        """The splitter of the accounts pane and ``rest``, as last left; returns it (the central widget)."""
        self.sidebar = sidebar
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(sidebar)
        splitter.addWidget(rest)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, True)  # drag it to the edge: the accounts pane folds away
        splitter.setCollapsible(1, False)
        splitter.setSizes(DEFAULT_SPLIT)
        saved = self.store.state("window/splitter")
        if saved is not None:
            splitter.restoreState(saved)
        pane = self.store.text("window/accounts_pane")
        if pane == "hidden" or (not pane and self.window.width() < NARROW_WIDTH and not self._maximise):
            sidebar.hide()
        return splitter

    @property
    def accounts_pane_shown(self) -> bool:
        """Whether the accounts pane is shown (not folded, not dragged shut)."""
        if self.splitter is None or self.sidebar is None:
            return True
        return not self.sidebar.isHidden() and self.splitter.sizes()[0] > 0

    def bind(self, action: QAction) -> None:
        """The View menu's check mark follows the pane (also when it is dragged shut or open)."""
        self.pane_action = action
        self._sync_check()
        if self.splitter is not None:
            self.splitter.splitterMoved.connect(lambda _pos, _index: self._sync_check())

    def _sync_check(self) -> None:
        if self.pane_action is not None:
            self.pane_action.blockSignals(True)  # only a person's choice toggles the pane
            self.pane_action.setChecked(self.accounts_pane_shown)
            self.pane_action.blockSignals(False)

    def toggle_accounts_pane(self) -> None:
        """View > Accounts pane (Ctrl+B): as the menu's check mark now says."""
        on = self.pane_action.isChecked() if self.pane_action is not None else not self.accounts_pane_shown
        self.show_accounts_pane(on)

    def show_accounts_pane(self, on: bool) -> None:
        """Shows or folds the accounts pane; remembered."""
        if self.splitter is None or self.sidebar is None:
            return
        self.sidebar.setVisible(on)
        if on and self.splitter.sizes()[0] == 0:  # dragged shut before: open it at its usual width
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([DEFAULT_SPLIT[0], max(1, total - DEFAULT_SPLIT[0])])
        self.store.set("window/accounts_pane", "shown" if on else "hidden")
        self._sync_check()

    def save(self) -> None:
        """Remembers the geometry, whether the window is maximised, and the splitter."""
        window = self.window
        self.store.set("window/geometry", window.saveGeometry())
        self.store.set("window/maximized", "yes" if window.isMaximized() else "no")
        if self.splitter is not None:
            self.store.set("window/splitter", self.splitter.saveState())

    def reset(self) -> None:
        """View > Reset layout: the first start's size and panes (the store was cleared by the caller)."""
        if self.splitter is not None and self.sidebar is not None:
            self.sidebar.show()
            self.splitter.setSizes(DEFAULT_SPLIT)
            self._sync_check()
        if self.window.isMaximized() or self.window.isFullScreen():
            self.window.showNormal()
        self._place_first_time()
        if self._maximise:
            self.window.showMaximized()
