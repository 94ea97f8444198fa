"""Launch27 in the window: both generations, the booking form's field errors, login failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate

from console.vendors.launch27 import DEMO_API_KEY
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.parametrize("emulators", [{"launch27": 300}], indirect=True)


def open_account(harness: Any, api: str, dataset: str = "bookings") -> Any:
    account = next(a for a in harness.accounts.accounts() if a.fields.get("api") == api)
    page = harness.window.select_account(account.id)
    view = page.view(dataset)
    page.setCurrentWidget(view)
    view.activate()
    return view


def next_open_day(days: int = 3) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("api", ["2.0", "v1"])
def test_bookings_view_per_generation(harness: Any, qtbot: Any, api: str) -> None:
    view = open_account(harness, api)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    start = view.model.record(0).derived["start"]
    assert start.tzname() in ("EST", "EDT")
    assert (view.filters.search is not None) == (api == "v1")  # 2.0 cannot search
    assert ("options" in view.filters.inputs) == (api == "v1")


def test_booking_form_shows_the_vendors_field_error(harness: Any, qtbot: Any) -> None:
    view = open_account(harness, "v1")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    view.new_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    for key in ("service_id", "frequency_id"):
        combo = form.widgets[key]
        qtbot.waitUntil(lambda c=combo: c.count() > 1, timeout=5000)
    form.widgets["service_id"].setCurrentIndex(form.widgets["service_id"].findData("2"))
    picker = form.slot_picker("service_date")
    day = next_open_day()
    picker.day_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: picker.times.isEnabled() and picker.value().startswith(day.isoformat()), timeout=5000)
    for key, value in (("first_name", "Grace"), ("last_name", "Hopper"), ("email", "grace.hopper@example.com"),
                       ("address", "10 Market St"), ("city", "San Francisco"), ("state", "CA"), ("zip", "94105")):
        form.widgets[key].setText(value)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("zip") != "", timeout=5000)
    assert form.error_text("zip") == "We do not serve this ZIP code yet"
    assert form.widgets["address"].text() == "10 Market St"
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "launch27-booking-form-field-error.png"))
    form.widgets["zip"].setText("10013")
    form.widgets["city"].setText("New York")
    form.widgets["state"].setText("NY")
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert view.model.record(0).derived["customer"] == "Grace Hopper"


def test_wrong_api_key_and_wrong_password_in_the_window(harness: Any, qtbot: Any) -> None:
    emulator = harness.workspace.vendors["launch27"].emulator
    emulator.api_keys.discard(DEMO_API_KEY)
    view = open_account(harness, "2.0", "services")
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=8000)
    assert "Wrong API key" in view.banner_text.text()
    assert view.credentials_button.isVisible()
    emulator.admins.clear()
    v1 = open_account(harness, "v1", "services")
    qtbot.waitUntil(lambda: v1.banner.isVisible(), timeout=8000)
    assert "Wrong email or password" in v1.banner_text.text()
