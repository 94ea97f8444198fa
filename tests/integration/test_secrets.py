"""No secret in logs, config files or exception text, after an export, a failed login and account edits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.core import log
from console.core.credentials import MemoryStore
from console.core.errors import AuthError, ConsoleError
from console.core.settings import AccountConfig, AccountsFile
from console.sandbox.workspace import DemoWorkspace
from console.services.accounts import AccountService

GOOD_KEY = "vc-known-good-Key-5f1e2d3c"
BAD_KEY = "vc-known-bad-Key-9a8b7c6d"


@pytest.fixture(scope="module")
def workspace():
    ws = DemoWorkspace.start(sizes={"systeme": 230}, vendors=("systeme",))
    ws.vendors["systeme"].emulator.api_keys.add(GOOD_KEY)  # type: ignore[attr-defined]
    yield ws
    ws.stop()


def _everything_written(home: Path) -> str:
    chunks = []
    for path in home.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def _cli(args: list[str], key: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env.update({"VENDOR_CONSOLE_HOME": str(home), "VENDOR_CONSOLE_API_KEY": key, "VENDOR_CONSOLE_DEBUG": "1"})
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


@pytest.mark.allow_warnings
async def test_no_secret_anywhere(workspace: DemoWorkspace, console_home: Path, caplog: pytest.LogCaptureFixture,
                                  tmp_path: Path) -> None:
    base_url = workspace.vendors["systeme"].base_url
    args = ["export", "--vendor", "systeme", "--base-url", base_url, "--dataset", "contacts",
            "--output", str(tmp_path / "out.jsonl")]
    ok = _cli(args, GOOD_KEY, console_home)
    assert ok.returncode == 0, ok.stderr
    bad = _cli(args, BAD_KEY, console_home)
    assert bad.returncode == 3
    log_text = (console_home / "logs" / "vendor-console.log").read_text(encoding="utf-8")
    assert "x-api-key" in log_text.lower()  # the debug lines carried the auth header, masked

    # In-process: an account saved with its key, a failed login, an export, then removal.
    log.setup()
    accounts = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    account = AccountConfig(id=AccountConfig.new_id(), vendor="systeme", label="Secret test", base_url=base_url)
    await accounts.add(account, {"api_key": GOOD_KEY})
    assert "accepted" in await accounts.test(account, {"api_key": GOOD_KEY})
    errors: list[ConsoleError] = []
    try:
        await accounts.test(account, {"api_key": BAD_KEY})
    except AuthError as exc:
        errors.append(exc)
    client = await accounts.client(account.id)
    from console.core.models import Query

    page = await client.fetch_page("contacts", Query(), None, 100)
    assert page.items
    await accounts.remove(account.id)
    await accounts.aclose()

    assert errors, "the wrong key was accepted"
    exception_text = "\n".join([str(errors[0]), repr(errors[0]), errors[0].user_message.render(),
                                errors[0].body or "", errors[0].message])
    written = _everything_written(console_home)
    for secret in (GOOD_KEY, BAD_KEY):
        assert secret not in written, "a secret reached the config dir or the log file"
        assert secret not in caplog.text, "a secret reached a log line"
        assert secret not in exception_text, "a secret reached an exception"
        assert secret not in ok.stderr + bad.stderr + ok.stdout + bad.stdout
    assert "Wrong API key" in exception_text
