"""Where the app's files go: the config, data and log folders (``VENDOR_CONSOLE_HOME`` moves all three).

Kept apart from :mod:`console.core.settings` so the window can find its remembered geometry before
its first paint without loading the rest (this module imports only the standard library's basics).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from console.core.constants import APP_ID, APP_NAME, HOME_ENV, LOG_FILE


def config_dir() -> Path:
    """Returns the directory for settings: ``$VENDOR_CONSOLE_HOME`` or the platform's config dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_ID


def data_dir() -> Path:
    """Returns the directory for the local mirrors: ``$VENDOR_CONSOLE_HOME/data`` or the platform's data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "data"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / APP_NAME / "data"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME / "data"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_ID


def log_dir() -> Path:
    """Returns the directory for log files (under ``$VENDOR_CONSOLE_HOME`` when set)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "logs"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / APP_NAME / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / APP_NAME
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / APP_ID


def log_file() -> Path:
    """Returns the path of the main log file."""
    return log_dir() / LOG_FILE
