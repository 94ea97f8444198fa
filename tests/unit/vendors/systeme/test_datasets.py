"""Systeme.io's contact form offers exactly the vendor's 28 languages, with readable names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console.vendors import registry
from console.vendors.systeme.datasets import LOCALE_CHOICES, LOCALES
from console.vendors.systeme.emulator_seed import LOCALES as EMULATOR_LOCALES

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "vendors" / "published-samples.md"
#: published-samples.md [SPEC], in the vendor's order (kept here too, for checkouts without shared/).
VENDOR_CODES = ["en", "fr", "es", "it", "pt", "de", "nl", "ru", "jp", "tr", "ar", "zh", "sv", "ro", "cs", "hu", "sk",
                "dk", "id", "pl", "el", "sr", "hi", "no", "th", "sq", "sl", "ua"]


def _form_choices() -> list[str]:
    field = next(f for f in registry.get("systeme").dataset("contacts").form_fields if f.key == "locale")
    return [c.value for c in field.choices]


def test_the_form_offers_exactly_the_vendors_28_codes() -> None:
    codes = _form_choices()
    assert len(codes) == len(set(codes)) == 28
    assert set(codes) == set(VENDOR_CODES)
    assert {"jp", "dk", "ua"} <= set(codes) and not {"ja", "da", "uk"} & set(codes)


def test_the_emulator_accepts_the_same_codes_in_the_vendors_order() -> None:
    assert list(EMULATOR_LOCALES) == VENDOR_CODES
    assert list(LOCALES) == VENDOR_CODES


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared/vendors/published-samples.md is not next to the checkout")
def test_the_codes_are_the_published_ones() -> None:
    text = SAMPLES.read_text(encoding="utf-8")
    match = re.search(r"exactly 28 codes: `([a-z ]+)`", text.replace("\n  ", " "))
    assert match is not None
    assert match[1].split() == VENDOR_CODES


def test_every_choice_reads_as_a_language_name_with_its_code() -> None:
    labels = {c.value: c.label for c in LOCALE_CHOICES}
    assert labels["jp"] == "Japanese (jp)" and labels["dk"] == "Danish (dk)" and labels["ua"] == "Ukrainian (ua)"
    for code, label in labels.items():
        assert re.fullmatch(rf"[A-Z][a-z]+ \({code}\)", label), label
    names = [c.label for c in LOCALE_CHOICES]
    assert names == sorted(names)  # typing a language's first letter finds it
