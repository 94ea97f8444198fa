"""Setster datasets: appointments (bookings view), clients (contacts view), services, employees, locations."""

from __future__ import annotations

from typing import Any

from console.core.lookup import Identity
from console.core.models import (
    Badge,
    Choice,
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

#: Appointment status codes (shared/vendors/setster.md §5.6) as words and badge colours.
STATUS_BADGES: dict[str, Badge] = {
    "0": Badge("Awaiting client", "#b26a00"),
    "1": Badge("Awaiting approval", "#b26a00"),
    "2": Badge("Confirmed", "#2e7d32"),
    "3": Badge("Cancelled", "#757575"),
    "4": Badge("Busy (calendar)", "#5e35b1"),
    "6": Badge("Busy (Zapier)", "#5e35b1"),
    "8": Badge("Completed", "#1565c0"),
    "9": Badge("No-show", "#c62828"),
    "10": Badge("In progress", "#00838f"),
    "11": Badge("Checked in", "#00838f"),
    "12": Badge("Just arrived", "#00838f"),
    "13": Badge("Delayed", "#ef6c00"),
}
CANCELLED = "3"
STATUS_CHOICES = tuple(Choice(code, badge.label) for code, badge in STATUS_BADGES.items())


def _appointment_title(record: Record) -> str:
    start = record.derived.get("start")
    when = f" on {start:%a %d %b %Y %H:%M} {start.tzname() or ''}".rstrip() if start else ""
    return f"{record.fields.get('client_name') or 'appointment ' + record.id}{when}"


def _appointment_form(record: Record) -> dict[str, Any]:
    f = record.fields
    return {key: "" if f.get(key) is None else str(f.get(key)) for key in (
        "service_id", "employee_id", "location_id", "client_name", "client_email", "client_phone",
        "start_date", "note", "status")}


SLOT_FIELD = FormField(
    "start_date", "Start", FieldKind.SLOT, required=True, on_edit=False,
    depends_on=("service_id", "employee_id", "location_id"),
    help="Free times from Setster for the chosen service, provider and location.",
)

APPOINTMENTS = DatasetSpec(
    name="appointments",
    label="Appointments",
    view=ViewKind.BOOKINGS,
    noun="appointment",
    default_descending=False,
    columns=(
        Column("start", "Start", from_derived("start"), FieldKind.DATETIME, sort_key="start_date", width=29),
        Column("client_name", "Customer", from_field("client_name"), width=18),
        Column("status", "Status", from_field("status"), FieldKind.STATUS, width=20, badges=STATUS_BADGES),
        Column("service", "Service", from_derived("service"), width=14),
        Column("employee", "Staff", from_derived("employee"), width=14),
        Column("location", "Location", from_derived("location"), width=11),
        Column("client_email", "Email", from_field("client_email"), FieldKind.EMAIL, width=26),
        Column("id", "ID", from_field("id"), FieldKind.ID, width=8),
        Column("created_at", "Created", from_derived("created"), FieldKind.DATETIME, sort_key="created", width=22),
    ),
    title_of=_appointment_title,
    form_fields=(
        FormField("service_id", "Service", FieldKind.CHOICE, required=True, choices_from="services", on_edit=False),
        FormField("location_id", "Location", FieldKind.CHOICE, choices_from="locations", on_edit=False),
        FormField("employee_id", "Provider", FieldKind.CHOICE, choices_from="employees", on_edit=False,
                  help="Leave empty to let Setster pick any free provider."),
        SLOT_FIELD,
        FormField("client_name", "Client name", required=True, max_length=255),
        FormField("client_email", "Client email", FieldKind.EMAIL, required=True, max_length=255),
        FormField("client_phone", "Client phone", FieldKind.PHONE, max_length=50),
        FormField("note", "Note", FieldKind.MULTILINE, max_length=2000),
        FormField("status", "Status", FieldKind.CHOICE, choices=STATUS_CHOICES, on_create=False),
    ),
    to_form=_appointment_form,
    filters=(
        FilterSpec("search_text", "Search", primary=True, placeholder="Client name, email or notes"),
        FilterSpec("start_date", "From", FieldKind.DATE, range_role="from"),
        FilterSpec("end_date", "To", FieldKind.DATE, range_role="to"),
        FilterSpec("status", "Status", FieldKind.CHOICE, choices=STATUS_CHOICES),
        FilterSpec("employee_id", "Provider", FieldKind.CHOICE, choices_from="employees"),
        FilterSpec("location_id", "Location", FieldKind.CHOICE, choices_from="locations"),
        FilterSpec("service_id", "Service", FieldKind.CHOICE, choices_from="services"),
        FilterSpec("client_email", "Client email", FieldKind.EMAIL),
    ),
    actions=(
        RecordAction("reschedule", "Reschedule…", form_fields=(SLOT_FIELD,),
                     available=lambda r: str(r.fields.get("status")) != CANCELLED,
                     done="Rescheduled {client_name} to {start}."),
        RecordAction("cancel", "Cancel appointment…", destructive=True,
                     available=lambda r: str(r.fields.get("status")) != CANCELLED,
                     done="Cancelled {client_name}'s appointment on {start}."),
    ),
    can_create=True,
    can_edit=True,
    can_delete=True,
    delete_warning="Delete erases the appointment from Setster with no cancellation. To keep a record and "
                   "tell the client, use “Cancel appointment…” instead.",
)

def _client_identity(record: Record) -> Identity:
    last = record.derived.get("last_app")
    where = ", ".join(str(record.fields.get(k)) for k in ("city", "country") if record.fields.get(k))
    summary = "; ".join(x for x in (where, f"last appointment {last:%d %b %Y}" if last else "") if x)
    return Identity(emails=(str(record.fields.get("email") or ""),), phones=(str(record.fields.get("phone") or ""),),
                    names=(str(record.fields.get("name") or ""),), summary=summary)


CLIENTS = DatasetSpec(
    name="clients",
    label="Clients",
    view=ViewKind.CONTACTS,
    noun="client",
    id_key="client_id",
    default_descending=False,
    columns=(
        Column("client_id", "ID", from_field("client_id"), FieldKind.ID, width=8),
        Column("name", "Name", from_field("name"), width=22),
        Column("email", "Email", from_field("email"), FieldKind.EMAIL, width=30),
        Column("phone", "Phone", from_field("phone"), FieldKind.PHONE, width=18),
        Column("city", "City", from_field("city"), width=14),
        Column("country", "Country", from_field("country"), width=8),
        Column("last_app_date", "Last appointment", from_derived("last_app"), FieldKind.DATETIME, width=22),
        Column("date_created", "Client since", from_derived("created"), FieldKind.DATETIME, width=22),
    ),
    title_of=lambda r: f"{r.fields.get('name') or 'client ' + r.id} <{r.fields.get('email') or '-'}>",
    identity=_client_identity,
    form_fields=(
        FormField("name", "Name", required=True, max_length=255),
        FormField("email", "Email", FieldKind.EMAIL, required=True, max_length=255),
        FormField("phone", "Phone", FieldKind.PHONE, max_length=50),
        FormField("address", "Address", max_length=255),
        FormField("city", "City", max_length=100),
        FormField("state", "State", max_length=100),
        FormField("zip", "Postcode", max_length=20),
        FormField("country", "Country", max_length=100),
        FormField("notes", "Notes", FieldKind.MULTILINE, max_length=2000),
    ),
    to_form=lambda r: {k: "" if r.fields.get(k) is None else str(r.fields.get(k)) for k in (
        "name", "email", "phone", "address", "city", "state", "zip", "country", "notes")},
    filters=(
        FilterSpec("q", "Search", primary=True, placeholder="Name, email or phone"),
        FilterSpec("email", "Email", FieldKind.EMAIL),
    ),
    can_create=True,
    can_edit=True,
    can_delete=True,
)

SERVICES = DatasetSpec(
    name="services",
    label="Services",
    view=ViewKind.LIST,
    noun="service",
    default_descending=False,
    columns=(
        Column("id", "ID", from_field("id"), FieldKind.ID, width=6),
        Column("name", "Name", from_field("name"), width=26),
        Column("duration", "Minutes", from_field("duration"), FieldKind.INTEGER, width=8),
        Column("price", "Price", from_field("price"), width=8),
        Column("auto_confirm", "Auto-confirm", from_derived("auto_confirm"), FieldKind.BOOLEAN, width=8),
        Column("description", "Description", from_field("description"), width=40),
    ),
    title_of=lambda r: str(r.fields.get("name") or f"service {r.id}"),
)

EMPLOYEES = DatasetSpec(
    name="employees",
    label="Employees",
    view=ViewKind.LIST,
    noun="employee",
    default_descending=False,
    columns=(
        Column("id", "ID", from_field("id"), FieldKind.ID, width=6),
        Column("first_name", "First name", from_field("first_name"), width=14),
        Column("last_name", "Last name", from_field("last_name"), width=14),
        Column("job", "Job", from_field("job"), width=18),
        Column("email", "Email", from_field("email"), FieldKind.EMAIL, width=28),
        Column("phone", "Phone", from_field("phone"), FieldKind.PHONE, width=16),
    ),
    title_of=lambda r: f"{r.fields.get('first_name', '')} {r.fields.get('last_name', '')}".strip() or r.id,
)

LOCATIONS = DatasetSpec(
    name="locations",
    label="Locations",
    view=ViewKind.LIST,
    noun="location",
    default_descending=False,
    columns=(
        Column("id", "ID", from_field("id"), FieldKind.ID, width=6),
        Column("name", "Name", from_field("name"), width=20),
        Column("street1", "Street", from_field("street1"), width=22),
        Column("city", "City", from_field("city"), width=14),
        Column("country", "Country", from_field("country"), width=8),
        Column("zone", "Time zone", from_derived("zone"), width=20),
    ),
    title_of=lambda r: str(r.fields.get("name") or f"location {r.id}"),
)

DATASETS = (APPOINTMENTS, CLIENTS, SERVICES, EMPLOYEES, LOCATIONS)
