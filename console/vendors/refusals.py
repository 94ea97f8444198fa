"""A list the vendor refused: say which filter value it refused, never "correct the fields in red".

Vendors answer a query they cannot take (a filter value of the wrong type, a date they do not accept)
with the same validation error as a form they refuse (Systeme.io's 422 ``violations``, SetSmart's
``validation_failed``, Launch27's 422 field map). The error tables word that for forms ("Correct the
fields marked in red and save again"). A read has no fields in red: :func:`refused_read` rewords it
for the list, naming the filters and the values the vendor refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.core.errors import Severity, UserMessage, ValidationError
from console.core.models import DatasetSpec, Query

#: Names vendors give paging parameters in their refusals: not the user's filters.
_PAGING = frozenset({"limit", "offset", "page", "per_page", "startingafter", "start", "end", "order", "sort"})


def _matches(field: str, key: str) -> bool:
    """Whether a vendor's field name (``tags``, ``filter.tags``, ``query[tags]``) names a filter key."""
    name = field.lower()
    for sep in (".", "[", "]"):
        name = name.replace(sep, " ")
    return key.lower() in name.split()


def refused_read(vendor_name: str, spec: DatasetSpec, query: Query, error: ValidationError) -> ValidationError:
    """The refusal of a list's request, worded for the list.

    Args:
        vendor_name: The vendor's display name.
        spec: The dataset.
        query: The list's query (its filters are named in the message).
        error: The vendor's validation error.

    Returns:
        A :class:`ValidationError` with no form fields and a message naming the refused filter values
        (or, when the vendor named none of them, the filters in use).
    """
    active = query.active_filters()
    labels: Mapping[str, str] = {f.key: f.label for f in spec.filters}
    refused: list[str] = []
    for field, messages in error.fields.items():
        key = next((k for k in active if _matches(field, k)), None)
        if key is None:
            continue
        why = "; ".join(m for m in messages if m) or "not accepted"
        refused.append(f"{labels.get(key, key)} “{active[key]}” ({why})")
    if refused:
        text = f"{vendor_name} refused the value of a filter of this list: {', '.join(refused)}."
        next_step = "Change or clear that filter and try again."
    else:
        said = [m for ms in error.fields.values() for m in ms if m] + list(error.general)
        detail = "; ".join(said) or error.message
        in_use = ", ".join(f"{labels.get(k, k)} “{v}”" for k, v in active.items())
        paging = all(f.lower() in _PAGING for f in error.fields) and error.fields
        text = f"{vendor_name} refused the request for the {spec.label.lower()} list ({detail})."
        if in_use and not paging:
            text += f" Filters in use: {in_use}."
            next_step = "Change or clear the filters and try again."
        else:
            next_step = "Try again; if it keeps happening, open View > Requests (F12) and report the answer."
    return ValidationError(
        error.vendor, error.message,
        user_message=UserMessage("Filter refused" if refused else "List request refused", text, next_step,
                                 Severity.WARNING),
        status=error.status, vendor_code=error.vendor_code, reference=error.reference, body=error.body,
    )


def refused_outside_form(vendor_name: str, what: str, error: ValidationError) -> ValidationError:
    """The refusal of a change made without a form (a list's action button), worded without form advice.

    Args:
        vendor_name: The vendor's display name.
        what: What was being done ("Log me in", "Deactivate").
        error: The vendor's validation error.

    Returns:
        A :class:`ValidationError` whose message says what the vendor objected to, field by field.
    """
    said = [f"{field}: {'; '.join(ms)}" if field else "; ".join(ms) for field, ms in error.fields.items() if ms]
    said += list(error.general)
    detail = "; ".join(said) or error.message
    return ValidationError(
        error.vendor, error.message,
        user_message=UserMessage(f"{vendor_name} refused the change",
                                 f"{what} was refused: {detail}.",
                                 "Open the record with Edit… to check its values, then try again.",
                                 Severity.WARNING),
        status=error.status, vendor_code=error.vendor_code, reference=error.reference, body=error.body,
    )
