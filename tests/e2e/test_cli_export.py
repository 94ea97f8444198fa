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
from tests.e2e.cli_in_process import InProcessCli


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


def test_export_csv_gives_each_custom_field_its_column(workspace: DemoWorkspace, console_home: Path,
                                                       tmp_path: Path) -> None:
    """A contact's name and phone sit in their own columns, headed by the field's name, on every page."""
    env = {"VENDOR_CONSOLE_API_KEY": DEMO_API_KEY}
    out = tmp_path / "contacts.csv"
    result = run_cli(base_args(workspace) + ["--format", "csv", "--output", str(out)], env, console_home)
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    assert len(rows) == 450  # five pages, one header
    assert "fields" not in header
    assert {"First name", "Surname", "Phone number", "Country", "Company name", "Postcode"} <= set(header)
    assert header[-1] == "Other fields" and all(r["Other fields"] == "" for r in rows)
    sent = run_cli(base_args(workspace), env, console_home)  # JSON Lines: the list as the vendor sent it
    assert sent.returncode == 0, sent.stderr
    as_sent = {r["id"]: {f["slug"]: f["value"] for f in r["fields"]} for r in map(json.loads, sent.stdout.splitlines())}
    for row in rows:
        fields = as_sent[row["id"]]
        assert row["First name"] == fields.get("first_name", "") and row["Surname"] == fields.get("surname", "")
        assert row["Phone number"] == fields.get("phone_number", "")
    assert "warning" not in result.stderr


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
    assert "API key" in wrong.stderr.splitlines()[0] and "Setster" in wrong.stderr  # the key first (item 3)
    assert "Traceback" not in wrong.stderr
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


# -- the demo workspace, and servers without the optional endpoints (in this process: no process start) ----


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessCli:
    return InProcessCli(monkeypatch, capsys)


@pytest.mark.parametrize(("label", "dataset", "count"), [
    ("Coastal Stays (demo)", "properties", None), ("Nordic Tel (demo)", "queues", 4),
    ("sparkle 2.0 (DEMO)", "services", 5),  # labels match as saved ones do, whatever the case
])
def test_export_demo_account_by_label(cli: InProcessCli, label: str, dataset: str, count: int | None) -> None:
    ran = cli("export", "--demo", "--account", label, "--dataset", dataset, env={"VENDOR_CONSOLE_API_KEY": "real"})
    assert ran.code == 0, ran.err
    ids = [json.loads(line)["id"] for line in ran.lines]
    assert ids and len(ids) == len(set(ids)) and (count is None or len(ids) == count)
    assert "done" in ran.err


def test_export_demo_by_vendor_and_the_usage_errors_of_demo(cli: InProcessCli) -> None:
    by_vendor = cli("export", "--demo", "--vendor", "setera", "--dataset", "queues", "--format", "csv")
    assert by_vendor.code == 0 and len(list(csv.DictReader(io.StringIO(by_vendor.out)))) == 4
    nobody = cli("export", "--demo", "--account", "Bright Smiles", "--dataset", "clients")
    assert nobody.code == 2 and '"Bright Smiles (demo)"' in nobody.err and '"Marketing (demo)"' in nobody.err
    neither = cli("export", "--demo", "--dataset", "tags")
    assert neither.code == 2 and "--account" in neither.err
    with_url = cli("export", "--demo", "--account", "Marketing (demo)", "--base-url", "http://127.0.0.1:1/api",
                   "--dataset", "tags")
    assert with_url.code == 2 and "--base-url" in with_url.err
    wrong_vendor = cli("export", "--demo", "--account", "Marketing (demo)", "--vendor", "setster", "--dataset", "tags")
    assert wrong_vendor.code == 2 and "systeme account" in wrong_vendor.err
    without_demo = cli("export", "--account", "Marketing (demo)", "--dataset", "tags")
    assert without_demo.code == 2 and "add --demo" in without_demo.err


@pytest.fixture(scope="module")
def bare_ws():
    """Every vendor's emulator with its optional endpoints removed, as a server without them answers."""
    ws = DemoWorkspace.start(sizes={"systeme": 120, "setster": 120, "launch27": 120, "setsmart": 120, "setera": 120})
    ws.set_optional_endpoints(False)
    yield ws
    ws.stop()


def _demo_args(ws: DemoWorkspace, label: str) -> tuple[list[str], dict[str, str]]:
    from console.vendors import registry

    account = next(a for a in ws.accounts if a.label == label)
    spec = registry.get(account.vendor)
    args = ["export", "--vendor", account.vendor, "--base-url", account.base_url]
    for name, value in account.fields.items():
        args += ["--field", f"{name}={value}"]
    env = {lf.env_var: ws.secrets[account.id][lf.name] for lf in spec.secrets_for(account.fields)}
    return args, env


def _every_demo_dataset() -> list[tuple[str, str]]:
    from console.vendors import registry

    return [(demo.label, dataset.name) for spec in registry.VENDORS if spec.emulator is not None
            for demo in spec.emulator.demo_accounts for dataset in spec.datasets]


@pytest.mark.parametrize(("label", "dataset"), _every_demo_dataset())
def test_every_dataset_exports_without_the_optional_endpoints(cli: InProcessCli, bare_ws: DemoWorkspace, label: str,
                                                              dataset: str) -> None:
    args, env = _demo_args(bare_ws, label)
    ran = cli(*args, "--dataset", dataset, "--quiet", env=env)
    assert ran.code == 0, ran.err
    ids = [json.loads(line)["id"] for line in ran.lines]
    assert len(ids) == len(set(ids))
    notes = [line for line in ran.err.splitlines() if line.startswith("vendor-console export: note: ")]
    assert len(notes) == len(set(notes)), ran.err  # each said once
    if (label, dataset) in {("Nordic Tel (demo)", "contacts"), ("Sparkle 2.0 (demo)", "bookings")}:
        assert notes, "the lists that lose an optional call say so"
    assert all(line.startswith(("vendor-console export: note: ", "vendor-console export: warning: "))
               for line in ran.err.splitlines()), ran.err


def test_lookup_on_one_demo_account_as_the_readme_shows(cli: InProcessCli) -> None:
    ran = cli("lookup", "+1 (415) 555-0100", "--demo", "--account", "Bright Smiles (demo)", "--region", "US")
    assert ran.code == 0, ran.err
    lines = [json.loads(line) for line in ran.lines]
    assert lines and {x["account"] for x in lines} == {"Bright Smiles (demo)"}
    assert all(x["type"] == "hit" and x["matched"]["phone"] for x in lines)
