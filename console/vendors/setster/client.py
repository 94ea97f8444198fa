"""Setster client: session login, ``start``/``end`` paging, the envelope, local times, bookings.

Choices where the sources leave it open (shared/vendors/setster.md; README decisions):

* The session token and ``company_id`` travel in the query string of every call; on HTTP 401 or 403
  from any call but the login the client logs in again once and repeats the call once.
* Paging with ``start``/``end`` is ambiguous (offset+count, or start and end index). The client asks
  ``start=s&end=s+N``, continues from ``s + len(items)``, stops when fewer than ``N`` items come back,
  and drops ids already seen; this is right under both readings.
* Bodies are flat JSON by default; the account option "Request body" switches to ``{"data": ...}``
  or form encoding.
* Times are local to the location's zone (or the company's) with no offset in the string; they are
  read in that zone (from ``/tz/list``'s ``dbName``; the account option "Time zone" overrides it).
* ``custom_fields`` may arrive as a JSON string; it is decoded for display (the export keeps it as sent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import BadResponse, ConsoleError, UserMessage, ValidationError
from console.core.models import Choice, Cursor, Page, Query, Question, Record, Slot, WriteResult
from console.http.client import VendorHttp
from console.http.session import SessionAuth
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.parsing import build_records
from console.vendors.setster.datasets import CANCELLED
from console.vendors.setster.errors import NAME, VENDOR, status_code, to_error, unwrap
from console.vendors.times import parse_vendor_time, zone

PATHS = {"appointments": "/appointment", "clients": "/client", "services": "/service",
         "employees": "/employee", "locations": "/location"}
PAGED = frozenset({"appointments", "clients"})
ID_KEYS = {"clients": "client_id"}
APPOINTMENT_FILTERS = ("search_text", "start_date", "end_date", "status", "employee_id", "location_id",
                       "service_id", "client_email")
#: The statusCodes that are about the request, not the session: a 401/403 carrying one is no expiry.
_NOT_EXPIRY = frozenset({1, 4, 5, 6, 7, 8, 9, 10, 11})


class SetsterSession(SessionAuth):
    """``POST /account/authenticate?email=&token=`` -> ``session_token`` and ``company_id``.

    Args:
        email: The owner's email.
        api_key: The account's API key.
    """

    expiry_statuses = frozenset({401, 403})

    def __init__(self, email: str, api_key: str) -> None:
        super().__init__()
        self.email = email
        self.api_key = api_key
        self.token = ""
        self.company_id = ""
        self.user: dict[str, Any] = {}
        log.register_secret(api_key)

    async def login(self, http: VendorHttp) -> None:
        """Authenticates and keeps the session token and company id."""
        data = await http.call("POST", "/account/authenticate", params={"email": self.email, "token": self.api_key},
                               parse=envelope, auth_required=False)
        if not isinstance(data, dict) or not isinstance(data.get("session_token"), str):
            raise BadResponse(VENDOR, "the login answer has no session_token")
        raw_user = data.get("user")
        user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
        company = user.get("company_id")
        if company is None:
            raise BadResponse(VENDOR, "the login answer has no user.company_id")
        log.register_secrets_in(data)
        self.token = data["session_token"]
        log.register_secret(self.token)  # the session token is a credential too
        self.company_id = str(company)
        self.user = user
        log.register_secret(self.token)
        log.auth.info("Setster: logged in as %s (company %s)", self.email, self.company_id)

    def credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        """``session_token`` and ``company_id`` in the query string."""
        return {"session_token": self.token, "company_id": self.company_id}, {}

    def is_expired(self, status: int, body: bytes) -> bool:
        """401 or 403, unless the envelope's ``statusCode`` is about the request (a slot taken is a 403 too)."""
        if status not in self.expiry_statuses:
            return False
        try:
            data = json.loads(body) if body.strip() else None
        except (ValueError, RecursionError):
            data = None
        return status_code(data) not in _NOT_EXPIRY


def envelope(reply: Reply) -> Any:
    """Parses Setster's envelope; a non-zero ``statusCode`` raises its typed error."""
    return unwrap(reply.data, reply.status)


