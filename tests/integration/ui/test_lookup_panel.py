"""The lookup panel's state in the window: closed stays closed, Esc closes it from anywhere, Down finds a hit."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.services.lookup import Hit
from tests.conftest import loaded, open_view

pytestmark = pytest.mark.parametrize("emulators", [{"setsmart": 300, "setera": 300}], indirect=True)



def look_up(harness: Any, qtbot: Any, text: str) -> None:
    """Types ``text`` in the box (the panel opens) and waits until every account answered."""
    window = harness.window
    window.lookup_box.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(window.lookup_box.hasFocus, timeout=2000)
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        qtbot.keyClicks(window.lookup_box, text)
        qtbot.keyClick(window.lookup_box, Qt.Key.Key_Return)


def activate(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def test_a_closed_panel_stays_closed_across_tab_switches_and_show_reservations(harness: Any, qtbot: Any) -> None:
    window = harness.window
    activate(qtbot, window)
    view = open_view(harness, "Coastal Stays (demo)", "properties")
    loaded(qtbot, view)
    look_up(harness, qtbot, "jane")
    assert window.lookup_area.is_open
    window.lookup_panel.close_button.click()
    assert not window.lookup_area.is_open
    area = window.lookup_area
    hits = len(window.lookup_panel.model.hits())
    assert area.strip_action.isVisible() and area.strip.text() == f"{hits} hits · Show results"  # beside the box
    page = window.current_page()
    view.table.selectRow(0)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=2000)
    for number in (2, 1, 2, 1):  # Ctrl+1/2, and a click on the tab (same path: the focused table hides)
        window.registry.trigger(f"view.tab{number}")
        qtbot.waitUntil(lambda n=number: page.currentIndex() == n - 1, timeout=2000)
        assert not window.lookup_area.is_open, f"Ctrl+{number} reopened the lookup"
    page.tabBar().setCurrentIndex(1)
    page.tabBar().setCurrentIndex(0)
    assert not window.lookup_area.is_open, "a tab click reopened the lookup"
    # Show reservations hides the properties tab (with the focus in it) and opens the reservations.
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=2000)
    view.table.selectRow(0)
    view.action_buttons["show_reservations"].click()
    reservations = page.view("reservations")
    qtbot.waitUntil(lambda: page.currentWidget() is reservations, timeout=3000)
    qtbot.waitUntil(lambda: not reservations.model.loading, timeout=5000)
    assert not window.lookup_area.is_open, "Show reservations reopened the lookup"
    area.strip.click()  # the strip brings the results back
    assert area.is_open and not area.strip_action.isVisible()
    assert window.lookup_panel.tree.currentIndex() == window.lookup_panel.model.first_hit()
    window.close_lookup()
    # Switching accounts with the box empty does not open it either (and the strip has gone).
    window.lookup_box.clear()
    assert not area.strip_action.isVisible()
    open_view(harness, "Nordic Tel (demo)", "contacts")
    assert not window.lookup_area.is_open
    # It opens again when the user looks something up: typing, or Enter on what the box holds.
    window.lookup_box.setFocus(Qt.FocusReason.MouseFocusReason)
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        qtbot.keyClicks(window.lookup_box, "j")
        assert window.lookup_area.is_open
    window.close_lookup()
    window.lookup_box.setText("nobody-here@example.com")
    window.lookup_box.setFocus(Qt.FocusReason.TabFocusReason)  # Tab into the box: not yet
    qtbot.waitUntil(window.lookup_box.hasFocus, timeout=2000)
    assert not window.lookup_area.is_open
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        qtbot.keyClick(window.lookup_box, Qt.Key.Key_Return)
    assert window.lookup_area.is_open


def test_esc_closes_the_panel_with_the_focus_in_the_table(harness: Any, qtbot: Any) -> None:
    window = harness.window
    activate(qtbot, window)
    view = open_view(harness, "Nordic Tel (demo)", "contacts")
    loaded(qtbot, view)
    look_up(harness, qtbot, "jane")
    assert window.lookup_area.is_open
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=2000)
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)
    assert not window.lookup_area.is_open
    # Closed, Esc is the table's again (the shortcut is off).
    assert not window.lookup_area.escape.isEnabled()
    window.registry.trigger("lookup.open")
    qtbot.waitUntil(lambda: window.lookup_area.is_open, timeout=2000)
    window.lookup_panel.tree.setFocus()
    qtbot.keyClick(window.lookup_panel.tree, Qt.Key.Key_Escape)
    assert not window.lookup_area.is_open


def test_down_from_the_box_selects_the_first_hit(harness: Any, qtbot: Any) -> None:
    window = harness.window
    activate(qtbot, window)
    look_up(harness, qtbot, "jane")
    model = window.lookup_panel.model
    assert model.hits()
    qtbot.keyClick(window.lookup_box, Qt.Key.Key_Down)
    tree = window.lookup_panel.tree
    assert tree.hasFocus()
    first = tree.currentIndex()
    assert isinstance(model.payload(first), Hit), model.data(first)
    assert model.payload(first) is model.hits()[0]
    assert first in tree.selectionModel().selectedIndexes()
    # Down again goes to the next hit, never to an account's header or a "cannot search" row.
    seen = [model.payload(first)]
    for _ in range(len(model.hits()) - 1):
        qtbot.keyClick(tree, Qt.Key.Key_Down)
        seen.append(model.payload(tree.currentIndex()))
    assert all(isinstance(p, Hit) for p in seen)
    assert seen == model.hits()
    # Home, then Up on the first hit: back in the box, the panel still open.
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    assert tree.currentIndex() == model.first_hit()
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert window.lookup_box.hasFocus() and window.lookup_area.is_open
