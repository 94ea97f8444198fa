"""Form inputs checked before sending: emails, phones, ZIP codes, numbers, dates, with a message for the field."""

from __future__ import annotations

import pytest

from console.core.lookup import PHONE_CHARACTERS, PHONE_SIGNS
from console.core.models import FieldKind, FormField
from console.ui.form_checks import ZIP_MESSAGE, check_value, stored_phone

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


ZIP = FormField("zip", "ZIP code", FieldKind.US_ZIP, max_length=10)
POSTCODE = FormField("zip", "Postcode", max_length=20)


@pytest.mark.parametrize(("typed", "stored"), [
    ("415.555.0199", "+14155550199"),
    ("(415) 555-0199", "+14155550199"),
    ("+1 415 555 0199", "+14155550199"),
    ("001 415 555 0199", "+14155550199"),
    ("+44 20 7946 0958", "+442079460958"),
    ("201", "201"),  # an internal extension stays as typed
    ("  ", ""),
])
def test_a_phone_is_stored_in_e164(typed: str, stored: str) -> None:
    assert stored_phone(typed, region="US") == stored


def test_a_national_number_is_read_in_the_default_region() -> None:
    assert stored_phone("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize("value", ["94105", "94105-1234", "02108"])
def test_a_us_zip_code_passes(value: str) -> None:
    assert check_value(ZIP, value) == []


@pytest.mark.parametrize("value", ["9410", "941055", "94105-12", "94105 1234", "SW1A 1AA", "ABCDE"])
def test_a_us_zip_code_is_checked_here(value: str) -> None:
    assert check_value(ZIP, value) == [ZIP_MESSAGE]
    assert check_value(POSTCODE, value) == []  # a postcode field is any country's


def test_the_phone_message_lists_exactly_what_the_rule_accepts() -> None:
    listed = PHONE_CHARACTERS.split("digits, spaces and ", 1)[1].split(" only", 1)[0].split()
    assert sorted(listed) == sorted(PHONE_SIGNS)
    for sign in PHONE_SIGNS:  # every sign the message names passes
        number = "+1 415 555 0199" if sign == "+" else f"415{sign}555{sign}0199"
        assert check_value(PHONE, number, region="US") == [], sign
    for sign in ",#*;:_x":  # and none it does not name
        assert check_value(PHONE, f"415{sign}555{sign}0199", region="US") == [PHONE_CHARACTERS], sign
    assert check_value(PHONE, "415 +555 0199", region="US") == [PHONE_CHARACTERS]  # + only at the start
