"""`make bench`: every figure the issues ask for, printed (never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    for script, args in (("startup.py", ["15"]), ("first_rows.py", ["20"]), ("export.py", ["5"]),
                         ("lookup.py", ["10"]), ("stalls.py", []), ("bundle.py", ["15"])):
        print(f"== {script}", flush=True)
        quiet = script not in ("export.py", "lookup.py", "stalls.py")
        result = subprocess.run([sys.executable, str(HERE / script), *args], check=False,
                                stderr=subprocess.DEVNULL if quiet else None)
        if result.returncode != 0:
            print(f"{script} failed with exit code {result.returncode}")
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