def _as_list(data: Any, what: str) -> list[dict[str, Any]]:
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise BadResponse(VENDOR, f"the {what} answer is not a list of objects")
    return data


def _one(data: Any, what: str) -> dict[str, Any]:
    items = _as_list(data, what)
    if not items:
        raise BadResponse(VENDOR, f"the {what} answer is empty")
    return items[0]


def readable_custom_fields(raw: Any) -> dict[str, Any]:
    """Setster's ``custom_fields`` as ``{label: value}``.

    It may be a JSON string (seen in real list answers); each entry is ``[value, label]`` or
    ``[value, label, "h"]`` (hidden), and an address value is ``[address, apt, city, state, zip]``.
    """
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            raw = json.loads(raw)
        except ValueError:
            return {"(unreadable)": raw}
    if not isinstance(raw, dict):
        return {}
    result: dict[str, Any] = {}
    for key, entry in raw.items():
        if isinstance(entry, list) and len(entry) >= 2:
            value, label = entry[0], entry[1]
            if isinstance(value, list):
                value = ", ".join(str(part) for part in value if part)
            hidden = len(entry) > 2 and entry[2] == "h"
            result[f"{label}{' (hidden)' if hidden else ''}"] = value
        else:
            result[str(key)] = entry
    return result


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


class SetsterClient(VendorClient):
    """The Setster Scheduling API v2 (``shared/vendors/setster.md``)."""

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        self.session = SetsterSession(context.fields.get("email", ""), context.secrets.get("api_key", ""))
        self.body_style = str(context.options.get("body", "json"))
        self.zone_override = str(context.options.get("timezone", "") or "")
        http = VendorHttp(
            vendor=VENDOR, display_name=NAME, account_id=context.account_id, base_url=context.base_url,
            error_mapper=to_error, headers={"Accept": "application/json"}, settings=context.settings,
            observer=context.observer, request_log=context.request_log, transport=context.transport,
            session=self.session,
        )
        super().__init__(spec, http)
        self._lookups: dict[str, dict[str, dict[str, Any]]] | None = None
        self._zones: dict[str, str] = {}
        self.company_zone: dt.tzinfo = dt.UTC

    # -- context: zones and names ---------------------------------------------------------------

    async def _context(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Loads (once) the account's zone, the zone list and the small lists used to name things."""
        if self._lookups is not None:
            return self._lookups
        zones = await self.http.call("GET", "/tz/list", parse=envelope, auth_required=False)
        if isinstance(zones, dict):
            self._zones = {str(k): str(v.get("dbName") or "") for k, v in zones.items() if isinstance(v, dict)}
        account = await self.http.call("GET", "/account", parse=envelope)
        account = account[0] if isinstance(account, list) and account else account
        self.company_zone = self._company_zone(account if isinstance(account, dict) else {})
        lookups: dict[str, dict[str, dict[str, Any]]] = {}
        for dataset in ("services", "employees", "locations"):
            items = _as_list(await self.http.call("GET", PATHS[dataset], parse=envelope), dataset)
            lookups[dataset] = {str(item.get("id")): item for item in items}
        self._lookups = lookups
        return lookups

    def _company_zone(self, account: Mapping[str, Any]) -> dt.tzinfo:
        if self.zone_override:
            return zone(self.zone_override)
        name = self._zones.get(str(account.get("timezone_id", "")))
        if name:
            return zone(name)
        offset = account.get("timezone")
        try:
            minutes = int(offset) if offset is not None else None
        except (TypeError, ValueError):
            minutes = None
        if minutes is not None:
            return dt.timezone(dt.timedelta(minutes=minutes))
        return dt.UTC

    def _zone_of(self, appointment: Mapping[str, Any], lookups: Mapping[str, Mapping[str, Any]]) -> dt.tzinfo:
        if self.zone_override:
            return self.company_zone
        for tz_id in (appointment.get("timezone_id"),
                      lookups["locations"].get(str(appointment.get("location_id")), {}).get("timezone_id")):
            name = self._zones.get(str(tz_id)) if tz_id not in (None, "") else None
            if name:
                return zone(name)
        return self.company_zone

    # -- records --------------------------------------------------------------------------------

    def _record(self, dataset: str, item: dict[str, Any], lookups: Mapping[str, Mapping[str, Any]]) -> Record:
        key = ID_KEYS.get(dataset, "id")
        raw_id = item.get(key)
        if raw_id is None or isinstance(raw_id, bool | dict | list) or str(raw_id) == "":
            raise BadResponse(VENDOR, f"a {dataset} item has no usable '{key}'")
        derived: dict[str, Any] = {}
        if dataset == "appointments":
            local = self._zone_of(item, lookups)
            derived["start"] = parse_vendor_time(item.get("start_date"), local)
            derived["end"] = parse_vendor_time(item.get("end_date"), local)
            derived["created"] = parse_vendor_time(item.get("created_at"), self.company_zone)
            service = lookups["services"].get(str(item.get("service_id")), {})
            derived["service"] = item.get("type") or service.get("name") or ""
            employee = lookups["employees"].get(str(item.get("employee_id")), {})
            derived["employee"] = f"{employee.get('first_name', '')} {employee.get('last_name', '')}".strip()
            location = lookups["locations"].get(str(item.get("location_id")), {})
            derived["location"] = item.get("location_name") or location.get("name") or ""
            custom = readable_custom_fields(item.get("custom_fields"))
            if custom:
                derived["custom_fields"] = custom
        elif dataset == "clients":
            derived["last_app"] = parse_vendor_time(item.get("last_app_date"), self.company_zone)
            derived["created"] = parse_vendor_time(item.get("date_created"), self.company_zone)
        elif dataset == "services":
            derived["auto_confirm"] = _flag(item.get("auto_confirm"))
        elif dataset == "locations":
            derived["zone"] = self._zones.get(str(item.get("timezone_id")), "")
        return Record(VENDOR, dataset, str(raw_id), item, derived)

    # -- reading --------------------------------------------------------------------------------

    async def test_connection(self) -> str:
        """Logs in and reads the account."""
        await self.session.ensure(self.http)
        await self._context()
        return f"Logged in to company {self.session.company_id} (times in {self.company_zone})."

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """One page: ``start``/``end`` for appointments and clients, the whole list for the rest."""
        path = self._path(dataset)
        lookups = await self._context()
        params: dict[str, Any] = {}
        filters = query.active_filters()
        if dataset == "appointments":
            params.update({k: v for k, v in filters.items() if k in APPOINTMENT_FILTERS})
            params["sort_by"] = query.sort or "start_date"
            params["sort_order"] = "desc" if query.descending else "asc"
        elif dataset == "clients":
            params.update({k: v for k, v in filters.items() if k in ("q", "email")})
        def build(item: Any) -> Record:
            return self._record(dataset, item, lookups)

        if dataset not in PAGED:
            items = _as_list(await self.http.call("GET", path, params=params, parse=envelope), dataset)
            return Page(await build_records(build, items), None, False, len(items))
        start = int(cursor or 0)
        params.update({"start": start, "end": start + limit})
        items = _as_list(await self.http.call("GET", path, params=params, parse=envelope), dataset)
        records = await build_records(build, items)
        more = len(items) >= limit
        return Page(records, start + len(items) if more else None, more, None)

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One record (Setster answers a list of one)."""
        lookups = await self._context()
        data = await self.http.call("GET", f"{self._path(dataset)}/{record_id}", parse=envelope)
        return self._record(dataset, _one(data, dataset), lookups)

    # -- writing --------------------------------------------------------------------------------

    def _body(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The request body in the account's chosen encoding (``json_body=`` or ``data=`` kwargs)."""
        if self.body_style == "json_data":
            return {"json_body": {"data": payload}}
        if self.body_style == "form":
            return {"data": {k: "" if v is None else str(v) for k, v in payload.items()}}
        return {"json_body": payload}

    async def _write(self, method: str, path: str, payload: dict[str, Any], dataset: str,
                     params: Mapping[str, Any] | None = None) -> Record:
        lookups = await self._context()
        payload = {"company_id": self.session.company_id, **payload}
        data = await self.http.call(method, path, params=params, parse=envelope, **self._body(payload))
        return self._record(dataset, _one(data, dataset), lookups)

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Books an appointment or adds a client."""
        clean = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
        if dataset == "appointments":
            payload = {k: clean[k] for k in ("service_id", "employee_id", "location_id", "client_name",
                                             "client_email", "client_phone", "start_date", "note")
                       if clean.get(k)}
            return WriteResult(await self._write("POST", "/appointment", payload, dataset))
        if dataset == "clients":
            payload = {k: v for k, v in clean.items() if v}
            return WriteResult(await self._write("POST", "/client", payload, dataset))
        raise self._unsupported(dataset, "create")

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Sends the changed fields with PUT."""
        if dataset not in ("appointments", "clients"):
            raise self._unsupported(dataset, "edit")
        payload = {k: (str(v).strip() if v is not None else "") for k, v in changes.items()}
        path = f"{self._path(dataset)}/{record.id}"
        return WriteResult(await self._write("PUT", path, payload, dataset, params={"id": record.id}))

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Erases an appointment or a client."""
        if dataset not in ("appointments", "clients"):
            raise self._unsupported(dataset, "delete")
        await self.http.call("DELETE", f"{self._path(dataset)}/{record.id}", parse=envelope)

    # -- bookings -------------------------------------------------------------------------------

    async def slots(self, dataset: str, field: str, values: Mapping[str, Any], day: dt.date) -> list[Slot]:
        """Free start times from ``GET /availability`` (daily, as times)."""
        if dataset != "appointments":
            raise self._unsupported(dataset, "offer free times for")
        service = str(values.get("service_id") or "").strip()
        if not service:
            raise ValidationError(VENDOR, "no service chosen", fields={"service_id": ["Choose a service first."]},
                                  user_message=UserMessage("Choose a service", "Free times depend on the service.",
                                                           "Choose a service first."))
        params = {"service_id": service, "start_date": day.isoformat(), "t": "daily", "return": "times",
                  "location_id": str(values.get("location_id") or "") or None,
                  "provider_id": str(values.get("employee_id") or "") or None}
        data = await self.http.call("GET", "/availability", params=params, parse=envelope)
        times = data.get("times") if isinstance(data, dict) else None
        if isinstance(times, dict):  # weekly answers are keyed by date
            times = times.get(day.isoformat(), [])
        if not isinstance(times, list):
            raise BadResponse(VENDOR, "the availability answer has no 'times' list")
        result = []
        for value in times:
            text = str(value)
            hhmm = text[:5]
            seconds = text if len(text) == 8 else f"{hhmm}:00"
            result.append(Slot(f"{day.isoformat()} {seconds}", hhmm))
        return result

    async def questions(self, dataset: str, record: Record, action: str) -> list[Question]:
        """Cancel is confirmed with the client's name and the time."""
        if dataset == "appointments" and action == "cancel":
            start = record.derived.get("start")
            when = f"{start:%A %d %B %Y at %H:%M} {start.tzname() or ''}".rstrip() if start else "(no time)"
            return [Question(
                "confirm", "Cancel appointment",
                f"Cancel the appointment of {record.fields.get('client_name') or 'this client'} on {when}?",
                (Choice("yes", "Cancel appointment"),),
                detail="Setster keeps it as cancelled and may notify the client. Nothing is erased.",
            )]
        return []

    async def run_action(self, dataset: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str]) -> WriteResult:
        """Cancel (PUT ``status: 3``) or reschedule (PUT a new ``start_date``)."""
        path = f"/appointment/{record.id}"
        if dataset == "appointments" and action == "cancel":
            if answers.get("confirm") != "yes":
                raise ConsoleError("not confirmed")
            return WriteResult(await self._write("PUT", path, {"status": int(CANCELLED)}, dataset,
                                                 params={"id": record.id}))
        if dataset == "appointments" and action == "reschedule":
            start = str(values.get("start_date") or "").strip()
            if not start:
                raise ValidationError(VENDOR, "no time chosen", fields={"start_date": ["Pick a new time."]})
            return WriteResult(await self._write("PUT", path, {"start_date": start}, dataset,
                                                 params={"id": record.id}))
        raise self._unsupported(dataset, action)

    @staticmethod
    def _path(dataset: str) -> str:
        try:
            return PATHS[dataset]
        except KeyError:
            raise BadResponse(VENDOR, f"unknown dataset {dataset}") from None
