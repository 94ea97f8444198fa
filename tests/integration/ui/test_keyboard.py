"""Keyboard and the action registry: one source for menus, palette and the shortcut list; every key works."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from console.ui.actions import CommandPalette, ShortcutsDialog
from tests.conftest import find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 300}], indirect=True)


def activate(qtbot: Any, widget: Any) -> None:
    """Makes a window the active one (the offscreen platform does not move activation by itself)."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() in (None, widget), timeout=3000)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)


def back_to_table(qtbot: Any, harness: Any, view: Any) -> None:
    activate(qtbot, harness.window)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=2000)


def ready(harness: Any, qtbot: Any) -> Any:
    activate(qtbot, harness.window)
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=8000)
    view.table.setFocus()
    view.table.selectRow(0)
    return view


def test_menus_palette_and_shortcut_list_come_from_one_registry(harness: Any, qtbot: Any) -> None:
    registry = harness.window.registry
    keys = [QKeySequence(k).toString() for spec in registry.specs.values() for k in spec.shortcuts]
    assert len(keys) == len(set(keys)), "two actions share a key"
    in_menus = {a.objectName() for menu in registry.menus.values() for a in menu.actions() if a.objectName()}
    assert in_menus == {registry.actions[s.id].objectName() for s in registry.specs.values() if s.menu}
    dialog = ShortcutsDialog(registry, harness.window)
    listed = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert listed == {s.plain_text for s in registry.specs.values() if s.shortcuts}
    palette = CommandPalette(registry, harness.window)
    names = {palette.source.item(r).data(Qt.ItemDataRole.UserRole + 20) for r in range(palette.source.rowCount())}
    assert names == {s.id for s in registry.specs.values() if registry.actions[s.id].isEnabled()}
    for action_id in ("lookup.open", "view.filter", "record.new", "record.edit", "record.delete", "view.refresh",
                      "record.copy_cells", "record.copy_json", "view.palette", "view.tab1", "view.tab9"):
        assert registry.specs[action_id].shortcuts, action_id


def test_the_palette_finds_and_runs_a_command(harness: Any, qtbot: Any) -> None:
    ready(harness, qtbot)
    harness.window.registry.trigger("view.palette")
    palette = find_modal(qtbot, QDialog, "commandPalette")
    activate(qtbot, palette)
    qtbot.keyClicks(palette.search, "keyboard")
    assert palette.proxy.rowCount() == 1
    assert palette.proxy.index(0, 0).data().startswith("Keyboard shortcuts")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    shortcuts = find_modal(qtbot, QDialog, "shortcutsDialog")
    assert shortcuts.table.rowCount() > 15
    shortcuts.reject()


def test_table_keys_edit_delete_and_copy(harness: Any, qtbot: Any) -> None:
    view = ready(harness, qtbot)
    record = view.current_record()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text().split("\t")
    assert copied[0] == record.id and copied[1] == record.fields["email"]
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert json.loads(QGuiApplication.clipboard().text())["email"] == record.fields["email"]
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    form = find_modal(qtbot, QDialog, "recordForm")
    assert form.widgets["email"].text() == record.fields["email"]
    form.reject()
    back_to_table(qtbot, harness, view)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    find_modal(qtbot, QDialog, "recordForm").reject()
    back_to_table(qtbot, harness, view)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    box = find_modal(qtbot, QMessageBox, "confirmDelete")
    assert record.fields["email"] in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()


def test_keys_in_a_text_field_stay_in_the_text_field(harness: Any, qtbot: Any) -> None:
    view = ready(harness, qtbot)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    box = view.filters.search
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    qtbot.keyClicks(box, "abc")
    qtbot.keyClick(box, Qt.Key.Key_Home)
    qtbot.keyClick(box, Qt.Key.Key_Delete)  # deletes a letter, asks nothing
    assert box.text() == "bc"
    assert QApplication.activeModalWidget() is None
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "bc"


def test_window_keys_new_tabs_lookup_refresh(harness: Any, qtbot: Any) -> None:
    view = ready(harness, qtbot)
    window = harness.window
    qtbot.keyClick(view.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view().spec.name == "tags"
    qtbot.keyClick(window.current_view().table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view().spec.name == "contacts"
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = find_modal(qtbot, QDialog, "recordForm")
    assert form.widgets["email"].text() == ""
    form.reject()
    back_to_table(qtbot, harness, view)
    calls = len(harness.workspace.vendors["systeme"].faults.seen())
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(harness.workspace.vendors["systeme"].faults.seen()) > calls, timeout=3000)
    qtbot.keyClick(view.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.lookup_box.hasFocus, timeout=2000)
    assert window.lookup_panel.isVisible()
