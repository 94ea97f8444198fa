"""The menus follow the platform's conventions; the shortcut list is readable and can be filtered."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtGui import QAction, QKeySequence

from console.ui.actions import ShortcutsDialog

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 50}], indirect=True)


def menu_ids(menu: Any) -> list[str]:
    """The menu's actions by id ("-" for a separator)."""
    return ["-" if a.isSeparator() else a.objectName().removeprefix("action_") for a in menu.actions()]


def test_edit_menu_holds_undo_and_copy_with_the_platforms_keys(harness: Any) -> None:
    registry = harness.window.registry
    edit, record = menu_ids(registry.menus["Edit"]), menu_ids(registry.menus["Record"])
    for action_id in ("record_undo_delete", "record_copy_cells", "record_copy_json", "app_settings"):
        assert action_id in edit and action_id not in record, action_id
    assert edit.index("record_undo_delete") < edit.index("record_copy_cells") < edit.index("app_settings")
    for action_id, standard, fallback in (("record.undo_delete", QKeySequence.StandardKey.Undo, "Ctrl+Z"),
                                          ("record.copy_cells", QKeySequence.StandardKey.Copy, "Ctrl+C"),
                                          ("view.filter", QKeySequence.StandardKey.Find, "Ctrl+F"),
                                          ("view.refresh", QKeySequence.StandardKey.Refresh, "F5"),
                                          ("app.quit", QKeySequence.StandardKey.Quit, "Ctrl+Q"),
                                          ("record.new", QKeySequence.StandardKey.New, "Ctrl+N")):
        keys = registry.actions[action_id].shortcuts()
        platform = QKeySequence.keyBindings(standard)
        assert keys[:len(platform)] == platform, action_id  # the platform's keys first
        assert QKeySequence(fallback) in keys, action_id  # and the documented one everywhere
    assert registry.actions["app.quit"].menuRole() == QAction.MenuRole.QuitRole


def test_menus_have_separators_between_groups(harness: Any) -> None:
    registry = harness.window.registry
    for title in ("File", "Edit", "Record", "View", "Help"):
        ids = menu_ids(registry.menus[title])
        assert "-" in ids, title
        assert ids[0] != "-" and ids[-1] != "-", title
        assert all(not (a == b == "-") for a, b in itertools.pairwise(ids)), title
    file_menu = menu_ids(registry.menus["File"])
    assert file_menu[file_menu.index("app_quit") - 1] == "-"
    assert file_menu.index("account_add") + 1 == file_menu.index("account_remove")  # one group, no separator


def test_no_two_actions_share_a_key(harness: Any) -> None:
    registry = harness.window.registry
    keys = [k.toString() for action in registry.actions.values() for k in action.shortcuts()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_the_shortcut_list_filters_and_shows_whole_columns(harness: Any, qtbot: Any) -> None:
    dialog = ShortcutsDialog(harness.window.registry, harness.window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    everything = dialog.visible_rows()
    assert len(everything) == table.rowCount() > 15
    for column in (1, 2):  # keys and menu never clipped
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
    assert table.rowHeight(0) < 2 * dialog.fontMetrics().height()  # one line per row
    assert "Undo" not in table.item(everything.index("Undo delete"), 1).text().split(", ")  # typed keys only
    qtbot.keyClicks(dialog.search, "copy")
    assert set(dialog.visible_rows()) == {"Copy cells", "Copy record as JSON"}
    dialog.search.setText("ctrl+q")
    assert dialog.visible_rows() == ["Quit"]
    dialog.search.setText("edit undo")  # every word, in any column (the menu's name too)
    assert dialog.visible_rows() == ["Undo delete"]
    dialog.search.setText("view")
    assert "Refresh" in dialog.visible_rows() and "Quit" not in dialog.visible_rows()
    dialog.search.clear()
    assert dialog.visible_rows() == everything
