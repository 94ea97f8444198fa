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
