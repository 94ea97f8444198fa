"""Kit CRM's one dataset: people, in a plain list."""

from __future__ import annotations

from console.core.lookup import Identity
from console.core.models import Column, DatasetSpec, FieldKind, FilterSpec, Record, ViewKind, from_field


def _identity(record: Record) -> Identity:
    fields = record.fields
    return Identity(emails=(str(fields.get("email") or ""),), phones=(str(fields.get("phone") or ""),),
                    names=(str(fields.get("name") or ""),), summary=f"{fields.get('name')}, {fields.get('city')}")


PEOPLE = DatasetSpec(
    name="people",
    label="People",
    view=ViewKind.LIST,
    noun="person",
    default_descending=False,
    columns=(
        Column("name", "Name", from_field("name"), width=24),
        Column("email", "Email", from_field("email"), FieldKind.EMAIL, width=30),
        Column("phone", "Phone", from_field("phone"), FieldKind.PHONE, width=18),
        Column("city", "City", from_field("city"), width=14),
        Column("id", "ID", from_field("id"), width=8),
    ),
    title_of=lambda r: str(r.fields.get("name") or r.id),
    identity=_identity,
    filters=(FilterSpec("q", "Search", primary=True, placeholder="Name, email or phone"),
             FilterSpec("email", "Email")),
)

DATASETS = (PEOPLE,)
