"""Feedback in words (issue 16, item 7): a list's passing note belongs to its account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import loaded, open_view

pytestmark = pytest.mark.parametrize("emulators", [{"setsmart": 60, "setera": 40}], indirect=True)


def test_a_lists_note_clears_when_another_account_is_shown(harness: Any, qtbot: Any) -> None:
    bar = harness.window.statusBar()
    rentals = open_view(harness, "Coastal Stays (demo)", "properties")
    loaded(qtbot, rentals)
    rentals.table.selectRow(0)
    rentals.copy_cells()
    assert bar.currentMessage() == "Copied 1 row."
    phones = open_view(harness, "Nordic Tel (demo)", "contacts")
    assert bar.currentMessage() == "", "the rentals account's note is not about the phone system"
    loaded(qtbot, phones)
    phones.table.selectRow(0)
    phones.copy_cells()
    # A newer note, or one that is not a list's, stays when the account changes.
    bar.showMessage("Account “x” added.", 6000)
    open_view(harness, "Coastal Stays (demo)", "properties")
    assert bar.currentMessage() == "Account “x” added."
    qtbot.waitUntil(harness.quiet, timeout=5000)


def test_copy_value_says_what_it_copied(harness: Any, qtbot: Any) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    bar = harness.window.statusBar()
    view = open_view(harness, "Coastal Stays (demo)", "properties")
    loaded(qtbot, view)
    view.detail.copy_button.click()  # nothing chosen yet
    assert bar.currentMessage() == "Select a value in the detail pane to copy it."
    view.table.selectRow(0)
    record = view.current_record()
    it = QTreeWidgetItemIterator(view.detail.tree)
    while it.value() is not None and it.value().text(1) != str(record.fields["name"]):
        it += 1
    assert it.value() is not None, "the property's name is shown"
    view.detail.tree.setCurrentItem(it.value())
    view.detail.copy_button.click()
    assert QGuiApplication.clipboard().text() == record.fields["name"]
    assert bar.currentMessage() == f"Copied {it.value().text(0)}: {record.fields['name']}"
