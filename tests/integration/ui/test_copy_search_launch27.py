"""A list whose vendor has no search gets the local copy's (issue 17 item 3): Launch27 2.0 bookings.

Launch27 2.0 cannot search bookings (its ``query`` filter is v1's): once the account's copy is
complete the bookings list shows the copy's search box, greyed while the date range keeps the list at
the vendor, and searching any part of any column, accents and case aside, once *All dates* is chosen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from console.services.mirror.copies import LocalCopies
from console.services.mirror.index import fold

pytestmark = pytest.mark.parametrize("emulators", [{"launch27": 150}], indirect=True)


@pytest.fixture
def copies(harness: Any, running_qloop: Any, qtbot: Any) -> Iterator[LocalCopies]:
    """The local copy of the Launch27 2.0 account only."""
    for account in harness.accounts.accounts():
        if account.fields.get("api") != "2.0":
            harness.accounts.update(account.id, local_copy=False)
    made = LocalCopies(harness.accounts, harness.datasets)
    yield made
    closing = asyncio.ensure_future(made.aclose(), loop=running_qloop)
    qtbot.waitUntil(closing.done, timeout=10000)


def test_launch27_2_0_bookings_search_from_the_complete_copy(
        harness: Any, copies: LocalCopies, qtbot: Any, running_qloop: Any) -> None:
    account = next(a for a in harness.accounts.accounts() if a.fields.get("api") == "2.0")
    page = harness.window.select_account(account.id)
    view = page.view("bookings")
    page.setCurrentWidget(view)
    view.activate()
    qtbot.waitUntil(lambda: not view.busy, timeout=8000)
    box = view.filters.local_box
    assert view.filters.search is None and box is not None and not box.isVisible()  # the vendor has no search
    assert not view.list_query.focus_search()
    opening = asyncio.ensure_future(copies.open_all(), loop=running_qloop)
    qtbot.waitUntil(opening.done, timeout=10000)
    qtbot.waitUntil(lambda: copies.is_complete(account.id, "bookings"), timeout=30000)
    # Complete: this week's bookings come from the copy (it applies the date range), and the box searches.
    qtbot.waitUntil(lambda: box.isVisible() and box.isEnabled() and view.copy_list.from_copy and not view.busy,
                    timeout=5000)
    assert "query" not in view.query.filters
    view.filters.dates.set_preset("all")
    qtbot.waitUntil(lambda: box.isEnabled() and view.copy_list.from_copy and not view.busy, timeout=5000)
    assert view.list_query.focus_search()
    record = view.model.record(0)
    place = str(record.derived["place"])  # an address: every booking's differs
    part = fold(place)[2:8].upper()
    box.setText(part)
    view.filters.flush()
    qtbot.waitUntil(lambda: view.query.filters.get("query") == part and not view.busy, timeout=5000)
    ids = [view.model.record(r).id for r in range(view.model.rowCount())]
    assert record.id in ids and view.model.total == len(ids) < 150
    assert all(fold(part) in fold(str(view.model.record(r).derived["place"])) for r in range(len(ids)))
    assert view.copy_list.stamp.text().startswith(f"{len(ids)} bookings · from the local copy")
    # Back to this week: still from the copy, the text still applied, within the week.
    view.filters.dates.set_preset("next7")
    qtbot.waitUntil(lambda: view.query.filters.get("from") is not None and view.copy_list.from_copy
                    and not view.busy, timeout=5000)
    week = [view.model.record(r).id for r in range(view.model.rowCount())]
    assert set(week) <= set(ids) and view.model.total == len(week)
    assert box.isEnabled() and box.text() == part
