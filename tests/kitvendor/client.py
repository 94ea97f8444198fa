"""Kit CRM's client: ``Authorization: Token <key>``, offset paging with a total, one record by id."""

from __future__ import annotations

from functools import partial
from typing import Any

from console.core import log
from console.core.models import Cursor, Page, Query, Record
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.parsing import as_object, record_id
from tests.kitvendor.errors import VENDOR

MAX_LIMIT = 100


def _record(item: Any) -> Record:
    item = as_object(item, "person", VENDOR)
    return Record(VENDOR, "people", record_id(item.get("id"), "person", VENDOR), item)


def _page(offset: int, reply: Reply) -> Page[Record]:
    data = as_object(reply.data, "list", VENDOR)
    items = [_record(item) for item in data["people"]]
    total = int(data["total"])
    after = offset + len(items)
    more = after < total
    return Page(items, after if more else None, more, total)


class KitClient(VendorClient):
    """People of a Kit CRM account."""

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        key = context.secrets.get("api_key", "")
        log.register_secret(key)
        super().__init__(spec, context.http(spec, headers={"Authorization": f"Token {key}",
                                                          "Accept": "application/json"}))

    async def test_connection(self) -> str:
        """Reads one person to check the key."""
        page = await self.fetch_page("people", Query(), None, 1)
        return f"API key accepted; {page.total} people."

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """One page of people from an offset, with the query's filters."""
        offset = int(cursor or 0)
        params = {"offset": offset, "limit": min(max(limit, 1), MAX_LIMIT), **query.active_filters()}
        return await self.http.call("GET", "/people", params=params, parse=partial(_page, offset))

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One person by id."""
        return await self.http.call("GET", f"/people/{record_id}", parse=lambda reply: _record(reply.data))
