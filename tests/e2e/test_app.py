"""The app as a process: --smoke-test offscreen, and a real window on Xvfb with a screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, eventually


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env["VENDOR_CONSOLE_HOME"] = str(home)
    env.update(extra)
    return env


@pytest.mark.parametrize("entry", [["-m", "console"], ["-c", "from console.cli import main; raise SystemExit(main())"]])
def test_smoke_test_loads_contacts_within_10_s(console_home: Path, entry: list[str]) -> None:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, *entry, "--smoke-test"], capture_output=True, text=True,
                            env=_env(console_home, QT_QPA_PLATFORM="offscreen"), timeout=30, check=False)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke test ok: Systeme.io · Marketing (demo) · Contacts: 50 loaded")
    assert elapsed < 10
    assert "Traceback" not in result.stderr


def test_a_broken_accounts_file_does_not_stop_the_app(console_home: Path) -> None:
    # An accounts file that cannot be read must not stop the app; the demo still loads.
    (console_home / "accounts.json").write_text("{broken", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "console", "--smoke-test"], capture_output=True, text=True,
                            env=_env(console_home, QT_QPA_PLATFORM="offscreen"), timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert (console_home / "accounts.json.bad-1").exists()


@pytest.mark.gui
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display: run under xvfb-run (make test does)")
def test_real_window_screenshot(console_home: Path) -> None:
    shot = ARTIFACTS / "main-window.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "console", "--demo", "--screenshot", str(shot)],
                            capture_output=True, text=True, env=_env(console_home, QT_QPA_PLATFORM="xcb"),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert shot.exists()
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    assert len(colours) > 20  # a rendered window, not a blank frame


@pytest.mark.gui
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display: run under xvfb-run (make test does)")
def test_real_window_setster_appointments(console_home: Path) -> None:
    shot = ARTIFACTS / "setster-appointments.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "console", "--demo", "--open", "Bright Smiles (demo)/appointments",
                             "--screenshot", str(shot)], capture_output=True, text=True,
                            env=_env(console_home, QT_QPA_PLATFORM="xcb"), timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert shot.exists() and shot.stat().st_size > 20_000


@pytest.mark.gui
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display: run under xvfb-run (make test does)")
def test_real_window_launch27_form_with_a_field_error(console_home: Path) -> None:
    shot = ARTIFACTS / "launch27-booking-form.png"
    shot.unlink(missing_ok=True)
    script = Path(__file__).with_name("scenes.py")
    result = subprocess.run([sys.executable, str(script), "launch27-form", str(shot)], capture_output=True, text=True,
                            env=_env(console_home, QT_QPA_PLATFORM="xcb"), timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert shot.exists() and shot.stat().st_size > 10_000


@pytest.mark.gui
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display: run under xvfb-run (make test does)")
@pytest.mark.parametrize(("name", "where"), [("setsmart-properties", "Coastal Stays (demo)/properties"),
                                             ("setera-queues", "Nordic Tel (demo)/queues")])
def test_real_window_views(console_home: Path, name: str, where: str) -> None:
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "console", "--demo", "--open", where, "--screenshot", str(shot)],
                            capture_output=True, text=True, env=_env(console_home, QT_QPA_PLATFORM="xcb"),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert shot.exists() and shot.stat().st_size > 20_000


@pytest.mark.gui
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display: run under xvfb-run (make test does)")
@pytest.mark.parametrize(("scene", "picture"), [("setsmart-409", "setsmart-reservation-409-window.png"),
                                                 ("lookup", "lookup-window.png")])
def test_real_window_scenes(console_home: Path, scene: str, picture: str) -> None:
    shot = ARTIFACTS / picture
    shot.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, str(Path(__file__).with_name("scenes.py")), scene, str(shot)],
                            capture_output=True, text=True, env=_env(console_home, QT_QPA_PLATFORM="xcb"),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert shot.exists()


def test_a_second_start_raises_the_open_window_and_exits(console_home: Path) -> None:
    import shutil
    import tempfile

    runtime = Path(tempfile.mkdtemp(prefix="vc-run-", dir="/tmp"))  # short, like /run/user/1000
    runtime.chmod(0o700)
    env = _env(console_home, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
    first = subprocess.Popen([sys.executable, "-m", "console", "--demo"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    log_file = console_home / "logs" / "vendor-console.log"
    try:
        def ready() -> bool:
            assert first.poll() is None, first.communicate()
            return bool(list(runtime.glob("vendor-console-*.sock")) and log_file.exists()
                        and "demo workspace ready" in log_file.read_text(encoding="utf-8"))

        eventually(ready, 20, "the first start's socket and demo workspace")
        sockets = list(runtime.glob("vendor-console-*.sock"))
        assert len(sockets) == 1
        started = time.perf_counter()
        second = subprocess.run([sys.executable, "-m", "console", "--open", "Nordic Tel (demo)/queues"], env=env,
                                capture_output=True, text=True, timeout=30, check=False)
        handover = time.perf_counter() - started
        assert second.returncode == 0, second.stderr
        assert "already open" in second.stdout
        eventually(lambda: "a second start asked to open" in log_file.read_text("utf-8"), 5, "the handover's log line")
        assert "a second start asked to open" in log_file.read_text("utf-8")
        assert first.poll() is None  # the first one is still running
        print(f"\nsecond start handed over and exited in {handover:.2f} s")
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=15)
    assert first.returncode == 0, (first.returncode, err[-2000:])
    assert "Traceback" not in err
    assert not list(runtime.glob("vendor-console-*.sock"))  # the socket is removed on exit
    shutil.rmtree(runtime, ignore_errors=True)
