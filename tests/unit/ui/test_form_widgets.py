"""Form widgets: searchable choice lists, the date field's calendar, outlines, labels and placeholders."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCalendarWidget, QLabel, QLineEdit

from console.core.models import Choice, DatasetSpec, FieldKind, FormField, Record, ViewKind
from console.ui.form_layout import example_text
from console.ui.form_widgets import (
    ERROR_TEXT_DARK,
    ERROR_TEXT_LIGHT,
    FRAME_PAD,
    SEARCHABLE_AT,
    DateField,
    typed_choice_problem,
)
from console.ui.forms import RecordForm
from console.vendors import registry

PLACES = tuple(Choice(f"p{n}", f"{name} {n}") for n, name in
               enumerate(("Beachfront Villa", "Lakeside Farmhouse", "Mountain Cabin") * 100))
SPEC = DatasetSpec(
    name="stays", label="Stays", view=ViewKind.LIST, noun="stay", columns=(), title_of=lambda r: r.id,
    form_fields=(
        FormField("place", "Property", FieldKind.CHOICE, required=True, choices=PLACES),
        FormField("size", "Size", FieldKind.CHOICE, choices=(Choice("s", "Small"), Choice("l", "Large"))),
        FormField("day", "Check-in", FieldKind.DATE, required=True),
        FormField("state", "State", max_length=3, placeholder="NY"),
        FormField("notes", "Notes for the team", FieldKind.MULTILINE),
    ),
)


def _form(qtbot: Any) -> RecordForm:
    form = RecordForm(SPEC, None, "Test")
    qtbot.addWidget(form)
    return form


def test_a_long_choice_list_suggests_what_contains_the_typed_text_in_any_case(qtbot: Any) -> None:
    form = _form(qtbot)
    places, sizes = form.widgets["place"], form.widgets["size"]
    assert len(PLACES) > SEARCHABLE_AT and places.isEditable()  # type: ignore[attr-defined]
    assert not sizes.isEditable()  # type: ignore[attr-defined]  # two choices: a plain list
    completer = places.completer()  # type: ignore[attr-defined]
    completer.setCompletionPrefix("farmhouse 1")
    found = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert found and all("Farmhouse 1" in text for text in found)
    assert "Lakeside Farmhouse 1" in found


def test_a_typed_name_chooses_its_choice_and_a_typed_unknown_one_says_so(qtbot: Any) -> None:
    form = _form(qtbot)
    places = form.widgets["place"]
    line = places.lineEdit()  # type: ignore[attr-defined]
    line.setText("mountain cabin 5")
    line.editingFinished.emit()
    assert form.values()["place"] == "p5"  # the whole name, in any case, chooses it
    line.setText("Seaside Shack")
    assert "place" in form.check()
    assert form.error_text("place") == ("No property is called “Seaside Shack”: type part of its name and pick "
                                        "one of the suggestions.")
    assert typed_choice_problem(form.widgets["size"], "size") == ""  # type: ignore[arg-type]


def test_a_field_in_error_is_outlined_until_it_is_fixed(qtbot: Any) -> None:
    form = _form(qtbot)
    form.widgets["state"].setText("NYC!")  # type: ignore[attr-defined]
    form.show_errors({"day": ["This field is required."], "state": ["Not a state."]}, [])
    assert form.widgets["day"].property("error") is True
    assert form.frames["day"].property("error") is True and form.frames["state"].property("error") is True
    assert form.frames["notes"].property("error") is False
    form.show_errors({"state": ["Not a state."]}, [])
    assert form.widgets["day"].property("error") is False and form.frames["day"].property("error") is False


def test_the_field_with_the_focus_is_outlined(qtbot: Any) -> None:
    form = _form(qtbot)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    form.widgets["state"].setFocus()
    qtbot.waitUntil(lambda: form.frames["state"].property("focused") is True, timeout=2000)
    form.widgets["place"].setFocus()  # the focus is on the searchable list's line edit, inside its frame
    qtbot.waitUntil(lambda: form.frames["place"].property("focused") is True, timeout=2000)
    assert form.frames["state"].property("focused") is False


def test_a_date_is_typed_or_picked_from_the_calendar(qtbot: Any) -> None:
    field = DateField()
    qtbot.addWidget(field)
    field.setText("2027-03-10")
    calendar = field.open_calendar()
    assert isinstance(calendar, QCalendarWidget) and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2027, 3, 10)  # opens on the typed date
    calendar.clicked.emit(QDate(2027, 3, 14))
    assert field.text() == "2027-03-14" and not calendar.isVisible()
    field.setText("soon")
    assert field.open_calendar().selectedDate() == QDate.currentDate()  # no date typed: today
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    assert not calendar.isVisible() and field.text() == "soon"
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert calendar.isVisible()
    assert field.date() is None


def test_date_fields_of_a_form_are_date_fields(qtbot: Any) -> None:
    form = _form(qtbot)
    assert isinstance(form.widgets["day"], DateField)
    form.widgets["day"].setText("2027-02-30")  # type: ignore[attr-defined]
    assert form.check()["day"] == ["Enter a date as YYYY-MM-DD."]


def test_placeholders_read_as_examples() -> None:
    assert example_text("NY") == "e.g. NY"
    assert example_text("e.g. Marketing") == "e.g. Marketing"
    assert example_text("YYYY-MM-DD") == "YYYY-MM-DD"
    assert example_text("") == ""


def test_a_state_placeholder_is_an_example_in_the_launch27_form(qtbot: Any) -> None:
    form = RecordForm(registry.get("launch27").dataset("bookings"), None, "Launch27")
    qtbot.addWidget(form)
    state = form.widgets["state"]
    assert isinstance(state, QLineEdit) and state.placeholderText() == "e.g. NY"


def test_labels_sit_level_with_their_fields_first_line(qtbot: Any) -> None:
    form = _form(qtbot)
    form.show()
    qtbot.waitExposed(form)
    form.show_errors({"state": ["Not a state."]}, [])  # a row made taller by its message
    for key in ("state", "notes", "place"):
        label = next(w for w in form.findChildren(QLabel) if w.buddy() is form.widgets[key])
        frame = form.frames[key]
        text_top = label.mapTo(form, label.contentsRect().topLeft()).y()
        frame_top = frame.mapTo(form, frame.rect().topLeft()).y()
        first_line = QLineEdit().sizeHint().height() + 2 * FRAME_PAD
        middle = text_top + label.fontMetrics().height() / 2
        assert abs(middle - (frame_top + first_line / 2)) <= 1.5, key


def test_an_edit_checks_what_the_user_changed_not_what_the_vendor_sent(qtbot: Any) -> None:
    spec = DatasetSpec(
        name="guests", label="Guests", view=ViewKind.LIST, noun="guest", columns=(), title_of=lambda r: r.id,
        form_fields=(FormField("phone", "Phone", FieldKind.PHONE), FormField("zip", "ZIP code"),
                     FormField("name", "Name", required=True)),
        to_form=lambda r: {k: str(r.fields.get(k) or "") for k in ("phone", "zip", "name")},
    )
    record = Record("test", "guests", "1", {"id": 1, "phone": "39.713.474.5481", "zip": "SW1A", "name": ""})
    form = RecordForm(spec, record, "Test")
    qtbot.addWidget(form)
    assert form.check() == {}  # as the vendor keeps them: the vendor's to judge
    form.widgets["phone"].setText("39.713.474.548x")  # type: ignore[attr-defined]
    form.widgets["name"].setText("  ")  # type: ignore[attr-defined]  # still empty: unchanged
    assert set(form.check()) == {"phone"}
    assert form.values()["phone"] == "39.713.474.548x"  # not a number: kept as typed
    form.widgets["phone"].setText("+1 415 555 0199")  # type: ignore[attr-defined]
    assert form.check() == {} and form.values()["phone"] == "+14155550199"


def test_the_discard_question_says_what_was_sent(qtbot: Any) -> None:
    form = _form(qtbot)
    assert form.discard_note() == "Nothing has been sent to Test."
    form.note_failed_save()  # the vendor refused the save (or it failed on the way)
    assert form.discard_note() == "The save did not go through: nothing from this form is saved in Test."
    form.offer_check(True)  # the answer was lost
    assert "may have been made" in form.discard_note()


def test_error_text_takes_the_red_that_reads_on_the_window(qtbot: Any) -> None:
    form = _form(qtbot)
    assert ERROR_TEXT_LIGHT in form.error_labels["day"].styleSheet()
    dark = QPalette(form.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    form.setPalette(dark)  # a live switch to the dark theme reaches the form as a palette change
    assert ERROR_TEXT_DARK in form.error_labels["day"].styleSheet()
    assert ERROR_TEXT_DARK in form.general.styleSheet()


def test_picking_a_suggestion_with_the_keys_chooses_it(qtbot: Any) -> None:
    form = _form(qtbot)
    form.show()
    qtbot.waitExposed(form)
    places = form.widgets["place"]
    line = places.lineEdit()  # type: ignore[attr-defined]
    line.setFocus()
    line.clear()
    qtbot.keyClicks(line, "cabin 29")
    popup = places.completer().popup()  # type: ignore[attr-defined]
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.values()["place"] == "p29", timeout=2000)  # "Mountain Cabin 29"
    assert form.check().get("place") is None
