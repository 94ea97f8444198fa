"""Forms in the window: context from the list, names of a Launch27 booking, phones sent in one form, discarding."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import ARTIFACTS, find_modal, loaded, open_view
from tests.integration.ui.rentals import book_over_a_stay

pytestmark = pytest.mark.parametrize("emulators", [{"setsmart": 300, "launch27": 300}], indirect=True)


def _new_form(qtbot: Any, view: Any) -> Any:
    view.new_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    return view.forms[-1]


def _launch27(harness: Any, api: str) -> Any:
    account = next(a for a in harness.accounts.accounts() if a.fields.get("api") == api)
    return open_view(harness, account.label, "bookings")


def test_a_new_reservation_is_for_the_property_the_list_shows(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    emulator = harness.workspace.vendors["setsmart"].emulator
    inactive = {p["id"] for p in emulator.properties.values() if p["status"] != "active"}
    assert inactive  # the demo has some: none of them may be a guess
    # No filter: nothing is preselected (the first property of the list may be an inactive one).
    form = _new_form(qtbot, view)
    combo = form.widgets["property_id"]
    qtbot.waitUntil(lambda: combo.count() > 100, timeout=5000)
    assert form.values()["property_id"] == ""
    assert form.check()["property_id"] == ["This field is required."]
    form.reject()
    qtbot.waitUntil(lambda: not view.forms, timeout=3000)
    # Filtered to one active property: the new reservation is for it, and that is no edit to discard.
    listed = {view.model.record(r).fields["property_id"] for r in range(view.model.rowCount())}
    chosen = next(p for p in emulator.properties.values() if p["status"] == "active" and p["id"] in listed
                  and p["id"] != "prop_1")
    view.filter_to({"property_id": chosen["id"]})
    loaded(qtbot, view)
    assert {view.model.record(r).fields["property_id"] for r in range(view.model.rowCount())} == {chosen["id"]}
    form = _new_form(qtbot, view)
    combo = form.widgets["property_id"]
    qtbot.waitUntil(lambda: combo.count() > 100, timeout=5000)
    assert form.values()["property_id"] == chosen["id"]
    assert combo.currentText() == chosen["name"]
    assert not form.is_dirty()
    form.reject()


def test_a_long_property_list_is_searchable(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    form = _new_form(qtbot, view)
    combo = form.widgets["property_id"]
    qtbot.waitUntil(lambda: combo.count() > 100, timeout=5000)
    assert combo.isEditable()
    wanted = combo.itemText(150)
    completer = combo.completer()
    completer.setCompletionPrefix(wanted[3:].upper())  # part of the name, in another case
    suggestions = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert wanted in suggestions
    combo.lineEdit().setText("No Such Place")
    assert form.check()["property_id"][0].startswith("No property is called “No Such Place”")
    assert form.frames["property_id"].property("error") is True
    form.reject()


def test_a_typed_phone_is_sent_in_e164(harness: Any, qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    emulator = harness.workspace.vendors["setsmart"].emulator
    form = _new_form(qtbot, view)
    combo = form.widgets["property_id"]
    active = next(p for p in emulator.properties.values() if p["status"] == "active")
    qtbot.waitUntil(lambda: combo.findData(active["id"]) >= 0, timeout=5000)
    combo.setCurrentIndex(combo.findData(active["id"]))
    start = dt.date.today() + dt.timedelta(days=700)
    for key, value in (("guest_name", "Ines Moreau"), ("guest_email", "ines.e164@example.com"),
                       ("guest_phone", "415.555.0199"), ("check_in", start.isoformat()),
                       ("check_out", (start + dt.timedelta(days=2)).isoformat()), ("guests", "2")):
        form.widgets[key].setText(value)
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    made = next(r for r in emulator.reservations.values() if r["guest"]["email"] == "ines.e164@example.com")
    assert made["guest"]["phone"] == "+14155550199"


def test_editing_a_v1_booking_shows_the_customers_name(harness: Any, qtbot: Any) -> None:
    view = _launch27(harness, "v1")
    loaded(qtbot, view)
    record = view.model.record(0)
    first, _, last = record.derived["customer"].partition(" ")
    view.table.selectRow(0)
    view.edit_button.click()
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    form = view.forms[-1]
    assert (form.widgets["first_name"].text(), form.widgets["last_name"].text()) == (first, last)
    assert not form.widgets["first_name"].isEnabled()  # the booking's customer is not changed here
    assert not form.is_dirty()
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "launch27-booking-edit.png"))
    form.reject()


def test_editing_a_2_0_booking_names_the_logged_in_customer_or_says_why_not(harness: Any, qtbot: Any) -> None:
    emulator = harness.workspace.vendors["launch27"].emulator
    today = dt.date.today()
    own = min((b for b in emulator.bookings.values() if b["active"] and not b["completed"]
               and b["start"].date() >= today), key=lambda b: (b["start"], b["id"]))
    own["user_id"] = 1  # the 2.0 login's own id (the emulator's login answer: Sam Sparkle)
    view = _launch27(harness, "2.0")
    loaded(qtbot, view)
    row = view.model.row_of(str(own["id"]))
    other = next(r for r in range(view.model.rowCount()) if r != row)
    for r, names in ((row, ("Sam", "Sparkle")), (other, ("", ""))):
        view.table.selectRow(r)
        view.edit_button.click()
        qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
        form = view.forms[-1]
        assert (form.widgets["first_name"].text(), form.widgets["last_name"].text()) == names
        if not names[0]:  # 2.0 names another customer by id only: the empty field says so
            assert form.widgets["first_name"].placeholderText() == "Not sent by the vendor"
        form.reject()
        qtbot.waitUntil(lambda: not view.forms, timeout=3000)


def test_after_a_refused_create_the_discard_question_does_not_say_nothing_was_sent(harness: Any,
                                                                                    qtbot: Any) -> None:
    view = open_view(harness, "Coastal Stays (demo)", "reservations")
    loaded(qtbot, view)
    form = book_over_a_stay(harness, qtbot, view)
    form.cancel()
    box = find_modal(qtbot, QMessageBox, "discardChanges")
    assert box.informativeText() == "The save did not go through: nothing from this form is saved in SetSmart."
    next(b for b in box.buttons() if b.text() == "Discard changes").click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=3000)
