"""Classifying lookups, phone numbers in every format, and matching records."""

from __future__ import annotations

import pytest

from console.core.lookup import Identity, LookupKind, classify, format_phone, match, phone_keys, system_region


@pytest.mark.parametrize("text", ["+1 (415) 555-0100", "415.555.0100", "0014155550100", "(415) 555-0100",
                                  "1.415.555.0100", "+1 415 555 0100", "011 1 415 555 0100"])
def test_us_number_formats_are_one_number(text: str) -> None:
    query = classify(text, "US")
    assert LookupKind.PHONE in query.kinds
    assert query.phone_e164 == "+14155550100"
    assert "nsn:4155550100" in query.phone_keys


def test_a_national_number_matches_its_international_form_whatever_the_region() -> None:
    query = classify("+49 151 2345 6789", "US")
    assert match(query, LookupKind.PHONE, Identity(phones=("0151 2345 6789",)), "x") == {"phone": "0151 2345 6789"}
    assert match(query, LookupKind.PHONE, Identity(phones=("49.151.234.567.89",)), "x")
    assert not match(query, LookupKind.PHONE, Identity(phones=("0151 2345 6780",)), "x")


def test_the_default_region_decides_numbers_without_a_country_code() -> None:
    assert classify("020 7946 0958", "GB").phone_e164 == "+442079460958"
    assert classify("(415) 555-0100", "US").phone_e164 == "+14155550100"


@pytest.mark.parametrize(("text", "kinds"), [
    ("jane.doe@example.com", {LookupKind.EMAIL}), ("JANE.DOE@", {LookupKind.EMAIL}), ("jane", {LookupKind.NAME}),
    ("Jane Doe", {LookupKind.NAME}), ("prop_7", {LookupKind.ID}), ("120000", {LookupKind.ID}),
    ("4155550100", {LookupKind.PHONE, LookupKind.ID}), ("", set()), ("x", set()), ("+", set()),
    ("12-34", {LookupKind.ID}),
])
def test_classify(text: str, kinds: set[LookupKind]) -> None:
    assert classify(text, "US").kinds == kinds


def test_email_matches_case_insensitively_whole_or_partial() -> None:
    identity = Identity(emails=("Jane.Doe@Example.com",))
    assert match(classify("jane.doe@example.com"), LookupKind.EMAIL, identity, "1") == {"email": "Jane.Doe@Example.com"}
    assert match(classify("JANE.DOE@"), LookupKind.EMAIL, identity, "1")
    assert not match(classify("jane.doe@example.co"), LookupKind.EMAIL, identity, "1")  # whole addresses are exact


def test_names_match_by_word_prefix_without_accents() -> None:
    identity = Identity(names=("Lucía Müller",))
    assert match(classify("lucia mul"), LookupKind.NAME, identity, "1") == {"name": "Lucía Müller"}
    assert match(classify("MÜLLER"), LookupKind.NAME, identity, "1")
    assert not match(classify("lucia smith"), LookupKind.NAME, identity, "1")


def test_ids_match_exactly() -> None:
    assert match(classify("prop_7"), LookupKind.ID, Identity(), "prop_7") == {"id": "prop_7"}
    assert not match(classify("prop_7"), LookupKind.ID, Identity(), "prop_70")


def test_short_or_empty_numbers_have_no_keys() -> None:
    assert phone_keys("555-01") == frozenset()
    assert phone_keys("not a number at all") == frozenset()


def test_system_region(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert system_region() == "US"
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert system_region() == "SE"


@pytest.mark.parametrize(("written", "shown"), [
    ("(415) 555-0100", "+1 415-555-0100"), ("+14155550100", "+1 415-555-0100"), ("415.555.0100", "+1 415-555-0100"),
    ("+49 151 23456789", "+49 1512 3456789"), ("123", "123"), ("ext. 12", "ext. 12")])
def test_phones_are_shown_in_one_format(written: str, shown: str) -> None:
    assert format_phone(written, "US") == shown
