"""subscribe: a listener added is told, stopped it is not, and stopping twice is harmless."""

from __future__ import annotations

from collections.abc import Callable

from console.core.listeners import subscribe


def test_a_listener_stops_once_and_the_others_stay() -> None:
    heard: list[str] = []
    listeners: list[Callable[[str], None]] = []
    stop_first = subscribe(listeners, lambda news: heard.append(f"first {news}"))
    subscribe(listeners, lambda news: heard.append(f"second {news}"))
    for listener in listeners:
        listener("a")
    stop_first()
    stop_first()  # already out: nothing happens
    for listener in listeners:
        listener("b")
    assert heard == ["first a", "second a", "second b"]
