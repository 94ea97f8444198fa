"""File > Export: one export at a time, of the list shown, into a file the person chooses.

:class:`ExportRunner` asks for the file (the dialog opens in the folder last exported to, at first
the user's Downloads folder), starts the :class:`~console.ui.export.ExportJob` (progress in
the status bar's export bar), counts the account's rate-limit waits for it and says how it ended.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from console.services.accounts import AccountService
    from console.ui.dataset_view import DatasetView
    from console.ui.export import ExportBar, ExportJob
    from console.ui.layout import LayoutStore
    from console.ui.observer import QtHttpObserver
    from console.ui.qtasync import TaskSet


class ExportRunner(QObject):
    """Runs the window's exports.

    Args:
        bar: Where an export's progress shows.
        tasks: Where the export runs (the window's: closing cancels it).
        parent: The window (the file dialog's and error box's parent).
        show_message: Puts a note on the status bar for so many ms.
        remember: Keeps the folder last exported to (the window's layout store); without it the
            folder is remembered for the session only.
    """

    #: The layout store's key of the folder last exported to.
    FOLDER_KEY = "export/folder"

    def __init__(self, bar: ExportBar, tasks: TaskSet, parent: QWidget,
                 show_message: Callable[[str, int], None], remember: LayoutStore | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.tasks = tasks
        self.parent_widget = parent
        self.show_message = show_message
        self.remember = remember
        self.folder = remember.text(self.FOLDER_KEY) if remember is not None else ""
        self.job: ExportJob | None = None

    def running(self) -> bool:
        """Whether an export is on its way."""
        return self.job is not None and self.job.task is not None and not self.job.task.done()

    async def export(self, accounts: AccountService | None, observer: QtHttpObserver | None,
                     view: DatasetView | None, path: Path | None = None) -> ExportJob | None:
        """Exports ``view`` (its filters and order) to ``path`` (asked for when ``None``).

        Returns:
            The finished (or stopped) job, or ``None`` when none started.
        """
        import asyncio
        import re

        from console.ui.export import ExportJob, choose_file, start_folder
        from console.ui.messages import show_error

        if view is None or accounts is None or observer is None:
            self.show_message("Open an account's list first.", 5000)
            return None
        if self.running():
            self.show_message("An export is already running: cancel it or wait for it to end.", 6000)
            return None
        if path is None:
            suggested = re.sub(r"[^\w.]+", "-", f"{view.account.label} {view.spec.name}").strip("-") + ".csv"
            path = await choose_file(self.parent_widget, suggested, start_folder(self.folder))
            if path is None:
                return None
            self.folder = str(path.parent)  # the next export's dialog opens here
            if self.remember is not None:
                self.remember.set(self.FOLDER_KEY, self.folder)
        job = self.job = ExportJob(accounts, view, path, self.bar)
        observer.waitStarted.connect(job.counted_wait)
        job.finished.connect(lambda text: self.show_message(text, 20000))
        job.failed.connect(lambda exc: show_error(self.parent_widget, exc, "The export stopped."))
        job.task = self.tasks.spawn(job.run())
        try:
            await asyncio.shield(job.task)
        finally:
            observer.waitStarted.disconnect(job.counted_wait)
        return job
