"""Setera OneCloud End User API client (a Dstny Core deployment; ``shared/vendors/setera.md``).

``Authorization: Bearer <ticket token>``, ``Content-Type`` and ``Accept`` on every request; paths carry
the account's domain and user. The contact directory comes whole in one answer (``{"contact": [...]}``)
and is paged, sorted and filtered in memory; typing in the search box asks OneCloud's contact search
instead (path per account, default ``/contacts/search/{domain}/{user}?query=``), which only a user's
token may call. Queues are the user's ACD/attendant groups with live counts; "Log me in/out" posts the
agent action.

Choices where the sources are silent (labelled in the emulator too): personal contacts are read and
written under ``/contacts/personal/{domain}/{user}[/{id}]`` (invented; the directory itself is read
only); with the account option "Send PUT/DELETE as POST" those writes go as POST with
``X-HTTP-Method-Override``. Phone numbers are also shown in E.164, using the account's default country
code for national numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import BadResponse, PermissionDenied
from console.core.models import Cursor, Page, Query, Record, WriteResult
from console.http.client import VendorHttp
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.parsing import as_dict, as_list, record_id, reply_data
from console.vendors.setera.datasets import DIRECTORY, PERSONAL
from console.vendors.setera.errors import ERROR_TABLE, NAME, VENDOR, reference_of, to_error

DEFAULT_SEARCH_PATH = "/contacts/search/{domain}/{user}"




def _contacts(reply: Reply) -> list[dict[str, Any]]:
    data = reply.data
    items = data.get("contact") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and "contacts" in data:
        items = data["contacts"]
    if items is None:
        items = []
    if isinstance(items, dict):  # a single contact comes unwrapped from some Core versions
        items = [items]
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise BadResponse(VENDOR, "the contact answer has no 'contact' list", status=reply.status)
    return items


def _groups(reply: Reply) -> list[dict[str, Any]]:
    data = reply.data
    items = data.get("groups") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise BadResponse(VENDOR, "the queue answer has no 'groups' list", status=reply.status)
    return items






def e164(number: str, country_code: str) -> str:
    """A phone number in E.164 (``+46701234567``): international forms kept, national ones get the code."""
    text = number.strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("+"):
        return f"+{digits}"
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if digits.startswith("0") and country_code:
        return f"+{country_code}{digits[1:]}"
    return f"+{country_code}{digits}" if country_code else f"+{digits}"


class SeteraClient(VendorClient):
    """The OneCloud End User API for one user (domain + user + ticket token)."""

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        token = context.secrets.get("token", "")
        log.register_secret(token)
        self.domain = context.fields.get("domain", "")
        self.user = context.fields.get("user", "")
        self.override = str(context.options.get("method_override", "off")) == "on"
        self.search_path = str(context.options.get("search_path") or DEFAULT_SEARCH_PATH)
        self.country_code = str(context.options.get("country_code", "46") or "").lstrip("+")
        http = VendorHttp(
            vendor=VENDOR, display_name=NAME, account_id=context.account_id, base_url=context.base_url,
            error_mapper=to_error, reference_parser=reference_of,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "Accept": "application/json"},
            settings=context.settings, observer=context.observer, request_log=context.request_log,
            transport=context.transport,
        )
        super().__init__(spec, http)
        self._directory: list[Record] | None = None

    @property
    def agent_id(self) -> str:
        """The user as an agent id (``user@domain``)."""
        return f"{self.user}@{self.domain}"

    def _path(self, template: str) -> str:
        return template.format(domain=self.domain, user=self.user)

    async def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        """Sends a write, as POST + ``X-HTTP-Method-Override`` when the account asks for it."""
        if self.override and method in ("PUT", "DELETE"):
            headers = {**kwargs.pop("headers", {}), "X-HTTP-Method-Override": method}
            return await self.http.call("POST", path, headers=headers, parse=reply_data, **kwargs)
        return await self.http.call(method, path, parse=reply_data, **kwargs)

    # -- records --------------------------------------------------------------------------------

    def _contact(self, item: dict[str, Any], kind: str) -> Record:
        raw_id = record_id(item.get("id") or item.get("email"), "contact", VENDOR)
        first, last = str(item.get("firstName") or ""), str(item.get("lastName") or "")
        numbers = as_list(item.get("phoneNumbers"))
        phones = [n for n in numbers if isinstance(n, dict) and n.get("number")]
        by_type = {str(n.get("type") or "other"): str(n["number"]) for n in phones}
        derived: dict[str, Any] = {
            "kind": kind,
            "name": f"{first} {last}".strip() or str(item.get("displayName") or ""),
            "phone": str(phones[0]["number"]) if phones else "",
            "E.164_numbers": {t: e164(n, self.country_code) for t, n in by_type.items()},
            "_form": {"firstName": first, "lastName": last, "email": str(item.get("email") or ""),
                     "mobile": by_type.get("mobile", ""), "work": by_type.get("work", ""),
                     "company": str(item.get("company") or ""), "title": str(item.get("title") or "")},
        }
        return Record(VENDOR, "contacts", str(raw_id), item, derived)

    def _queue(self, item: dict[str, Any]) -> Record:
        raw_id = record_id(item.get("id"), "queue", VENDOR)
        stats = as_dict(item.get("statistic"))
        agents = as_list(item.get("agents"))
        me = next((a for a in agents if isinstance(a, dict) and str(a.get("id", "")).lower() == self.agent_id.lower()),
                  None)
        status = "" if me is None else ("in" if me.get("isLoggedIn") else "out")
        derived = {"me": status, "agents_in": stats.get("numberOfLoggedInAgents"),
                   "agents_free": stats.get("numberOfFreeAgents"), "calls": stats.get("numberOfCallsInQueue"),
                   "group_domain": str(item.get("domain") or self.domain)}
        return Record(VENDOR, "queues", str(raw_id), item, derived)

    # -- reading --------------------------------------------------------------------------------

    async def test_connection(self) -> str:
        """Reads the user's queues (cheap) to check the token, domain and user."""
        groups = await self.http.call("GET", self._path("/user/acd-attendant-group/v1/{domain}/{user}"),
                                      parse=_groups)
        return f"Token accepted for {self.agent_id}; {len(groups)} queues."

    async def _load_contacts(self) -> list[Record]:
        directory = await self.http.call("GET", self._path("/contacts/list/{domain}/{user}"), parse=_contacts)
        personal = await self.http.call("GET", self._path("/contacts/personal/{domain}/{user}"), parse=_contacts)
        return [self._contact(x, DIRECTORY) for x in directory] + [self._contact(x, PERSONAL) for x in personal]

    async def search(self, text: str) -> list[Record]:
        """OneCloud's contact search (a user's token only)."""
        try:
            found = await self.http.call("GET", self._path(self.search_path), params={"query": text},
                                         parse=_contacts)
        except PermissionDenied as exc:
            _kind, message = ERROR_TABLE["403 user token"]
            raise PermissionDenied(VENDOR, exc.message, user_message=message, status=exc.status,
                                   vendor_code=exc.vendor_code, reference=exc.reference, body=exc.body) from None
        return [self._contact(x, DIRECTORY) for x in found]

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """Contacts: the whole directory in one request, paged and sorted here; queues in one page."""
        if dataset == "queues":
            groups = await self.http.call("GET", self._path("/user/acd-attendant-group/v1/{domain}/{user}"),
                                          parse=_groups)
            records = [self._queue(g) for g in groups]
            return Page(records, None, False, len(records))
        if dataset != "contacts":
            raise self._unsupported(dataset, "list")
        offset = int(cursor or 0)
        text = query.active_filters().get("query", "")
        if offset == 0 or self._directory is None:
            self._directory = await self.search(text) if text else await self._load_contacts()
        items = self._directory
        if query.sort:
            key = query.sort
            items = sorted(items, key=lambda r: str(r.derived.get(key) or r.fields.get(key) or "").lower(),
                           reverse=query.descending)
        chunk = items[offset:offset + limit]
        more = offset + limit < len(items)
        return Page(chunk, offset + limit if more else None, more, len(items))

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One contact (from the loaded list) or one queue (fresh)."""
        if dataset == "queues":
            page = await self.fetch_page("queues", Query(), None, 100)
            found = next((r for r in page.items if r.id == record_id), None)
        else:
            records = await self._load_contacts()
            found = next((r for r in records if r.id == record_id), None)
        if found is None:
            raise self._unsupported(dataset, f"find {record_id} in")
        return found

    # -- writing --------------------------------------------------------------------------------

    @staticmethod
    def _contact_body(values: Mapping[str, Any]) -> dict[str, Any]:
        def text(key: str) -> str:
            return str(values.get(key) or "").strip()

        numbers = [{"type": kind, "number": text(kind)} for kind in ("mobile", "work") if text(kind)]
        return {"firstName": text("firstName"), "lastName": text("lastName"), "email": text("email") or None,
                "company": text("company") or None, "title": text("title") or None, "phoneNumbers": numbers}

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Adds a personal contact."""
        if dataset != "contacts":
            raise self._unsupported(dataset, "create")
        made = await self._send("POST", self._path("/contacts/personal/{domain}/{user}"),
                                json_body=self._contact_body(values))
        if not isinstance(made, dict):
            raise BadResponse(VENDOR, "the created contact is not an object")
        self._directory = None
        return WriteResult(self._contact(made, PERSONAL))

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Updates a personal contact (PUT, or POST with the override header)."""
        if dataset != "contacts" or record.derived.get("kind") != PERSONAL:
            raise self._unsupported(dataset, "edit directory contacts in")
        values = {**record.derived.get("_form", {}), **changes}
        path = self._path("/contacts/personal/{domain}/{user}") + f"/{record.id}"
        saved = await self._send("PUT", path, json_body=self._contact_body(values))
        self._directory = None
        if isinstance(saved, dict) and saved:
            return WriteResult(self._contact(saved, PERSONAL))
        return WriteResult(await self.get_record(dataset, record.id))

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Deletes a personal contact (DELETE, or POST with the override header)."""
        if dataset != "contacts" or record.derived.get("kind") != PERSONAL:
            raise self._unsupported(dataset, "delete directory contacts in")
        await self._send("DELETE", self._path("/contacts/personal/{domain}/{user}") + f"/{record.id}")
        self._directory = None

    async def run_action(self, dataset: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str]) -> WriteResult:
        """Logs the user in or out of a queue, then reads the queue again."""
        if dataset != "queues" or action not in ("login", "logout"):
            raise self._unsupported(dataset, action)
        group_domain = record.derived.get("group_domain") or self.domain
        path = self._path("/user/acd-attendant-group/{domain}/{user}") + \
            f"/{record.id}/{group_domain}/agents/{self.agent_id}"
        await self.http.call("POST", path, params={"action": action}, parse=reply_data)
        return WriteResult(await self.get_record("queues", record.id))
