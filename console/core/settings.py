"""Where files go, and the accounts file (non-secret account data only).

Secrets never enter this module: an account's secret login fields live in the OS keychain
(:mod:`console.core.credentials`); the file holds vendor, label, base URL and non-secret fields.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from console.core import log
from console.core.constants import ACCOUNTS_FILE, APP_ID, APP_NAME, HOME_ENV, LOG_FILE
from console.core.errors import ConfigError

FILE_VERSION = 1


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


@dataclass(slots=True)
class AccountConfig:
    """One account, as saved (no secrets).

    Attributes:
        id: Stable id (also the keychain user name prefix).
        vendor: Vendor id.
        label: The user's name for it ("Marketing", "Acme Launch27").
        base_url: Everything before the vendor's documented paths.
        fields: Non-secret login fields (e.g. ``email``, ``api``).
        options: Per-account settings for behaviour the vendor documents loosely.
        session_only: The secret was kept for one run only (no keychain); it must be entered again.
        demo: Part of the demo workspace (never saved).
    """

    id: str
    vendor: str
    label: str
    base_url: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    session_only: bool = False
    demo: bool = False

    @staticmethod
    def new_id() -> str:
        """Returns a fresh account id."""
        return uuid.uuid4().hex[:12]

    def to_json(self) -> dict[str, Any]:
        """Returns the JSON form saved in the accounts file."""
        data = asdict(self)
        data.pop("demo")
        return data

    @classmethod
    def from_json(cls, data: Any) -> AccountConfig:
        """Builds an account from its saved form.

        Raises:
            ConfigError: The entry is not a valid account.
        """
        if not isinstance(data, dict):
            raise ConfigError("an account entry is not an object")
        try:
            fields = data.get("fields") or {}
            options = data.get("options") or {}
            if not isinstance(fields, dict) or not isinstance(options, dict):
                raise TypeError("fields/options")
            return cls(
                id=str(data["id"]),
                vendor=str(data["vendor"]),
                label=str(data["label"]),
                base_url=str(data["base_url"]),
                fields={str(k): str(v) for k, v in fields.items()},
                options=dict(options),
                session_only=bool(data.get("session_only", False)),
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"an account entry lacks {exc}") from None


class AccountsFile:
    """Reads and writes ``accounts.json`` atomically.

    A file that cannot be read is moved aside to ``accounts.json.bad-<n>`` and reported through
    :attr:`problem`, so the app starts and the user's data is kept.

    Args:
        directory: Where the file lives; defaults to :func:`config_dir`.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or config_dir()) / ACCOUNTS_FILE
        self.problem: str | None = None

    def load(self) -> list[AccountConfig]:
        """Returns the saved accounts; an unreadable file is backed up and treated as empty."""
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
                raise ConfigError("the file has no account list")
            return [AccountConfig.from_json(item) for item in data["accounts"]]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ConfigError) as exc:
            backup = self._backup()
            self.problem = (
                f"The accounts file could not be read ({exc}). It was moved to {backup.name} "
                "and the console started without saved accounts."
            )
            log.config.warning("accounts file unreadable, moved to %s: %s", backup, exc)
            return []

    def save(self, accounts: list[AccountConfig]) -> None:
        """Writes every non-demo account; the old file is replaced only once the new one is complete.

        Raises:
            ConfigError: The file could not be written.
        """
        payload = {
            "version": FILE_VERSION,
            "accounts": [a.to_json() for a in accounts if not a.demo],
        }
        tmp = self.path.with_suffix(".json.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(payload, indent=2, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ConfigError(f"Could not save accounts to {self.path}: {exc.strerror or exc}") from None

    def _backup(self) -> Path:
        n = 1
        while True:
            candidate = self.path.with_name(f"{self.path.name}.bad-{n}")
            if not candidate.exists():
                break
            n += 1
        try:
            os.replace(self.path, candidate)
        except OSError:
            log.config.warning("could not move the unreadable accounts file aside")
        return candidate
