"""CSV columns: a record's custom fields get a column each, headed by the field's name.

A Systeme.io contact keeps its first name, surname, phone... in one ``fields`` list of
``{"slug", "fieldName"?, "value"}`` entries (``shared/vendors/systeme.md``; list items may lack
``fieldName``: ``published-samples.md``). Written as one JSON cell, a spreadsheet cannot sort or filter
by surname; so any top-level value shaped like that list becomes one column per field instead, in the
place the list had, headed by the field's ``fieldName`` (else the dataset's label for it, else its slug).

An export streams, so the header is decided before the last page has come: from the first page (every
custom field any of its records has) plus the custom fields the dataset knows (the table columns and
form fields that read a value from the list: for Systeme.io the six built-in slugs, even when no
contact of the first page has one). A custom field first seen after that goes into a trailing **Other fields** column,
as a JSON object ``{name: value}``, and is said once in a warning: nothing is lost, and every row has the
same columns. JSON Lines keeps every record as the vendor sent it.

The rule is about the shape, not the vendor: other vendors' nested values (Launch27's ``custom_fields``,
an empty list in every answer seen; Setster's JSON-text ``custom_fields``; addresses, guests, services)
stay one JSON cell each, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from console.core.models import DatasetSpec, Record

#: The trailing column for custom fields first seen after the header was written.
OTHER_FIELDS = "Other fields"

CustomItem = tuple[str, str | None, Any]


def custom_items(value: Any) -> list[CustomItem] | None:
    """A custom-field list's entries as ``(slug, name or None, value)``; ``None`` for any other value.

    Args:
        value: A record's top-level value.

    Returns:
        The entries in the vendor's order, or ``None`` when ``value`` is not a non-empty list of
        objects that each have a string ``slug``.
    """
    if not isinstance(value, list) or not value:
        return None
    items: list[CustomItem] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
            return None
        name = item.get("fieldName")
        items.append((item["slug"], name.strip() if isinstance(name, str) and name.strip() else None,
                      item.get("value")))
    return items


#: Known fields of a dataset: a custom-field list's key to its slugs and their labels.
KnownFields = Callable[[str], Mapping[str, str]]


def known_fields(spec: DatasetSpec | None) -> KnownFields:
    """Which of a dataset's fields live in a custom-field list, for each list key: slug to label.

    The dataset's own readers say so: a probe record whose list holds one entry per candidate slug
    (each with a value of its own) is read by every table column and by the edit form; a column or
    form field that reads back its entry's value is a custom field (Systeme.io's First name, Surname,
    Phone, Country, Company, Postcode). Top-level fields never read back a probe value, whatever the
    first page holds. Table columns come first, then form fields.

    Args:
        spec: The dataset (``None``: none known).

    Returns:
        A function of the list's key (asked once per export and key).
    """
    def of(list_key: str) -> Mapping[str, str]:
        if spec is None:
            return {}
        candidates: dict[str, str] = {}
        for key, label in [*((c.key, c.label) for c in spec.columns), *((f.key, f.label) for f in spec.form_fields)]:
            candidates.setdefault(key, label)
        values = {key: f"\x00probe:{n}" for n, key in enumerate(candidates)}
        probe = Record("", spec.name, "probe", {list_key: [{"slug": k, "value": v} for k, v in values.items()]})
        found: dict[str, str] = {}
        for column in spec.columns:
            if _quietly(partial(column.extract, probe)) == values[column.key]:
                found.setdefault(column.key, column.label)
        if spec.to_form is not None:
            form = spec.to_form
            read = _quietly(partial(form, probe)) or {}
            for form_field in spec.form_fields:
                if isinstance(read, dict) and read.get(form_field.key) == values[form_field.key]:
                    found.setdefault(form_field.key, form_field.label)
        return {key: found[key] for key in candidates if key in found}

    return of


def _quietly(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception:  # a reader that cannot take the probe record reads nothing from it
        return None


def _unique(name: str, slug: str, used: set[str]) -> str:
    candidates = [name, f"{name} ({slug})"] if name != slug else [name]
    for candidate in candidates:
        if candidate not in used:
            return candidate
    n = 2
    while f"{candidates[-1]} {n}" in used:
        n += 1
    return f"{candidates[-1]} {n}"


@dataclass(slots=True)
class CsvLayout:
    """The CSV's columns, and where each cell of a row comes from.

    Attributes:
        header: The column names, in order.
        plain: The top-level keys written as they are (their header is the key).
        custom: For each custom-field list key, each slug's column.
        other: The trailing column's name, when the rows have custom fields.
        late: Custom fields already warned about (they came after the header).
    """

    header: list[str]
    plain: set[str]
    custom: dict[str, dict[str, str]]
    other: str | None = None
    late: set[str] = field(default_factory=set)

    def cells(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], set[str], list[str]]:
        """One row's cells by column name.

        Args:
            row: The record's fields as exported (``id`` included).

        Returns:
            The cells; the top-level keys that have no column; the names of custom fields seen here
            for the first time after the header (their values are in :attr:`other`).
        """
        cells: dict[str, Any] = {}
        extra: set[str] = set()
        new_late: list[str] = []
        others: dict[str, Any] = {}
        for key, value in row.items():
            columns = self.custom.get(key)
            if columns is None:
                if key in self.plain:
                    cells[key] = value
                else:
                    extra.add(key)
                continue
            items = [] if value is None or value == [] else custom_items(value)
            if items is None:  # not the list this key held before: kept whole, under its key
                others[key] = value
                continue
            for slug, name, item_value in items:
                column = columns.get(slug)
                if column is not None:
                    cells[column] = item_value
                    continue
                label = name or slug
                others[label] = item_value
                if slug not in self.late:
                    self.late.add(slug)
                    new_late.append(label if label == slug else f"{label} ({slug})")
        if self.other is not None:
            cells[self.other] = others or None
        elif others:
            extra |= set(others)
        return cells, extra, new_late


def plan_layout(rows: Iterable[Mapping[str, Any]], known: KnownFields | None = None) -> CsvLayout:
    """Decides the columns from the first rows and the fields the dataset knows.

    ``id`` comes first, then the top-level keys in the order they first appear; a key holding custom
    fields (in at least one row, and nothing else in any) is replaced, in its place, by one column
    per field: the dataset's known fields first (in the dataset's order), then those the rows have,
    in the order they appear. Headers are unique (a repeat gets the slug in brackets).

    Args:
        rows: The first rows (the first page).
        known: The dataset's custom fields for a list key (:func:`known_fields`).

    Returns:
        The layout every row of the export is written with.
    """
    rows = list(rows)
    keys: dict[str, None] = {"id": None}
    for row in rows:
        keys.update(dict.fromkeys(row))
    custom: dict[str, dict[str, str | None]] = {}  # key -> slug -> fieldName (first seen)
    for key in keys:
        values = [row[key] for row in rows if key in row and row[key] is not None and row[key] != []]
        parsed = [custom_items(v) for v in values]
        if parsed and all(p is not None for p in parsed):
            slugs: dict[str, str | None] = {}
            for items in parsed:
                for slug, name, _value in items or ():
                    if slugs.get(slug) is None:
                        slugs[slug] = name
            custom[key] = slugs
    used = {k for k in keys if k not in custom}
    header: list[str] = []
    columns: dict[str, dict[str, str]] = {}
    for key in keys:
        if key not in custom:
            header.append(key)
            continue
        seen = custom[key]
        labels = known(key) if known is not None else {}
        columns[key] = {}
        for slug in [*labels, *(s for s in seen if s not in labels)]:
            name = _unique(seen.get(slug) or labels.get(slug) or slug, slug, used)
            used.add(name)
            columns[key][slug] = name
            header.append(name)
    other = None
    if columns:
        other = _unique(OTHER_FIELDS, "more", used)
        header.append(other)
    return CsvLayout(header, {k for k in keys if k not in custom}, columns, other)
