"""The accounts file: where it lives, atomic saves, and a bad file that is kept aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.core import settings
from console.core.settings import AccountConfig, AccountsFile


def test_home_override(console_home: Path) -> None:
    assert settings.config_dir() == console_home
    assert settings.log_file() == console_home / "logs" / "vendor-console.log"


def test_platform_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VENDOR_CONSOLE_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings.config_dir() == tmp_path / "xdg" / "vendor-console"


def test_round_trip_without_demo_accounts(console_home: Path) -> None:
    file = AccountsFile()
    real = AccountConfig("a1", "systeme", "Marketing", "https://api.systeme.io/api", options={"x": 1})
    demo = AccountConfig("d1", "systeme", "Demo", "http://127.0.0.1:1/api", demo=True)
    file.save([real, demo])
    data = json.loads((console_home / "accounts.json").read_text())
    assert [a["id"] for a in data["accounts"]] == ["a1"]
    assert AccountsFile().load() == [real]


@pytest.mark.allow_warnings
@pytest.mark.parametrize("content", ["{not json", '{"accounts": "x"}', '{"accounts": [{"id": 1}]}', "\xff\xfe"])
def test_bad_file_is_moved_aside(console_home: Path, content: str) -> None:
    path = console_home / "accounts.json"
    path.write_text(content, encoding="latin-1")
    file = AccountsFile()
    assert file.load() == []
    assert file.problem is not None and "moved to accounts.json.bad-1" in file.problem
    assert (console_home / "accounts.json.bad-1").read_text(encoding="latin-1") == content
    assert not path.exists()
