"""Time from exec to the first painted main window: Vendor Console vs a bare PySide6 window, same run.

Each sample spawns a process and reads the unix time it prints at its window's first paint; the runs of
both kinds alternate so machine noise hits both alike. Prints medians and the ratio (target <= 1.3x).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 820); w.setWindowTitle("bare")
class Watch(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(f"painted {time.time():.6f}", flush=True)
            w.removeEventFilter(self)
            QTimer.singleShot(0, lambda: os._exit(0))
        return False
watch = Watch(w); w.installEventFilter(watch); w.show(); app.exec()
"""


def sample(cmd: list[str], env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("painted "))
    return float(line.split()[1]) - start


def bench_env() -> dict[str, str]:
    """The environment of a timed start: offscreen unless told otherwise, an empty config home."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["VENDOR_CONSOLE_HOME"] = tempfile.mkdtemp(prefix="vc-bench-")
    return env


def compare(base_cmd: list[str], other_cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median first-paint times (ms) of two commands, runs alternating after one warm-up each."""
    for cmd in (base_cmd, other_cmd):  # warm the file cache
        sample(cmd, env)
    base, other = [], []
    for _ in range(runs):
        base.append(sample(base_cmd, env))
        other.append(sample(other_cmd, env))
    return statistics.median(base) * 1000, statistics.median(other) * 1000


def main(runs: int = 15) -> dict[str, float]:
    env = bench_env()
    bare_ms, app_ms = compare([sys.executable, "-c", BARE], [sys.executable, "-m", "console", "--exit-after-paint"],
                              env, runs)
    result = {"bare_ms": bare_ms, "app_ms": app_ms, "ratio": app_ms / bare_ms}
    print(f"startup ({env['QT_QPA_PLATFORM']}, {runs} runs each, median): bare PySide6 window "
          f"{bare_ms:.0f} ms, Vendor Console {app_ms:.0f} ms, ratio {result['ratio']:.2f}x (target <= 1.3x)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
