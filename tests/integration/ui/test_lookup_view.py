"""The lookup in the window: Ctrl+K, streaming rows, stale queries, opening a hit, retry, history."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from console.sandbox.faults import FaultConfig
from console.services.lookup import Hit, State
from console.ui.lookup import LookupModel
from console.vendors import registry

pytestmark = pytest.mark.parametrize("emulators", [{spec.id: 200 for spec in registry.VENDORS}], indirect=True)


def done(harness: Any) -> bool:
    model = harness.window.lookup_panel.model
    return bool(model.outcomes) and not model.searching


def look_up(harness: Any, qtbot: Any, text: str) -> LookupModel:
    """Runs a lookup and returns once it has ended: every account answered and it is in the history."""
    window = harness.window
    window.lookup_box.setText(text)
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        window.lookup.run_now()
    assert done(harness)
    return window.lookup_panel.model


def test_ctrl_k_opens_the_box_with_recent_lookups(harness: Any, qtbot: Any) -> None:
    window = harness.window
    assert window.registry.actions["lookup.open"].shortcut() == QKeySequence("Ctrl+K")
    assert not window.lookup_panel.isVisible()
    window.registry.trigger("lookup.open")
    qtbot.waitUntil(window.lookup_panel.isVisible, timeout=2000)
    assert window.lookup_box.hasFocus() or window.focusWidget() is window.lookup_box
    assert "Type an email" in window.lookup_panel.heading.text()  # nothing looked up yet
    look_up(harness, qtbot, "jane.doe@example.com")
    window.lookup_box.clear()
    window.lookup.run_now()
    history = window.lookup_panel.history
    assert [history.item(i).text() for i in range(history.count())] == ["jane.doe@example.com"]
    window.lookup_box.escaped.emit()
    assert not window.lookup_panel.isVisible()


def test_results_stream_in_per_account_and_enter_opens_the_hit(harness: Any, qtbot: Any) -> None:
    window = harness.window
    window.open_lookup()
    model = look_up(harness, qtbot, "+1 (415) 555-0100")
    states = {o.account_label: o.state for o in model.outcomes}
    assert states["Marketing (demo)"] is State.UNSUPPORTED
    row = next(i for i, o in enumerate(model.outcomes) if o.account_label == "Marketing (demo)")
    assert model.data(model.index(row, 0)) == "Systeme.io · Marketing (demo) — cannot search by phone number"
    assert row == len(model.outcomes) - 1  # "cannot search" rows come last
    client_row = next(i for i, o in enumerate(model.outcomes) if o.account_label == "Bright Smiles (demo)")
    hit_index = model.index(0, 0, model.index(client_row, 0))
    hit = model.payload(hit_index)
    assert isinstance(hit, Hit) and hit.text.startswith("Setster · Bright Smiles (demo) · client · (415) 555-0100")
    assert model.data(hit_index).startswith("Jane Doe · client · matched phone +1 415-555-0100")  # under its header
    tree = window.lookup_panel.tree
    tree.setCurrentIndex(hit_index)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.lookup_panel.isVisible(), timeout=3000)
    view = window.current_view()
    assert view is not None and view.account.label == "Bright Smiles (demo)" and view.spec.name == "clients"
    assert view.current_record() is not None and view.current_record().id == hit.record.id
    assert view.detail.title.text().startswith(f"Client {hit.record.id}:")


def test_an_older_query_never_lands_after_a_newer_one(harness: Any, qtbot: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window = harness.window
    window.open_lookup()
    started: set[str] = set()
    count_in = harness.observer.request_started
    monkeypatch.setattr(harness.observer, "request_started", lambda account_id: (started.add(account_id),
                                                                                  count_in(account_id)))
    harness.workspace.set_faults(FaultConfig(latency=0.3))
    try:
        window.lookup_box.setText("jane")
        window.lookup.run_now()
        searching = {a.id for a in harness.accounts.accounts() if window.lookup.service.plan(a.id, window.lookup.query)}
        assert searching
        qtbot.waitUntil(lambda: started >= searching, timeout=5000)  # "jane" is on its way everywhere
        window.lookup_box.setText("jane.doe@")
        with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
            window.lookup.run_now()
        # The cancelled searches of "jane" have ended too: nothing of theirs can land any more.
        qtbot.waitUntil(lambda: not len(window.lookup.tasks), timeout=5000)
    finally:
        harness.workspace.set_faults(None)
    model = window.lookup_panel.model
    assert model.query_text == "jane.doe@"
    assert model.hits() and all(set(h.matched) == {"email"} for h in model.hits())
    assert window.lookup.history.items() == ["jane.doe@"]  # the cancelled query is not remembered


def test_a_failed_account_says_why_and_retries(harness: Any, qtbot: Any) -> None:
    window = harness.window
    window.open_lookup()
    systeme = harness.workspace.vendors["systeme"]
    systeme.faults.configure(FaultConfig(rates={500: 1.0}))
    try:
        model = look_up(harness, qtbot, "jane.doe@example.com")
    finally:
        systeme.faults.configure(FaultConfig())
    outcome = next(o for o in model.outcomes if o.account_label == "Marketing (demo)")
    assert outcome.state is State.FAILED and outcome.reason.startswith("Systeme.io")
    assert window.lookup_panel.retry_button.isVisible()
    assert sum(1 for o in model.outcomes if o.state is State.HITS) >= 4  # the others answered
    window.lookup_panel.retry_button.click()
    qtbot.waitUntil(lambda: next(o for o in model.outcomes if o.account_label == "Marketing (demo)").state
                    is State.HITS, timeout=10000)
    assert not window.lookup_panel.retry_button.isVisible()


def test_five_slow_vendors_show_all_results_within_half_a_second(harness: Any, qtbot: Any) -> None:
    window = harness.window
    window.open_lookup()
    look_up(harness, qtbot, "jane.doe@example.com")  # sessions opened
    harness.workspace.set_faults(FaultConfig(latency=0.2))
    try:
        import time

        started = time.perf_counter()
        window.lookup.run_now()
        qtbot.waitUntil(lambda: done(harness), timeout=5000)
        shown = time.perf_counter() - started
    finally:
        harness.workspace.set_faults(None)
    print(f"\nlookup in the window, every emulator 200 ms slow: all rows filled in {shown * 1000:.0f} ms")
    assert len(window.lookup_panel.model.hits()) >= 5
    assert shown < 0.5
