"""Setera OneCloud datasets: contacts (the user's directory plus personal contacts) and queues."""

from __future__ import annotations

from console.core.lookup import Identity
from console.core.models import (
    Badge,
    Column,
    DatasetSpec,
    FieldKind,
    FilterSpec,
    FormField,
    Record,
    RecordAction,
    ViewKind,
    from_derived,
    from_field,
)

PERSONAL = "Personal"
DIRECTORY = "Directory"
#: Contact search's path when the account sets none (a guess: setera.md:89 [I]; README.md:63 per account).
DEFAULT_SEARCH_PATH = "/contacts/search/{domain}/{user}"
#: The "Contact search path" value that skips OneCloud's search: the loaded directory is searched instead.
LOCAL_SEARCH = "none"
MEMBERSHIP_BADGES = {"in": Badge("Logged in", "#2e7d32"), "out": Badge("Logged out", "#757575"),
                     "": Badge("Not an agent", "#9e9e9e")}


def _personal(record: Record) -> bool:
    return record.derived.get("kind") == PERSONAL


def _contact_identity(record: Record) -> Identity:
    numbers = [str(n.get("number")) for n in record.fields.get("phoneNumbers") or ()
               if isinstance(n, dict) and n.get("number")]
    summary = ", ".join(str(x) for x in (record.fields.get("company"), record.derived.get("kind")) if x)
    return Identity(emails=(str(record.fields.get("email") or ""),), phones=tuple(numbers),
                    names=(str(record.derived.get("name") or ""),), summary=summary)


CONTACTS = DatasetSpec(
    name="contacts",
    label="Contacts",
    view=ViewKind.CONTACTS,
    noun="contact",
    default_descending=False,
    columns=(
        Column("name", "Name", from_derived("name"), sort_key="name", width=24),
        Column("email", "Email", from_field("email"), FieldKind.EMAIL, sort_key="email", width=30),
        Column("phone", "Phone", from_derived("phone"), FieldKind.PHONE, sort_key="phone", width=18),
        Column("company", "Company", from_field("company"), sort_key="company", width=16),
        Column("title", "Title", from_field("title"), sort_key="title", width=16),
        Column("kind", "List", from_derived("kind"), sort_key="kind", width=9),
    ),
    title_of=lambda r: str(r.derived.get("name") or r.fields.get("email") or r.id),
    identity=_contact_identity,
    form_fields=(
        FormField("firstName", "First name", required=True, max_length=100),
        FormField("lastName", "Last name", max_length=100),
        FormField("email", "Email", FieldKind.EMAIL, max_length=200),
        FormField("mobile", "Mobile", FieldKind.PHONE, max_length=40, placeholder="+46 70 123 45 67"),
        FormField("work", "Work phone", FieldKind.PHONE, max_length=40),
        FormField("company", "Company", max_length=100),
        FormField("title", "Title", max_length=100),
    ),
    to_form=lambda r: dict(r.derived.get("_form") or {}),
    filters=(
        FilterSpec("query", "Search", primary=True,
                   placeholder="Search OneCloud's contacts: name, email or number"),
    ),
    can_create=True,
    can_edit=True,
    can_delete=True,
    record_editable=_personal,
    read_only_reason="The Setera directory is read-only: change colleagues in OneCloud's admin.",
    arrives_whole=True,
)

QUEUES = DatasetSpec(
    name="queues",
    label="Queues",
    view=ViewKind.LIST,
    noun="queue",
    default_descending=False,
    columns=(
        Column("name", "Queue", from_field("name"), width=17),
        Column("type", "Type", from_field("type"), width=11),  # "ATTENDANT" whole
        Column("me", "Me", from_derived("me"), FieldKind.STATUS, width=13, badges=MEMBERSHIP_BADGES),  # "Logged out"
        # Short headers: the live counts and the number fit beside the detail pane.
        Column("agents_in", "Agents in", from_derived("agents_in"), FieldKind.INTEGER, width=6),
        Column("agents_free", "Free", from_derived("agents_free"), FieldKind.INTEGER, width=5),
        Column("calls", "Waiting", from_derived("calls"), FieldKind.INTEGER, width=6),
        Column("night", "Night", from_field("isNightMode"), FieldKind.BOOLEAN, width=5),
        Column("phone", "Number", from_field("phoneNumber"), FieldKind.PHONE, width=13),
    ),
    title_of=lambda r: str(r.fields.get("name") or f"queue {r.id}"),
    actions=(
        RecordAction("login", "Log me in", available=lambda r: r.derived.get("me") == "out",
                     done="You are logged in to queue {title}: its calls can reach you."),
        RecordAction("logout", "Log me out", available=lambda r: r.derived.get("me") == "in",
                     done="You are logged out of queue {title}: its calls no longer reach you."),
    ),
    refresh_seconds=15,
)

DATASETS = (CONTACTS, QUEUES)
