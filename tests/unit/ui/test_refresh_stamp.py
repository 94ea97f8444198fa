"""A live list says when its rows last came, and when a reload failed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from console.core.errors import ServerError
from console.core.models import Cursor, Page, Record
from console.ui.refresh_stamp import RefreshStamp
from console.ui.table_model import PagedTableModel
from tests.unit.ui.test_table_model import COLUMNS


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 3, 12, 3, 15)

    def __call__(self) -> dt.datetime:
        return self.now


class Queues:
    def __init__(self) -> None:
        self.fail = False

    async def fetch(self, cursor: Cursor, limit: int) -> Page[Record]:
        if self.fail:
            raise ServerError("fake", "boom")
        return Page([Record("fake", "queues", "1", {"id": 1, "name": "Sales"})], None, False, 1)


def test_a_live_list_says_when_its_rows_came_and_when_a_reload_failed(running_qloop: Any, qtbot: Any) -> None:
    clock, source = Clock(), Queues()
    stamp = RefreshStamp(15, clock)
    qtbot.addWidget(stamp)
    model = PagedTableModel(COLUMNS, source.fetch, 50)
    stamp.watch(model)
    assert stamp.isHidden() and "every 15 s" in stamp.toolTip()
    model.start()
    qtbot.waitUntil(lambda: stamp.text() == "Updated 12:03:15")
    assert not stamp.isHidden()
    clock.now += dt.timedelta(seconds=15)
    model.reload_in_place()
    qtbot.waitUntil(lambda: stamp.text() == "Updated 12:03:30")
    source.fail, clock.now = True, clock.now + dt.timedelta(seconds=15)
    model.reload_in_place()
    qtbot.waitUntil(lambda: stamp.text() == "Update failed at 12:03:45 (rows from 12:03:30)")


def test_a_list_that_is_not_live_shows_no_time(running_qloop: Any, qtbot: Any) -> None:
    stamp = RefreshStamp(0, Clock())
    qtbot.addWidget(stamp)
    model = PagedTableModel(COLUMNS, Queues().fetch, 50)
    stamp.watch(model)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 1 and not model.loading)
    assert stamp.isHidden() and stamp.text() == ""
