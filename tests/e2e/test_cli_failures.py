"""Every way a headless command can fail is a message and an exit code, never a traceback.

Most runs call ``main`` in this process (an escaped exception fails the test outright); the ones about
what only a real process shows (the exit status, a closed pipe, Python's flush at exit) spawn one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.core.models import Page, Query, Record
from console.sandbox.workspace import DemoWorkspace
from console.vendors.base import VendorClient
from console.vendors.systeme import DEMO_API_KEY
from tests.e2e.cli_in_process import InProcessCli

KEY = {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessCli:
    return InProcessCli(monkeypatch, capsys)


@pytest.fixture(scope="module")
def workspace():
    ws = DemoWorkspace.start(sizes={"systeme": 450}, vendors=("systeme",))
    yield ws
    ws.stop()


def contacts(ws: DemoWorkspace, *extra: str) -> list[str]:
    return ["export", "--vendor", "systeme", "--base-url", ws.vendors["systeme"].base_url, "--dataset", "contacts",
            *extra]


def spawn(args: list[str], home: Path, env_extra: dict[str, str], **kwargs: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env.update(env_extra, VENDOR_CONSOLE_HOME=str(home))
    return subprocess.Popen([sys.executable, "-m", "console", *args], env=env, text=True,  # type: ignore[call-overload]
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_plain_http_to_another_computer_is_refused_as_bad_input(cli: InProcessCli, console_home: Path) -> None:
    args = ["export", "--vendor", "systeme", "--base-url", "http://example.com/api", "--dataset", "contacts"]
    ran = cli(*args, env=KEY)
    assert ran.code == 2 and ran.out == ""
    assert "'http://example.com/api' cannot be used: Use https://" in ran.err
    assert "allow insecure connections" in ran.err and "--account" in ran.err
    # The same in a real process: before, a traceback and exit status 1.
    with spawn(args, console_home, KEY) as process:
        out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == "" and "Traceback" not in err and "cannot be used" in err


def test_an_address_that_is_not_one_is_bad_input(cli: InProcessCli) -> None:
    ran = cli("export", "--vendor", "systeme", "--base-url", "example.com/api", "--dataset", "tags", env=KEY)
    assert ran.code == 2 and "Enter a full address starting with https://" in ran.err


@pytest.mark.parametrize(("args", "words"), [
    (["--vendor", "systeme", "--dataset", "contacts", "--filter", "bounced=maybe"],
     ["--filter bounced is a yes/no filter", "true or false", "'maybe'"]),
    (["--vendor", "systeme", "--dataset", "contacts", "--filter", "registeredAfter=2026-13-01"],
     ["registeredAfter is a date", "YYYY-MM-DD"]),
    (["--vendor", "systeme", "--dataset", "contacts", "--filter", "email=jane@"], ["whole email address"]),
    (["--vendor", "setsmart", "--dataset", "reservations", "--filter", "status=done"],
     ["status must be one of pending, confirmed, checked_in (Checked in), cancelled", "'done'"]),
    (["--vendor", "launch27", "--base-url", "https://acme.launch27.com/v1", "--field", "api=v1", "--field",
      "email=a@example.com", "--dataset", "bookings", "--filter", "from=tomorrow"], ["from is a date"]),
    (["--vendor", "systeme", "--dataset", "contacts", "--filter", "colour=red"],
     ["cannot be filtered by 'colour'", "bounced", "registeredAfter"]),
])
def test_filter_values_are_checked_against_the_filter_type(cli: InProcessCli, args: list[str],
                                                           words: list[str]) -> None:
    env = {"VENDOR_CONSOLE_API_KEY": "k" * 12, "VENDOR_CONSOLE_PASSWORD": "p"}
    ran = cli("export", *args, env=env)  # nothing is sent: the addresses are never asked
    assert ran.code == 2 and ran.out == ""
    assert all(w in ran.err for w in words), ran.err


def test_a_yes_no_filter_sends_what_the_vendor_reads(cli: InProcessCli, workspace: DemoWorkspace) -> None:
    yes = cli(*contacts(workspace, "--filter", "bounced=Yes", "--quiet"), env=KEY)
    true = cli(*contacts(workspace, "--filter", "bounced=true", "--quiet"), env=KEY)
    no = cli(*contacts(workspace, "--filter", "bounced=0", "--quiet"), env=KEY)
    assert yes.code == true.code == no.code == 0
    assert yes.lines == true.lines
    assert all(json.loads(line)["bounced"] is True for line in yes.lines)
    assert len(yes.lines) + len(no.lines) == 450 and len(no.lines) > len(yes.lines)


def test_an_output_file_that_cannot_be_written_is_bad_input(cli: InProcessCli, workspace: DemoWorkspace,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "contacts.jsonl"
    ran = cli(*contacts(workspace, "--output", str(target)), env=KEY)
    assert ran.code == 2
    assert f"cannot write {target}: No such file or directory" in ran.err


@pytest.mark.allow_warnings
def test_an_unexpected_error_is_one_line_and_exit_1(cli: InProcessCli, workspace: DemoWorkspace,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("console.services.export.export_dataset", broken)
    ran = cli(*contacts(workspace), env=KEY)
    assert ran.code == 1
    assert ran.err.splitlines()[-1].startswith("vendor-console export: unexpected error (RuntimeError: boom)")
    assert "vendor-console.log" in ran.err and "Traceback" not in ran.err


def test_notes_are_said_once_and_records_left_out_are_counted(cli: InProcessCli, workspace: DemoWorkspace,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    original = VendorClient.page

    async def page(self: VendorClient, dataset: str, query: Query, cursor: object, limit: int) -> Page[Record]:
        answer = await original(self, dataset, query, cursor, limit)  # type: ignore[arg-type]
        return dataclasses.replace(answer, notes=("Frequencies are not offered by this server.",), duplicates=2)

    monkeypatch.setattr(VendorClient, "page", page)
    ran = cli(*contacts(workspace, "--page-size", "100"), env=KEY)
    assert ran.code == 0 and len(ran.lines) == 450
    lines = ran.err.splitlines()
    assert lines.count("vendor-console export: note: Frequencies are not offered by this server.") == 1
    assert lines[-1] == ("vendor-console export: warning: 10 records were left out because their id repeated one "
                         "already exported")
    quiet = cli(*contacts(workspace, "--quiet"), env=KEY)  # --quiet drops progress, not what is missing
    assert quiet.err.splitlines() == [
        "vendor-console export: note: Frequencies are not offered by this server.",
        "vendor-console export: warning: 10 records were left out because their id repeated one already exported",
    ]


def test_export_into_a_closed_pipe_ends_quietly_with_141(workspace: DemoWorkspace, console_home: Path) -> None:
    # `export | head -1`: the reader takes one line and goes; 270 KB of contacts do not fit the pipe.
    with spawn(contacts(workspace), console_home, KEY) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read()
        process.wait(timeout=60)
    assert json.loads(first)["id"]
    assert process.returncode == 141, err
    assert "Broken pipe" not in err and "Traceback" not in err and "Exception ignored" not in err
    assert "done" not in err  # it stopped there


def test_lookup_into_a_closed_pipe_ends_quietly_with_141(console_home: Path) -> None:
    with spawn(["lookup", "jane.doe@example.com", "--demo", "--account", "Bright Smiles (demo)"], console_home,
               {}) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # gone before the first line
        err = process.stderr.read()
        process.wait(timeout=60)
    assert process.returncode == 141, err
    assert err == ""
