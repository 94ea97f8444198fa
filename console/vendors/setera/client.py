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

Only the directory and the queue calls are required (setera.md's [C] rows); personal contacts and the
contact search path are optional calls (:data:`PERSONAL_CONTACTS`, :data:`PERSONAL_CHANGES`,
:data:`CONTACT_SEARCH`; the audit is in the package docstring). A server without personal contacts
shows the directory alone, with a note, and is not asked again; a write to them ends in one clear
refusal. A server without contact search at the account's path gets the search done on the loaded
directory (same fields: names, emails, numbers), with a note naming the path and the Advanced setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import (
    BadResponse,
    NotFound,
    PermissionDenied,
    UnsupportedOperation,
    UserMessage,
    VendorError,
)
from console.core.models import Cursor, Page, Query, Record, WriteResult
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.optional import MISSING_STATUSES, OptionalCall, missing_reason
from console.vendors.parsing import as_dict, as_list, record_id, reply_data
from console.vendors.setera.datasets import DEFAULT_SEARCH_PATH, DIRECTORY, LOCAL_SEARCH, PERSONAL
from console.vendors.setera.errors import ERROR_TABLE, NAME, VENDOR, Code, reference_of

PERSONAL_PATH = "/contacts/personal/{domain}/{user}"

#: ``GET /contacts/personal/{domain}/{user}``: invented (setera.md:91 [I], setera.md:113 "invented").
PERSONAL_CONTACTS = OptionalCall(
    "personal_contacts", "Personal contacts", "the list shows the directory only", ("contacts",),
    "setera.md:91 [I], setera.md:113 invented")
#: ``POST``/``PUT``/``DELETE`` under ``/contacts/personal/{domain}/{user}``: invented (same lines).
PERSONAL_CHANGES = OptionalCall(
    "personal_contact_changes", "Changes to personal contacts", "personal contacts are read only here",
    ("contacts",), "setera.md:91 [I], setera.md:113 invented")
#: Contact search: the API exists [C] but its path is a guess (setera.md:89 [I]); the path is an account option.
CONTACT_SEARCH = OptionalCall(
    "contact_search", "OneCloud's contact search",
    "the search is done on the loaded directory (names, emails and numbers); if your OneCloud has contact "
    "search at another path, set it as the account's “Contact search path” (Advanced)",
    ("contacts",), "setera.md:89 [C] API, [I] path")


def no_personal_contacts(status: int | None = None) -> UnsupportedOperation:
    """The refusal of a personal-contact write on a OneCloud server that does not offer them.

    Args:
        status: The answer that showed it (``None`` when it was known before the write).
    """
    why = f" (it answered HTTP {status})" if status else ""
    return UnsupportedOperation(
        f"{NAME}: this server does not offer personal contacts{why}",
        user_message=UserMessage(
            "Personal contacts not available",
            f"This OneCloud server does not offer personal contacts{why}, so they cannot be created, changed "
            "or deleted here. The directory is shown as usual.",
            "Keep personal contacts in OneCloud's own apps, or ask your administrator whether the API "
            "can offer them."))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def matches(record: Record, text: str, country_code: str) -> bool:
    """Whether a contact matches a search the way OneCloud's search does: name, email or number.

    Case-insensitive parts of the name or email; a number matches on its digits, written nationally
    (``070 123``) or internationally (``+46 70 123``).
    """
    needle = text.strip().lower()
    if not needle:
        return True
    words = (record.derived.get("name"), record.fields.get("email"))
    if any(needle in str(word or "").lower() for word in words):
        return True
    digits = _digits(needle)
    if len(digits) < 3 or re.search(r"[^\d\s()+./-]", needle):
        return False
    wanted = {digits}
    if needle.startswith(("0", "+")):
        wanted.add(_digits(e164(needle, country_code)))
    numbers = [str(n.get("number") or "") for n in as_list(record.fields.get("phoneNumbers")) if isinstance(n, dict)]
    have = [_digits(n) for n in numbers] + [_digits(e164(n, country_code)) for n in numbers]
    return any(w and w in h for w in wanted for h in have)


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

    optional_calls = (PERSONAL_CONTACTS, PERSONAL_CHANGES, CONTACT_SEARCH)

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        token = context.secrets.get("token", "")
        log.register_secret(token)
        self.domain = context.fields.get("domain", "")
        self.user = context.fields.get("user", "")
        self.override = str(context.options.get("method_override", "off")) == "on"
        self.search_path = str(context.options.get("search_path") or DEFAULT_SEARCH_PATH)
        self.country_code = str(context.options.get("country_code", "46") or "").lstrip("+")
        http = context.http(spec, reference_parser=reference_of,
                            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                     "Accept": "application/json"})
        super().__init__(spec, http)
        #: The list being paged (the directory, or a search's answer).
        self._directory: list[Record] | None = None
        #: The whole contact list as last loaded (what a search falls back to).
        self._loaded: list[Record] | None = None
        #: Ids of the personal contacts as last read (``None``: not read yet), to tell them in a search's answer.
        self._personal_ids: set[str] | None = None

    @property
    def agent_id(self) -> str:
        """The user as an agent id (``user@domain``)."""
        return f"{self.user}@{self.domain}"

    def _path(self, template: str) -> str:
        return template.replace("{domain}", self.domain).replace("{user}", self.user)

    async def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        """Sends a write, as POST + ``X-HTTP-Method-Override`` when the account asks for it."""
        if self.override and method in ("PUT", "DELETE"):
            headers = {**kwargs.pop("headers", {}), "X-HTTP-Method-Override": method}
            return await self.http.call("POST", path, headers=headers, parse=reply_data, **kwargs)
        return await self.http.call(method, path, parse=reply_data, **kwargs)

    # -- records --------------------------------------------------------------------------------

    @staticmethod
    def _id_of(item: dict[str, Any]) -> str:
        return str(record_id(item.get("id") or item.get("email"), "contact", VENDOR))

    def _contact(self, item: dict[str, Any], kind: str) -> Record:
        raw_id = self._id_of(item)
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

    async def _personal_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = await self.http.call("GET", self._path(PERSONAL_PATH), parse=_contacts)
        for item in items:  # an item without an id is an unreadable answer: the optional call's, not the list's
            self._id_of(item)
        return items

    async def _personal(self) -> list[dict[str, Any]]:
        """The personal contacts (an optional call: none on a server without them); notes their ids."""
        nothing: list[dict[str, Any]] = []
        items = await self.optional.run(PERSONAL_CONTACTS, self._personal_items, nothing)
        self._personal_ids = {self._id_of(x) for x in items}
        return items

    async def _load_contacts(self) -> list[Record]:
        """The directory (required) and the personal contacts (optional: without them, the directory alone)."""
        directory = await self.http.call("GET", self._path("/contacts/list/{domain}/{user}"), parse=_contacts)
        mine = [self._contact(x, PERSONAL) for x in await self._personal()]
        self._loaded = [self._contact(x, DIRECTORY) for x in directory] + mine
        return self._loaded

    async def search(self, text: str) -> list[Record]:
        """OneCloud's contact search (a user's token only), or the loaded directory's where it has none.

        A 404/405/501 or an unreadable answer at the account's search path marks the search unavailable
        (the note names the path and the Advanced setting); searches then filter the loaded contacts
        on the same fields. A superuser token's 403 stays an error: the search exists, the token may
        not use it.
        """
        if self.search_path.strip().lower() == LOCAL_SEARCH or not self.optional.available(CONTACT_SEARCH):
            return await self._search_loaded(text)
        try:
            found = await self.http.call("GET", self._path(self.search_path), params={"query": text},
                                         parse=_contacts)
            ids = [self._id_of(x) for x in found]  # an item without an id: an answer the client cannot read
        except PermissionDenied as exc:
            _kind, message = ERROR_TABLE[Code.USER_TOKEN_NEEDED]
            raise PermissionDenied(VENDOR, exc.message, user_message=message, status=exc.status,
                                   vendor_code=exc.vendor_code, reference=exc.reference, body=exc.body) from None
        except (VendorError, BadResponse) as exc:
            if missing_reason(exc) is None:
                raise
            at = f"at {self.search_path}"
            reason = (f"answered its contact search {at} in a form Vendor Console cannot read"
                      if isinstance(exc, BadResponse) else f"has no contact search {at} (HTTP {exc.status})")
            self.optional.mark_missing(CONTACT_SEARCH, reason, str(exc))
            return await self._search_loaded(text)
        if self._personal_ids is None:
            await self._personal()  # once: which of the answer's contacts are the user's own (editable)
        mine = self._personal_ids or set()
        return [self._contact(x, PERSONAL if i in mine else DIRECTORY) for i, x in zip(ids, found, strict=True)]

    async def _search_loaded(self, text: str) -> list[Record]:
        """The loaded contacts (loaded first if need be) that match, as OneCloud's search would."""
        contacts = self._loaded if self._loaded is not None else await self._load_contacts()
        return [r for r in contacts if matches(r, text, self.country_code)]

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
            _kind, message = ERROR_TABLE[Code.NOT_FOUND]
            raise NotFound(VENDOR, f"no {dataset} record {record_id}", user_message=message, status=404)
        return found

    # -- writing --------------------------------------------------------------------------------

    @staticmethod
    def _contact_body(values: Mapping[str, Any]) -> dict[str, Any]:
        def text(key: str) -> str:
            return str(values.get(key) or "").strip()

        numbers = [{"type": kind, "number": text(kind)} for kind in ("mobile", "work") if text(kind)]
        return {"firstName": text("firstName"), "lastName": text("lastName"), "email": text("email") or None,
                "company": text("company") or None, "title": text("title") or None, "phoneNumbers": numbers}

    async def _write_personal(self, method: str, record_id: str | None = None, **kwargs: Any) -> Any:
        """Sends a personal-contact write; a server without them ends in :func:`no_personal_contacts`.

        Refused without a request once the server is known not to offer them. A 405/501, or a 404 to a
        create, means the endpoint is missing (remembered). A 404 to an edit or delete means the contact
        is gone, unless it is still listed (then it is the endpoint that is missing).
        """
        for call in (PERSONAL_CONTACTS, PERSONAL_CHANGES):
            if not self.optional.available(call):
                raise no_personal_contacts()
        path = self._path(PERSONAL_PATH) + (f"/{record_id}" if record_id is not None else "")
        try:
            return await self._send(method, path, **kwargs)
        except VendorError as exc:
            if exc.status not in MISSING_STATUSES:
                raise
            if exc.status == 404 and record_id is not None and not await self._still_listed(record_id):
                raise
            self.optional.mark_missing(PERSONAL_CHANGES, missing_reason(exc) or "", str(exc))
            raise no_personal_contacts(exc.status) from None

    async def _still_listed(self, record_id: str) -> bool:
        """Whether OneCloud still lists the personal contact (its write was refused as not found)."""
        await self._personal()
        return record_id in (self._personal_ids or ())

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Adds a personal contact."""
        if dataset != "contacts":
            raise self._unsupported(dataset, "create")
        made = await self._write_personal("POST", json_body=self._contact_body(values))
        if not isinstance(made, dict):
            raise BadResponse(VENDOR, "the created contact is not an object")
        self._directory = self._loaded = None
        record = self._contact(made, PERSONAL)
        if self._personal_ids is not None:
            self._personal_ids.add(record.id)
        return WriteResult(record)

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Updates a personal contact (PUT, or POST with the override header)."""
        if dataset != "contacts" or record.derived.get("kind") != PERSONAL:
            raise self._unsupported(dataset, "edit directory contacts in")
        values = {**record.derived.get("_form", {}), **changes}
        saved = await self._write_personal("PUT", record.id, json_body=self._contact_body(values))
        self._directory = self._loaded = None
        if isinstance(saved, dict) and saved:
            return WriteResult(self._contact(saved, PERSONAL))
        return WriteResult(await self.get_record(dataset, record.id))

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Deletes a personal contact (DELETE, or POST with the override header)."""
        if dataset != "contacts" or record.derived.get("kind") != PERSONAL:
            raise self._unsupported(dataset, "delete directory contacts in")
        await self._write_personal("DELETE", record.id)
        self._directory = self._loaded = None

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
