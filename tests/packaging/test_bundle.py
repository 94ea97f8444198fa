"""The PyInstaller bundle as a user gets it (``make test-dist`` builds it first).

Smoke test offscreen with the real keychain and without one, the stderr allow-list, install.sh into
a temporary HOME (desktop entry validated, launcher, double-click start on the demo workspace, a
second start handing over), uninstall leaving nothing, and a screenshot of the installed app.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.credentials import NO_KEYCHAIN_TEXT
from tests.conftest import ARTIFACTS, eventually

pytestmark = pytest.mark.frozen

DIST = Path(os.environ.get("VENDOR_CONSOLE_DIST", "dist"))
TARBALL = Path(os.environ.get("VENDOR_CONSOLE_DIST_TAR", ""))
BUNDLE = DIST / "vendor-console" / "vendor-console"
ALLOWLIST = Path(__file__).resolve().parents[2] / "packaging" / "stderr-allowlist.txt"


def allowed_patterns() -> list[re.Pattern[str]]:
    lines = ALLOWLIST.read_text(encoding="utf-8").splitlines()
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


def unexpected_stderr(stderr: str) -> list[str]:
    patterns = allowed_patterns()
    return [line for line in stderr.splitlines() if line.strip() and not any(p.search(line) for p in patterns)]


def user_env(home: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment a user's session gives the app: no test-only Qt or console variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VENDOR_CONSOLE_", "QT_", "PYTEST")) and k not in ("PYTHONPATH",)}
    if home is not None:
        env["VENDOR_CONSOLE_HOME"] = str(home)
    env.update(extra)
    return env


@pytest.fixture
def installed() -> Iterator[tuple[Path, Path]]:
    """Unpacks the tarball and runs install.sh into a fresh HOME (with a space and a quote in its path).

    Yields:
        (home, unpacked folder).
    """
    assert TARBALL.is_file(), f"no tarball at {TARBALL}: run `make test-dist`"
    # Short (sockets live under it) and awkward (a space and an apostrophe) on purpose.
    root = Path(tempfile.mkdtemp(prefix="vc-", dir="/tmp"))
    home = root / "Jane's home"
    home.mkdir()
    unpacked = root / "unpacked"
    with tarfile.open(TARBALL) as tar:
        assert sorted({m.name.split("/")[0] for m in tar.getmembers()}) == ["install.sh", "vendor-console"]
        tar.extractall(unpacked, filter="tar")
    runtime = root / "run"
    runtime.mkdir(mode=0o700)
    env = user_env(HOME=str(home), XDG_RUNTIME_DIR=str(runtime))
    env.pop("XDG_DATA_HOME", None)
    result = subprocess.run(["sh", str(unpacked / "install.sh")], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "installed in" in result.stdout
    yield home, unpacked
    shutil.rmtree(root, ignore_errors=True)


def test_smoke_test_offscreen_with_the_real_keychain(console_home: Path) -> None:
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), "run under `make test-dist` (a session bus and gnome-keyring)"
    started = time.perf_counter()
    result = subprocess.run([str(BUNDLE), "--smoke-test"], capture_output=True, text=True, timeout=60, check=False,
                            env=user_env(console_home, QT_QPA_PLATFORM="offscreen"))
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke test ok: Systeme.io · Marketing (demo) · Contacts: 50 loaded")
    assert "keychain: SecretService, round trip ok" in result.stdout
    # The local copy's storage: SQLCipher's extension is in the bundle, with FTS5's trigram index.
    assert re.search(r"local copy: SQLCipher 4\.\S+ community, encrypted file and search ok;", result.stdout)
    assert unexpected_stderr(result.stderr) == [], "stderr lines not in packaging/stderr-allowlist.txt"
    log = (console_home / "logs" / "vendor-console.log").read_text(encoding="utf-8")
    assert "demo workspace ready" in log  # the frozen app logs to its file
    size = sum(p.stat().st_size for p in BUNDLE.parent.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle smoke test: {seconds:.2f} s; bundle {size / 2**20:.1f} MB; {result.stdout.strip()}")


def test_the_bundled_lookup_reads_every_phone_format(console_home: Path) -> None:
    # phonenumbers loads its region tables by name: a missing one would find nothing, silently.
    lines = []
    for text in ("+1 (415) 555-0100", "415.555.0100", "+44 20 7946 0958"):
        result = subprocess.run([str(BUNDLE), "lookup", text, "--demo", "--region", "US"], capture_output=True,
                                text=True, timeout=90, check=False, env=user_env(console_home))
        assert result.returncode == 0, result.stderr
        lines.append(sorted(line for line in result.stdout.splitlines() if '"type": "hit"' in line))
    assert lines[0] == lines[1] and len(lines[0]) >= 4
    assert lines[2] == []  # parsed (no error), and nobody in the demo has that number


def test_without_a_keychain_the_message_is_the_one_from_source(console_home: Path) -> None:
    env = user_env(console_home, QT_QPA_PLATFORM="offscreen")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    frozen = subprocess.run([str(BUNDLE), "--smoke-test"], capture_output=True, text=True, timeout=60, check=False,
                            env=env)
    source = subprocess.run([sys.executable, "-m", "console", "--smoke-test"], capture_output=True, text=True,
                            timeout=60, check=False, env=env)
    assert frozen.returncode == source.returncode == 0, frozen.stderr + source.stderr
    frozen_keychain = frozen.stdout.split("keychain: ", 1)[1].strip()
    assert frozen_keychain == f"unavailable: {NO_KEYCHAIN_TEXT}"
    assert frozen_keychain == source.stdout.split("keychain: ", 1)[1].strip()


def _exec_of(desktop_file: Path) -> list[str]:
    exec_line = next(line for line in desktop_file.read_text(encoding="utf-8").splitlines()
                     if line.startswith("Exec="))
    return shlex.split(exec_line.removeprefix("Exec="))


def test_install_double_click_second_start_and_uninstall(installed: tuple[Path, Path]) -> None:
    home, unpacked = installed
    opt = home / ".local" / "opt" / "vendor-console"
    desktop = home / ".local" / "share" / "applications" / "vendor-console.desktop"
    launcher = home / ".local" / "bin" / "vendor-console"
    assert (opt / "vendor-console").is_file() and desktop.is_file() and launcher.is_file()
    validated = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False)
    assert validated.returncode == 0 and validated.stdout.strip() == "", validated.stdout + validated.stderr
    entry = desktop.read_text(encoding="utf-8")
    icon = Path(re.search(r"^Icon=(.*)$", entry, re.M).group(1))  # type: ignore[union-attr]
    assert icon.is_file() and icon.is_relative_to(opt)
    env = user_env(HOME=str(home), XDG_RUNTIME_DIR=str(home.parent / "run"), QT_QPA_PLATFORM="offscreen")

    smoke = subprocess.run([str(launcher), "--smoke-test"], capture_output=True, text=True, timeout=60,
                           check=False, env=env)
    assert smoke.returncode == 0, smoke.stderr
    assert smoke.stdout.startswith("smoke test ok")

    # A double-click runs the entry's Exec line: with no account yet, the console opens on the demo.
    command = _exec_of(desktop)
    assert command == [str(opt / "vendor-console")]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log_file = home / ".local" / "state" / "vendor-console" / "vendor-console.log"
    try:
        def ready() -> bool:
            assert first.poll() is None, first.communicate()
            return log_file.exists() and log_file.read_text(encoding="utf-8").count("demo workspace ready") >= 2

        eventually(ready, 30, "the installed app's demo workspace")
        assert log_file.read_text(encoding="utf-8").count("demo workspace ready") >= 2  # smoke test, then this one
        started = time.perf_counter()
        second = subprocess.run([str(launcher)], capture_output=True, text=True, timeout=30, check=False, env=env)
        handover = time.perf_counter() - started
        assert second.returncode == 0 and "already open" in second.stdout, second.stderr
        assert first.poll() is None
        print(f"\ninstalled app: a second start handed over in {handover:.2f} s")
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=20)
    assert first.returncode == 0, err
    assert unexpected_stderr(err) == []

    result = subprocess.run(["sh", str(unpacked / "install.sh"), "--uninstall"], capture_output=True, text=True,
                            timeout=60, check=False, env=env)
    assert result.returncode == 0 and "removed" in result.stdout, result.stderr
    assert not opt.exists() and not desktop.exists() and not launcher.exists()
    # Only the user's own data stays (settings and the log), as the README says.
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert all(p.startswith((".config/vendor-console/", ".local/state/vendor-console/")) for p in left), left


@pytest.mark.gui
def test_screenshot_of_the_installed_app(installed: tuple[Path, Path]) -> None:
    assert os.environ.get("DISPLAY"), "run under `make test-dist` (xvfb-run)"
    home, _unpacked = installed
    shot = ARTIFACTS / "installed-app.png"
    ARTIFACTS.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    env = user_env(HOME=str(home), XDG_RUNTIME_DIR=str(home.parent / "run"), QT_QPA_PLATFORM="xcb")
    result = subprocess.run([str(home / ".local" / "bin" / "vendor-console"), "--open", "Bright Smiles (demo)",
                             "--screenshot", str(shot)], capture_output=True, text=True, timeout=60, check=False,
                            env=env)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    assert len(colours) > 20  # a rendered window, not a blank frame
