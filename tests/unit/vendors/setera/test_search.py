"""The in-memory contact search (a OneCloud without contact search): the fields OneCloud's search covers."""

from __future__ import annotations

import pytest

from console.core.models import Record
from console.vendors.setera.client import matches

ALEX = Record("setera", "contacts", "alex@nordictel.example", {
    "id": "alex@nordictel.example", "email": "alex@nordictel.example", "company": "Nordic Tel",
    "phoneNumbers": [{"type": "mobile", "number": "+46 70 123 45 67"}, {"type": "work", "number": "08-555 12 34"}],
}, {"name": "Alex Berg"})


@pytest.mark.parametrize("text", ["alex", "BERG", "x be", "nordictel.example", "alex@", "+46 70 123", "070-123 45",
                                  "0701234567", "46701234567", "555 12", "(08) 555-1234", "  berg  ", ""])
def test_name_email_or_number_match(text: str) -> None:
    assert matches(ALEX, text, "46")


@pytest.mark.parametrize("text", ["bergman", "nordic tel", "12", "0709", "+47 70 123 45 67", "berg 070", "ab1234567"])
def test_other_text_does_not_match(text: str) -> None:
    # Not the company (OneCloud searches names, emails and numbers); a number needs 3 digits or more;
    # a Norwegian +47 number is another number; letters are not read as a number.
    assert not matches(ALEX, text, "46")
