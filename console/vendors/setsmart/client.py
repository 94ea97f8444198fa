"""SetSmart client: ``X-API-Key``, page/per_page paging with totals, full-replace PUT, reservations.

SetSmart's rental API is known only from the seed's write-up (``shared/vendors/setsmart.md`` explains
that no public source confirms it); the contract here is the one ``shared/vendors/README.md`` fixes:
base ``/v1``, ``X-RateLimit-Limit/Remaining/Reset`` (unix seconds) on every answer, 429 with
``Retry-After``, errors ``{"error": {"code", "message", "details"}}``, lists ``{"data", "page",
"per_page", "total"}`` with ``per_page`` up to 100.

When ``Remaining`` reaches 0 the next request waits until ``Reset`` (the status bar counts down) rather
than provoking a 429. A property edit sends the whole property with PUT (a full replace), so fields the
form does not show are sent back as they were.

One call is optional (:data:`PROPERTY_NAMES`, the audit is in the package docstring): the property
names in the reservations' Property column. When reading them fails as a missing endpoint would (404,
405, 501, or an answer the client cannot read), reservations show the property's id, with a note, and
the names are not asked for again on that account.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from console.core import log
from console.core.errors import BadResponse, ConsoleError, ValidationError
from console.core.models import Choice, Cursor, Page, Query, Question, Record, WriteResult
from console.http.ratelimit import HeaderNames
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.optional import OptionalCall
from console.vendors.parsing import as_object, record_id, reply_data
from console.vendors.setsmart.errors import VENDOR

_object = partial(as_object, vendor=VENDOR)
RATE_LIMITS = HeaderNames("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
MAX_PER_PAGE = 100
PATHS = {"properties": "/properties", "reservations": "/reservations"}
PROPERTY_FILTERS = ("status", "q")
RESERVATION_FILTERS = ("property_id", "status", "from", "to", "q")
INTEGER_FIELDS = ("bedrooms", "bathrooms", "max_guests", "guests")
#: Every page of ``GET /properties`` read for the reservations' Property column: only enriching (the
#: reservation carries ``property_id``). README.md:53 (setsmart.md:107 [F]).
PROPERTY_NAMES = OptionalCall(
    "property_names", "Property names", "reservations show the property's id instead of its name",
    ("reservations",), "README.md:53, setsmart.md:107 [F]; enrichment only")






def _list_page(reply: Reply) -> tuple[list[dict[str, Any]], int, int, int]:
    data = _object(reply.data, "list")
    items = data.get("data")
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise BadResponse(VENDOR, "the list answer has no 'data' list", status=reply.status)
    try:
        page, per_page, total = int(data["page"]), int(data["per_page"]), int(data["total"])
    except (KeyError, TypeError, ValueError):
        raise BadResponse(VENDOR, "the list answer lacks page, per_page or total", status=reply.status) from None
    return items, page, per_page, total


def _integer(field: str, value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(VENDOR, f"{field} is not a number", fields={field: ["Enter a whole number."]}) from None


class SetSmartClient(VendorClient):
    """SetSmart properties and reservations (the README's contract)."""

    optional_calls = (PROPERTY_NAMES,)

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        key = context.secrets.get("api_key", "")
        log.register_secret(key)
        http = context.http(spec, rate_limit_parser=RATE_LIMITS,
                            headers={"X-API-Key": key, "Accept": "application/json"})
        super().__init__(spec, http)
        self._property_names: dict[str, str] | None = None

    # -- records --------------------------------------------------------------------------------

    def _record(self, dataset: str, item: dict[str, Any]) -> Record:
        raw_id = record_id(item.get("id"), f"{dataset} item", VENDOR)
        derived: dict[str, Any] = {}
        if dataset == "reservations":
            raw_guest = item.get("guest")
            guest: dict[str, Any] = raw_guest if isinstance(raw_guest, dict) else {}
            derived["guest"] = str(guest.get("name") or "")
            derived["guest_email"] = str(guest.get("email") or "")
            derived["guest_phone"] = str(guest.get("phone") or "")
            property_id = str(item.get("property_id") or "")
            names = self._property_names
            derived["property"] = property_id if names is None else names.get(property_id, "")
            price, currency = item.get("total_price"), item.get("currency") or ""
            derived["total"] = f"{price} {currency}".strip() if price not in (None, "") else ""
        return Record(VENDOR, dataset, str(raw_id), item, derived)

    async def _names(self, *, refresh: bool = False) -> dict[str, str] | None:
        """Property names by id (for the reservations' Property column); ``None`` where SetSmart has none."""
        if self._property_names is None or refresh:
            self._property_names = await self.optional.run(PROPERTY_NAMES, self._read_names, None)
        return self._property_names

    async def _read_names(self) -> dict[str, str] | None:
        names: dict[str, str] = {}
        page = 1
        while True:
            items, _page, per_page, total = await self.http.call(
                "GET", "/properties", params={"page": page, "per_page": MAX_PER_PAGE}, parse=_list_page)
            names.update({str(p.get("id")): str(p.get("name") or "") for p in items})
            if page * per_page >= total or not items:
                break
            page += 1
        return names

    # -- reading --------------------------------------------------------------------------------

    async def test_connection(self) -> str:
        """Reads one property (checks the key) and reports the quota."""
        _items, _page, _per_page, total = await self.http.call(
            "GET", "/properties", params={"page": 1, "per_page": 1}, parse=_list_page)
        snap = self.http.rate_limit.snapshot
        quota = f"; {snap.remaining} of {snap.limit} requests left" if snap and snap.limit else ""
        return f"API key accepted; {total} properties{quota}."

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """One page (``page``/``per_page``); the answer's ``total`` is shown as "n of total loaded"."""
        path = self._path(dataset)
        page = int(cursor or 1)
        params: dict[str, Any] = {"page": page, "per_page": max(1, min(MAX_PER_PAGE, limit))}
        allowed = PROPERTY_FILTERS if dataset == "properties" else RESERVATION_FILTERS
        params.update({k: v for k, v in query.active_filters().items() if k in allowed})
        if dataset == "reservations":
            await self._names()
        items, page, per_page, total = await self.http.call("GET", path, params=params, parse=_list_page)
        records = [self._record(dataset, x) for x in items]
        more = page * per_page < total and bool(items)
        return Page(records, page + 1 if more else None, more, total)

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One property or reservation."""
        if dataset == "reservations":
            await self._names()
        data = await self.http.call("GET", f"{self._path(dataset)}/{record_id}", parse=reply_data)
        return self._record(dataset, _object(data, dataset))

    # -- writing --------------------------------------------------------------------------------

    def _property_body(self, base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in base.items() if k != "id"}
        for key, value in changes.items():
            body[key] = _integer(key, value) if key in INTEGER_FIELDS else str(value).strip()
        return body

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Adds a property, or books a reservation (409 when the dates are taken)."""
        if dataset == "properties":
            body = self._property_body({}, {k: values.get(k, "") for k in values})
            made = await self.http.call("POST", "/properties", json_body=body, parse=reply_data)
            self._property_names = None
            return WriteResult(self._record(dataset, _object(made, dataset)))
        if dataset == "reservations":
            body = {
                "property_id": str(values.get("property_id") or ""),
                "guest": {"name": str(values.get("guest_name") or "").strip(),
                          "email": str(values.get("guest_email") or "").strip(),
                          "phone": str(values.get("guest_phone") or "").strip() or None},
                "check_in": str(values.get("check_in") or "").strip(),
                "check_out": str(values.get("check_out") or "").strip(),
                "guests": _integer("guests", values.get("guests") or 0),
                "channel": str(values.get("channel") or "direct"),
            }
            await self._names()
            made = await self.http.call("POST", "/reservations", json_body=body, parse=reply_data)
            return WriteResult(self._record(dataset, _object(made, dataset)))
        raise self._unsupported(dataset, "create")

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """PUT is a full replace: the whole property is sent, the changes on top."""
        if dataset != "properties":
            raise self._unsupported(dataset, "edit")
        body = self._property_body(record.fields, changes)
        saved = await self.http.call("PUT", f"/properties/{record.id}", json_body=body, parse=reply_data)
        self._property_names = None
        return WriteResult(self._record(dataset, _object(saved, dataset)))

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Deletes a property."""
        if dataset != "properties":
            raise self._unsupported(dataset, "delete")
        await self.http.call("DELETE", f"/properties/{record.id}", parse=reply_data)
        self._property_names = None

    async def questions(self, dataset: str, record: Record, action: str) -> list[Question]:
        """Confirmations for deactivating a property and cancelling a reservation."""
        if dataset == "properties" and action == "deactivate":
            return [Question("confirm", "Deactivate property",
                             f"Deactivate {record.fields.get('name') or record.id}? It stops taking new bookings; "
                             "existing reservations stay.", (Choice("yes", "Deactivate"),))]
        if dataset == "reservations" and action == "cancel":
            return [Question("confirm", "Cancel reservation",
                             f"Cancel the reservation of {record.derived.get('guest') or 'this guest'} at "
                             f"{record.derived.get('property') or record.fields.get('property_id')}, "
                             f"{record.fields.get('check_in')} to {record.fields.get('check_out')}?",
                             (Choice("yes", "Cancel reservation"),),
                             detail="SetSmart keeps it as cancelled; the nights become free again.")]
        return []

    async def run_action(self, dataset: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str]) -> WriteResult:
        """Deactivate/activate a property (a full PUT), or cancel a reservation."""
        if dataset == "properties" and action in ("deactivate", "activate"):
            if action == "deactivate" and answers.get("confirm") != "yes":
                raise ConsoleError("not confirmed")
            status = "inactive" if action == "deactivate" else "active"
            return await self.update_record(dataset, record, {"status": status})
        if dataset == "reservations" and action == "cancel":
            if answers.get("confirm") != "yes":
                raise ConsoleError("not confirmed")
            await self._names()
            saved = await self.http.call("POST", f"/reservations/{record.id}/cancel", parse=reply_data)
            return WriteResult(self._record(dataset, _object(saved, dataset)))
        raise self._unsupported(dataset, action)

    @staticmethod
    def _path(dataset: str) -> str:
        try:
            return PATHS[dataset]
        except KeyError:
            raise BadResponse(VENDOR, f"unknown dataset {dataset}") from None
