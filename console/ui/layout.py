"""What the window remembers across restarts: geometry, splitters, columns, sorts, last account and tab.

Kept with :class:`QSettings` in ``layout.ini`` in the config folder (so ``VENDOR_CONSOLE_HOME`` moves
it too, and a test gets its own). Nothing secret goes here. Columns and sorts are per dataset
(``views/<vendor>.<dataset>/...``); View > Reset layout removes everything and puts the defaults back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from console.core.paths import config_dir
from console.core.settings import move_aside, report_problem

LAYOUT_FILE = "layout.ini"


def open_ini(path: Path, what: str, fallback: str) -> QSettings:
    """A QSettings INI file; a damaged one is moved aside (reported) and a fresh one started."""
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    if settings.status() != QSettings.Status.FormatError:
        return settings
    del settings
    backup = move_aside(path)
    report_problem(f"The {what} could not be read. It was moved to {backup.name} and {fallback}.")
    return QSettings(str(path), QSettings.Format.IniFormat)


class LayoutStore:
    """The window's remembered layout.

    Args:
        path: The INI file (default: ``layout.ini`` in the config folder).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / LAYOUT_FILE
        self.settings = open_ini(self.path, "window layout file (layout.ini)",
                                 "the window, columns and sorts start from their defaults")

    def state(self, key: str) -> QByteArray | None:
        """A saved widget state (geometry, header, splitter), or ``None``."""
        value = self.settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def text(self, key: str) -> str:
        """A saved string ("" when none)."""
        value = self.settings.value(key)
        return value if isinstance(value, str) else ""

    def set(self, key: str, value: Any) -> None:
        """Saves a value."""
        self.settings.setValue(key, value)

    def view_key(self, vendor: str, dataset: str, what: str) -> str:
        """The key of one dataset's setting."""
        return f"views/{vendor}.{dataset}/{what}"

    def sync(self) -> None:
        """Writes to disk now."""
        self.settings.sync()

    def clear(self) -> None:
        """Forgets every layout setting."""
        self.settings.clear()
        self.settings.sync()
