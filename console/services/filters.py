"""Filter values checked against their filter's type before anything is sent.

The window's filter bar offers only valid values (a yes/no box, a choice list, a date field); a
script types them. :func:`filter_value` holds a typed value to the same rules, so ``bounced=maybe``
is refused with the accepted values instead of being sent as something else (Systeme.io's client
reads any unknown yes/no value as ``false``), and a malformed date never reaches a client that
reads it.
"""

from __future__ import annotations

import datetime as dt
import re

from console.core.models import FieldKind, FilterSpec

#: What a yes/no filter accepts (case-insensitive), and what it sends.
BOOLEAN_WORDS = {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false", "0": "false"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the forms' rule (console/ui/forms.py EMAIL_RE)


class FilterValueError(ValueError):
    """A filter value its filter cannot take; the message names what it accepts."""


def filter_value(spec: FilterSpec, text: str, *, name: str | None = None) -> str:
    """Returns the value to send for a typed filter value (an empty one stays empty: no filter).

    Yes/no filters take ``true``/``false`` (also ``yes``/``no``, ``1``/``0``) and send ``true`` or
    ``false``; a choice filter with fixed choices takes a choice's value or label (case-insensitive)
    and sends the value; dates are ``YYYY-MM-DD``; email filters need a whole address; numbers must be
    numbers. Choices that come from another dataset (tags, providers) and text are not checked here:
    the vendor says whether it knows them.

    Args:
        spec: The filter.
        text: The value as typed.
        name: How messages call the filter (default its key, as a script writes it; the window
            uses its label).

    Raises:
        FilterValueError: The value does not fit the filter.
    """
    key = spec.key if name is None else name
    value = text.strip()
    if not value:
        return ""
    kind = spec.kind
    if kind is FieldKind.BOOLEAN:
        word = BOOLEAN_WORDS.get(value.lower())
        if word is None:
            raise FilterValueError(f"{key} is a yes/no filter: use true or false (yes/no and 1/0 work too), "
                                   f"not {value!r}")
        return word
    if kind is FieldKind.CHOICE and spec.choices:
        wanted = value.casefold()
        for choice in spec.choices:
            if wanted in (choice.value.casefold(), choice.label.casefold()):
                return choice.value
        accepted = ", ".join(c.value if c.label.casefold() == c.value.casefold() else f"{c.value} ({c.label})"
                             for c in spec.choices)
        raise FilterValueError(f"{key} must be one of {accepted}; not {value!r}")
    if kind is FieldKind.DATE:
        try:
            if not _DATE_RE.match(value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            raise FilterValueError(f"{key} is a date: write it as YYYY-MM-DD, not {value!r}") from None
        return value
    if kind is FieldKind.EMAIL and not _EMAIL_RE.match(value):
        raise FilterValueError(f"{key} needs a whole email address (the vendor matches exact addresses), "
                               f"not {value!r}")
    if kind is FieldKind.INTEGER and not re.fullmatch(r"[+-]?\d+", value):
        raise FilterValueError(f"{key} is a whole number, not {value!r}")
    if kind is FieldKind.DECIMAL:
        try:
            float(value)
        except ValueError:
            raise FilterValueError(f"{key} is a number, not {value!r}") from None
    return value
