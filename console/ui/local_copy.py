"""The window's control of the local copies (issue 17): their progress on Qt signals, the status bar's sync line.

:class:`CopyBridge` listens to :class:`~console.services.mirror.copies.LocalCopies` (its listener runs
on the Qt thread: the loop is qasync's) and says each change as a Qt signal, so widgets follow the
copies without knowing the service's callbacks. :class:`SyncStatus` is the status bar's widget: the
dataset being synced now ("Syncing Marketing contacts: 12,400 of about 20,000") with Pause/Resume and
Cancel, hidden while nothing syncs. What a copy has to say once (kept in memory without a keychain,
rebuilt after damage) is said once, in a box (:func:`console.ui.notices.copy_notice`).
:func:`attach_copies` wires all of it into the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from console.services.mirror.sync_progress import Phase, SyncProgress
from console.ui.status import ThrottledLabel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from console.services.mirror.copies import LocalCopies
    from console.ui.window import MainWindow

#: How long the status bar says a sync stopped (failed or cancelled), in ms.
STOPPED_MS = 10000


def synced_words(seconds: float) -> str:
    """How long ago a copy was brought up to date: "synced just now", "synced 4 min ago", "synced 3 h ago"."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return "synced just now"
    if minutes < 60:
        return f"synced {minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"synced {hours} h ago"
    return f"synced {hours // 24} days ago"


