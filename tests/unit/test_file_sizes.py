"""The rooms stay small: no file in console/ui over 600 lines, none in console/ over 700, the window shell at 500.

A file past its bound is split in the change that grows it (the developers' guide), not later.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "console"
BOUNDS = ((PACKAGE / "ui" / "window.py", 500), (PACKAGE / "ui", 600), (PACKAGE, 700))


def bound_of(path: Path) -> int:
    """The tightest bound that covers a file."""
    return next(limit for where, limit in BOUNDS if path == where or where in path.parents)


def test_no_file_outgrows_its_room() -> None:
    over = [f"{path.relative_to(PACKAGE)}: {lines} lines (at most {bound_of(path)})"
            for path in sorted(PACKAGE.rglob("*.py"))
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > bound_of(path)]
    assert not over, "split these: " + "; ".join(over)


def test_the_bounds_cover_the_shell_first() -> None:
    assert bound_of(PACKAGE / "ui" / "window.py") == 500
    assert bound_of(PACKAGE / "ui" / "forms.py") == 600
    assert bound_of(PACKAGE / "vendors" / "setster" / "emulator.py") == 700
