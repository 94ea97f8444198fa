"""Event-loop stalls while the window works hard, printed (never asserted: a busy machine decides them
as much as the code does).

Runs two suite scenarios in a fresh process and prints their figures: five vendors browsed to the end
(100,000+ rows) with a lookup and an export at once (target: worst stall <= 50 ms, <= 1 KB per row),
and File > Export of 20,000 contacts from the window.

Usage: python bench/stalls.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = (
    "tests/integration/ui/test_load.py::test_five_vendors_browsing_with_a_lookup_and_an_export",
    "tests/integration/ui/test_export_view.py::test_export_through_the_dialog_every_row_once",
)
MARKS = ("load:", "export of 20,000 contacts from the window")


def main() -> int:
    env = {**os.environ, "VENDOR_CONSOLE_LOAD_ALONE": "1", "QT_QPA_PLATFORM": "offscreen"}
    for scenario in SCENARIOS:
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", scenario],
                                capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        lines = [line for line in result.stdout.splitlines() if line.startswith(MARKS)]
        print("\n".join(lines) if lines else f"{scenario}: no figures")
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-1000:])
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
