"""Systeme.io datasets: contacts and tags (columns, forms, filters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.core.lookup import Identity
from console.core.models import (
    Choice,
    Column,
    DatasetSpec,
    FieldKind,
    FilterSpec,
    FormField,
    Record,
    ViewKind,
)

#: Built-in contact field slugs the form edits (``shared/vendors/systeme.md`` §4.1).
CONTACT_FIELD_SLUGS = ("first_name", "surname", "phone_number", "company_name", "country", "postcode")
#: Contact ``locale``: exactly the vendor's 28 codes (published-samples.md:24-26 [SPEC]; ``jp``, ``dk`` and
#: ``ua`` are Systeme.io's own, not ISO 639-1), in the vendor's order, with the language's English name.
LOCALES: dict[str, str] = {
    "en": "English", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "de": "German",
    "nl": "Dutch", "ru": "Russian", "jp": "Japanese", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese",
    "sv": "Swedish", "ro": "Romanian", "cs": "Czech", "hu": "Hungarian", "sk": "Slovak", "dk": "Danish",
    "id": "Indonesian", "pl": "Polish", "el": "Greek", "sr": "Serbian", "hi": "Hindi", "no": "Norwegian",
    "th": "Thai", "sq": "Albanian", "sl": "Slovenian", "ua": "Ukrainian",
}
#: The form's choices, by name: "Japanese (jp)". A stored code outside the list stays as it is (the form
#: adds it as one more choice, labelled with the code), and is sent back only if the user picks another.
LOCALE_CHOICES = tuple(Choice(code, f"{name} ({code})") for code, name in sorted(LOCALES.items(), key=lambda x: x[1]))


def field_value(contact: Mapping[str, Any], slug: str) -> Any:
    """Returns a contact's custom field value by slug (``None`` when unset)."""
    for item in contact.get("fields") or ():
        if isinstance(item, dict) and item.get("slug") == slug:
            return item.get("value")
    return None


def tag_names(contact: Mapping[str, Any]) -> str:
    """Returns a contact's tag names, comma-separated."""
    return ", ".join(str(t.get("name", "")) for t in contact.get("tags") or () if isinstance(t, dict))


def tag_ids(contact: Mapping[str, Any]) -> list[str]:
    """Returns a contact's tag ids as strings."""
    return [str(t["id"]) for t in contact.get("tags") or () if isinstance(t, dict) and "id" in t]


def _contact_title(record: Record) -> str:
    name = " ".join(
        str(v) for v in (field_value(record.fields, "first_name"), field_value(record.fields, "surname")) if v
    )
    email = record.fields.get("email") or f"contact {record.id}"
    return f"{name} <{email}>" if name else str(email)


def _contact_identity(record: Record) -> Identity:
    name = " ".join(str(v) for v in (field_value(record.fields, "first_name"),
                                     field_value(record.fields, "surname")) if v)
    phone = field_value(record.fields, "phone_number")
    tags = tag_names(record.fields)
    return Identity(emails=(str(record.fields.get("email") or ""),), phones=(str(phone),) if phone else (),
                    names=(name,) if name else (), summary=f"tags: {tags}" if tags else "")


def _contact_form(record: Record) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": record.fields.get("email") or "",
        "locale": record.fields.get("locale") or "",
        "tags": tag_ids(record.fields),
    }
    for slug in CONTACT_FIELD_SLUGS:
        value = field_value(record.fields, slug)
        values[slug] = "" if value is None else str(value)
    return values


def _slug_column(slug: str, label: str, kind: FieldKind = FieldKind.TEXT, width: int = 14) -> Column:
    return Column(slug, label, lambda r: field_value(r.fields, slug), kind, width=width)


CONTACTS = DatasetSpec(
    name="contacts",
    label="Contacts",
    view=ViewKind.CONTACTS,
    noun="contact",
    columns=(
        Column("id", "ID", lambda r: r.fields.get("id"), FieldKind.ID, sort_key="id", width=8),
        Column("email", "Email", lambda r: r.fields.get("email"), FieldKind.EMAIL, width=34),
        _slug_column("first_name", "First name"),
        _slug_column("surname", "Surname"),
        _slug_column("phone_number", "Phone", FieldKind.PHONE, width=19),
        _slug_column("country", "Country", width=8),
        Column("locale", "Locale", lambda r: r.fields.get("locale"), width=6),
        Column("tags", "Tags", lambda r: tag_names(r.fields), width=20),
        Column("registeredAt", "Registered", lambda r: r.fields.get("registeredAt"), FieldKind.DATETIME, width=18),
        Column("unsubscribed", "Unsubscribed", lambda r: r.fields.get("unsubscribed"), FieldKind.BOOLEAN, width=6),
        Column("bounced", "Bounced", lambda r: r.fields.get("bounced"), FieldKind.BOOLEAN, width=6),
        Column("needsConfirmation", "Needs confirmation", lambda r: r.fields.get("needsConfirmation"),
               FieldKind.BOOLEAN, width=6),
    ),
    title_of=_contact_title,
    identity=_contact_identity,
    form_fields=(
        FormField("email", "Email", FieldKind.EMAIL, required=True, max_length=255,
                  placeholder="jane.doe@example.com"),
        FormField("first_name", "First name", max_length=255),
        FormField("surname", "Surname", max_length=255),
        FormField("phone_number", "Phone", FieldKind.PHONE, max_length=255, placeholder="+33 6 12 34 56 78"),
        FormField("company_name", "Company", max_length=255),
        FormField("country", "Country", max_length=255, placeholder="FR"),
        FormField("postcode", "Postcode", max_length=255),
        FormField("locale", "Language", FieldKind.CHOICE, choices=LOCALE_CHOICES,
                  help="Language of the emails Systeme.io sends this contact."),
        FormField("tags", "Tags", FieldKind.MULTI_CHOICE, choices_from="tags",
                  help="Tags are attached and detached one by one after the contact is saved."),
    ),
    to_form=_contact_form,
    filters=(
        FilterSpec("email", "Email", FieldKind.EMAIL, primary=True,
                   placeholder="Exact email address (Systeme.io matches whole addresses)"),
        FilterSpec("tags", "Tag", FieldKind.CHOICE, choices_from="tags"),
        FilterSpec("unsubscribed", "Unsubscribed", FieldKind.BOOLEAN),
        FilterSpec("bounced", "Bounced", FieldKind.BOOLEAN),
        FilterSpec("needsConfirmation", "Needs confirmation", FieldKind.BOOLEAN),
        FilterSpec("registeredAfter", "Registered after", FieldKind.DATE),
        FilterSpec("registeredBefore", "Registered before", FieldKind.DATE),
    ),
    can_create=True,
    can_edit=True,
    can_delete=True,
)

TAGS = DatasetSpec(
    name="tags",
    label="Tags",
    view=ViewKind.LIST,
    noun="tag",
    columns=(
        Column("id", "ID", lambda r: r.fields.get("id"), FieldKind.ID, sort_key="id", width=8),
        Column("name", "Name", lambda r: r.fields.get("name"), width=30),
        Column("createdAt", "Created", lambda r: r.fields.get("createdAt"), FieldKind.DATETIME, width=18),
    ),
    title_of=lambda r: f"tag “{r.fields.get('name') or r.id}”",
    form_fields=(FormField("name", "Name", required=True, max_length=255, placeholder="vip"),),
    to_form=lambda r: {"name": r.fields.get("name") or ""},
    filters=(FilterSpec("query", "Name", primary=True, placeholder="Part of a tag name"),),
    can_create=True,
    can_edit=True,
    can_delete=True,
)

DATASETS = (CONTACTS, TAGS)
