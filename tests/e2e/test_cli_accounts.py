"""``vendor-console accounts add|list|remove``: the window's accounts, secrets only from the environment.

Most runs are in-process (``main(argv)``) with the keychain replaced by a store of the test's own; one
run per keychain kind goes through a real process: without a keychain (keyring's ``fail`` backend) and,
under ``make pytest``, with the real SecretService.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import KeychainUnavailable
from console.sandbox.workspace import DemoWorkspace
from console.vendors.systeme import DEMO_API_KEY
from tests.e2e.cli_in_process import InProcessCli

WRONG_KEY = "wrong-key-0d9c8b7a"


class NoKeychain(MemoryStore):
    """A computer without a keychain."""

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        raise KeychainUnavailable("no keychain here")

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        raise KeychainUnavailable("no keychain here")

    async def delete(self, vendor: str, account_id: str, name: str) -> None:
        raise KeychainUnavailable("no keychain here")


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the answers typed in advance."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={"systeme": 60}, vendors=("systeme",))
    yield ws
    ws.stop()


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    """The keychain every command of the test sees (one store shared by all the runs)."""
    store = MemoryStore()
    monkeypatch.setattr("console.core.credentials.KeyringStore", lambda: store)
    return store


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessCli:
    return InProcessCli(monkeypatch, capsys)


def saved(home: Path) -> list[dict[str, object]]:
    path = home / "accounts.json"
    if not path.exists():
        return []
    accounts: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["accounts"]
    return accounts


def listed(cli: InProcessCli, *args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    ran = cli("accounts", "list", "--json", *args, env=env)
    assert ran.code == 0, ran.err
    return {row["label"]: row for row in map(json.loads, ran.lines)}


def add_args(ws: DemoWorkspace, label: str = "Marketing", *more: str) -> list[str]:
    return ["accounts", "add", "--vendor", "systeme", "--label", label, "--base-url",
            ws.vendors["systeme"].base_url, *more]


@pytest.mark.allow_warnings  # the refused key is logged
def test_add_list_export_remove_with_a_keychain(workspace: DemoWorkspace, keychain: MemoryStore,
                                                cli: InProcessCli, console_home: Path) -> None:
    added = cli(*add_args(workspace), env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert added.code == 0, added.err
    assert added.out == ""
    assert added.err.splitlines() == [f"vendor-console accounts add: added 'Marketing' (Systeme.io, "
                                      f"{workspace.vendors['systeme'].base_url}); its secret is in the keychain"]
    [entry] = saved(console_home)
    assert DEMO_API_KEY not in json.dumps(entry) and not entry["session_only"]
    assert asyncio_run(keychain.get("systeme", str(entry["id"]), "api_key")) == DEMO_API_KEY

    rows = listed(cli)
    assert rows == {"Marketing": {"label": "Marketing", "vendor": "systeme",
                                  "base_url": workspace.vendors["systeme"].base_url, "read_only": False,
                                  "allow_insecure": False, "demo": False, "local_copy": True, "secret": "keychain",
                                  "secrets": {"api_key": "keychain"}}}
    table = cli("accounts", "list")
    assert table.lines[0].split() == ["LABEL", "VENDOR", "BASE", "URL", "MODE", "SECRET"]
    assert table.lines[1].split() == ["Marketing", "systeme", workspace.vendors["systeme"].base_url, "-", "keychain"]

    # The saved account answers the other commands with the keychain's secret...
    export = cli("export", "--account", "marketing", "--dataset", "tags")
    assert export.code == 0, export.err
    assert len(export.lines) == 15
    # ... and the environment's variable wins over it.
    assert listed(cli, env={"VENDOR_CONSOLE_API_KEY": WRONG_KEY})["Marketing"]["secret"] == "environment"
    refused = cli("export", "--account", "Marketing", "--dataset", "tags", env={"VENDOR_CONSOLE_API_KEY": WRONG_KEY})
    assert refused.code == 3, refused.err

    removed = cli("accounts", "remove", "Marketing")  # standard input is not a terminal: nobody to ask
    assert removed.code == 0, removed.err
    assert "removed 'Marketing' and its keychain entry; nothing was deleted at Systeme.io" in removed.err
    assert saved(console_home) == []
    assert asyncio_run(keychain.get("systeme", str(entry["id"]), "api_key")) is None
    assert cli("accounts", "list", "--json").out == ""


@pytest.mark.allow_warnings  # the export without a secret is logged
def test_without_a_keychain_the_account_is_saved_and_the_variable_does_the_rest(
        workspace: DemoWorkspace, monkeypatch: pytest.MonkeyPatch, cli: InProcessCli, console_home: Path) -> None:
    monkeypatch.setattr("console.core.credentials.KeyringStore", NoKeychain)
    added = cli(*add_args(workspace), env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert added.code == 0, added.err
    assert "there is no usable keychain, so its secret is not stored: set VENDOR_CONSOLE_API_KEY each time" \
        in added.err
    [entry] = saved(console_home)
    assert entry["session_only"] and DEMO_API_KEY not in json.dumps(entry)

    assert listed(cli)["Marketing"]["secrets"] == {"api_key": "missing"}
    assert "missing: set VENDOR_CONSOLE_API_KEY" in cli("accounts", "list").out
    assert listed(cli, env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})["Marketing"]["secret"] == "environment"

    no_secret = cli("export", "--account", "Marketing", "--dataset", "tags")
    assert no_secret.code == 3 and "VENDOR_CONSOLE_API_KEY" in no_secret.err
    export = cli("export", "--account", "Marketing", "--dataset", "tags", env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert export.code == 0 and len(export.lines) == 15, export.err
    lookup = cli("lookup", "jane.doe@example.com", "--account", "Marketing",
                 env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert lookup.code == 0, lookup.err
    assert [json.loads(line)["account"] for line in lookup.lines] == ["Marketing"]

    removed = cli("accounts", "remove", "Marketing", "--yes")
    assert removed.code == 0, removed.err
    assert "removed 'Marketing'; nothing was deleted" in removed.err
    assert saved(console_home) == []


@pytest.mark.allow_warnings  # the refused key is logged
def test_test_connection_first_saves_only_what_works(workspace: DemoWorkspace, keychain: MemoryStore,
                                                     cli: InProcessCli, console_home: Path) -> None:
    refused = cli(*add_args(workspace, "Marketing", "--test"), env={"VENDOR_CONSOLE_API_KEY": WRONG_KEY})
    assert refused.code == 3, refused.err
    assert refused.err.splitlines()[-1] == "vendor-console accounts add: nothing was saved"
    assert saved(console_home) == []
    works = cli(*add_args(workspace, "Marketing", "--test"), env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert works.code == 0, works.err
    assert works.err.startswith("vendor-console accounts add: connection works: ")
    assert [a["label"] for a in saved(console_home)] == ["Marketing"]
    unreachable = cli("accounts", "add", "--vendor", "systeme", "--label", "Gone", "--base-url",
                      "http://127.0.0.1:9", "--test", env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert unreachable.code == 5, unreachable.err
    assert [a["label"] for a in saved(console_home)] == ["Marketing"]


@pytest.mark.parametrize(("args", "env", "says"), [
    (["--vendor", "nope", "--label", "X"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "unknown vendor 'nope'; choose from systeme, setster"),
    (["--vendor", "systeme", "--label", "X"], {}, "set VENDOR_CONSOLE_API_KEY in the environment"),
    (["--vendor", "systeme", "--label", " "], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, "--label must not be empty"),
    (["--vendor", "systeme", "--label", "taken"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "an account is already labelled 'Taken': labels must differ"),
    (["--vendor", "systeme", "--label", "marketing (demo)"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "'marketing (demo)' is a demo account's label"),
    (["--vendor", "systeme", "--label", "X", "--base-url", "http://api.example.com"],
     {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, "cannot be used: Use https://"),
    (["--vendor", "systeme", "--label", "X", "--base-url", "ftp://api.example.com"],
     {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, "cannot be used: Enter a full address"),
    (["--vendor", "systeme", "--label", "X", "--field", "api_key=abc"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "api_key is secret: set VENDOR_CONSOLE_API_KEY instead"),
    (["--vendor", "systeme", "--label", "X", "--field", "colour=blue"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "Systeme.io has no login field 'colour'"),
    (["--vendor", "setster", "--label", "X"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "Setster needs --field email=..."),
    (["--vendor", "launch27", "--label", "X", "--field", "email=a@example.com"],
     {"VENDOR_CONSOLE_PASSWORD": "pw-123456"}, "Launch27 has no default base URL: give --base-url (like https://<"),
    (["--vendor", "launch27", "--label", "X", "--field", "email=a@example.com", "--field", "api=3",
      "--base-url", "https://acme.launch27.com"], {"VENDOR_CONSOLE_PASSWORD": "pw-123456"},
     "--field api must be one of"),
    (["--vendor", "launch27", "--label", "X", "--field", "email=a@example.com", "--field", "api=2.0",
      "--base-url", "https://acme.launch27.com"], {"VENDOR_CONSOLE_PASSWORD": "pw-123456"},
     "set VENDOR_CONSOLE_API_KEY in the environment"),
    (["--vendor", "launch27", "--label", "X", "--field", "email=a@example.com", "--option", "nope=1",
      "--base-url", "https://acme.launch27.com"], {"VENDOR_CONSOLE_PASSWORD": "pw-123456"},
     "Launch27 has no option 'nope'"),
    (["--vendor", "systeme", "--label", "X", "--option", "x"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY},
     "--option must look like NAME=VALUE"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_saved(keychain: MemoryStore, cli: InProcessCli,
                                                        console_home: Path, args: list[str], env: dict[str, str],
                                                        says: str) -> None:
    first = cli("accounts", "add", "--vendor", "systeme", "--label", "Taken",
                env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert first.code == 0, first.err
    before = (console_home / "accounts.json").read_text(encoding="utf-8")
    ran = cli("accounts", "add", *args, env=env)
    assert ran.code == 2, ran.err
    [line] = ran.err.splitlines()
    assert line.startswith("vendor-console accounts add: ") and says in line, line
    assert (console_home / "accounts.json").read_text(encoding="utf-8") == before


def test_an_option_is_checked_against_its_choices(keychain: MemoryStore, cli: InProcessCli,
                                                  console_home: Path) -> None:
    from console.vendors import registry

    option = registry.get("launch27").options[0]
    base = ["accounts", "add", "--vendor", "launch27", "--field", "email=a@example.com", "--base-url",
            "https://acme.launch27.com"]
    env = {"VENDOR_CONSOLE_PASSWORD": "pw-123456"}
    wrong = cli(*base, "--label", "X", "--option", f"{option.key}=not-a-choice", env=env)
    assert wrong.code == 2 and f"--option {option.key} must be one of" in wrong.err
    choice = option.choices[-1].value
    ran = cli(*base, "--label", "Y", "--option", f"{option.key}={choice}", "--read-only", env=env)
    assert ran.code == 0, ran.err
    [entry] = saved(console_home)
    assert entry["options"][option.key] == choice  # type: ignore[index]
    row = listed(cli)["Y"]
    assert row["read_only"] is True and row["secrets"] == {"password": "keychain"}
    assert "read-only" in cli("accounts", "list").lines[1]


def test_plain_http_to_another_computer_only_when_allowed(keychain: MemoryStore, cli: InProcessCli,
                                                          console_home: Path) -> None:
    ran = cli("accounts", "add", "--vendor", "systeme", "--label", "Lab", "--base-url", "http://10.0.0.5/api",
              "--allow-insecure", env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert ran.code == 0, ran.err
    assert "warning: 'Lab' may use plain http://" in ran.err
    assert listed(cli)["Lab"]["allow_insecure"] is True
    assert "insecure http" in cli("accounts", "list").lines[1]


def test_list_with_the_demo(keychain: MemoryStore, cli: InProcessCli) -> None:
    from console.commands.demo import demo_accounts

    rows = listed(cli, "--demo", env={"VENDOR_CONSOLE_API_KEY": WRONG_KEY})  # not the demo's
    assert set(rows) == {c.account.label for c in demo_accounts()}
    assert all(r["demo"] and r["secret"] == "demo" and r["base_url"] == "" for r in rows.values())
    assert rows["Sparkle 2.0 (demo)"]["secrets"] == {"password": "demo", "api_key": "demo"}
    table = cli("accounts", "list", "--demo")
    assert "Marketing (demo)" in table.out and "(local emulator)" in table.out
    empty = cli("accounts", "list")
    assert empty.code == 0 and "No saved accounts" in empty.out


def test_remove_asks_on_a_terminal(keychain: MemoryStore, cli: InProcessCli, console_home: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("accounts", "add", "--vendor", "systeme", "--label", "Marketing",
               env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}).code == 0
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    declined = cli("accounts", "remove", "Marketing")
    assert declined.code == 130
    assert "Remove the account 'Marketing' (Systeme.io)? Its secret is deleted from your keychain; nothing is " \
           "deleted at the vendor. [y/N] " in declined.err
    assert declined.err.endswith("vendor-console accounts remove: not removed\n")
    assert len(saved(console_home)) == 1
    monkeypatch.setattr(sys, "stdin", Terminal(""))  # end of input is no
    assert cli("accounts", "remove", "Marketing").code == 130
    monkeypatch.setattr(sys, "stdin", Terminal("yes\n"))
    assert cli("accounts", "remove", "marketing").code == 0
    assert saved(console_home) == []


def test_remove_without_asking_and_what_cannot_be_removed(keychain: MemoryStore, cli: InProcessCli,
                                                          console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("accounts", "add", "--vendor", "systeme", "--label", "Marketing",
               env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}).code == 0
    monkeypatch.setattr(sys, "stdin", Terminal(""))  # nothing typed: --yes does not ask
    assert cli("accounts", "remove", "Marketing", "--yes").code == 0
    demo = cli("accounts", "remove", "Marketing (demo)", "--yes")
    assert demo.code == 2
    assert demo.err == ("vendor-console accounts remove: 'Marketing (demo)' is a demo account: it cannot be removed "
                        "(it comes back each time the demo starts)\n")
    gone = cli("accounts", "remove", "Marketing", "--yes")
    assert gone.code == 2 and "no saved account is labelled 'Marketing'" in gone.err


def test_no_action_is_a_usage_error(cli: InProcessCli) -> None:
    with pytest.raises(SystemExit) as info:
        cli("accounts")
    assert info.value.code == 2


# -- real processes -----------------------------------------------------------------------------------


def run(args: list[str], env_extra: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env.update(env_extra)
    env["VENDOR_CONSOLE_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_a_process_on_a_computer_without_a_keychain(workspace: DemoWorkspace, console_home: Path) -> None:
    none = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    key = {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}
    added = run(add_args(workspace), {**none, **key}, console_home)
    assert added.returncode == 0, added.stderr
    assert "no usable keychain" in added.stderr
    listing = run(["accounts", "list", "--json"], none, console_home)
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout)["secret"] == "missing"
    export = run(["export", "--account", "Marketing", "--dataset", "tags"], {**none, **key}, console_home)
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == 15
    removed = run(["accounts", "remove", "Marketing"], none, console_home)
    assert removed.returncode == 0, removed.stderr
    assert saved(console_home) == []


@pytest.mark.keyring
@pytest.mark.skipif(not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus session for the keychain")
def test_a_process_with_the_real_keychain(workspace: DemoWorkspace, console_home: Path) -> None:
    import keyring
    import keyring.errors

    added = run(add_args(workspace, "Keychain test"), {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, console_home)
    assert added.returncode == 0, added.stderr
    [entry] = saved(console_home)
    user = f"{entry['id']}/api_key"
    try:
        assert keyring.get_password("vendor-console/systeme", user) == DEMO_API_KEY
        listing = run(["accounts", "list", "--json"], {}, console_home)
        assert json.loads(listing.stdout)["secret"] == "keychain", listing.stderr
        export = run(["export", "--account", "Keychain test", "--dataset", "tags"], {}, console_home)
        assert export.returncode == 0 and len(export.stdout.splitlines()) == 15, export.stderr
        wins = run(["export", "--account", "Keychain test", "--dataset", "tags"],
                   {"VENDOR_CONSOLE_API_KEY": WRONG_KEY}, console_home)
        assert wins.returncode == 3, wins.stderr
        removed = run(["accounts", "remove", "Keychain test"], {}, console_home)
        assert removed.returncode == 0, removed.stderr
        assert keyring.get_password("vendor-console/systeme", user) is None
    finally:
        import contextlib

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password("vendor-console/systeme", user)


def asyncio_run(coro: object) -> object:
    import asyncio

    return asyncio.run(coro)  # type: ignore[arg-type]


def test_remove_takes_the_local_copy_with_it(workspace: DemoWorkspace, keychain: MemoryStore, cli: InProcessCli,
                                             console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.services.mirror.keys import KEY_FIELD
    from console.services.mirror.store import mirror_path

    assert cli(*add_args(workspace), env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}).code == 0
    [entry] = saved(console_home)
    account_id = str(entry["id"])
    copy = mirror_path(account_id)  # as `vendor-console sync` or the window leave it
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"encrypted pages")
    copy.with_name(copy.name + "-wal").write_bytes(b"log")
    asyncio_run(keychain.set("systeme", account_id, KEY_FIELD, "00" * 32))
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    declined = cli("accounts", "remove", "Marketing")
    assert "Its local copy on this computer goes too. [y/N] " in declined.err
    assert copy.exists()
    removed = cli("accounts", "remove", "Marketing", "--yes")
    assert removed.code == 0, removed.err
    assert "removed 'Marketing', its keychain entry and its local copy; nothing was deleted at Systeme.io" \
        in removed.err
    assert not copy.exists() and not copy.with_name(copy.name + "-wal").exists()
    assert asyncio_run(keychain.get("systeme", account_id, KEY_FIELD)) is None
    assert saved(console_home) == []


def test_an_account_added_with_no_local_copy_keeps_none(workspace: DemoWorkspace, keychain: MemoryStore,
                                                        cli: InProcessCli, console_home: Path) -> None:
    added = cli(*add_args(workspace, "Marketing", "--no-local-copy"), env={"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY})
    assert added.code == 0, added.err
    [entry] = saved(console_home)
    assert entry["local_copy"] is False
    assert listed(cli)["Marketing"]["local_copy"] is False
    assert cli("accounts", "list").lines[1].split()[3:6] == ["no", "local", "copy"]
