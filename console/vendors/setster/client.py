"""Setster client: session login, ``start``/``end`` paging, the envelope, local times, bookings.

Choices where the sources leave it open (shared/vendors/setster.md, published-samples.md; README
decisions). Which calls are required and which optional is in :mod:`console.vendors.setster`.

* The session token and ``company_id`` travel in the query string of every call; on HTTP 401 or 403
  from any call but the login the client logs in again once and repeats the call once.
* A write refused with 403 again after that fresh login is Setster refusing the change
  (published-samples.md:44-48), never a session failure: :class:`~console.vendors.setster.errors.ChangeRefused`
  with what to try. For a booking or a reschedule the client then asks ``/availability`` for that
  day: a time no longer among the free ones is :class:`~console.core.errors.SlotUnavailable` on the
  time field ("just taken"); otherwise the refusal stays, on the time field too.
* Paging with ``start``/``end`` is ambiguous (offset+count, or start and end index). The client asks
  ``start=s&end=s+N``, continues from ``s + len(items)``, stops when fewer than ``N`` items come back;
  ids already seen on earlier pages are dropped by the services (paging overlap, said nowhere).
  Records of ONE answer that share an id (published-samples.md:57) are different records: the first
  is kept, ``Page.duplicates`` counts the others and a note says so.
* Bodies are the form field ``data`` holding JSON by default (Setster's own request,
  published-samples.md:51); the account option "Request body" switches to flat JSON,
  ``{"data": ...}`` JSON or flat form fields.
* Ids may be JSON integers (published-samples.md:41) or strings (setster.md:88); a record's id is
  always a string, the other fields are kept as sent.
* Appointment times are local to the location's zone (or the company's) with no offset in the
  string; they are read in that zone (from ``/tz/list``'s ``dbName``; the account option "Time zone"
  overrides it). ``created_at``, ``last_updated``, ``date_created`` and ``last_app_date`` may be ISO
  UTC with milliseconds and ``Z`` (published-samples.md:53): read as such and shown in the company's zone.
* ``custom_fields`` may arrive as a JSON string; it is decoded for display (the export keeps it as sent).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import (
    BadResponse,
    Conflict,
    ConsoleError,
    NotFound,
    Severity,
    SlotUnavailable,
    UserMessage,
    ValidationError,
)
from console.core.models import Choice, Cursor, Page, Query, Question, Record, Slot, WriteResult
from console.http.client import VendorHttp
from console.http.session import SessionAuth
from console.http.types import Reply
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.errorkit import label
from console.vendors.optional import OptionalCall
from console.vendors.parsing import build_records
from console.vendors.setster.datasets import CANCELLED
from console.vendors.setster.errors import (
    SLOT_FIELD,
    STATUS_TABLE,
    VENDOR,
    ChangeRefused,
    StatusCode,
    refused_change,
    status_code,
    unwrap,
)
from console.vendors.setster.records import (
    as_list,
    durations,
    first_of_each,
    flag,
    one,
    readable_custom_fields,
)
from console.vendors.times import in_zone, parse_vendor_time, zone

__all__ = ["SetsterClient", "SetsterSession", "envelope", "readable_custom_fields"]

PATHS = {"appointments": "/appointment", "clients": "/client", "services": "/service",
         "employees": "/employee", "locations": "/location"}
PAGED = frozenset({"appointments", "clients"})
ID_KEYS = {"clients": "client_id"}
#: What the list answer of a dataset is filtered by to find one record (setster.md:174, :221).
LIST_ID_FILTERS = {"appointments": "id", "clients": "client_id"}
APPOINTMENT_FILTERS = ("search_text", "start_date", "end_date", "status", "employee_id", "location_id",
                       "service_id", "client_email")
#: The statusCodes that are about the request, not the session: a 401/403 carrying one is no expiry.
_NOT_EXPIRY = frozenset({1, 4, 5, 6, 7, 8, 9, 10, 11})
_ALL = ("appointments", "clients", "services", "employees", "locations")

TIME_ZONES = OptionalCall(
    "time_zones", "Time zone names",
    "times are read in the account's GMT offset and locations show no time zone (choose the account's "
    "Time zone in its settings to read them in a named zone)",
    ("appointments", "clients", "locations"), "setster.md:230 [L] GET /tz/list")
ACCOUNT = OptionalCall(
    "account", "Account details",
    "times are read in the main location's time zone unless the account's Time zone setting names one",
    ("appointments", "clients"), "setster.md:106 [L] GET /account")
SERVICE_NAMES = OptionalCall(
    "service_names", "Service names",
    "appointments show a service name only when Setster puts it in the appointment",
    ("appointments",), "setster.md:135 GET /service (enrichment of appointments)")
EMPLOYEE_NAMES = OptionalCall(
    "employee_names", "Staff names", "appointments show no staff name",
    ("appointments",), "setster.md:124 GET /employee (enrichment of appointments)")
LOCATION_NAMES = OptionalCall(
    "location_names", "Location names",
    "appointments show a location name only when Setster puts it in the appointment, and their times "
    "are read in the account's time zone",
    ("appointments",), "setster.md:114 GET /location (enrichment of appointments)")
SINGLE_GET = OptionalCall(
    "single_get", "Reading a record by its id", "a record is read again through its list",
    _ALL, "setster.md:83, 187, 222 [L] GET /<resource>/{id}")
#: The calls that name things in appointments (dataset -> optional call).
NAME_CALLS = {"services": SERVICE_NAMES, "employees": EMPLOYEE_NAMES, "locations": LOCATION_NAMES}


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


class SetsterClient(VendorClient):
    """The Setster Scheduling API v2 (``shared/vendors/setster.md``)."""

    optional_calls = (TIME_ZONES, ACCOUNT, SERVICE_NAMES, EMPLOYEE_NAMES, LOCATION_NAMES, SINGLE_GET)

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        self.session = SetsterSession(context.fields.get("email", ""), context.secrets.get("api_key", ""))
        defaults = {option.key: option.default for option in spec.options}
        self.body_style = str(context.options.get("body") or defaults.get("body", "form_data"))
        self.zone_override = str(context.options.get("timezone", "") or "")
        http = context.http(spec, headers={"Accept": "application/json"}, session=self.session)
        super().__init__(spec, http)
        self._lookups: dict[str, dict[str, dict[str, Any]]] | None = None
        self._context_lock = asyncio.Lock()
        self._zones: dict[str, str] = {}
        self.company_zone: dt.tzinfo = dt.UTC

    # -- context: zones and names (optional calls) ----------------------------------------------

    async def _context(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Loads (once) the zone list, the account's zone and the small lists used to name things.

        Every one of these calls is optional (the package docstring): one the server does not offer
        leaves its part out, is not asked again, and the lists say so.
        """
        if self._lookups is None:
            async with self._context_lock:  # lists loading side by side share one round of these calls
                if self._lookups is None:
                    self._lookups = await self._load_context()
        return self._lookups

    async def _load_context(self) -> dict[str, dict[str, dict[str, Any]]]:
        no_zones: dict[str, str] = {}
        no_account: dict[str, Any] = {}
        self._zones = await self.optional.run(TIME_ZONES, self._fetch_zones, no_zones)
        account = await self.optional.run(ACCOUNT, self._fetch_account, no_account)
        lookups: dict[str, dict[str, dict[str, Any]]] = {}
        for dataset, call in NAME_CALLS.items():
            no_names: dict[str, dict[str, Any]] = {}
            lookups[dataset] = await self.optional.run(call, functools.partial(self._fetch_named, dataset), no_names)
        self.company_zone = self._company_zone(account, lookups["locations"])
        return lookups

    async def _fetch_zones(self) -> dict[str, str]:
        zones = await self.http.call("GET", "/tz/list", parse=envelope, auth_required=False)
        if not isinstance(zones, dict):
            raise BadResponse(VENDOR, "the time zone list is not an object")
        return {str(k): str(v.get("dbName") or "") for k, v in zones.items() if isinstance(v, dict)}

    async def _fetch_account(self) -> dict[str, Any]:
        account = await self.http.call("GET", "/account", parse=envelope)
        return one(account, "account") if account else {}

    async def _fetch_named(self, dataset: str) -> dict[str, dict[str, Any]]:
        items = as_list(await self.http.call("GET", PATHS[dataset], parse=envelope), dataset)
        return {str(item.get("id")): item for item in items}

    def _company_zone(self, account: Mapping[str, Any], locations: Mapping[str, Mapping[str, Any]]) -> dt.tzinfo:
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
        # Without the account: the main location's zone (then any location's), when the zones are named.
        for location in sorted(locations.values(), key=lambda x: not flag(x.get("is_main"))):
            name = self._zones.get(str(location.get("timezone_id", "")))
            if name:
                return zone(name)
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

    def _stamp(self, value: Any) -> dt.datetime | None:
        """A record's own date-time (``created_at``...): local to the company, or ISO UTC with ``Z``.

        Either way it is shown in the company's zone (published-samples.md:53).
        """
        return in_zone(parse_vendor_time(value, self.company_zone), self.company_zone)

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
            derived.update(durations(dataset, item))  # "length" 1800000 (ms) is 30 min
            derived["created"] = self._stamp(item.get("created_at"))
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
            derived["last_app"] = self._stamp(item.get("last_app_date"))
            derived["created"] = self._stamp(item.get("date_created"))
        elif dataset == "services":
            derived["auto_confirm"] = flag(item.get("auto_confirm"))
            derived.update(durations(dataset, item))
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
            items = as_list(await self.http.call("GET", path, params=params, parse=envelope), dataset)
            return self._page(await build_records(build, items), None, False, len(items))
        start = int(cursor or 0)
        params.update({"start": start, "end": start + limit})
        items = as_list(await self.http.call("GET", path, params=params, parse=envelope), dataset)
        more = len(items) >= limit  # the answer's own length: records sharing an id still took a place
        return self._page(await build_records(build, items), start + len(items) if more else None, more, None)

    @staticmethod
    def _page(records: list[Record], cursor: Cursor, more: bool, total: int | None) -> Page[Record]:
        kept, left_out = first_of_each(records)
        if not left_out:
            return Page(records, cursor, more, total)
        log.http.info("Setster: %d records of one answer shared an id with an earlier one; kept the first",
                      left_out)
        return Page(kept, cursor, more, total if total is None else len(kept), duplicates=left_out)

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One record (Setster answers a list of one); through its list when the server has no single GET."""
        path = f"{self._path(dataset)}/{record_id}"
        lookups = await self._context()

        async def fetch() -> dict[str, Any] | NotFound | None:
            try:
                return one(await self.http.call("GET", path, parse=envelope), dataset)
            except NotFound as exc:
                if (exc.vendor_code or "").startswith("7"):  # Setster's own NOT_FOUND: the endpoint exists
                    return exc
                raise

        found = await self.optional.run(SINGLE_GET, fetch, None)
        if isinstance(found, NotFound):
            raise found
        if found is None:
            found = await self._find_in_list(dataset, record_id)
        return self._record(dataset, found, lookups)

    async def _find_in_list(self, dataset: str, record_id: str) -> dict[str, Any]:
        """The record from its list (filtered by id where the list has that filter)."""
        key = ID_KEYS.get(dataset, "id")
        params = {LIST_ID_FILTERS[dataset]: record_id} if dataset in LIST_ID_FILTERS else {}
        items = as_list(await self.http.call("GET", self._path(dataset), params=params, parse=envelope), dataset)
        for item in items:
            if str(item.get(key)) == record_id:
                return item
        message = STATUS_TABLE[StatusCode.NOT_FOUND].message
        raise NotFound(VENDOR, f"{dataset} {record_id} not found", user_message=message,
                       vendor_code=label(StatusCode.NOT_FOUND))

    # -- writing --------------------------------------------------------------------------------

    def _body(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The request body in the account's chosen encoding (``json_body=`` or ``data=`` kwargs)."""
        if self.body_style == "json":
            return {"json_body": payload}
        if self.body_style == "json_data":
            return {"json_body": {"data": payload}}
        if self.body_style == "form":
            return {"data": {k: "" if v is None else str(v) for k, v in payload.items()}}
        # form_data, the default: one form field "data" holding the JSON (published-samples.md:51).
        return {"data": {"data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}}

    async def _write(self, method: str, path: str, payload: dict[str, Any], dataset: str,
                     params: Mapping[str, Any] | None = None, *, booking: Mapping[str, Any] | None = None,
                     action: str | None = None) -> Record:
        """Sends a write and reads the record it answers.

        Args:
            method: HTTP method.
            path: Vendor path.
            payload: The fields to send (``company_id`` is added).
            dataset: Whose record the answer is.
            params: Query parameters.
            booking: For a booking or a reschedule, the service, location, provider and ``start_date``:
                a refusal is then checked against the free times of that day.
            action: What the PUT is for (``RESCHEDULE``, ``CANCEL``), for the refusal's words.
        """
        lookups = await self._context()
        payload = {"company_id": self.session.company_id, **payload}
        try:
            data = await self.http.call(method, path, params=params, parse=envelope, **self._body(payload))
        except ChangeRefused as refused:
            if action is not None:
                refused = refused_change(action, path, preview=refused.body)
            if booking is None:
                raise refused from None
            raise await self._refused_booking(refused, booking) from None
        return self._record(dataset, one(data, dataset), lookups)

    async def _refused_booking(self, refused: ChangeRefused, booking: Mapping[str, Any]) -> Conflict:
        """A refused booking, said on its time field: "just taken" when the time is no longer free."""
        start = str(booking.get("start_date") or "")
        message = refused.user_message
        on_field = ChangeRefused(VENDOR, refused.message, user_message=message, status=refused.status,
                                 vendor_code=refused.vendor_code, body=refused.body,
                                 fields={SLOT_FIELD: [f"{message.text} {message.next_step}"]})
        try:
            day = dt.date.fromisoformat(start[:10])
            free = await self.slots("appointments", SLOT_FIELD, booking, day)
        except (ValueError, ConsoleError):
            return on_field
        if any(slot.value[:16] == start[:16] for slot in free):
            return on_field  # still offered: the account's rules refused it, not the calendar
        taken = UserMessage("Time no longer free",
                            "Setster refused the booking, and that time is no longer among its free times: "
                            "it was just taken, or it cannot be booked.",
                            "Pick another time from the list.", Severity.WARNING)
        return SlotUnavailable(VENDOR, refused.message, user_message=taken, status=refused.status,
                               vendor_code=refused.vendor_code, body=refused.body,
                               fields={SLOT_FIELD: [f"{taken.text} {taken.next_step}"]})

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Books an appointment or adds a client."""
        clean = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
        if dataset == "appointments":
            payload = {k: clean[k] for k in ("service_id", "employee_id", "location_id", "client_name",
                                             "client_email", "client_phone", "start_date", "note")
                       if clean.get(k)}
            return WriteResult(await self._write("POST", "/appointment", payload, dataset, booking=payload))
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
                                                 params={"id": record.id}, action="CANCEL"))
        if dataset == "appointments" and action == "reschedule":
            start = str(values.get("start_date") or "").strip()
            if not start:
                raise ValidationError(VENDOR, "no time chosen", fields={"start_date": ["Pick a new time."]})
            where = {k: "" if record.fields.get(k) is None else str(record.fields.get(k))
                     for k in ("service_id", "location_id", "employee_id")}
            return WriteResult(await self._write("PUT", path, {"start_date": start}, dataset,
                                                 params={"id": record.id}, booking={**where, "start_date": start},
                                                 action="RESCHEDULE"))
        raise self._unsupported(dataset, action)

    @staticmethod
    def _path(dataset: str) -> str:
        try:
            return PATHS[dataset]
        except KeyError:
            raise BadResponse(VENDOR, f"unknown dataset {dataset}") from None