class CopyBridge(QObject):
    """The local copies' changes as Qt signals, and the controls a person uses on them.

    Args:
        service: The window's local copies.
        parent: Qt parent.

    Signals:
        progressChanged(str, object): A dataset's sync moved on (account id, :class:`SyncProgress`).
        copyChanged(str): An account's copy was opened or forgotten (account id).
        noticeReady(str, str): A copy has something to say, said once (account id, plain sentence).
    """

    progressChanged = Signal(str, object)
    copyChanged = Signal(str)
    noticeReady = Signal(str, str)

    def __init__(self, service: LocalCopies, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._said: set[tuple[str, str]] = set()
        self._stop: Callable[[], None] | None = service.listen(self._heard)

    def stop(self) -> None:
        """Stops listening (the window closes; the copies may outlive it)."""
        if self._stop is not None:
            self._stop()
            self._stop = None

    def _heard(self, account_id: str, progress: SyncProgress | None) -> None:
        if progress is not None:
            self.progressChanged.emit(account_id, progress)
            if progress.phase is Phase.FAILED:  # a copy found damaged while in use is rebuilt: said once
                self.say_notice(account_id)
            return
        self.copyChanged.emit(account_id)
        self.say_notice(account_id)

    def say_notice(self, account_id: str) -> None:
        """Says the copy's notice, unless it was said already."""
        text = self.service.notice(account_id)
        if text and (account_id, text) not in self._said:
            self._said.add((account_id, text))
            self.noticeReady.emit(account_id, text)

    # -- what there is ------------------------------------------------------------------------------

    def kept(self, account_id: str) -> bool:
        """Whether the account keeps a local copy (*Keep a local copy*)."""
        try:
            return self.service.accounts.get(account_id).local_copy
        except KeyError:
            return False

    def is_open(self, account_id: str) -> bool:
        """Whether the account's copy is open (and syncing in the background)."""
        return self.service.sync(account_id) is not None

    def paused(self, account_id: str) -> bool:
        """Whether a pause holds the account's sync."""
        sync = self.service.sync(account_id)
        return sync is not None and sync.paused

    def active(self) -> list[SyncProgress]:
        """What every open copy is syncing now (one a copy), the status bar's first."""
        first = self.service.current()
        others = []
        for account in self.service.accounts.accounts():
            sync = self.service.sync(account.id)
            current = sync.current if sync is not None else None
            if current is not None and (first is None or current.account_id != first.account_id):
                others.append(current)
        return [first, *others] if first is not None else others

    def lines(self, account_id: str, now: float | None = None) -> list[str]:
        """The accounts manager's lines on an account's copy: where it is, then each mirrored dataset."""
        if not self.kept(account_id):
            return ["No local copy: lists and lookups ask the vendor each time."]
        sync = self.service.sync(account_id)
        if sync is None:
            return ["Local copy: not open yet (Sync now opens it and fetches what is missing)."]
        if sync.mirror.on_disk:
            where = "on this computer, encrypted"
        elif self.service.accounts.get(account_id).demo:
            where = "in memory for this session (the demo's data is made afresh at each start)"
        else:
            where = "in memory for this session (fetched again after a restart)"
        lines = [f"Local copy: {where}."]
        now = time.time() if now is None else now
        for progress in self.service.progress(account_id):
            text = progress.text
            when = self.service.synced_at(account_id, progress.dataset)
            if when is not None and progress.phase in (Phase.DONE, Phase.IDLE):
                text += f" ({synced_words(now - when)})"
            if progress.phase is not Phase.PAUSED and self.paused(account_id) and progress.active:
                text += " · pausing after this page"
            lines.append(text)
        return lines

    # -- control ------------------------------------------------------------------------------------

    def pause(self, account_id: str) -> None:
        """Holds the account's sync before its next request."""
        self.service.pause(account_id)
        self.copyChanged.emit(account_id)

    def resume(self, account_id: str) -> None:
        """Lets the account's paused sync go on."""
        self.service.resume(account_id)
        self.copyChanged.emit(account_id)

    def cancel(self, account_id: str) -> None:
        """Stops the account's running round (what is stored stays; the next one goes on from there)."""
        self.service.cancel(account_id)
        self.copyChanged.emit(account_id)


class SyncStatus(QWidget):
    """The status bar's sync line with Pause/Resume and Cancel; hidden while nothing syncs.

    Args:
        bridge: The copies' signals and controls.
        parent: Qt parent.

    Signals:
        messageRequested(str, int): A passing note (a sync failed or was cancelled) and how long to show it (ms).
    """

    messageRequested = Signal(str, int)

    def __init__(self, bridge: CopyBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.bridge = bridge
        self.label = ThrottledLabel("")
        self.label.setObjectName("syncText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # account names are not markup
        self.pause_button = QToolButton()
        self.pause_button.setObjectName("syncPause")
        self.pause_button.setText("Pause")
        self.pause_button.setToolTip("Hold the sync after the page on its way (what is stored stays)")
        self.pause_button.clicked.connect(lambda _c=False: self.toggle_pause())
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("syncCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop this sync: what is stored stays, and the next sync goes on from there")
        self.cancel_button.clicked.connect(lambda _c=False: self.cancel())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.cancel_button)
        #: The account whose sync the line shows (``None``: hidden).
        self.account_id: str | None = None
        bridge.progressChanged.connect(self._on_progress)
        bridge.copyChanged.connect(lambda _account: self.refresh())
        self.refresh()

    def _on_progress(self, _account_id: str, progress: SyncProgress) -> None:
        if progress.phase in (Phase.FAILED, Phase.CANCELLED):
            self.messageRequested.emit(progress.text, STOPPED_MS)
        self.refresh()

    def refresh(self) -> None:
        """Shows what syncs now (the first copy's dataset, and how many other copies sync), or hides."""
        active = self.bridge.active()
        if not active:
            self.account_id = None
            self.label.show_now("")
            self.hide()
            return
        first = active[0]
        self.account_id = first.account_id
        paused = self.bridge.paused(first.account_id)
        text = first.text
        if paused and first.phase is not Phase.PAUSED:
            text = f"Pausing the sync of {first.what} after this page"
        if len(active) > 1:
            more = len(active) - 1
            text += f" · {more} more account{'s' if more > 1 else ''} syncing"
        self.label.show_text(text)
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setToolTip("Go on with the sync" if paused
                                     else "Hold the sync after the page on its way (what is stored stays)")
        self.show()

    def toggle_pause(self) -> None:
        """Pause (or Resume) the sync shown."""
        if self.account_id is None:
            return
        if self.bridge.paused(self.account_id):
            self.bridge.resume(self.account_id)
        else:
            self.bridge.pause(self.account_id)

    def cancel(self) -> None:
        """Cancel the sync shown."""
        if self.account_id is not None:
            self.bridge.cancel(self.account_id)


class CopyNotices:
    """Says each copy's notice once, in one box (a second notice while it is open joins it).

    Args:
        parent: The window.
        bridge: The copies' signals.
    """

    def __init__(self, parent: QWidget, bridge: CopyBridge) -> None:
        self.parent = parent
        self.box: QMessageBox | None = None
        self.texts: list[str] = []
        bridge.noticeReady.connect(lambda _account, text: self.say(text))

    def say(self, text: str) -> None:
        """Shows ``text`` (in the box already open, or a new one)."""
        from console.ui.notices import copy_notice

        if self.box is not None and self.box.isVisible():
            self.texts.append(text)
            self.box.setInformativeText("\n\n".join(self.texts))
            return
        self.texts = [text]
        self.box = copy_notice(self.parent, text)
        self.box.show()  # not modal: the window stays usable


class CopyControl:
    """What the window shows of its local copies (:func:`attach_copies`).

    Attributes:
        bridge: The copies' signals and controls.
        status: The status bar's sync line.
        notices: Says each copy's notice once.
    """

    def __init__(self, window: MainWindow, copies: LocalCopies) -> None:
        self.bridge = CopyBridge(copies, window)
        self.status = SyncStatus(self.bridge)
        self.notices = CopyNotices(window, self.bridge)


def attach_copies(window: MainWindow, copies: LocalCopies | None) -> CopyControl | None:
    """Shows the local copies in the window: the status bar's sync line, the notices, the controls.

    Args:
        window: The main window (built; its controller made).
        copies: The window's local copies; ``None``: nothing shows.

    Returns:
        What shows them, or ``None`` without copies.
    """
    if copies is None:
        return None
    control = CopyControl(window, copies)
    bridge = control.bridge
    control.status.messageRequested.connect(window.statusBar().showMessage)
    window.status_panel.add_sync_status(control.status)
    window.settings.copies = copies
    if window.controller is not None:
        window.controller.copies = bridge
        window.tree.syncRequested.connect(window.controller.spawn_sync_now)
        window.tree.can_sync = bridge.kept
    window.closed.connect(bridge.stop)
    for account in copies.accounts.accounts():  # a copy opened before the window came
        if copies.sync(account.id) is not None:
            bridge.say_notice(account.id)
    return control
