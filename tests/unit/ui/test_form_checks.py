"""Form inputs checked before sending: emails, phones, numbers, dates, with a message for the field."""

from __future__ import annotations

import pytest

from console.core.models import FieldKind, FormField
from console.ui.form_checks import check_value

EMAIL = FormField("email", "Email", FieldKind.EMAIL, required=True, max_length=50)
PHONE = FormField("phone", "Phone", FieldKind.PHONE)
GUESTS = FormField("guests", "Guests", FieldKind.INTEGER, minimum=1, maximum=500)
RATE = FormField("rate", "Nightly rate", FieldKind.DECIMAL, minimum=0)
DAY = FormField("day", "Check-in", FieldKind.DATE)


@pytest.mark.parametrize(("field", "value", "says"), [
    (EMAIL, "", "required"),
    (EMAIL, "jane.doe", "whole email address"),
    (EMAIL, "jane@@example.com", "whole email address"),
    (EMAIL, "x" * 45 + "@a.com", "At most 50 characters (now 51)"),
    (PHONE, "call me", "digits, spaces"),
    (PHONE, "+1 415 555 0100 ext. 3", "digits, spaces"),
    (PHONE, "1+415", "digits, spaces"),
    (PHONE, "415 555", "not a complete phone number for US"),
    (PHONE, "+1 4", "not a complete phone number"),
    (PHONE, "+44 20 7946 09581234567", "not a complete phone number"),
    (GUESTS, "two", "whole number"),
    (GUESTS, "2.5", "whole number"),
    (GUESTS, "0", "At least 1."),
    (GUESTS, "501", "At most 500."),
    (RATE, "12,50", "like 12.50"),
    (RATE, "-1", "At least 0."),
    (DAY, "2026-02-30", "YYYY-MM-DD"),
    (DAY, "30/01/2026", "YYYY-MM-DD"),
])
def test_refused_with_a_message(field: FormField, value: str, says: str) -> None:
    messages = check_value(field, value, region="US")
    assert messages and says in messages[0]


@pytest.mark.parametrize(("field", "value"), [
    (EMAIL, "jane.doe@example.com"),
    (PHONE, ""),
    (PHONE, "+1 415 555 0100"),
    (PHONE, "(415) 555-0100"),
    (PHONE, "+44 20 7946 0958"),
    (PHONE, "201"),  # an internal extension
    (GUESTS, "1"),
    (GUESTS, "500"),
    (RATE, "0"),
    (RATE, "149.99"),
    (DAY, "2026-02-28"),
])
def test_accepted(field: FormField, value: str) -> None:
    assert check_value(field, value, region="US") == []


def test_the_phone_region_decides_numbers_without_a_country_code() -> None:
    assert check_value(PHONE, "020 7946 0958", region="GB") == []
    assert check_value(PHONE, "030 901820", region="DE") == []
    assert "for US" in check_value(PHONE, "020 7946 0958", region="US")[0]
