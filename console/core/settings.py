"""Where files go, the accounts file (non-secret account data only) and the lookup history.

Secrets never enter this module: an account's secret login fields live in the OS keychain
(:mod:`console.core.credentials`); the file holds vendor, label, base URL and non-secret fields.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from console.core import log
from console.core.constants import (
    ACCOUNTS_FILE,
    LOOKUP_HISTORY,
    LOOKUPS_FILE,
)
from console.core.errors import ConfigError
from console.core.paths import config_dir, log_dir, log_file

__all__ = ["AccountConfig", "AccountsFile", "JsonFile", "LookupHistory", "config_dir", "log_dir", "log_file"]

FILE_VERSION = 1
T = TypeVar("T")


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
        read_only: Safe mode: the console offers no write for this account.
        allow_insecure: Plain HTTP to a host other than this computer is allowed (off by default).
        local_copy: *Keep a local copy*: the account's datasets are mirrored on this computer,
            encrypted, for complete search and any-column sorting (on by default; issue 17).
    """

    id: str
    vendor: str
    label: str
    base_url: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    session_only: bool = False
    demo: bool = False
    read_only: bool = False
    allow_insecure: bool = False
    local_copy: bool = True

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
                read_only=bool(data.get("read_only", False)),
                allow_insecure=data.get("allow_insecure") is True,
                local_copy=data.get("local_copy", True) is not False,
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"an account entry lacks {exc}") from None


_problems: list[str] = []


def report_problem(text: str) -> None:
    """Notes something the console reset at startup (a damaged file); the window tells the user."""
    if text not in _problems:
        _problems.append(text)
    log.config.warning("%s", text)


def take_problems() -> list[str]:
    """The problems noted so far (each is handed out once)."""
    taken = list(_problems)
    _problems.clear()
    return taken


def move_aside(path: Path) -> Path:
    """Renames a damaged file to ``<name>.bad-<n>`` (kept for inspection); returns the new path."""
    n = 1
    while (candidate := path.with_name(f"{path.name}.bad-{n}")).exists():
        n += 1
    try:
        os.replace(path, candidate)
    except OSError as exc:
        log.config.warning("could not move %s aside: %s", path.name, exc)
    return candidate


class JsonFile:
    """A JSON file in the config folder: written atomically, and moved aside when it cannot be read.

    An unreadable file becomes ``<name>.bad-<n>`` and is reported through :attr:`problem`, so the app
    starts and the user's data is kept for inspection.

    Args:
        name: File name.
        directory: Where the file lives; defaults to :func:`config_dir`.
        what: How the file is called in messages ("accounts file").
        fallback: What the app does without it ("the console started without saved accounts").
    """

    def __init__(self, name: str, directory: Path | None = None, *, what: str, fallback: str) -> None:
        self.path = (directory or config_dir()) / name
        self.problem: str | None = None
        self._what = what
        self._fallback = fallback

    def read(self, parse: Callable[[Any], T], empty: T) -> T:
        """Parses the file with ``parse``; ``empty`` when it is missing or cannot be read (then moved aside)."""
        if not self.path.exists():
            return empty
        try:
            return parse(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ConfigError, TypeError, ValueError) as exc:
            backup = move_aside(self.path)
            self.problem = (f"The {self._what} could not be read ({exc}). It was moved to {backup.name} "
                            f"and {self._fallback}.")
            report_problem(self.problem)
            return empty

    def write(self, payload: Any) -> None:
        """Writes the payload; the old file is replaced only once the new one is complete.

        Raises:
            ConfigError: The file could not be written.
        """
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(payload, indent=2, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ConfigError(f"Could not save the {self._what} to {self.path}: {exc.strerror or exc}") from None


class AccountsFile(JsonFile):
    """``accounts.json``: every saved account (never a secret).

    Args:
        directory: Where the file lives; defaults to :func:`config_dir`.
    """

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__(ACCOUNTS_FILE, directory, what="accounts file",
                         fallback="the console started without saved accounts")

    def load(self) -> list[AccountConfig]:
        """Returns the saved accounts; an unreadable file is backed up and treated as empty."""

        def parse(data: Any) -> list[AccountConfig]:
            if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
                raise ConfigError("the file has no account list")
            return [AccountConfig.from_json(item) for item in data["accounts"]]

        return self.read(parse, [])

    def save(self, accounts: list[AccountConfig]) -> None:
        """Writes every non-demo account.

        Raises:
            ConfigError: The file could not be written.
        """
        self.write({"version": FILE_VERSION, "accounts": [a.to_json() for a in accounts if not a.demo]})


class LookupHistory(JsonFile):
    """``lookups.json``: the last lookups typed (queries only, newest first) and the phone region.

    Args:
        directory: Where the file lives; defaults to :func:`config_dir`.
        keep: How many are kept.
    """

    def __init__(self, directory: Path | None = None, keep: int = LOOKUP_HISTORY) -> None:
        super().__init__(LOOKUPS_FILE, directory, what="lookup history", fallback="the history starts afresh")
        self.keep = keep

    def _load(self) -> tuple[list[str], str]:
        def parse(data: Any) -> tuple[list[str], str]:
            if not isinstance(data, dict) or not isinstance(data.get("lookups"), list):
                raise ConfigError("the file has no lookup list")
            items = [str(x) for x in data["lookups"] if isinstance(x, str) and x.strip()][: self.keep]
            region = data.get("region")
            return items, region if isinstance(region, str) and len(region) == 2 and region.isalpha() else ""

        empty: tuple[list[str], str] = ([], "")
        return self.read(parse, empty)

    def items(self) -> list[str]:
        """The kept lookups, newest first."""
        return self._load()[0]

    def region(self) -> str:
        """The region for phone numbers without a country code ("" when never chosen)."""
        return self._load()[1]

    def add(self, text: str) -> list[str]:
        """Puts a lookup first (once) and saves; returns the new list. A failed save is logged, not raised."""
        items, region = self._load()
        text = text.strip()
        if text:
            items = [text, *(x for x in items if x != text)][: self.keep]
        self._save(items, region)
        return items

    def set_region(self, region: str) -> None:
        """Saves the phone region (ISO 3166 alpha-2)."""
        self._save(self.items(), region.upper())

    def _save(self, items: list[str], region: str) -> None:
        try:
            self.write({"version": 1, "lookups": items, "region": region})
        except ConfigError as exc:
            log.config.warning("%s", exc)
