"""Quitting with requests on their way: the process ends within 2 s, cleanly.

The app runs as a process on the demo workspace with every emulator answering after 30 s; every
dataset view of every account and two connection tests per account are started (over 20 requests on
their way), then the process sends itself SIGTERM, as a desktop session ending does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = r"""
import os, signal, sys, time
from PySide6.QtCore import QTimer
from console import app, cli
from console.sandbox.faults import FaultConfig
from console.ui.window import MainWindow

start_demo = app.AppController._start_demo

async def slow_demo(self):
    await start_demo(self)
    for hosted in self.workspace.vendors.values():
        hosted.faults.configure(FaultConfig(latency=30.0))  # every answer takes 30 s

app.AppController._start_demo = slow_demo
attach = MainWindow.attach

def attach_and_load_everything(self, accounts, datasets, observer, copies=None):
    attach(self, accounts, datasets, observer, copies)
    for account in accounts.accounts():
        page = self.select_account(account.id)
        for view in page.views:
            page.setCurrentWidget(view)
            view.activate()
        for _ in range(2):  # the lists share their lookups now: two tests per account keep 20+ on their way
            self.tasks.spawn(accounts.check(account.id))

    def when_busy():
        if observer.in_flight >= 20:
            print(f"IN FLIGHT {observer.in_flight}", flush=True)
            print(f"SIGNAL AT {time.monotonic():.3f}", flush=True)
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            QTimer.singleShot(50, when_busy)

    QTimer.singleShot(50, when_busy)

MainWindow.attach = attach_and_load_everything
code = cli.main(["--demo"])
print(f"EXIT AT {time.monotonic():.3f} CODE {code}", flush=True)
sys.exit(code)
"""


def test_quitting_with_20_requests_on_their_way(console_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDOR_CONSOLE_")}
    env.update(VENDOR_CONSOLE_HOME=str(console_home), QT_QPA_PLATFORM="offscreen", PYTHONDEVMODE="1")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=90,
                            check=False, cwd=Path(__file__).resolve().parents[2])
    ended = time.monotonic()
    assert result.returncode == 0, result.stdout + result.stderr
    in_flight = int(next(line for line in result.stdout.splitlines() if line.startswith("IN FLIGHT")).split()[-1])
    signal_at = float(next(line for line in result.stdout.splitlines() if line.startswith("SIGNAL AT")).split()[-1])
    exit_at = float(next(line for line in result.stdout.splitlines() if line.startswith("EXIT AT")).split()[2])
    quit_seconds = ended - signal_at  # the monotonic clock is the system's: both processes share it
    print(f"\nquit with {in_flight} requests on their way: the run ended {exit_at - signal_at:.2f} s and the "
          f"process {quit_seconds:.2f} s after the signal (process {ended - started:.1f} s in all)")
    assert in_flight >= 20
    assert quit_seconds < 2.0
    for bad in ("Traceback", "Task was destroyed but it is pending", "Exception ignored", "RuntimeWarning",
                "ResourceWarning"):
        assert bad not in result.stderr, result.stderr
