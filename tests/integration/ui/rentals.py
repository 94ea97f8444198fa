"""SetSmart steps several window tests share."""

from __future__ import annotations

import datetime as dt
from typing import Any


def book_over_a_stay(harness: Any, qtbot: Any, view: Any) -> Any:
    """Fills a new reservation over a coming stay of an active home and saves it; returns the form.

    The vendor refuses it (409: the dates overlap) and the form stays open with the message at the dates.
    """
    emulator = harness.workspace.vendors["setsmart"].emulator
    taken = next(r for r in emulator.reservations.values() if r["status"] != "cancelled"
                 and r["check_in"] > dt.date.today().isoformat()
                 and emulator.properties[r["property_id"]]["status"] == "active")
    view.new_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    combo = form.widgets["property_id"]
    qtbot.waitUntil(lambda: combo.findData(taken["property_id"]) >= 0, timeout=5000)
    combo.setCurrentIndex(combo.findData(taken["property_id"]))
    for key, value in (("guest_name", "Ines Moreau"), ("guest_email", "ines.moreau@example.com"),
                       ("check_in", taken["check_in"]), ("check_out", taken["check_out"]), ("guests", "1")):
        form.widgets[key].setText(value)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("check_in") != "", timeout=5000)
    return form
