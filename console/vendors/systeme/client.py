"""Systeme.io client: ``X-API-Key`` auth, cursor paging, merge-patch edits, tag attach/detach."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import BadResponse, ConsoleError
from console.core.models import Cursor, Page, Query, Record, WriteResult
from console.http.ratelimit import HeaderNames
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.parsing import record_id
from console.vendors.systeme.datasets import CONTACT_FIELD_SLUGS, tag_ids
from console.vendors.systeme.errors import VENDOR

MIN_LIMIT, MAX_LIMIT = 10, 100
MERGE_PATCH = "application/merge-patch+json"
RATE_LIMIT_HEADERS = HeaderNames("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Refill")
_BOOL_FILTERS = ("unsubscribed", "bounced", "needsConfirmation")
_DATE_FILTERS = ("registeredAfter", "registeredBefore")
_PATHS = {"contacts": "/contacts", "tags": "/tags"}


def clamp_limit(limit: int) -> int:
    """Clamps a page size to Systeme.io's documented 10..100."""
    return max(MIN_LIMIT, min(MAX_LIMIT, limit))


def starting_after(cursor: Cursor) -> int | None:
    """The ``startingAfter`` to send: ``None`` (left out) on the first page, else an id of 1 or more.

    published-samples.md:21 [SPEC]: an integer, minimum 1, omitted on the first page ("never use 0").

    Raises:
        BadResponse: The cursor is not such an id (it can only come from a page whose last id was not).
    """
    if cursor is None or cursor == "":
        return None
    text = str(cursor).strip()
    if isinstance(cursor, bool) or not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise BadResponse(VENDOR, f"cannot continue the list after id {cursor!r}: "
                          "Systeme.io pages after ids of 1 or more")
    return int(text)


def _item(value: Any, dataset: str) -> Record:
    if not isinstance(value, dict):
        raise BadResponse(VENDOR, f"a {dataset} item is not an object")
    raw_id = record_id(value.get("id"), f"{dataset} item", VENDOR)
    for key in ("fields", "tags"):
        if key in value and value[key] is not None and not isinstance(value[key], list):
            raise BadResponse(VENDOR, f"{dataset} item {raw_id}: '{key}' is not a list")
    return Record(VENDOR, dataset, str(raw_id), value)


def parse_page(dataset: str) -> Any:
    """Returns a parser of Systeme.io's ``{"items": [...], "hasMore": bool}`` envelope."""

    def parse(reply: Reply) -> Page[Record]:
        data = reply.data
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise BadResponse(VENDOR, "the list answer has no 'items' list", status=reply.status)
        has_more = data.get("hasMore")
        if not isinstance(has_more, bool):
            raise BadResponse(VENDOR, "the list answer has no boolean 'hasMore'", status=reply.status)
        items = [_item(x, dataset) for x in data["items"]]
        if has_more and not items:
            raise BadResponse(VENDOR, "'hasMore' is true but the page is empty", status=reply.status)
        cursor: Cursor = None
        if has_more:
            last = items[-1].fields["id"]
            try:
                cursor = starting_after(last)
            except BadResponse:
                raise BadResponse(VENDOR, f"the last item's id {last!r} cannot continue the list "
                                  "(Systeme.io pages after ids of 1 or more)", status=reply.status) from None
        return Page(items, cursor, has_more, None)

    return parse


def _parse_one(dataset: str) -> Any:
    return lambda reply: _item(reply.data, dataset)


def _ignore(reply: Reply) -> None:
    return None


