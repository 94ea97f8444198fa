"""Showing typed errors: a non-blocking message box whose words come from the vendor's error table."""

from __future__ import annotations

import html

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from console.core.errors import ConsoleError, Severity, VendorError

_ICONS = {
    Severity.INFO: QMessageBox.Icon.Information,
    Severity.WARNING: QMessageBox.Icon.Warning,
    Severity.ERROR: QMessageBox.Icon.Critical,
}


def details_of(error: ConsoleError) -> str:
    """Technical details for the "Show details" part: vendor's words, status, code, reference."""
    lines = []
    if error.message and error.message != error.user_message.text:
        lines.append(f"Vendor said: {error.message}")
    if isinstance(error, VendorError):
        if error.status:
            lines.append(f"HTTP status: {error.status}")
        if error.vendor_code and error.vendor_code != str(error.status):
            lines.append(f"Vendor code: {error.vendor_code}")
        if error.reference:
            lines.append(f"Reference for the vendor's support: {error.reference}")
    return "\n".join(lines)


def error_box(parent: QWidget | None, error: ConsoleError, context: str = "") -> QMessageBox:
    """Builds (does not show) a message box for a typed error.

    Args:
        parent: Parent window.
        error: The error; its user message gives title, text and next step.
        context: What was being done ("Saving contact"), shown before the text.
    """
    um = error.user_message
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    box.setIcon(_ICONS.get(um.severity, QMessageBox.Icon.Critical))
    box.setWindowTitle(um.title)
    heading = html.escape(f"{context}: {um.title}" if context else um.title)
    box.setText(f"<b>{heading}</b><br>{html.escape(um.text)}")
    if um.next_step:
        box.setInformativeText(um.next_step)
    details = details_of(error)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    reference = getattr(error, "reference", None)
    if reference:
        box.setInformativeText(f"{um.next_step}\n\nReference for {vendor_name(error)} support: {reference}".strip())
        copy = box.addButton("Copy reference", QMessageBox.ButtonRole.ActionRole)
        copy.setObjectName("copyReference")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(str(reference)))
    return box


def vendor_name(error: ConsoleError) -> str:
    """The display name of the error's vendor (for "Reference for Setera OneCloud support")."""
    from console.services.catalog import vendor

    vendor_id = str(getattr(error, "vendor", "") or "")
    try:
        return vendor(vendor_id).display_name
    except KeyError:
        return "the vendor's"


def show_error(parent: QWidget | None, error: ConsoleError, context: str = "") -> QMessageBox:
    """Shows a typed error without blocking (``open()``); returns the box."""
    box = error_box(parent, error, context)
    box.setModal(True)
    box.open()
    return box


async def confirm(parent: QWidget | None, *, name: str, title: str, text: str, detail: str, action: str,
                  role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
                  icon: QMessageBox.Icon = QMessageBox.Icon.Warning, cancel_is_default: bool = False) -> bool:
    """Asks one question with one action and Cancel (window-modal, the loop keeps running).

    Args:
        parent: The window it belongs to.
        name: Object name (tests find the box by it).
        title: Window title.
        text: The question.
        detail: What happens, in a sentence or two.
        action: The action button's text.
        role: The action button's role (DestructiveRole for a loss).
        icon: The box's icon.
        cancel_is_default: Enter means Cancel (the action loses something).

    Returns:
        Whether the action was chosen.
    """
    from console.ui.qtasync import dialog_result

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(name)
    box.setInformativeText(detail)
    button = box.addButton(action, role)
    if cancel_is_default:
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    await dialog_result(box)
    box.deleteLater()
    return box.clickedButton() is button
