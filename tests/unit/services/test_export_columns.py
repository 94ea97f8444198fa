"""CSV custom-field columns: a Systeme.io contact's ``fields`` list becomes a column per field, headed by its name."""

from __future__ import annotations

import csv
import io
from typing import Any

from console.core.models import Record
from console.services.export import CsvWriter, JsonlWriter, export_dataset, make_writer
from console.services.export_columns import OTHER_FIELDS, custom_items, known_fields, plan_layout
from console.vendors import registry
from tests.unit.services.test_export import pages


def contact(record_id: str, *fields: dict[str, Any], **top: Any) -> Record:
    return Record("systeme", "contacts", record_id,
                  {"id": int(record_id), "email": f"c{record_id}@example.com", "fields": list(fields),
                   "tags": [{"id": 1, "name": "vip"}], **top})


def field(slug: str, value: Any, name: str | None = None) -> dict[str, Any]:
    return {"slug": slug, "value": value} | ({"fieldName": name} if name else {})


def read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_each_custom_field_gets_a_column_named_by_its_field_name() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.write([contact("1", field("first_name", "Jane", "First name"), field("surname", "Doe", "Surname"),
                          field("phone_number", "+33 6 12 34 56 78", "Phone number")),
                  contact("2", field("surname", "Roe"), field("first_name", "Ann"))])  # no fieldName here
    header, rows = read(out.getvalue())
    assert header == ["id", "email", "First name", "Surname", "Phone number", "tags", OTHER_FIELDS]
    assert "fields" not in header
    assert rows[0]["First name"] == "Jane" and rows[0]["Surname"] == "Doe"
    assert rows[0]["Phone number"] == "+33 6 12 34 56 78"
    assert rows[1]["First name"] == "Ann" and rows[1]["Surname"] == "Roe" and rows[1]["Phone number"] == ""
    assert rows[0]["tags"] == '[{"id": 1, "name": "vip"}]'  # other nested values stay JSON text
    assert rows[0][OTHER_FIELDS] == ""


def test_header_is_the_slug_when_no_record_names_the_field() -> None:
    out = io.StringIO()
    CsvWriter(out).write([contact("1", field("shoe_size", "42"))])
    header, rows = read(out.getvalue())
    assert "shoe_size" in header and rows[0]["shoe_size"] == "42"


def test_columns_are_decided_from_the_whole_first_page_and_stay_for_later_pages() -> None:
    out = io.StringIO()
    heard: list[str] = []
    writer = CsvWriter(out, heard.append)
    first = [contact("1", field("first_name", "Jane", "First name")),
             contact("2", field("postcode", "75001", "Postcode"))]
    writer.prepare(first)  # the whole page, before its first slice is written
    writer.write(first[:1])
    writer.write(first[1:])
    writer.write([contact("3", field("first_name", "Li"), field("vip_level", "gold", "VIP level"))])
    writer.write([contact("4", field("vip_level", "silver", "VIP level"))])
    header, rows = read(out.getvalue())
    assert header == ["id", "email", "First name", "Postcode", "tags", OTHER_FIELDS]
    assert [len(r) for r in rows] == [len(header)] * 4
    assert rows[1]["Postcode"] == "75001"
    assert rows[2]["First name"] == "Li" and rows[2][OTHER_FIELDS] == '{"VIP level": "gold"}'
    assert rows[3][OTHER_FIELDS] == '{"VIP level": "silver"}'
    assert heard == ["custom field VIP level (vip_level) appeared after the CSV header; its values are in "
                     "the 'Other fields' column"]  # said once


def test_the_datasets_known_fields_have_columns_even_when_the_first_page_lacks_them() -> None:
    spec = registry.get("systeme").dataset("contacts")
    known = known_fields(spec)("fields")  # the columns and form fields that read from the list: no top-level key
    assert list(known) == ["first_name", "surname", "phone_number", "country", "company_name", "postcode"]
    assert known_fields(spec)("tags") == {} and known_fields(None)("fields") == {}
    out = io.StringIO()
    writer = make_writer("csv", out, spec=spec)
    writer.write([contact("1", field("first_name", "Jane", "First name"))])
    writer.write([contact("2", field("company_name", "Initech", "Company name"), field("postcode", "80239"))])
    header, rows = read(out.getvalue())
    assert header[header.index("First name"):header.index("tags")] == [
        "First name", "Surname", "Phone", "Country", "Company", "Postcode"]  # the dataset's labels, in its order
    assert rows[1]["Company"] == "Initech" and rows[1]["Postcode"] == "80239" and rows[1][OTHER_FIELDS] == ""


def test_a_field_name_equal_to_another_column_gets_its_slug() -> None:
    layout = plan_layout([{"id": "1", "email": "a@b.c", "fields": [field("email2", "x", "email"),
                                                                   field("mail", "y", "email")]}])
    assert layout.header == ["id", "email", "email (email2)", "email (mail)", OTHER_FIELDS]


def test_only_lists_of_slugged_entries_are_custom_fields() -> None:
    assert custom_items([{"id": 1, "name": "vip"}]) is None  # tags
    assert custom_items([]) is None and custom_items("x") is None and custom_items({"slug": "a"}) is None
    assert custom_items([{"slug": "a", "value": 1}, {"slug": "b"}]) == [("a", None, 1), ("b", None, None)]
    out = io.StringIO()
    CsvWriter(out).write([Record("t", "things", "1", {"custom_fields": [], "guest": {"name": "Ann"}})])
    header, rows = read(out.getvalue())
    assert header == ["id", "custom_fields", "guest"]
    assert rows[0]["custom_fields"] == "[]" and rows[0]["guest"] == '{"name": "Ann"}'
    assert OTHER_FIELDS not in header  # no custom fields, no trailing column


async def test_an_export_writes_per_field_columns_and_jsonl_keeps_the_list() -> None:
    client = pages(([contact("1", field("first_name", "Jane", "First name")), contact("2")], (), 0),
                   ([contact("3", field("first_name", "Li"))], (), 0))
    out = io.StringIO()
    await export_dataset(client, "contacts", make_writer("csv", out), page_size=2)
    header, rows = read(out.getvalue())
    assert "First name" in header and [r["First name"] for r in rows] == ["Jane", "", "Li"]
    lines = io.StringIO()
    await export_dataset(client, "contacts", JsonlWriter(lines), page_size=2)
    assert '"fields": [{"slug": "first_name", "value": "Jane", "fieldName": "First name"}]' in lines.getvalue()
