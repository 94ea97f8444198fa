"""What closing the window waits for: unsaved forms (asked about), then held deletes (sent, or dropped if told).

The window's ``closeEvent`` asks :meth:`CloseGuard.may_close`. While a form holds unsaved changes or a
delete waits behind "Undo", the close is refused and the guard asks its question (once at a time);
once the person answers (or the system ends the session), the guard settles that point and closes
the window again, and this time it may close.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from console.ui.qtasync import TaskSet, dialog_result

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QWidget

    from console.ui.account_page import AccountPage
    from console.ui.forms import RecordForm


class CloseGuard(QObject):
    """Holds a window's close back until unsaved edits and held deletes are settled.

    Args:
        window: The window to close (and the parent of the questions).
        pages: The open account pages, in the window's order.
        tasks: Where the questions run (the window's).
        show_message: Puts a note on the status bar for so many ms (0: until the next one).
    """

    def __init__(self, window: QWidget, pages: Callable[[], Iterable[AccountPage]], tasks: TaskSet,
                 show_message: Callable[[str, int], None]) -> None:
        super().__init__(window)
        self.window = window
        self.pages = pages
        self.tasks = tasks
        self.show_message = show_message
        self.pending_settled = False  # the held deletes were sent or dropped: closing may go on
        self.edits_settled = False  # unsaved edits were discarded: closing may go on
        self._asking: asyncio.Task[bool] | None = None

    def unsaved_forms(self) -> list[RecordForm]:
        """Open forms with changes that are not saved."""
        return [form for page in self.pages() for form in page.unsaved_forms()]

    def pending_deletes(self) -> int:
        """Deletes held behind "Undo" in every account."""
        return sum(page.pending_deletes() for page in self.pages())

    async def send_pending_deletes(self) -> int:
        """Sends every held delete now; returns how many the vendors refused."""
        failed = 0
        for page in list(self.pages()):
            failed += await page.flush_deletes()
        return failed

    def may_close(self) -> bool:
        """Whether the window may close now; if not, the question that settles it is asked."""
        if not self.edits_settled and self.unsaved_forms():
            self._ask(self.close_with_unsaved_edits)
            return False
        if not self.pending_settled and self.pending_deletes():
            self._ask(self.close_after_pending)
            return False
        return True

    def _ask(self, question: Callable[[], Coroutine[Any, Any, bool]]) -> None:
        if self._asking is None or self._asking.done():  # one question at a time
            self._asking = self.tasks.spawn(question())

    async def close_with_unsaved_edits(self) -> bool:
        """Asks before closing over unsaved edits; returns whether the window closed."""
        from PySide6.QtWidgets import QMessageBox

        from console.ui.messages import confirm

        forms = self.unsaved_forms()
        count = len(forms)
        if not await confirm(self.window, name="closeWithEdits", title="Unsaved changes",
                             text=f"{count} form{' has' if count == 1 else 's have'} changes that are not saved.",
                             detail="Close Vendor Console and discard them? Nothing of them was sent to the vendors.",
                             action="Discard and close", role=QMessageBox.ButtonRole.DestructiveRole,
                             icon=QMessageBox.Icon.Question, cancel_is_default=True):
            if forms:
                forms[0].raise_()
                forms[0].activateWindow()
            return False
        self.edits_settled = True
        for form in forms:
            form.reject()
        self.window.close()
        return True

    async def close_after_pending(self, ask: bool = True) -> bool:
        """Closes the window once the held deletes are sent (or dropped, when the person says so).

        Args:
            ask: Ask first (a person closed the window); without asking they are sent (the system is
                ending the session: they were confirmed).

        Returns:
            Whether the window closed.
        """
        from PySide6.QtWidgets import QMessageBox

        if not ask:  # the system is ending the session: nobody can answer a question now
            self.edits_settled = True
        count = self.pending_deletes()
        send = True
        if count and ask:
            box = QMessageBox(QMessageBox.Icon.Question, "Deletes are waiting",
                              f"{count} delete{' is' if count == 1 else 's are'} waiting behind “Undo”.",
                              QMessageBox.StandardButton.Cancel, self.window)
            box.setObjectName("closeWithPending")
            box.setInformativeText("Send them to the vendors before closing, or close and keep those records?")
            send_button = box.addButton("Send and close", QMessageBox.ButtonRole.AcceptRole)
            keep_button = box.addButton("Close without deleting", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(send_button)
            await dialog_result(box)
            box.deleteLater()
            clicked = box.clickedButton()
            if clicked is not send_button and clicked is not keep_button:
                return False
            send = clicked is send_button
        if count and send:
            self.show_message(f"Sending {count} delete{'s' if count != 1 else ''}…", 0)
            failed = await self.send_pending_deletes()
            if failed and ask:
                self.show_message(f"{failed} delete{'s' if failed != 1 else ''} failed: the window "
                                  "stays open so you can see why.", 15000)
                return False
        elif count:
            for page in self.pages():
                page.drop_pending()
        self.pending_settled = True
        self.window.close()
        return True
