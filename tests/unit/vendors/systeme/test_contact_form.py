"""The contact form keeps a stored language outside the vendor's list: shown, and not replaced on save."""

from __future__ import annotations

from typing import Any

from console.core.models import Record
from console.services.datasets import changed_values
from console.ui.forms import RecordForm
from console.vendors import registry

SPEC = registry.get("systeme").dataset("contacts")


def _contact(locale: str) -> Record:
    return Record("systeme", "contacts", "7", {
        "id": 7, "email": "jo@example.com", "locale": locale, "fields": [{"slug": "first_name", "value": "Jo"}],
        "tags": [],
    })


def test_a_known_code_shows_its_language(qtbot: Any) -> None:
    form = RecordForm(SPEC, _contact("jp"), "Systeme.io")
    qtbot.addWidget(form)
    combo = form.widgets["locale"]
    assert combo.currentText() == "Japanese (jp)"  # type: ignore[attr-defined]
    assert combo.count() == 29  # type: ignore[attr-defined]  # "—" and the 28 codes
    assert form.values()["locale"] == "jp"


def test_an_unknown_stored_code_is_kept_and_shown(qtbot: Any) -> None:
    record = _contact("xx")
    form = RecordForm(SPEC, record, "Systeme.io")
    qtbot.addWidget(form)
    combo = form.widgets["locale"]
    assert combo.currentText() == "xx"  # type: ignore[attr-defined]
    assert form.values()["locale"] == "xx"
    assert not form.is_dirty()
    # Saving another change sends only that change: the stored language is not replaced.
    form.widgets["first_name"].setText("Joanna")  # type: ignore[attr-defined]
    assert changed_values(SPEC, record, form.values()) == {"first_name": "Joanna"}
