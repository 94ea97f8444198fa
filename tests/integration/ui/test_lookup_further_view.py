"""*Search further* in the window: an account whose list has no search says what it read and reads on."""

from __future__ import annotations

from typing import Any

import pytest

from console.services.lookup import State

pytestmark = pytest.mark.parametrize("emulators", [{"launch27": 700}], indirect=True)


def test_search_further_reads_on_and_the_row_says_how_far(harness: Any, qtbot: Any) -> None:
    window = harness.window
    panel = window.lookup_panel
    window.open_lookup()
    window.lookup_box.setText("jane.doe@example.com")
    with qtbot.waitSignal(panel.lookupFinished, timeout=10000):
        window.lookup.run_now()
    model = panel.model
    labels = [o.account_label for o in model.outcomes]
    assert labels[-1] == "Sparkle 2.0 (demo)" and model.outcomes[-1].state is State.UNSUPPORTED  # last
    row = labels.index("Sparkle v1 (demo)")
    assert model.data(model.index(row, 0)).endswith("(searched the newest 300 bookings)")
    hits_before = [h.record.id for h in model.outcomes[row].hits]
    assert panel.further_button.isVisible()
    for _ in range(3):  # 300 more, then the last 100: the list is read to its end
        if not panel.further_button.isVisible():
            break
        with qtbot.waitSignal(panel.lookupFinished, timeout=10000):
            panel.further_button.click()
    assert model.data(model.index(row, 0)).endswith("(searched all 700 bookings)")
    assert not panel.further_button.isVisible()
    hits_after = [h.record.id for h in model.outcomes[row].hits]
    assert hits_after[:len(hits_before)] == hits_before and len(hits_after) >= len(hits_before)
