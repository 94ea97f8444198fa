"""One list read from its account's local copy (issue 17): what changes for the person looking at it.

Once a dataset's copy is complete and the list's filters are ones the copy applies
(:meth:`LocalCopies.answers <console.services.mirror.copies.LocalCopies.answers>`), the list's pages
come from the copy (:meth:`DatasetService.list_page <console.services.datasets.DatasetService.list_page>`
decides; :class:`CopyList` only follows). Then:

* every column header sorts (the copy orders by the column itself); an order only the copy gives
  goes back to the default before the list asks the vendor again;
* the search box finds any part of any column, whatever the case and accents ("muller" finds
  "Müller"); the vendor's rules for the box (a whole email) no longer hold it back;
* the footer says where the rows come from and how fresh they are ("20,000 contacts · from the
  local copy · synced 2 min ago"), or that the list is live from the vendor while the copy syncs;
* Ctrl+End opens the list at its last :data:`END_ROWS` rows in one read (the row numbers and the
  footer say which rows they are; Ctrl+Home goes back to the top), not 400 pages later; scrolled to
  its top, it reads the rows above a block at a time (:mod:`console.ui.rows_above`) and keeps its place;
* a record selected is read fresh from the vendor, and its row follows (the copy hears of it too);
* F5 (and Refresh) asks the copy to refresh the account now, incrementally ("checking Systeme.io for
  changes…" in the footer), and reads the rows again in place once the dataset's refresh is done; a
  refresh that fails leaves the rows as they are and the footer says why;
* a refresh of the schedule (or *Sync now*) that brought changes reads the rows again in place; one
  that brought nothing only moves the "synced … ago" words;
* a record read fresh a moment ago (opened from the lookup) is not read again when it is selected;
* a list shown live reloads in place once its dataset's copy is complete; a forgotten copy sends the
  next reload to the vendor (a page asked of the gone copy fails with its
  :class:`~console.services.mirror.copies.CopyGone` message; Retry or F5 reloads from the vendor).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from console.core import log
from console.core.errors import ConsoleError, NotFound
from console.core.models import Cursor, DatasetSpec, Query, Record
from console.core.settings import AccountConfig
from console.services.datasets import DatasetService, LocalSource
from console.services.mirror.copies import CopyGone, local_cursor, local_offset
from console.services.mirror.sync_progress import Phase, SyncProgress
from console.ui.list_query import ListQuery
from console.ui.qtasync import TaskSet
from console.ui.table_model import PagedTableModel

#: Rows asked per page of a run over a local copy (*Jump to now*, or Ctrl+End with few rows left).
BULK_ROWS = 5000
#: Ctrl+End over a local copy opens the list at its last rows, this many (one read, whatever the total).
END_ROWS = 1000
#: How long a selection must stay on a record before it is read fresh (arrowing down reads nothing).
REREAD_MS = 350
#: How often the "synced ... ago" words are brought up to date.
STAMP_MS = 30_000


def synced_text(seconds: float) -> str:
    """How long ago a copy was synced, in words ("synced just now", "synced 2 min ago", "synced 3 h ago")."""
    if seconds < 60:
        return "synced just now"
    if seconds < 3600:
        return f"synced {int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"synced {int(seconds // 3600)} h ago"
    return f"synced {int(seconds // 86400)} days ago"


def brought_changes(done: SyncProgress, reading: Phase | None) -> bool:
    """Whether a dataset's finished sync changed its copy (so a list read from it reads its rows again).

    A refresh counts the records it found new or changed (:attr:`SyncProgress.fetched`), a full pass
    (``reading`` SYNCING, or not seen) in :attr:`SyncProgress.changed`; a pass that cannot say (resumed
    after a restart) counts as a change (the rows read again in place only repaint when they are the same).
    """
    if reading is Phase.REFRESHING:
        return done.fetched > 0 or done.removed > 0
    return done.changed is None or done.changed > 0 or done.removed > 0


def changes_text(done: SyncProgress, reading: Phase | None, vendor_name: str, label: str) -> str:
    """What F5's refresh found, for the status bar ("Systeme.io: 2 contacts new or changed")."""
    if reading is not Phase.REFRESHING:  # a full pass: every record read again
        if done.changed == 0 and not done.removed:
            return f"The local copy was checked against all of {vendor_name}: no changes."
        news = f", {done.changed:,} {label} new or changed" if done.changed else ""
        gone = f", {done.removed:,} deleted there removed" if done.removed else ""
        return f"The local copy was checked against all of {vendor_name}{news}{gone}."
    if done.fetched == 0 and done.removed == 0:
        return f"No changes at {vendor_name}: the local copy is up to date."
    parts = [f"{done.fetched:,} {label} new or changed"] if done.fetched else []
    if done.removed:
        parts.append(f"{done.removed:,} deleted there removed")
    return f"{vendor_name}: {', '.join(parts)}; the list shows them."


