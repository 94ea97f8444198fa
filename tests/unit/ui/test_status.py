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
    qtbot.waitUntil(lambda: not label._cooldown.isActive(), timeout=2000)  # an interval with no change
    label.show_text("⟳ 1 request")
    assert label.text() == "⟳ 1 request"  # quiet again: at once



def test_a_settled_text_shows_at_once_even_during_a_burst(qtbot: Any) -> None:
    label = status.ThrottledLabel("")
    qtbot.addWidget(label)
    label.show_text("Tags: Loading…")
    label.show_text("Tags: 10 loaded, more available")  # held back: the interval is not over
    label.show_now("Tags: All 15 loaded")  # the list has settled: no lag behind its footer
    assert label.text() == "Tags: All 15 loaded"
    qtbot.waitUntil(lambda: not label._cooldown.isActive(), timeout=2000)
    assert label.text() == "Tags: All 15 loaded", "the held-back text never comes back"


NOW = 1_800_000_000.0


def test_quota_text_says_what_the_figure_counts() -> None:
    from console.http.ratelimit import RateLimitSnapshot

    per_second = RateLimitSnapshot(30, 29, NOW + 1, NOW, 1.0)
    assert status.quota_text(per_second, now=NOW) == "29 of 30 requests left this second"
    per_minute = RateLimitSnapshot(1000, 998, NOW + 42, NOW, 60.0)
    assert status.quota_text(per_minute, now=NOW) == "998 of 1,000 requests left this minute · refills in 42 s"
    odd = RateLimitSnapshot(10, 4, None, NOW, 5.0)
    assert status.quota_text(odd, now=NOW) == "4 of 10 requests left in this 5-second window"
    # Vendors that do not say their window: the text the README shows, unchanged.
    setsmart = RateLimitSnapshot(100, 99, NOW + 60, NOW)
    assert status.quota_text(setsmart, now=NOW) == "Quota 99/100 · refills in 60 s"
    assert status.quota_text(RateLimitSnapshot(None, 7, None, NOW), now=NOW) == "Quota 7 left"
    assert status.quota_text(setsmart, 12, now=NOW) == "Waiting 12 s · Quota 99/100 · refills in 60 s"
    assert status.quota_text(None, 3) == "Waiting 3 s"
    assert status.quota_text(None) == ""
