"""Launch27 datasets: bookings (bookings view) and services (read only, extras and pricing in the detail)."""

from __future__ import annotations

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
from console.vendors.launch27.clock import clock_time

STATUS_BADGES = {
    "scheduled": Badge("Scheduled", "#2e7d32"),
    "completed": Badge("Completed", "#1565c0"),
    "cancelled": Badge("Cancelled", "#757575"),
}
V1 = ("api", "v1")
PAYMENT_CHOICES = (Choice("cash", "Cash"), Choice("check", "Check"))


def _title(record: Record) -> str:
    start = record.derived.get("start")
    when = f" on {start:%a %d %b %Y} {clock_time(start)} {start.tzname() or ''}".rstrip() if start else ""
    return f"{record.derived.get('customer') or 'booking ' + record.id}{when}"


SLOT_FIELD = FormField(
    "service_date", "Date and time", FieldKind.SLOT, required=True, on_edit=False, depends_on=("service_id",),
    help="Free spots from Launch27, in the account's time zone.",
)

def _booking_identity(record: Record) -> Identity:
    start = record.derived.get("start")
    when = f"{start:%a %d %b %Y} {clock_time(start)}" if start else ""
    summary = ", ".join(x for x in (when, str(record.derived.get("service") or ""), str(record.derived.get("status")))
                        if x)
    return Identity(emails=(str(record.derived.get("email") or ""),), phones=(str(record.fields.get("phone") or ""),),
                    names=(str(record.fields.get("name") or ""),), summary=summary)


BOOKINGS = DatasetSpec(
    name="bookings",
    label="Bookings",
    view=ViewKind.BOOKINGS,
    noun="booking",
    default_descending=False,
    columns=(
        Column("start", "Date and time", from_derived("start"), FieldKind.DATETIME, sort_key="service_date",
               width=33, sort_when=V1),
        Column("customer", "Customer", from_derived("customer"), width=18),
        Column("status", "Status", from_derived("status"), FieldKind.STATUS, width=14, badges=STATUS_BADGES),
        Column("service", "Service", from_derived("service"), width=20),
        Column("staff", "Team", from_derived("staff"), width=12),
        Column("place", "Address", from_derived("place"), width=24),
        Column("frequency", "Frequency", from_derived("frequency"), width=12),
        Column("total", "Total", from_derived("total"), FieldKind.DECIMAL, width=9),
        Column("id", "ID", from_field("id"), FieldKind.ID, width=7),
    ),
    title_of=_title,
    identity=_booking_identity,
    form_fields=(
        FormField("service_id", "Service", FieldKind.CHOICE, required=True, choices_from="services", on_edit=False),
        FormField("frequency_id", "Frequency", FieldKind.CHOICE, required=True, choices_from="frequencies",
                  on_edit=False, default="1"),
        SLOT_FIELD,
        FormField("first_name", "First name", required=True, max_length=255, on_edit=False),
        FormField("last_name", "Last name", required=True, max_length=255, on_edit=False),
        FormField("email", "Email", FieldKind.EMAIL, required=True, max_length=255, on_edit=False),
        FormField("phone", "Phone", FieldKind.PHONE, max_length=20),
        FormField("address", "Street address", required=True, max_length=255),
        FormField("city", "City", max_length=100),
        FormField("state", "State", max_length=3, placeholder="NY"),
        FormField("zip", "ZIP code", FieldKind.US_ZIP, max_length=10),
        FormField("payment_method", "Payment", FieldKind.CHOICE, choices=PAYMENT_CHOICES, default="cash"),
        FormField("customer_notes", "Notes for the team", FieldKind.MULTILINE, max_length=2000),
    ),
    to_form=lambda r: dict(r.derived.get("_form") or {}),
    filters=(
        FilterSpec("query", "Search", primary=True, placeholder="Address, city or phone", when=V1),
        FilterSpec("from", "From", FieldKind.DATE, range_role="from"),
        FilterSpec("to", "To", FieldKind.DATE, range_role="to"),
        FilterSpec("options", "Completed", FieldKind.CHOICE, when=V1,
                   choices=(Choice("not_completed", "Not completed"), Choice("completed", "Completed"))),
    ),
    actions=(
        RecordAction("reschedule", "Reschedule…", form_fields=(SLOT_FIELD,),
                     available=lambda r: r.derived.get("status") == "scheduled",
                     done="Rescheduled {customer} to {start}."),
        RecordAction("cancel", "Cancel booking…", destructive=True,
                     available=lambda r: r.derived.get("status") == "scheduled",
                     done="Cancelled {customer}'s booking on {start}."),
    ),
    can_create=True,
    can_edit=True,
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
        Column("price", "Price", from_derived("price"), FieldKind.DECIMAL, width=9),
        Column("duration", "Minutes", from_derived("duration"), FieldKind.INTEGER, width=8),
        Column("extras", "Extras", from_derived("extras"), width=36),
        Column("pricing", "Pricing parameters", from_derived("pricing"), width=30),
    ),
    title_of=lambda r: str(r.fields.get("name") or f"service {r.id}"),
)

DATASETS = (BOOKINGS, SERVICES)
