"""The installer's figures: bundle size, and the frozen app's start against the source start, same run.

Needs `make dist` first (`make bench` builds it). Start = exec to the main window's first paint
(`--exit-after-paint`), runs alternating so machine noise hits both alike. Targets: bundle <= 125 MB,
frozen start <= 1.1x the source start.
"""

from __future__ import annotations

import sys
from pathlib import Path

from startup import bench_env, compare

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
    print(f"bundle: {size / 2**20:.1f} MB in {count} files{tar_text} (target <= 125 MB)")

    env = bench_env()
    source_ms, frozen_ms = compare([sys.executable, "-m", "console", "--exit-after-paint"],
                                   [str(exe), "--exit-after-paint"], env, runs)
    result = {"bundle_mb": size / 2**20, "source_ms": source_ms, "frozen_ms": frozen_ms,
              "ratio": frozen_ms / source_ms}
    print(f"frozen start ({env['QT_QPA_PLATFORM']}, {runs} runs each, median): from source "
          f"{result['source_ms']:.0f} ms, bundle {result['frozen_ms']:.0f} ms, ratio {result['ratio']:.2f}x "
          "(target <= 1.1x)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
