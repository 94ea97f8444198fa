"""The checks a form runs before anything is sent, one value at a time, with a message for its field.

Each message says what the check accepts: a phone number may hold digits, spaces and
``+ ( ) - . /`` (the same list the rule uses), a US ZIP code is 5 digits or ZIP+4. Phone numbers are
stored in one form, E.164 (:func:`stored_phone`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from console.core.lookup import DEFAULT_REGION, phone_keys, phone_problem
from console.core.models import FieldKind, FormField

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ZIP = re.compile(r"\d{5}(-\d{4})?")
ZIP_MESSAGE = "Enter a US ZIP code: 5 digits, or ZIP+4 like 94105-1234."

#: Country of phone numbers written without a country code (Edit > Settings sets it).
_phone_region = DEFAULT_REGION


def set_phone_region(region: str) -> None:
    """The country forms read numbers without a country code in (the "default phone region" setting)."""
    global _phone_region
    _phone_region = region or DEFAULT_REGION


def stored_phone(text: str, region: str | None = None) -> str:
    """A phone number in the one form it is stored in: E.164 (``415.555.0199`` -> ``+14155550199``).

    A short internal extension, or anything that is no complete number, stays as typed (the checks
    report the latter).

    Args:
        text: As typed.
        region: Country of numbers without a country code (default: the setting).
    """
    written = text.strip()
    return next((k for k in phone_keys(written, region or _phone_region) if k.startswith("+")), written)


def _number(text: str) -> str:
    return f"{float(text):g}" if "." in text else text


def check_value(field: FormField, value: Any, region: str | None = None) -> list[str]:
    """Validates one value before it is sent; returns messages (empty when fine).

    Args:
        field: The field.
        value: Its value as the form holds it.
        region: Country of phone numbers without a country code (default: the setting).
    """
    if field.kind is FieldKind.MULTI_CHOICE or field.kind is FieldKind.BOOLEAN:
        return []
    text = "" if value is None else str(value).strip()
    if not text:
        if field.kind is FieldKind.SLOT and field.required:
            return ["Pick a day and one of its free times."]
        return ["This field is required."] if field.required else []
    if field.kind is FieldKind.SLOT:
        return []
    if field.max_length is not None and len(text) > field.max_length:
        return [f"At most {field.max_length} characters (now {len(text)})."]
    if field.kind is FieldKind.EMAIL and not EMAIL_RE.match(text):
        return ["Enter a whole email address, like jane.doe@example.com."]
    if field.kind is FieldKind.PHONE:
        problem = phone_problem(text, region or _phone_region)
        return [problem] if problem else []
    if field.kind is FieldKind.US_ZIP and not _ZIP.fullmatch(text):
        return [ZIP_MESSAGE]
    if field.kind is FieldKind.INTEGER and not re.fullmatch(r"-?\d+", text):
        return ["Enter a whole number."]
    if field.kind is FieldKind.DECIMAL and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return ["Enter a number like 12.50."]
    if field.kind in (FieldKind.INTEGER, FieldKind.DECIMAL):
        number = float(text)
        if field.minimum is not None and number < field.minimum:
            return [f"At least {_number(str(field.minimum))}."]
        if field.maximum is not None and number > field.maximum:
            return [f"At most {_number(str(field.maximum))}."]
    if field.kind is FieldKind.DATE:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return ["Enter a date as YYYY-MM-DD."]
    return []
