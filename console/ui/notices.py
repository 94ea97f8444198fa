"""The window's one-off message boxes: About, an unexpected error, settings reset at startup, a local copy's notice.

Each function builds the box (named for tests) and leaves showing it to the caller (``open()``:
never ``exec()`` in a coroutine).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from console import __version__
from console.core.constants import APP_NAME


def about_box(parent: QWidget | None) -> QMessageBox:
    """Help > About: the name, the version and one line of what the console is for."""
    return QMessageBox(QMessageBox.Icon.Information, f"About {APP_NAME}",
                       f"{APP_NAME} {__version__}\nBrowse, search and edit your SaaS vendors' data.",
                       QMessageBox.StandardButton.Ok, parent)


def crash_box(parent: QWidget | None, text: str) -> QMessageBox:
    """An unexpected error: the traceback (masked, copyable) and where the log is; the app goes on.

    Args:
        parent: The window.
        text: The traceback (masked here before it is shown).
    """
    from PySide6.QtGui import QGuiApplication

    from console.core import log
    from console.core.paths import log_file

    details = log.redact(text)
    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                      "Something went wrong inside Vendor Console. Your data at the vendors is safe; "
                      "the console keeps running.", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("crashDialog")
    box.setInformativeText(f"The details are also in the log: {log_file()}")
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyCrash")
    # An action-role button would close the box: copy, and keep it open.
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    return box


def reset_notice(parent: QWidget | None) -> QMessageBox | None:
    """What the console reset at startup (damaged files moved aside), once; ``None`` when nothing was."""
    from console.core.paths import config_dir
    from console.core.settings import take_problems

    problems = take_problems()
    if not problems:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "Some settings were reset",
                      "Vendor Console started, but some of its files could not be used:",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("resetNotice")
    box.setInformativeText("\n\n".join(problems) + f"\n\nThe damaged files are kept in {config_dir()}.")
    return box


def copy_notice(parent: QWidget | None, text: str) -> QMessageBox:
    """What a local copy has to say once (kept in memory without a keychain, rebuilt after damage).

    Args:
        parent: The window.
        text: The copy's plain sentence (:meth:`LocalCopies.notice`); it names no secret.
    """
    box = QMessageBox(QMessageBox.Icon.Information, "Local copy",
                      "About the local copy of your accounts:", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("copyNotice")
    box.setInformativeText(text)
    box.setWindowModality(Qt.WindowModality.NonModal)  # said, not asked: the window stays usable
    return box


def open_log_folder(open_url: Callable[[QUrl], bool], status: QStatusBar) -> None:
    """Help > Open log folder: the file manager on the log folder (else the status bar says where it is).

    Args:
        open_url: Opens a URL with the desktop (the window's seam for tests).
        status: The window's status bar.
    """
    from console.core.paths import log_dir

    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if not open_url(QUrl.fromLocalFile(str(folder))):
        status.showMessage(f"The logs are in {folder}", 15000)
