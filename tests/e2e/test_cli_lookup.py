"""`vendor-console lookup` for scripts: JSON Lines, failures as lines, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.cli_in_process import InProcessCli


def lookup(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env["VENDOR_CONSOLE_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "console", "lookup", *args], capture_output=True, text=True,
                          env=env, timeout=90, check=False)


def test_lookup_on_the_demo_prints_hits_and_the_accounts_that_cannot_search(console_home: Path) -> None:
    result = lookup(console_home, "+1 (415) 555-0100", "--demo")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    hits = [x for x in lines if x["type"] == "hit"]
    assert {x["vendor"] for x in hits} >= {"setster", "setsmart", "launch27", "setera"}
    assert all({"vendor", "account", "dataset", "id", "matched"} <= set(x) for x in hits)
    assert all(x["matched"]["phone"] for x in hits)
    assert {"type": "unsupported", "vendor": "systeme", "account": "Marketing (demo)",
            "reason": "cannot search by phone number"} in lines


def test_only_the_accounts_asked_for(console_home: Path) -> None:
    result = lookup(console_home, "Jane.Doe@example.com", "--demo", "--account", "Marketing (demo)")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"type": "hit", "vendor": "systeme", "account": "Marketing (demo)", "dataset": "contacts",
                      "id": lines[0]["id"], "matched": {"email": "jane.doe@example.com"}, "summary": "tags: vip",
                      "source": "live"}]


def test_usage_errors(console_home: Path) -> None:
    nothing = lookup(console_home, "jane")
    assert nothing.returncode == 2 and "no saved accounts" in nothing.stderr
    unknown = lookup(console_home, "jane", "--demo", "--account", "Nope")
    assert unknown.returncode == 2 and "'Nope'" in unknown.stderr
    region = lookup(console_home, "jane", "--demo", "--region", "USA")
    assert region.returncode == 2 and "two-letter" in region.stderr


def test_a_demo_server_without_its_optional_endpoints_is_said_once_per_account(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from console.commands import demo

    started = demo.start_demo

    async def bare(vendors: tuple[str, ...]) -> Any:
        workspace = await started(vendors)
        workspace.set_optional_endpoints(False)
        return workspace

    monkeypatch.setattr("console.commands.lookup.start_demo", bare)
    cli = InProcessCli(monkeypatch, capsys)
    ran = cli("lookup", "jane.doe@example.com", "--demo", "--account", "Nordic Tel (demo)", "--account",
              "Marketing (demo)")
    assert ran.code == 0, ran.err
    assert {json.loads(line)["account"] for line in ran.lines} == {"Nordic Tel (demo)", "Marketing (demo)"}
    notes = ran.err.splitlines()
    assert notes and all(n.startswith("vendor-console lookup: note: Nordic Tel (demo): ") for n in notes), ran.err
    assert len(notes) == len(set(notes))


def test_a_timeout_that_is_not_a_number_of_seconds(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cli = InProcessCli(monkeypatch, capsys)
    for value in ("0", "-1", "nan", "inf"):
        ran = cli("lookup", "jane", "--timeout", value)
        assert ran.code == 2 and "--timeout must be a positive number" in ran.err, value
