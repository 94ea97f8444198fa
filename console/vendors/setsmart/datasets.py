"""SetSmart datasets: properties (properties view) and reservations (bookings view)."""

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
from console.vendors.parsing import as_dict

PROPERTY_BADGES = {"active": Badge("Active", "#2e7d32"), "inactive": Badge("Inactive", "#757575")}
RESERVATION_BADGES = {
    "pending": Badge("Pending", "#b26a00"),
    "confirmed": Badge("Confirmed", "#2e7d32"),
    "checked_in": Badge("Checked in", "#00838f"),
    "cancelled": Badge("Cancelled", "#757575"),
}
CHANNELS = (Choice("direct", "Direct"), Choice("airbnb", "Airbnb"), Choice("vrbo", "Vrbo"),
            Choice("booking", "Booking.com"))
#: The fields a property form edits; PUT still sends every other field the property has.
PROPERTY_FORM = ("name", "address", "bedrooms", "bathrooms", "max_guests", "status")

PROPERTIES = DatasetSpec(
    name="properties",
    label="Properties",
    view=ViewKind.PROPERTIES,
    noun="property",
    default_descending=False,
    columns=(
        Column("name", "Name", from_field("name"), width=26),
        Column("address", "Address", from_field("address"), width=32),
        Column("bedrooms", "Bedrooms", from_field("bedrooms"), FieldKind.INTEGER, width=8),
        Column("bathrooms", "Bathrooms", from_field("bathrooms"), FieldKind.INTEGER, width=8),
        Column("max_guests", "Max guests", from_field("max_guests"), FieldKind.INTEGER, width=8),
        Column("status", "Status", from_field("status"), FieldKind.STATUS, width=10, badges=PROPERTY_BADGES),
        Column("id", "ID", from_field("id"), width=10),
    ),
    title_of=lambda r: f"“{r.fields.get('name') or r.id}”",
    identity=lambda r: Identity(summary=f"{r.fields.get('name')}, {r.fields.get('address')}"),
    form_fields=(
        FormField("name", "Name", required=True, max_length=200, placeholder="Beachfront Villa"),
        FormField("address", "Address", required=True, max_length=300),
        FormField("bedrooms", "Bedrooms", FieldKind.INTEGER, required=True, default="1", minimum=0, maximum=100),
        FormField("bathrooms", "Bathrooms", FieldKind.INTEGER, required=True, default="1", minimum=0, maximum=100),
        FormField("max_guests", "Max guests", FieldKind.INTEGER, required=True, default="2", minimum=1, maximum=500),
        FormField("status", "Status", FieldKind.CHOICE, required=True, default="active",
                  choices=(Choice("active", "Active"), Choice("inactive", "Inactive"))),
    ),
    to_form=lambda r: {k: "" if r.fields.get(k) is None else str(r.fields.get(k)) for k in PROPERTY_FORM},
    filters=(
        FilterSpec("q", "Search", primary=True, placeholder="Part of the name or address"),
        FilterSpec("status", "Status", FieldKind.CHOICE,
                   choices=(Choice("active", "Active"), Choice("inactive", "Inactive"))),
    ),
    actions=(
        RecordAction("show_reservations", "Show reservations", opens=("reservations", "property_id")),
        RecordAction("deactivate", "Deactivate…", available=lambda r: r.fields.get("status") == "active",
                     done="Deactivated {title}: guests cannot book it."),
        RecordAction("activate", "Activate", available=lambda r: r.fields.get("status") != "active",
                     done="Activated {title}: guests can book it again."),
    ),
    can_create=True,
    can_edit=True,
    can_delete=True,
    delete_warning="Reservations of this property stay in SetSmart. To stop new bookings and keep the "
                   "history, deactivate it instead.",
)


def _reservation_title(record: Record) -> str:
    stay = f" {record.fields.get('check_in')} → {record.fields.get('check_out')}"
    return f"{record.derived.get('guest') or 'reservation ' + record.id}{stay}"


def _reservation_identity(record: Record) -> Identity:
    guest = as_dict(record.fields.get("guest"))
    stay = f"{record.derived.get('property') or record.fields.get('property_id')}, " \
           f"{record.fields.get('check_in')} → {record.fields.get('check_out')}, {record.fields.get('status')}"
    return Identity(emails=(str(guest.get("email") or ""),), phones=(str(guest.get("phone") or ""),),
                    names=(str(guest.get("name") or ""),), summary=stay)


RESERVATIONS = DatasetSpec(
    name="reservations",
    label="Reservations",
    view=ViewKind.BOOKINGS,
    noun="reservation",
    default_descending=False,
    columns=(
        Column("check_in", "Check-in", from_field("check_in"), FieldKind.DATE, width=11),
        Column("check_out", "Check-out", from_field("check_out"), FieldKind.DATE, width=11),
        Column("guest", "Guest", from_derived("guest"), width=20),
        Column("status", "Status", from_field("status"), FieldKind.STATUS, width=12, badges=RESERVATION_BADGES),
        Column("property", "Property", from_derived("property"), width=24),
        Column("guests", "Guests", from_field("guests"), FieldKind.INTEGER, width=6),
        Column("total", "Total", from_derived("total"), width=12),
        Column("channel", "Channel", from_field("channel"), width=9),
        Column("id", "ID", from_field("id"), width=10),
    ),
    title_of=_reservation_title,
    identity=_reservation_identity,
    form_fields=(
        FormField("property_id", "Property", FieldKind.CHOICE, required=True, choices_from="properties"),
        FormField("guest_name", "Guest name", required=True, max_length=200),
        FormField("guest_email", "Guest email", FieldKind.EMAIL, required=True, max_length=200),
        FormField("guest_phone", "Guest phone", FieldKind.PHONE, max_length=40),
        FormField("check_in", "Check-in", FieldKind.DATE, required=True),
        FormField("check_out", "Check-out", FieldKind.DATE, required=True, after="check_in"),
        FormField("guests", "Guests", FieldKind.INTEGER, required=True, default="2", minimum=1, maximum=500),
        FormField("channel", "Channel", FieldKind.CHOICE, choices=CHANNELS, default="direct"),
    ),
    filters=(
        FilterSpec("q", "Guest", primary=True, placeholder="Guest name, email or phone"),
        FilterSpec("from", "From", FieldKind.DATE, range_role="from"),
        FilterSpec("to", "To", FieldKind.DATE, range_role="to"),
        FilterSpec("property_id", "Property", FieldKind.CHOICE, choices_from="properties"),
        FilterSpec("status", "Status", FieldKind.CHOICE,
                   choices=tuple(Choice(k, b.label) for k, b in RESERVATION_BADGES.items())),
    ),
    actions=(
        RecordAction("cancel", "Cancel reservation…", destructive=True,
                     available=lambda r: r.fields.get("status") != "cancelled",
                     done="Cancelled {guest}'s reservation, {check_in} → {check_out}."),
    ),
    can_create=True,
)

DATASETS = (PROPERTIES, RESERVATIONS)