class SystemeClient(VendorClient):
    """The Systeme.io Public API (``shared/vendors/systeme.md``).

    Choices where the sources are silent: a page size outside 10..100 is clamped before sending;
    tags are attached/detached one request each after the contact itself is saved (the API takes no
    tags on create); ``X-RateLimit-Refill`` is read as seconds, unix seconds, unix milliseconds or an
    HTTP date depending on its size (README decision).

    Every call is required or a write (the audit is in the package docstring): none is optional.
    """

    #: No optional call: every endpoint on a list's path is [C] and nothing enriches the lists.
    optional_calls = ()

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        api_key = context.secrets.get("api_key", "")
        log.register_secret(api_key)
        http = context.http(spec, rate_limit_parser=RATE_LIMIT_HEADERS,
                            headers={"X-API-Key": api_key, "Accept": "application/json"})
        super().__init__(spec, http)

    async def test_connection(self) -> str:
        """Lists one page of tags (cheap) to check the key."""
        page = await self.http.call("GET", "/tags", params={"limit": MIN_LIMIT}, parse=parse_page("tags"))
        more = "+" if page.has_more else ""
        return f"API key accepted; {len(page.items)}{more} tags visible."

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """Lists a page with ``startingAfter``/``limit``/``order`` and the dataset's filters."""
        path = self._path(dataset)
        params: dict[str, Any] = {
            "limit": clamp_limit(limit),
            "order": "desc" if query.descending else "asc",
            "startingAfter": starting_after(cursor),  # None: left out on the first page
        }
        for key, value in query.active_filters().items():
            if key in _DATE_FILTERS and len(value) == len("2024-01-01"):
                value = f"{value}T00:00:00+00:00"
            elif key in _BOOL_FILTERS:
                value = "true" if value.lower() in ("1", "true", "yes") else "false"
            params[key] = value
        return await self.http.call("GET", path, params=params, parse=parse_page(dataset))

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """Reads one record."""
        return await self.http.call("GET", f"{self._path(dataset)}/{record_id}", parse=_parse_one(dataset))

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Creates a contact (then attaches its tags) or a tag."""
        if dataset == "tags":
            record = await self.http.call(
                "POST", "/tags", json_body={"name": str(values.get("name", "")).strip()}, parse=_parse_one("tags")
            )
            return WriteResult(record)
        self._path(dataset)
        body: dict[str, Any] = {"email": str(values.get("email", "")).strip()}
        if values.get("locale"):
            body["locale"] = values["locale"]
        fields = [{"slug": s, "value": _field_value(values[s])} for s in CONTACT_FIELD_SLUGS
                  if s in values and _field_value(values[s]) is not None]
        if fields:
            body["fields"] = fields
        record = await self.http.call("POST", "/contacts", json_body=body, parse=_parse_one("contacts"))
        wanted = [str(t) for t in values.get("tags") or ()]
        return await self._sync_tags(record, wanted)

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Sends only the changed fields as merge-patch (contacts) or renames with PUT (tags)."""
        if dataset == "tags":
            updated = await self.http.call(
                "PUT", f"/tags/{record.id}", json_body={"name": str(changes.get("name", "")).strip()},
                parse=_parse_one("tags"),
            )
            return WriteResult(updated)
        self._path(dataset)
        patch: dict[str, Any] = {}
        for key in ("email", "locale"):
            if key in changes:
                patch[key] = str(changes[key]).strip() or None
        fields = [{"slug": s, "value": _field_value(changes[s])} for s in CONTACT_FIELD_SLUGS if s in changes]
        if fields:
            patch["fields"] = fields
        current = record
        if patch:
            current = await self.http.call(
                "PATCH", f"/contacts/{record.id}", json_body=patch, headers={"Content-Type": MERGE_PATCH},
                parse=_parse_one("contacts"),
            )
        if "tags" in changes:
            return await self._sync_tags(current, [str(t) for t in changes["tags"] or ()])
        return WriteResult(current)

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Deletes a contact or a tag."""
        await self.http.call("DELETE", f"{self._path(dataset)}/{record.id}", parse=_ignore)

    async def _sync_tags(self, record: Record, wanted: list[str]) -> WriteResult:
        """Attaches and detaches tags one by one; failures after the main write become warnings."""
        have = set(tag_ids(record.fields))
        warnings: list[str] = []
        changed = False
        for tag_id in [t for t in wanted if t not in have]:
            try:
                await self.http.call("POST", f"/contacts/{record.id}/tags", json_body={"tagId": int(tag_id)},
                                     parse=_ignore)
                changed = True
            except (ConsoleError, ValueError) as exc:
                warnings.append(f"Tag {tag_id} could not be attached: {exc}")
        for tag_id in [t for t in have if t not in wanted]:
            try:
                await self.http.call("DELETE", f"/contacts/{record.id}/tags/{tag_id}", parse=_ignore)
                changed = True
            except ConsoleError as exc:
                warnings.append(f"Tag {tag_id} could not be removed: {exc}")
        if changed:
            try:
                record = await self.get_record(record.dataset, record.id)
            except ConsoleError as exc:
                warnings.append(f"The contact was saved but could not be re-read: {exc}")
        return WriteResult(record, warnings)

    @staticmethod
    def _path(dataset: str) -> str:
        try:
            return _PATHS[dataset]
        except KeyError:
            raise BadResponse(VENDOR, f"unknown dataset {dataset}") from None


def _field_value(value: Any) -> Any:
    """An empty form value clears the field (merge-patch ``null``)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
