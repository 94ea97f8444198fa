"""The bars a list shows around its table: why a page failed, and what the list lacks.

:class:`ErrorBanner` sits above the table when a page could not be loaded (the vendor's reference to
copy, the key to enter again, Retry). :class:`NotesBar` sits under it and says, once and for as long
as the list is shown, what the vendor does not offer here (an optional call it lacks) or what was odd
in its answers (records sharing an id); it never blocks the list.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console.core.errors import AuthError, ConsoleError, KeychainUnavailable, PermissionDenied
from console.services.accounts import SecretMissing
from console.ui.messages import vendor_name

#: Errors that entering the account's secret again may cure (the banner's "Enter key…", a form's failure).
CREDENTIAL_ERRORS = (AuthError, SecretMissing, KeychainUnavailable, PermissionDenied)


def needs_credentials(error: ConsoleError) -> bool:
    """Whether entering the account's secret again may cure ``error``."""
    return isinstance(error, CREDENTIAL_ERRORS)


class ErrorBanner(QFrame):
    """Why the list could not load a page, with what to do about it.

    Args:
        parent: Qt parent.

    Signals:
        retryClicked(): The user asked to load the page again.
        credentialsClicked(): The user asked to enter the account's secret again.
    """

    retryClicked = Signal()
    credentialsClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet("#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }"
                           "#errorBanner QLabel { color: #5f2120; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.retry_button = QPushButton("Retry")
        self.retry_button.clicked.connect(self.retryClicked)
        self.credentials_button = QPushButton("Enter key…")
        self.credentials_button.clicked.connect(self.credentialsClicked)
        self.reference_button = QPushButton("Copy reference")
        self.reference_button.setToolTip("Copy the vendor's reference for its support team")
        self.reference_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.reference_button.property("reference") or ""))
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reference_button)
        layout.addWidget(self.credentials_button)
        layout.addWidget(self.retry_button)
        self.hide()

    def show_error(self, error: ConsoleError, where: str, *, credentials: bool) -> None:
        """Shows a failed page's error.

        Args:
            error: The typed error.
            where: Which page ("the first page", "more rows").
            credentials: Whether entering the secret again may help.
        """
        um = error.user_message
        reference = getattr(error, "reference", None) or ""
        extra = f" Reference for {vendor_name(error)} support: {html.escape(reference)}." if reference else ""
        self.text.setText(f"<b>Could not load {where}: {html.escape(um.title)}.</b> "
                          f"{html.escape(um.text)} {html.escape(um.next_step)}{extra}")
        self.credentials_button.setVisible(credentials)
        self.reference_button.setVisible(bool(reference))
        self.reference_button.setProperty("reference", reference)
        self.show()

    def show_page_error(self, error: ConsoleError, *, first_page: bool) -> None:
        """Shows why a list's page failed; "Enter key…" only when a new secret may help.

        Args:
            error: The typed error.
            first_page: Whether the list has no rows yet (else it failed to load more).
        """
        self.show_error(error, "the first page" if first_page else "more rows", credentials=needs_credentials(error))


class NotesBar(QLabel):
    """Plain notes under a list (what the vendor does not offer here, records left out); hidden when none.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listNotes")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # vendor names and reasons are not markup
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("#listNotes { background: #eef4fb; border: 1px solid #c7d9ee; border-radius: 4px;"
                           " padding: 4px 6px; color: #1f3b57; }")
        self.notes: tuple[str, ...] = ()
        self.hide()

    def set_notes(self, notes: Sequence[str]) -> None:
        """Shows these notes (one a line), or hides the bar when there are none."""
        self.notes = tuple(notes)
        self.setText("\n".join(f"Note: {note}" for note in self.notes))
        self.setVisible(bool(self.notes))
