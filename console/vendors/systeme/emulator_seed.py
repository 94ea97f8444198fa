"""The Systeme.io emulator's demo data: tags and contacts built from the shared seeded people.

Contacts take their country's language.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from console.vendors.emulation import format_phone, people

LOCALES = frozenset({"en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "ja", "tr", "ar", "cs", "sv", "da", "ro"})
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


def seed_tags() -> Iterator[tuple[str, dt.datetime]]:
    """The demo tags: (name, created at)."""
    for index, name in enumerate(SEED_TAGS):
        yield name, SEED_START + dt.timedelta(days=index * 11)


def seed_contacts(seed: int, size: int) -> Iterator[SeedContact]:
    """The demo contacts, registered over about three years, oldest first."""
    rng = random.Random(seed * 7919 + 1)
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
        yield SeedContact(
            email=person.email,
            locale=person.locale,
            values=values,
            registered=SEED_START + dt.timedelta(seconds=offset),
            tags=sorted(tags),
            unsubscribed=rng.random() < 0.05,
            bounced=rng.random() < 0.02,
            needs_confirmation=rng.random() < 0.03,
        )
