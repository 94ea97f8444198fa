"""File > Export: the current list (its filters and order) to CSV or JSON Lines, with progress.

The progress sits in the status bar (rows, pages, rate-limit waits, a bar when the total is known)
with a Cancel button; the window stays usable. The file appears under the chosen name only once the
export is complete (a temporary file is renamed at the end); a cancelled or failed export leaves
nothing there.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from console.core.errors import ConsoleError
from console.services.export import ExportProgress, export_to_file, format_for
from console.ui.qtasync import dialog_result

if TYPE_CHECKING:
    from console.services.accounts import AccountService
    from console.ui.dataset_view import DatasetView


class ExportBar(QWidget):
    """The status bar's export progress: text, bar and Cancel.

    Signals:
        cancelRequested(): Cancel was pressed.
    """

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportBar")
        self.label = QLabel()
        self.label.setObjectName("exportLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("exportProgress")
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("exportCancel")
        self.cancel.setToolTip("Stop the export; nothing is written under the chosen name")
        self.cancel.clicked.connect(self.cancelRequested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def show_progress(self, text: str, done: int, total: int | None) -> None:
        """Updates the text and the bar (busy when the total is unknown)."""
        self.label.setText(text)
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        self.show()


class ExportJob(QObject):
    """One export of one list to one file.

    Args:
        accounts: Where the account's client comes from.
        view: The list exported (its account, dataset and current query).
        path: The file chosen.
        bar: Where progress shows.

    Signals:
        finished(str): Done, cancelled or failed, with a sentence for the status bar.
        failed(object): The vendor error, when that is how it ended.
    """

    finished = Signal(str)
    failed = Signal(object)

    def __init__(self, accounts: AccountService, view: DatasetView, path: Path, bar: ExportBar) -> None:
        super().__init__(bar)
        self.accounts = accounts
        self.view = view
        self.path = path
        self.bar = bar
        self.fmt = format_for(path)
        self.waits = 0
        self.task: asyncio.Task[None] | None = None
        self.state = ExportProgress()
        self.total = view.model.total
        #: The CSV writer's warnings (columns that came after the header), said at the end.
        self.warnings: list[str] = []

    def counted_wait(self, account_id: str, _seconds: float, _reason: str) -> None:
        """The observer's hold-back signal: counts this account's rate-limit waits."""
        if account_id == self.view.account.id:
            self.waits += 1
            self._show()

    def cancel(self) -> None:
        """Stops the export (the temporary file is removed)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def run(self) -> None:
        """Exports, reporting progress; ends with :attr:`finished`."""
        view = self.view
        self.bar.cancelRequested.connect(self.cancel)
        started = time.perf_counter()
        self._show()
        try:
            client = await self.accounts.client(view.account.id)
            self.state = await export_to_file(client, view.spec.name, self.path, self.fmt, query=view.query,
                                              progress=self._progress, on_warning=self.warnings.append,
                                              spec=view.spec)
        except asyncio.CancelledError:
            self.finished.emit(f"Export of {view.spec.label} cancelled; nothing was written to {self.path.name}.")
            return
        except ConsoleError as exc:
            self.failed.emit(exc)
            self.finished.emit(f"Export of {view.spec.label} failed: {exc.user_message.title}. Nothing was written.")
            return
        except OSError as exc:
            self.finished.emit(f"Could not write {self.path}: {exc.strerror or exc}")
            return
        finally:
            self.bar.hide()
            self.bar.cancelRequested.disconnect(self.cancel)
        seconds = time.perf_counter() - started
        said = [f"{self.state.duplicate_warning()}." if self.state.left_out else "", *self.state.notes,
                *(f"{w[0].upper()}{w[1:]}." for w in self.warnings)]
        self.finished.emit(" ".join([f"Exported {self.state.records:,} {view.spec.noun}s to {self.path} in "
                                     f"{seconds:.1f} s.", *(s for s in said if s)]))

    def _progress(self, state: ExportProgress) -> None:
        self.state = state
        self._show()

    def _show(self) -> None:
        total = f" of {self.total:,}" if self.total else ""
        waits = f" · {self.waits} rate-limit wait{'s' if self.waits != 1 else ''}" if self.waits else ""
        self.bar.show_progress(f"Exporting {self.view.spec.label}: {self.state.records:,}{total} rows · "
                               f"{self.state.pages} pages{waits}", self.state.records, self.total)


def downloads_folder() -> Path:
    """The user's Downloads folder (the desktop's, e.g. ``XDG_DOWNLOAD_DIR``), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(remembered: str) -> Path:
    """Where the save dialog opens: the folder last exported to (while it exists), else Downloads."""
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return downloads_folder()


async def choose_file(parent: QWidget, suggested: str, folder: Path | None = None) -> Path | None:
    """The save dialog: CSV or JSON Lines. ``None`` when the user backs out.

    Args:
        parent: The window.
        suggested: The file name offered.
        folder: Where the dialog opens (default: :func:`downloads_folder`).
    """
    dialog = QFileDialog(parent, "Export")
    dialog.setObjectName("exportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(["CSV, for spreadsheets (*.csv)", "JSON Lines, one record per line (*.jsonl)"])
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDirectory(str(folder or downloads_folder()))
    dialog.selectFile(suggested)
    dialog.filterSelected.connect(lambda chosen: _swap_suffix(dialog, chosen))
    if await dialog_result(dialog) != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    if path.suffix.lower() not in (".csv", ".jsonl"):
        path = path.with_suffix(".csv" if "csv" in dialog.selectedNameFilter().lower() else ".jsonl")
    return path


def _swap_suffix(dialog: Any, chosen: str) -> None:
    files = dialog.selectedFiles()
    if files:
        name = Path(files[0]).stem + (".csv" if "csv" in chosen.lower() else ".jsonl")
        dialog.selectFile(name)
