"""What a headless command says on standard error, and a quiet end when a pipe closes."""

from __future__ import annotations

import contextlib
import io
import os
from typing import IO

from console.core.errors import ConsoleError


class Reporter:
    """Messages of one command on standard error, each line starting ``vendor-console <command>:``.

    A write to a closed pipe raises :class:`BrokenPipeError` like any write to standard output; the
    command's runner ends quietly on it.

    Args:
        command: The command's name.
        err: Standard error.
    """

    def __init__(self, command: str, err: IO[str]) -> None:
        self.command = command
        self.err = err
        self._notes: set[str] = set()

    def say(self, text: str) -> None:
        """One line with the command's prefix."""
        print(f"vendor-console {self.command}: {text}", file=self.err, flush=True)

    def line(self, text: str) -> None:
        """One line as it is (progress)."""
        print(text, file=self.err, flush=True)

    def failure(self, error: ConsoleError) -> None:
        """A typed error: what happened, then what to try on the next line."""
        self.say(str(error))
        if error.user_message.next_step:
            self.line(f"  {error.user_message.next_step}")

    def warning(self, text: str) -> None:
        """``warning: ...``."""
        self.say(f"warning: {text}")

    def note(self, text: str) -> bool:
        """``note: ...``, once per distinct text; returns whether it was said now."""
        if text in self._notes:
            return False
        self._notes.add(text)
        self.say(f"note: {text}")
        return True


def silence_broken_streams(*streams: IO[str]) -> None:
    """Points each stream whose pipe is closed at the null device.

    What is still buffered would otherwise be flushed once more when Python exits, and the closed pipe
    reported there ("Exception ignored ... BrokenPipeError", exit code 120).
    """
    for stream in streams:
        try:
            stream.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, stream.fileno())
                finally:
                    os.close(devnull)