def needs_reload(error: ConsoleError | None) -> bool:
    """Whether a failed page can only be helped by reloading the list (its local copy is gone)."""
    return isinstance(error, CopyGone)


class CopyList(QObject):
    """Whether one list reads from its account's local copy, and what follows from it.

    Args:
        datasets: The dataset service (its ``local`` is the window's copies, or ``None``).
        account: The account.
        vendor_name: The vendor's display name.
        spec: The dataset.
        list_query: The list's filters and order (every column sorts while the copy answers).
        model: The list's rows.
        tasks: Where fresh reads run (cancelled with the list).
        parent: Qt parent.
        clock: Unix time now (tests).

    Attributes:
        stamp: The footer's words on where the rows come from ("from the local copy, synced 2 min ago").
        from_copy: The rows shown came from the local copy.
        checking: F5's refresh of the copy is on its way.
        refresh_error: Why the copy's last refresh failed, in words ("" once one succeeds).

    Signals:
        reloadWanted(): The rows should be read again, in place: the dataset's copy became complete while
            the list shows live rows, or a refresh of the copy brought changes (or F5 asked for it).
        recordRead(object): A selected record read fresh from the vendor (its row follows).
        recordGone(str): A selected record the vendor no longer has (its id).
        statusMessage(str): A short note for the status bar.
    """

    reloadWanted = Signal()
    recordRead = Signal(object)
    recordGone = Signal(str)
    statusMessage = Signal(str)

    def __init__(self, datasets: DatasetService, account: AccountConfig, vendor_name: str, spec: DatasetSpec,
                 list_query: ListQuery, model: PagedTableModel, tasks: TaskSet, parent: QObject | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.datasets = datasets
        self.account = account
        self.vendor_name = vendor_name
        self.spec = spec
        self.list_query = list_query
        self.model = model
        self.tasks = tasks
        self.clock = clock
        self.from_copy = False
        self.stamp = QLabel()
        self.stamp.setObjectName("copyStamp")
        self.stamp.setTextFormat(Qt.TextFormat.PlainText)
        self.stamp.hide()
        self._listening: LocalSource | None = None
        self._stop: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(STAMP_MS)
        self._timer.timeout.connect(self.update)
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.setInterval(REREAD_MS)
        self._reread.timeout.connect(self._reread_now)
        self._wanted: str | None = None
        self.checking = False
        self.refresh_error = ""
        self._reading: Phase | None = None  # what the dataset's sync is doing: a refresh or a full pass
        self._finished: Phase | None = None  # what the one that finished last was
        list_query.local_sorts = self.answers
        list_query.changed.connect(self.update)
        model.pageSettled.connect(self.update)  # the exact total came with the page
        model.cursor_at = local_cursor  # a list opened at its end reads the rows above at their offset
        self.listen()

    # -- the copy ---------------------------------------------------------------------------------------

    def local(self) -> LocalSource | None:
        """The window's copies (``None``: none, lists always go to the vendor)."""
        return self.datasets.local

    def answers(self, query: Query | None = None) -> bool:
        """Whether the copy answers the list with this query (the list's own by default)."""
        local = self.local()
        return local is not None and local.answers(self.account.id, self.spec.name,
                                                   self.list_query.query if query is None else query)

    def kept(self) -> bool:
        """Whether the account keeps a copy of this dataset that is open (complete or syncing)."""
        local = self.local()
        return local is not None and local.kept(self.account.id, self.spec.name)

    def listen(self) -> None:
        """Hears of the copies' changes (again, when the window's copies were replaced)."""
        local = self.local()
        if local is self._listening:
            return
        self.stop()
        if local is not None:
            self._stop = local.listen(self._heard)
        self._listening = local

    def stop(self) -> None:
        """Stops hearing of the copies and stops the timers (the list is closing)."""
        if self._stop is not None:
            self._stop()
        self._stop = None
        self._listening = None
        self._timer.stop()
        self._reread.stop()

    def _heard(self, account_id: str, progress: SyncProgress | None) -> None:
        if account_id != self.account.id:
            return
        if progress is not None and progress.dataset != self.spec.name:
            return
        if progress is not None:
            self._follow(progress)
        self.update()

    def _follow(self, progress: SyncProgress) -> None:
        if progress.phase in (Phase.REFRESHING, Phase.SYNCING):
            self._reading = progress.phase
            return
        if progress.phase is Phase.FAILED:
            self.refresh_error = progress.error
            return
        if progress.phase is not Phase.DONE:
            return
        self.refresh_error = ""
        if not self.from_copy:
            if self.answers():
                self.reloadWanted.emit()
        elif not self.checking and brought_changes(progress, self._reading):
            self.reloadWanted.emit()  # F5's refresh reloads once it returns, so only once
        self._finished, self._reading = self._reading, None

    # -- pages ------------------------------------------------------------------------------------------

    def before_first_page(self) -> bool:
        """Called as a list asks for its first page: whether that page will come from the copy.

        A list the copy does not answer goes back to an order the vendor gives, if it was in one only
        the copy gives.
        """
        self.listen()
        if self.answers():
            return True
        self.list_query.keep_to_vendor()
        return False

    def reads_copy(self, cursor: Cursor) -> bool:
        """Whether a page after the first comes from the copy (it carries the copy's cursor)."""
        return local_offset(cursor) is not None

    def came(self, from_copy: bool) -> None:
        """A first page came (from the copy or the vendor): the header, the search box and the footer follow."""
        self.from_copy = from_copy
        self.model.set_local_sort(from_copy)
        self.update()

    def end_window(self) -> tuple[Cursor, int] | None:
        """Where Ctrl+End opens a list read from the copy: its last :data:`END_ROWS` rows, at once.

        Returns:
            The copy's cursor of the first of those rows and how many come before it; ``None`` when the
            list is not the copy's or what is left is a page or two (it loads the ordinary way).
        """
        total = self.model.total
        if not self.from_copy or total is None or total - self.model.base - self.model.rowCount() <= END_ROWS:
            return None
        base = max(0, total - END_ROWS)
        return local_cursor(base), base

    def window(self) -> tuple[Cursor, int] | None:
        """Where a list read from the copy and opened at its end begins (the copy's cursor, rows before it).

        ``None``: the list begins at its start (or is not the copy's).
        """
        base = self.model.base
        return (local_cursor(base), base) if self.from_copy and base else None

    def run_page(self) -> int | None:
        """Rows to ask per page of a run to the end: many from the copy, else the list's page size."""
        return BULK_ROWS if self.from_copy else None

    # -- what the person sees ---------------------------------------------------------------------------

    def text(self) -> str:
        """The footer's words on the rows' source ("" when the account keeps no copy of this list)."""
        local = self.local()
        kept = self.kept()
        if self.from_copy:
            if local is None or not kept:
                return f"From the local copy, which was forgotten: F5 loads the list from {self.vendor_name}"
            total = self.model.total
            count = f"{total:,} {self.spec.label.lower()} · " if total is not None else ""
            synced = local.synced_at(self.account.id, self.spec.name)
            fresh = f" · {synced_text(max(0.0, self.clock() - synced))}" if synced is not None else ""
            if self.checking:
                fresh = f" · checking {self.vendor_name} for changes…"
            elif self.refresh_error:
                fresh += f" · could not be refreshed: {self.refresh_error}"
            return f"{count}from the local copy{fresh}"
        if not kept:
            return ""
        if self.answers(Query()):
            return f"Live from {self.vendor_name} · the local copy cannot apply these filters"
        return f"Live from {self.vendor_name} · the local copy is syncing"

    def update(self) -> None:
        """Brings the footer's words and the search box's mode up to date."""
        text = self.text()
        self.stamp.setText(text)
        self.stamp.setVisible(bool(text))
        self.stamp.setToolTip(f"Rows, totals, sorting and search come from the copy kept on this computer; "
                              f"a record you select is read fresh from {self.vendor_name}."
                              if self.from_copy else f"Rows come from {self.vendor_name} as you scroll.")
        if self.from_copy and not self._timer.isActive():
            self._timer.start()
        elif not self.from_copy:
            self._timer.stop()
        filters = self.list_query.filters
        if filters is not None:
            filters.set_local_search(self.answers(), offered=self.answers(Query()))

    # -- F5: the copy refreshed now ------------------------------------------------------------------

    def refresh(self) -> bool:
        """F5 on the list: when its rows come from the copy, the copy is refreshed now (then the rows in place).

        Returns:
            Whether the copy takes it; ``False``: the list reloads the ordinary way (it is live, its copy
            was forgotten, or its last page failed).
        """
        local = self.local()
        if local is None or not self.from_copy or not self.kept() or self.model.error is not None:
            return False
        if not self.checking:
            self.checking = True
            self.update()
            self.statusMessage.emit(f"Checking {self.vendor_name} for changes…")
            self.tasks.spawn(self.refresh_copy(local))
        return True

    async def refresh_copy(self, local: LocalSource) -> SyncProgress | None:
        """Refreshes the copy and then the rows (the coroutine tests may await).

        Returns:
            How the dataset's refresh ended (``None``: the copy is no longer kept).
        """
        try:
            outcome = await local.refresh(self.account.id, self.spec.name)
        except ConsoleError as exc:
            log.ui.info("refresh of the local copy of %s failed: %s", self.spec.name, exc)
            outcome = None
            self.refresh_error = exc.user_message.text
        finally:
            self.checking = False
        if outcome is None and not self.refresh_error:
            self.reloadWanted.emit()  # the copy went meanwhile: the next rows say where they come from
        elif outcome is not None and outcome.phase is Phase.DONE:
            self.refresh_error = ""
            self.reloadWanted.emit()
            self.statusMessage.emit(changes_text(outcome, self._finished, self.vendor_name, self.spec.label.lower()))
        else:
            if outcome is not None:
                self.refresh_error = outcome.error or "The refresh was cancelled."
            self.statusMessage.emit(f"The local copy could not be refreshed from {self.vendor_name}: "
                                    f"{self.refresh_error} The rows shown are as last synced.")
        self.update()
        return outcome

    # -- a record opened is read fresh ------------------------------------------------------------------

    def selected(self, record: Record | None) -> None:
        """The selection moved: a record of the copy that stays selected a moment is read fresh.

        Not one read fresh a moment ago (opened from the lookup, which read it on the way).
        """
        self._wanted = record.id if record is not None and self.from_copy and not self._just_read(record.id) else None
        if self._wanted is None:
            self._reread.stop()
        else:
            self._reread.start()

    def _just_read(self, record_id: str) -> bool:
        return self.datasets.read_fresh(self.account.id, self.spec.name, record_id)

    def _reread_now(self) -> None:
        if self._wanted is not None and not self._just_read(self._wanted):
            self.tasks.spawn(self.reread(self._wanted))

    async def reread(self, record_id: str) -> Record | None:
        """Reads a record fresh from the vendor (the copy keeps it too); its row follows through the signals.

        Returns:
            The fresh record, or ``None`` when it is gone or could not be read (the status bar says).
        """
        try:
            fresh = await self.datasets.get(self.account.id, self.spec.name, record_id)
        except NotFound:
            self.recordGone.emit(record_id)
            self.statusMessage.emit(f"{self.spec.noun.capitalize()} {record_id} is no longer in "
                                    f"{self.vendor_name}: it was taken out of the list and the local copy.")
            return None
        except ConsoleError as exc:
            log.ui.info("fresh read of %s %s failed: %s", self.spec.name, record_id, exc)
            self.statusMessage.emit(f"Could not read {self.spec.noun} {record_id} fresh from {self.vendor_name}: "
                                    f"{exc.user_message.title}. The local copy's version is shown.")
            return None
        self.recordRead.emit(fresh)
        return fresh

