"""Runs the demo workspace in a separate process (a remote vendor does not share our CPU or GIL).

``python bench/emulator_process.py systeme [--size=N]`` prints ``ready <vendor>=<base url> ...`` and serves
until its standard input closes (``--size``: records of each named vendor's main dataset, else the demo's).
:func:`spawn` does that and returns (process, base URLs).
"""

from __future__ import annotations

import subprocess
import sys


def spawn(vendors: tuple[str, ...] = ("systeme",), unlimited_quota: bool = True,
          size: int | None = None) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Starts the emulators in a child process; returns it and the base URLs by vendor."""
    args = [sys.executable, __file__, *vendors] + (["--unlimited"] if unlimited_quota else [])
    args += [f"--size={size}"] if size is not None else []
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if not line or line[0] != "ready":
        proc.kill()
        raise RuntimeError(f"emulator process failed: {line}")
    return proc, dict(item.split("=", 1) for item in line[1:])


def stop(proc: subprocess.Popen[str]) -> None:
    """Stops a process made by :func:`spawn`."""
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(10)


if __name__ == "__main__":
    from console.sandbox.workspace import DemoWorkspace
    from console.vendors.emulation import QuotaWindow

    names = tuple(a for a in sys.argv[1:] if not a.startswith("--"))
    sizes = {name: int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--size=") for name in names}
    workspace = DemoWorkspace.start(vendors=names, sizes=sizes)
    if "--unlimited" in sys.argv:
        for hosted in workspace.vendors.values():
            hosted.emulator.quota = QuotaWindow(10**9, 60.0)  # type: ignore[attr-defined]
    print("ready " + " ".join(f"{v}={h.base_url}" for v, h in workspace.vendors.items()), flush=True)
    sys.stdin.read()
    workspace.stop()
