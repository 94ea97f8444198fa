"""A refused list request names the refused filter value, for every vendor; form advice stays in forms."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from console.core.errors import ValidationError
from console.core.models import Cursor, Page, Query, Record
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient

FILTERED = [(spec.id, ds.name, ds.filters[0].key) for spec in registry.VENDORS
            for ds in spec.datasets if ds.filters]


class Refusing(VendorClient):
    """Any vendor's client whose list answer is the vendor's validation error on one field."""

    field = ""

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        raise ValidationError(self.spec.id, "invalid", status=422, fields={self.field: ["This value is not valid."]})


@pytest.mark.parametrize(("vendor", "dataset", "key"), FILTERED, ids=[f"{v}/{d}" for v, d, _k in FILTERED])
async def test_a_refused_filter_is_named_with_its_value(vendor: str, dataset: str, key: str) -> None:
    spec = registry.get(vendor)
    client = Refusing(spec, registry.get("systeme").make_client(ClientContext("a", "https://x.example")).http)
    client.field = key
    label = next(f.label for f in spec.dataset(dataset).filters if f.key == key)
    with pytest.raises(ValidationError) as info:
        await client.page(dataset, Query(filters={key: "maybe"}), None, 10)
    um = info.value.user_message
    assert um.title == "Filter refused"
    assert f"{spec.display_name} refused the value of a filter of this list: {label} “maybe”" in um.text
    assert "This value is not valid." in um.text
    assert "red" not in um.text + um.next_step and "save" not in (um.text + um.next_step).lower()
    assert info.value.fields == {}  # nothing to put at a form field
    await client.aclose()


def systeme(answer: httpx.Response) -> VendorClient:
    context = ClientContext(account_id="a", base_url="https://api.systeme.io/api", secrets={"api_key": "sk-test-1"},
                            transport=httpx.MockTransport(lambda _r: answer))
    return registry.get("systeme").make_client(context)


async def test_systeme_422_on_a_read_names_the_tag_filter_not_the_form() -> None:
    body: dict[str, Any] = {"type": "https://tools.ietf.org/html/rfc2616#section-10", "title": "An error occurred",
                            "detail": "tags: This value is not valid.",
                            "violations": [{"propertyPath": "tags", "message": "This value is not valid."}]}
    client = systeme(httpx.Response(422, json=body, headers={"content-type": "application/problem+json"}))
    with pytest.raises(ValidationError) as info:
        await client.page("contacts", Query(filters={"tags": "abc", "bounced": "true"}), None, 50)
    text = info.value.user_message.text
    assert "Tag “abc” (This value is not valid.)" in text
    assert "red" not in text + info.value.user_message.next_step
    await client.aclose()


async def test_a_refusal_naming_no_filter_lists_the_filters_in_use() -> None:
    body = {"detail": "Invalid query", "violations": [{"propertyPath": "", "message": "Invalid query."}]}
    client = systeme(httpx.Response(422, json=body, headers={"content-type": "application/problem+json"}))
    with pytest.raises(ValidationError) as info:
        await client.page("contacts", Query(filters={"registeredAfter": "2026-13-01"}), None, 50)
    um = info.value.user_message
    assert um.title == "List request refused"
    assert "Filters in use: Registered after “2026-13-01”." in um.text
    await client.aclose()
