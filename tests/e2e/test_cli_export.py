"""``vendor-console export`` against the emulator: output, exit codes, secrets only from the environment."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.sandbox.faults import FaultConfig
from console.sandbox.workspace import DemoWorkspace
from console.vendors.systeme import DEMO_API_KEY


@pytest.fixture(scope="module")
def workspace():
    ws = DemoWorkspace.start(sizes={"systeme": 450}, vendors=("systeme",))
    yield ws
    ws.stop()


def run_cli(args: list[str], env_extra: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env.update(env_extra)
    env["VENDOR_CONSOLE_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def base_args(ws: DemoWorkspace) -> list[str]:
    return ["export", "--vendor", "systeme", "--base-url", ws.vendors["systeme"].base_url, "--dataset", "contacts"]


def test_export_jsonl_to_stdout(workspace: DemoWorkspace, console_home: Path) -> None:
    result = run_cli(base_args(workspace) + ["--order", "asc"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, console_home)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 450
    assert all(isinstance(r["id"], str) for r in rows)
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    assert {"email", "fields", "tags", "registeredAt"} <= set(rows[0])
    assert "450 records" in result.stderr and "done" in result.stderr


def test_export_csv_to_file_with_filter(workspace: DemoWorkspace, console_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "vip.csv"
    result = run_cli(base_args(workspace) + ["--format", "csv", "--output", str(out), "--filter", "tags=1"],
                     {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, console_home)
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and rows[0].keys() >= {"id", "email", "tags"}
    assert all('"name": "vip"' in r["tags"] for r in rows)
    assert not list(tmp_path.glob(".*.part"))


def test_wrong_key_exits_3_with_vendor_message(workspace: DemoWorkspace, console_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.jsonl"
    result = run_cli(base_args(workspace) + ["--output", str(out)], {"VENDOR_CONSOLE_API_KEY": "wrong-key-123"},
                     console_home)
    assert result.returncode == 3
    assert "Wrong API key" in result.stderr
    assert "Invalid API key." in result.stderr  # the vendor's own words
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_missing_secret_is_a_usage_error(workspace: DemoWorkspace, console_home: Path) -> None:
    result = run_cli(base_args(workspace), {}, console_home)
    assert result.returncode == 2
    assert "VENDOR_CONSOLE_API_KEY" in result.stderr


def test_secret_on_the_command_line_is_refused(workspace: DemoWorkspace, console_home: Path) -> None:
    result = run_cli(base_args(workspace) + ["--field", f"api_key={DEMO_API_KEY}"], {}, console_home)
    assert result.returncode == 2
    assert "VENDOR_CONSOLE_API_KEY" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["export", "--vendor", "nope", "--dataset", "contacts"], "unknown vendor"),
        (["export", "--vendor", "systeme", "--dataset", "bookings"], "no dataset"),
        (["export", "--vendor", "systeme", "--dataset", "contacts", "--filter", "colour=red"], "cannot be filtered"),
        (["export", "--dataset", "contacts"], "--vendor"),
        (["export", "--account", "Nobody", "--dataset", "contacts"], "no saved account"),
    ],
)
def test_usage_errors_exit_2(args: list[str], needle: str, console_home: Path) -> None:
    result = run_cli(args, {"VENDOR_CONSOLE_API_KEY": "k" * 10}, console_home)
    assert result.returncode == 2
    assert needle in result.stderr


def test_connection_refused_exits_5(console_home: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_cli(["export", "--vendor", "systeme", "--base-url", f"http://127.0.0.1:{port}/api",
                      "--dataset", "tags"], {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, console_home)
    assert result.returncode == 5
    assert "Cannot connect" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.allow_warnings
def test_malformed_json_is_a_typed_error(workspace: DemoWorkspace, console_home: Path) -> None:
    workspace.set_faults(FaultConfig(malformed_rate=1.0))
    try:
        result = run_cli(base_args(workspace), {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}, console_home)
    finally:
        workspace.set_faults(None)
    assert result.returncode == 4
    assert "Unexpected answer" in result.stderr and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.keyring
@pytest.mark.skipif(not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus session for the keychain")
async def test_saved_account_uses_the_keychain(workspace: DemoWorkspace, console_home: Path) -> None:
    from console.core.credentials import KeyringStore
    from console.core.settings import AccountConfig, AccountsFile
    from console.services.accounts import AccountService

    service = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    account = AccountConfig(AccountConfig.new_id(), "systeme", "Saved demo", workspace.vendors["systeme"].base_url)
    await service.add(account, {"api_key": DEMO_API_KEY})
    ephemeral = AccountConfig(AccountConfig.new_id(), "systeme", "Ephemeral", account.base_url)
    await service.add(ephemeral, {"api_key": DEMO_API_KEY}, session_only=True)
    try:
        result = run_cli(["export", "--account", "saved demo", "--dataset", "tags"], {}, console_home)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 15
        missing = run_cli(["export", "--account", "Ephemeral", "--dataset", "tags"], {}, console_home)
        assert missing.returncode == 3
        assert "Secret needed" in missing.stderr
        wrong_vendor = run_cli(["export", "--account", "Saved demo", "--vendor", "setster", "--dataset", "tags"],
                               {}, console_home)
        assert wrong_vendor.returncode == 2
    finally:
        await service.remove(account.id)
        await service.remove(ephemeral.id)


@pytest.fixture(scope="module")
def setster_ws():
    ws = DemoWorkspace.start(sizes={"setster": 260}, vendors=("setster",))
    yield ws
    ws.stop()


@pytest.mark.parametrize("dataset", ["appointments", "clients", "services", "employees", "locations"])
def test_setster_export_every_dataset(setster_ws: DemoWorkspace, console_home: Path, dataset: str) -> None:
    from console.vendors.setster import DEMO_API_KEY as SETSTER_KEY
    from console.vendors.setster import DEMO_OWNER

    args = ["export", "--vendor", "setster", "--base-url", setster_ws.vendors["setster"].base_url,
            "--field", f"email={DEMO_OWNER}", "--dataset", dataset]
    result = run_cli(args, {"VENDOR_CONSOLE_API_KEY": SETSTER_KEY}, console_home)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    key = "client_id" if dataset == "clients" else "id"
    ids = [r["id"] for r in rows]
    assert ids and len(ids) == len(set(ids))
    assert all(isinstance(i, str) for i in ids)
    assert all(r["id"] == str(r[key]) for r in rows)
    if dataset == "appointments":
        assert len(rows) == 260


def test_setster_wrong_key_and_missing_email(setster_ws: DemoWorkspace, console_home: Path) -> None:
    from console.vendors.setster import DEMO_OWNER

    base = ["export", "--vendor", "setster", "--base-url", setster_ws.vendors["setster"].base_url,
            "--dataset", "services"]
    wrong = run_cli([*base, "--field", f"email={DEMO_OWNER}"], {"VENDOR_CONSOLE_API_KEY": "nope-nope"}, console_home)
    assert wrong.returncode == 3
    assert "Wrong email or API key" in wrong.stderr and "Invalid credentials" in wrong.stderr
    missing = run_cli(base, {"VENDOR_CONSOLE_API_KEY": "nope-nope"}, console_home)
    assert missing.returncode == 2
    assert "--field email" in missing.stderr


@pytest.fixture(scope="module")
def launch27_ws():
    ws = DemoWorkspace.start(sizes={"launch27": 240}, vendors=("launch27",))
    yield ws
    ws.stop()


def _l27_args(ws: DemoWorkspace, api: str, dataset: str = "bookings") -> list[str]:
    from console.vendors.launch27 import DEMO_ADMIN as L27_ADMIN

    base = f"http://127.0.0.1:{ws.vendors['launch27'].port}{'/api' if api == '2.0' else '/v1'}"
    return ["export", "--vendor", "launch27", "--base-url", base, "--field", f"api={api}",
            "--field", f"email={L27_ADMIN}", "--dataset", dataset]


@pytest.mark.parametrize("api", ["2.0", "v1"])
def test_launch27_export_both_generations(launch27_ws: DemoWorkspace, console_home: Path, api: str) -> None:
    from console.vendors.launch27 import DEMO_API_KEY as L27_KEY
    from console.vendors.launch27 import DEMO_PASSWORD

    env = {"VENDOR_CONSOLE_PASSWORD": DEMO_PASSWORD, **({"VENDOR_CONSOLE_API_KEY": L27_KEY} if api == "2.0" else {})}
    result = run_cli([*_l27_args(launch27_ws, api), "--filter", "from=2000-01-01", "--filter", "to=2100-01-01"],
                     env, console_home)
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert len(ids) == len(set(ids)) == 240
    services = run_cli(_l27_args(launch27_ws, api, "services"), env, console_home)
    assert services.returncode == 0 and len(services.stdout.splitlines()) == 5


def test_launch27_login_failures_exit_3(launch27_ws: DemoWorkspace, console_home: Path) -> None:
    from console.vendors.launch27 import DEMO_API_KEY as L27_KEY
    from console.vendors.launch27 import DEMO_PASSWORD

    wrong_key = run_cli(_l27_args(launch27_ws, "2.0", "services"),
                        {"VENDOR_CONSOLE_PASSWORD": DEMO_PASSWORD, "VENDOR_CONSOLE_API_KEY": "test_nope"}, console_home)
    assert wrong_key.returncode == 3
    assert "Wrong API key" in wrong_key.stderr and "Invalid API key" in wrong_key.stderr
    wrong_password = run_cli(_l27_args(launch27_ws, "v1", "services"), {"VENDOR_CONSOLE_PASSWORD": "nope"},
                             console_home)
    assert wrong_password.returncode == 3
    assert "Wrong email or password" in wrong_password.stderr
    no_key = run_cli(_l27_args(launch27_ws, "2.0", "services"), {"VENDOR_CONSOLE_PASSWORD": DEMO_PASSWORD},
                     console_home)
    assert no_key.returncode == 2 and "VENDOR_CONSOLE_API_KEY" in no_key.stderr
    v1_needs_no_key = run_cli(_l27_args(launch27_ws, "v1", "services"), {"VENDOR_CONSOLE_PASSWORD": DEMO_PASSWORD},
                              console_home)
    assert v1_needs_no_key.returncode == 0
    search_in_v2 = run_cli([*_l27_args(launch27_ws, "2.0"), "--filter", "query=x"],
                           {"VENDOR_CONSOLE_PASSWORD": DEMO_PASSWORD, "VENDOR_CONSOLE_API_KEY": L27_KEY}, console_home)
    assert search_in_v2.returncode == 2 and "cannot be filtered" in search_in_v2.stderr


@pytest.fixture(scope="module")
def rentals_ws():
    ws = DemoWorkspace.start(sizes={"setsmart": 330, "setera": 140}, vendors=("setsmart", "setera"))
    yield ws
    ws.stop()


@pytest.mark.parametrize(("dataset", "count"), [("properties", 300), ("reservations", 330)])
def test_setsmart_export(rentals_ws: DemoWorkspace, console_home: Path, dataset: str, count: int) -> None:
    from console.vendors.setsmart import DEMO_API_KEY as SETSMART_KEY

    result = run_cli(["export", "--vendor", "setsmart", "--base-url", rentals_ws.vendors["setsmart"].base_url,
                      "--dataset", dataset, "--format", "csv"], {"VENDOR_CONSOLE_API_KEY": SETSMART_KEY}, console_home)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len({r["id"] for r in rows}) == count
    assert f"{count} records" in result.stderr


@pytest.mark.parametrize(("dataset", "count"), [("contacts", 140), ("queues", 4)])
def test_setera_export(rentals_ws: DemoWorkspace, console_home: Path, dataset: str, count: int) -> None:
    from console.vendors.setera import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER

    args = ["export", "--vendor", "setera", "--base-url", rentals_ws.vendors["setera"].base_url, "--field",
            f"domain={DEMO_DOMAIN}", "--field", f"user={DEMO_USER}", "--dataset", dataset]
    result = run_cli(args, {"VENDOR_CONSOLE_TOKEN": DEMO_TOKEN}, console_home)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len({r["id"] for r in rows}) == count
    no_url = run_cli(["export", "--vendor", "setera", "--dataset", "queues", "--field", f"domain={DEMO_DOMAIN}",
                      "--field", f"user={DEMO_USER}"], {"VENDOR_CONSOLE_TOKEN": DEMO_TOKEN}, console_home)
    assert no_url.returncode == 2 and "--base-url" in no_url.stderr
    wrong = run_cli(args, {"VENDOR_CONSOLE_TOKEN": "revoked"}, console_home)
    assert wrong.returncode == 3 and "Token not accepted" in wrong.stderr
