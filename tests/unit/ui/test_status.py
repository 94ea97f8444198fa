"""Status labels coalesce bursts of changes and always end on the last text."""

from __future__ import annotations

from typing import Any

from console.ui import status


def test_a_quiet_label_changes_at_once_a_busy_one_at_most_once_per_interval(qtbot: Any) -> None:
    label = status.ThrottledLabel("Idle")
    qtbot.addWidget(label)
    changes: list[str] = []
    label.setText = lambda text: (changes.append(text), status.QLabel.setText(label, text))  # type: ignore[method-assign]
    label.show_text("⟳ 1 request")
    assert label.text() == "⟳ 1 request"  # quiet before: shown at once
    for n in range(2, 200):
        label.show_text(f"⟳ {n} requests")
    label.show_text("Idle")
    assert label.text() == "⟳ 1 request"  # the burst waits for the interval
    qtbot.waitUntil(lambda: label.text() == "Idle", timeout=2000)
    assert changes == ["⟳ 1 request", "Idle"]  # 200 changes, two repaints
    qtbot.wait(status.INTERVAL_MS * 2)
    label.show_text("⟳ 1 request")
    assert label.text() == "⟳ 1 request"  # quiet again: at once
