"""A list's filters as the local copy applies them, or ``None`` when one of them needs the vendor.

:func:`copy_filter` reads a list's :class:`~console.core.models.Query` against its dataset's filter
descriptors and gives the copy's whole filter (:class:`CopyFilter`): the search box's text, a date
range on the column it concerns, exact values. Each is applied as the vendor applies it (the
emulators follow the vendors' documents; each rule cites the one it matches):

- **The search box** (the primary text filter): any column contains it, case- and accent-insensitive
  (wider than most vendors' own search, which is why the copy answers it).
- **A date range** (the two DATE filters with ``range_role`` ``from``/``to``, which the bookings view's
  date bar drives; "Next 7 days" is ``today`` .. ``today + 6``, console/ui/filter_bar.py ``preset_range``):
  both ends are calendar dates and both are kept, compared with the record's date *as the record
  reads it, in its own zone*, never the instant's UTC date:

  * Setster ``start_date``/``end_date`` (setster.md:175): the appointment's local start date in its
    location's zone, ``from <= date <= to`` (console/vendors/setster/emulator.py ``list_appointments``:
    ``a["_start"].date() >= bound`` / ``<= bound``, ``_start`` local to the location); the client
    reads ``start_date`` in the location's zone (client.py ``_record``), so the record's date is that
    date: an appointment at 23:30 in Los Angeles on 7 December is in a range ending on 7 December.
  * Launch27 ``from``/``to`` (launch27.md:64, "local dates"): ``b["start"].date()`` in the account's
    zone, both ends kept (emulator.py ``v1_list`` and ``v2_list``, legacy.py); the client shows
    ``start`` in the account's zone.
  * A dataset whose records span two dates (a form field ``check_out`` declared ``after`` the time
    column ``check_in``: SetSmart reservations) lists the stays that *overlap* the range: the end
    after ``from`` (a stay leaving on ``from`` is not in it) and the start on or before ``to``
    (console/vendors/setsmart/emulator.py ``list_reservations``: ``check_out > from``, ``check_in <= to``).

  The range's column is the dataset's first DATE or DATETIME column (the time the bookings view
  lists by). A record with no date there is never in a range (the vendors' filters compare a date
  every booking has). A value that is not a ``YYYY-MM-DD`` date goes to the vendor, which says what
  it thinks of it.
- **An exact value** (a choice or email filter whose key is a column's key: Setster ``status`` and
  ``client_email``, SetSmart ``status``): the column's value equals it, as its sort key folds it
  (case-insensitive, as Setster compares emails, emulator.py ``list_appointments``). Choices that
  come from another dataset (a provider, a property) are ids the table does not show: the vendor.

Anything else (a tag, a yes/no filter, Launch27's "Completed") goes to the vendor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.core.models import Column, DatasetSpec, FieldKind, FilterSpec, Query
from console.services.mirror.contract import Condition
from console.services.mirror.index import TIME_KINDS, sort_key

#: Text filters the copy applies itself (the search box).
TEXT_KINDS = (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.PHONE)
#: Filters matched on the column of the same key, by exact value.
EXACT_KINDS = (FieldKind.CHOICE, FieldKind.EMAIL, FieldKind.STATUS)


@dataclass(frozen=True, slots=True)
class CopyFilter:
    """A list's filter in the copy: the search box's text and the conditions on columns."""

    text: str = ""
    conditions: tuple[Condition, ...] = ()


def time_column(spec: DatasetSpec) -> Column | None:
    """The column a dataset's date range concerns: its first DATE or DATETIME column."""
    return next((c for c in spec.columns if c.kind in TIME_KINDS), None)


def span_end(spec: DatasetSpec, start: Column) -> Column | None:
    """The column a record's span ends on, when its form says one comes after ``start`` (check-out)."""
    keys = {c.key: c for c in spec.columns if c.kind in TIME_KINDS}
    field = next((f for f in spec.form_fields if f.after == start.key and f.key in keys), None)
    return keys[field.key] if field is not None else None


def _range(spec: DatasetSpec, role: str, value: str) -> Condition | None:
    start = time_column(spec)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if start is None or len(value) != 10:
        return None
    end = span_end(spec, start)
    if role == "from":
        if end is not None:  # a stay that leaves on `from` is not in the range
            return Condition.on_days(end.key, day, low_open=True)
        return Condition.on_days(start.key, day)
    return Condition.on_days(start.key, None, day)


def _exact(spec: DatasetSpec, filter_spec: FilterSpec, value: str) -> Condition | None:
    if filter_spec.kind not in EXACT_KINDS or filter_spec.choices_from is not None:
        return None
    column = next((c for c in spec.columns if c.key == filter_spec.key), None)
    if column is None or column.kind in TIME_KINDS:
        return None
    keys: list[object] = [sort_key(column.kind, value)]
    if value.lstrip("-").isdigit():  # a code the vendor sent as a number ("3" or 3)
        keys.append(int(value))
    return Condition(column.key, any_of=tuple(dict.fromkeys(keys)))


def copy_filter(spec: DatasetSpec, query: Query) -> CopyFilter | None:
    """The copy's filter for a list (see the module docstring); ``None`` when a filter needs the vendor."""
    text = ""
    conditions: list[Condition] = []
    for key, value in query.active_filters().items():
        filter_spec = next((f for f in spec.filters if f.key == key), None)
        if filter_spec is None:
            return None
        condition: Condition | None = None
        if filter_spec.primary and filter_spec.kind in TEXT_KINDS and not text:
            text = value
            continue
        if filter_spec.range_role is not None and filter_spec.kind is FieldKind.DATE:
            condition = _range(spec, filter_spec.range_role, value)
        elif not filter_spec.primary:
            condition = _exact(spec, filter_spec, value)
        if condition is None:
            return None
        conditions.append(condition)
    return CopyFilter(text, tuple(conditions))
