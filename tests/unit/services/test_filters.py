"""Typed filter values: what a script may pass for each kind of filter, and what is sent."""

from __future__ import annotations

import pytest

from console.core.models import Choice, FieldKind, FilterSpec
from console.services.filters import FilterValueError, filter_value
from console.vendors import registry

BOUNCED = FilterSpec("bounced", "Bounced", FieldKind.BOOLEAN)
STATUS = FilterSpec("status", "Status", FieldKind.CHOICE, choices=(Choice("0", "Pending"), Choice("1", "Confirmed")))
FROM = FilterSpec("from", "From", FieldKind.DATE)
EMAIL = FilterSpec("client_email", "Client email", FieldKind.EMAIL)
TAGS = FilterSpec("tags", "Tag", FieldKind.CHOICE, choices_from="tags")


@pytest.mark.parametrize(("text", "sent"), [("true", "true"), ("Yes", "true"), ("1", "true"), (" FALSE ", "false"),
                                            ("no", "false"), ("0", "false"), ("", "")])
def test_yes_no_values_are_sent_as_true_or_false(text: str, sent: str) -> None:
    assert filter_value(BOUNCED, text) == sent


@pytest.mark.parametrize(("spec", "text", "words"), [
    (BOUNCED, "maybe", ("bounced", "true or false", "'maybe'")),
    (STATUS, "done", ("status", "0 (Pending)", "1 (Confirmed)", "'done'")),
    (FROM, "2026-13-01", ("from", "YYYY-MM-DD")),
    (FROM, "2026-01-01T10:00", ("YYYY-MM-DD",)),
    (FROM, "20260101", ("YYYY-MM-DD",)),
    (EMAIL, "jane@", ("client_email", "whole email address")),
])
def test_a_value_the_filter_cannot_take_names_what_it_accepts(spec: FilterSpec, text: str,
                                                              words: tuple[str, ...]) -> None:
    with pytest.raises(FilterValueError) as caught:
        filter_value(spec, text)
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_choices_by_value_or_label_dates_and_open_values() -> None:
    assert filter_value(STATUS, "1") == "1"
    assert filter_value(STATUS, "confirmed") == "1"
    assert filter_value(FROM, "2026-02-28") == "2026-02-28"
    assert filter_value(EMAIL, "jane@example.com") == "jane@example.com"
    assert filter_value(TAGS, "3,4") == "3,4"  # choices from another dataset: the vendor knows them


def test_every_vendor_filter_takes_what_the_window_sends() -> None:
    # The filter bar sends "true"/"false", a choice's value, YYYY-MM-DD: each passes unchanged.
    for spec in registry.VENDORS:
        for dataset in spec.datasets:
            for f in dataset.filters:
                samples = {FieldKind.BOOLEAN: ["true", "false"], FieldKind.DATE: ["2026-01-31"],
                           FieldKind.EMAIL: ["a@example.com"]}.get(f.kind, [c.value for c in f.choices] or ["x"])
                for sample in samples:
                    assert filter_value(f, sample) == sample, (spec.id, dataset.name, f.key)
