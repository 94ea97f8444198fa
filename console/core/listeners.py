"""Who hears of a change: one way to add a listener and take it out again.

The dataset service's record watchers, the local copies' listeners and a sync's progress listeners
are lists of callables (or objects) told of each change; :func:`subscribe` adds one and returns the
call that takes it out (safe to call twice).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def subscribe(listeners: list[T], listener: T) -> Callable[[], None]:
    """Adds ``listener`` to ``listeners``; returns what stops it (a second call does nothing)."""
    listeners.append(listener)

    def stop() -> None:
        if listener in listeners:
            listeners.remove(listener)

    return stop
