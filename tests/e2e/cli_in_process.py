"""Runs ``vendor-console`` commands in the test's own process: the same ``main`` without a process start.

A failure that escaped as a Python exception would fail the test outright (a traceback in a real run).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest


@dataclass(frozen=True, slots=True)
class Ran:
    """How a command ended."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """Standard output's lines."""
        return self.out.splitlines()


class InProcessCli:
    """``main(argv)`` with the environment of a script and standard output and error captured.

    Args:
        monkeypatch: Sets the ``VENDOR_CONSOLE_*`` variables for one run and keeps the test's logging
            (the command's own log file setup is skipped).
        capsys: Captures standard output and error.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        monkeypatch.setattr("console.core.log.setup", lambda *args, **kwargs: None)

    def __call__(self, *argv: str, env: dict[str, str] | None = None) -> Ran:
        from console.cli import main

        with self.monkeypatch.context() as patch:
            for name in list(os.environ):
                if name.startswith("VENDOR_CONSOLE_") and name != "VENDOR_CONSOLE_HOME":
                    patch.delenv(name)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            self.capsys.readouterr()
            code = main(list(argv))
        captured = self.capsys.readouterr()
        return Ran(code, captured.out, captured.err)
