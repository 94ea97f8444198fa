"""The installer's figures: bundle size, and the frozen app's start against the source start, same run.

Needs `make dist` first (`make bench` builds it). Start = exec to the main window's first paint
(`--exit-after-paint`), runs alternating so machine noise hits both alike. Targets: bundle <= 120 MB,
frozen start <= 1.1x the source start.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from startup import sample

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "vendor-console"


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main(runs: int = 15) -> dict[str, float]:
    exe = BUNDLE / "vendor-console"
    if not exe.exists():
        print("bundle: dist/vendor-console is missing: run `make dist` first")
        return {}
    size, count = size_of(BUNDLE)
    tarballs = sorted((ROOT / "dist").glob("vendor-console-*.tar.gz"))
    tar_text = f", tarball {tarballs[-1].stat().st_size / 2**20:.0f} MB" if tarballs else ""
    print(f"bundle: {size / 2**20:.1f} MB in {count} files{tar_text} (target <= 120 MB)")

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["VENDOR_CONSOLE_HOME"] = tempfile.mkdtemp(prefix="vc-bench-")
    source_cmd = [sys.executable, "-m", "console", "--exit-after-paint"]
    frozen_cmd = [str(exe), "--exit-after-paint"]
    for cmd in (source_cmd, frozen_cmd):  # warm the file cache
        sample(cmd, env)
    source, frozen = [], []
    for _ in range(runs):
        source.append(sample(source_cmd, env))
        frozen.append(sample(frozen_cmd, env))
    result = {"bundle_mb": size / 2**20, "source_ms": statistics.median(source) * 1000,
              "frozen_ms": statistics.median(frozen) * 1000}
    result["ratio"] = result["frozen_ms"] / result["source_ms"]
    print(f"frozen start ({env['QT_QPA_PLATFORM']}, {runs} runs each, median): from source "
          f"{result['source_ms']:.0f} ms, bundle {result['frozen_ms']:.0f} ms, ratio {result['ratio']:.2f}x "
          "(target <= 1.1x)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
