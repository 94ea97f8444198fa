"""The Systeme.io emulator's demo data: tags and contacts built from the shared seeded people.

Contacts speak the vendor's own locale codes (published-samples.md:24-26 [SPEC]: 28 codes, ``jp``,
``dk`` and ``ua`` among them): most take their country's language, about one in six another code of
the list, so the demo shows the codes that are not ISO 639-1. Every fourth contact's ``fields``
entries come without ``fieldName`` (``{"slug", "value"}`` only), as list items do in
published-samples.md:32-33 [MOCK], so the suite holds the client to never relying on it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from console.vendors.emulation import format_phone, people

#: published-samples.md:24-26 [SPEC]: exactly these 28 codes, in the vendor's order.
LOCALES = ("en", "fr", "es", "it", "pt", "de", "nl", "ru", "jp", "tr", "ar", "zh", "sv", "ro", "cs", "hu", "sk",
           "dk", "id", "pl", "el", "sr", "hi", "no", "th", "sq", "sl", "ua")
#: systeme.md:89 [C] (plus ``city``/``street_address`` [I]) and systeme.md:213.
FIELD_DEFS = {
    "first_name": "First name", "surname": "Surname", "phone_number": "Phone number", "country": "Country",
    "postcode": "Postcode", "company_name": "Company name", "city": "City", "street_address": "Street address",
}
SEED_TAGS = (
    "vip", "newsletter", "customer", "lead", "webinar-2026", "black-friday", "trial", "churned", "partner",
    "course-buyer", "coaching", "ebook", "podcast", "affiliate", "beta-tester",
)
SEED_START = dt.datetime(2023, 1, 2, 8, 0, tzinfo=dt.UTC)
#: Share of contacts whose language is another code of the list than their country's.
OTHER_LOCALE_SHARE = 0.16
#: Every n-th contact carries its ``fields`` without ``fieldName``.
BARE_FIELDS_EVERY = 4


@dataclass(frozen=True, slots=True)
class SeedContact:
    """One demo contact, as the emulator stores it (tags by index into :data:`SEED_TAGS`)."""

    email: str
    locale: str
    values: dict[str, Any]
    registered: dt.datetime
    tags: list[int] = field(default_factory=list)
    unsubscribed: bool = False
    bounced: bool = False
    needs_confirmation: bool = False
    bare_fields: bool = False


def seed_tags() -> Iterator[tuple[str, dt.datetime]]:
    """The demo tags: (name, created at)."""
    for index, name in enumerate(SEED_TAGS):
        yield name, SEED_START + dt.timedelta(days=index * 11)


def seed_contacts(seed: int, size: int) -> Iterator[SeedContact]:
    """The demo contacts, registered over about three years, oldest first."""
    rng = random.Random(seed * 7919 + 1)
    # A generator of its own, so the languages do not change the rest of the data.
    languages = random.Random(seed * 104_729 + 3)
    span = dt.timedelta(days=1040).total_seconds()
    tag_indexes = list(range(len(SEED_TAGS)))
    for person in people(seed, size):
        offset = span * (person.index + rng.random()) / max(1, size)
        values = {
            "first_name": person.first_name,
            "surname": person.last_name,
            "phone_number": format_phone(person, "international"),
            "country": person.country,
        }
        if rng.random() < 0.6:
            values["postcode"] = person.postcode
        if person.company:
            values["company_name"] = person.company
        tags = rng.sample(tag_indexes, k=rng.choice((0, 0, 1, 1, 1, 2, 3)))
        if person.index == 0:
            tags = [SEED_TAGS.index("vip")]
        locale = person.locale if person.locale in LOCALES else "en"
        if person.index > 0 and languages.random() < OTHER_LOCALE_SHARE:
            locale = languages.choice(LOCALES)
        yield SeedContact(
            email=person.email,
            locale=locale,
            values=values,
            registered=SEED_START + dt.timedelta(seconds=offset),
            tags=sorted(tags),
            unsubscribed=rng.random() < 0.05,
            bounced=rng.random() < 0.02,
            needs_confirmation=rng.random() < 0.03,
            bare_fields=person.index % BARE_FIELDS_EVERY == BARE_FIELDS_EVERY - 1,
        )
