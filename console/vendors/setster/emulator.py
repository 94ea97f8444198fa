"""A fake Setster API v2 (``shared/vendors/setster.md``, "Emulator contract").

Served under ``/api/v2``. Sessions come from ``POST /account/authenticate?email=&token=``; every other
call needs ``session_token`` in the query (``/tz/*`` is public). Answers are the envelope
``{"statusCode", "<description key>", "data"}`` with string ids; single GETs answer a list of one.
Bodies are accepted as flat JSON, ``{"data": {...}}`` JSON, flat form fields or a form field ``data``
holding JSON. Appointment times are local to the location's zone, without offset.

Knobs for tests and the demo (each is an unknown in the sources, so each is configurable):
``description_key`` (``statusDescription``/``statusDescriptions``/``description``), ``paging``
(``offset_count``: ``end`` is a count; ``start_end``: ``end`` is an end index), ``expired_status``
(403 as documented, or 401 as seen in old client code), ``not_found_http`` (200 with statusCode 7),
:meth:`expire_sessions`, and the login counter :attr:`logins`.

Date formats vary on purpose, as the vendor warns: lists give ``YYYY-MM-DD HH:MM:SS`` and
``custom_fields`` as a JSON string; single GETs give ``YYYY-MM-DD HH:MM``, ``created_at`` with an
offset, and ``custom_fields`` as an object. Not emulated: custom field definitions, webhooks
(``/subscribe``), location/employee/service writes, holidays.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import string
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, format_phone, people, phone_matches

Handler = Callable[[Request], Awaitable[Response]]
EMAIL_CHARS = set(string.ascii_letters + string.digits + "._%+-@")
TZ_LIST = {
    "553": {"gmt": "GMT -05:00", "caption": "(GMT -05:00) Eastern Time (US & Canada)", "dbName": "America/New_York",
            "short": "EST", "friendly": "Eastern Time"},
    "540": {"gmt": "GMT -06:00", "caption": "(GMT -06:00) Central Time (US & Canada)", "dbName": "America/Chicago",
            "short": "CST", "friendly": "Central Time"},
    "571": {"gmt": "GMT -08:00", "caption": "(GMT -08:00) Pacific Time (US & Canada)",
            "dbName": "America/Los_Angeles", "short": "PST", "friendly": "Pacific Time"},
    "600": {"gmt": "GMT +00:00", "caption": "(GMT +00:00) London", "dbName": "Europe/London", "short": "GMT",
            "friendly": "London"},
}
LOCATIONS = (
    ("101", "Downtown", "12 Main St", "New York", "NY", "10001", "553"),
    ("102", "Uptown", "880 Lexington Ave", "New York", "NY", "10065", "553"),
    ("103", "Lakeside", "233 S Wacker Dr", "Chicago", "IL", "60606", "540"),
)
STAFF = (
    ("201", "Maya", "Patel", "Dentist", "101"), ("202", "Tom", "Okafor", "Hygienist", "101"),
    ("203", "Lena", "Fischer", "Dentist", "102"), ("204", "Diego", "Santos", "Hygienist", "102"),
    ("205", "Grace", "Kim", "Orthodontist", "101"), ("206", "Omar", "Haddad", "Dentist", "103"),
    ("207", "Ruth", "Nowak", "Hygienist", "103"), ("208", "Sam", "Walsh", "Dentist", "102"),
)
SERVICES = (
    ("301", "Check-up", 30, "45.00", 1), ("302", "Cleaning", 45, "90.00", 1), ("303", "Whitening", 60, "250.00", 0),
    ("304", "Filling", 60, "180.00", 0), ("305", "Consultation", 30, "0.00", 1), ("306", "Root canal", 90, "900.00", 0),
)
OPEN_HOUR, CLOSE_HOUR, STEP_MINUTES = 9, 17, 30
DEMO_OWNER = "owner@brightsmiles.example"
FULL = "%Y-%m-%d %H:%M:%S"


class Failure(Exception):
    """Answered with the envelope's error form."""

    def __init__(self, code: int, text: str, http: int = 200) -> None:
        super().__init__(text)
        self.code, self.text, self.http = code, text, http


def _local(moment: dt.datetime) -> str:
    return moment.strftime(FULL)


class SetsterEmulator(EmulatorBase):
    """The emulator: an ASGI app, its data, and its knobs.

    Args:
        seed: Seed of the generated data.
        size: Number of appointments (spread over +-60 days around ``today``).
        clients: Number of clients.
        owners: ``{owner email: API key}`` accepted by the login.
        description_key: Spelling of the envelope's description key.
        paging: ``offset_count`` or ``start_end`` (the two readings of ``start``/``end``).
        expired_status: HTTP status for an unknown or expired session (403 or 401).
        not_found_http: HTTP status that goes with ``statusCode`` 7.
        today: The day the data is centred on (default: today in New York).
    """

    base_path = "/api/v2"

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 2000,
        clients: int | None = None,
        owners: dict[str, str] | None = None,
        description_key: str = "statusDescription",
        paging: str = "offset_count",
        expired_status: int = 403,
        not_found_http: int = 200,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.owners = dict(owners or {})
        self.description_key = description_key
        self.paging = paging
        self.expired_status = expired_status
        self.not_found_http = not_found_http
        self.company_id = "2423"
        self.sessions: dict[str, str] = {}
        self.logins = 0
        self.locations = {
            lid: {"id": lid, "name": name, "company_id": self.company_id, "street1": street, "street2": "",
                  "city": city, "state": state, "zip": zip_code, "country": "US", "timezone_id": tz,
                  "is_main": "1" if lid == "101" else "0", "virtual": "0", "phone": "", "email": ""}
            for lid, name, street, city, state, zip_code, tz in LOCATIONS
        }
        self.employees = {
            eid: {"id": eid, "company_id": self.company_id, "first_name": first, "last_name": last, "job": job,
                  "email": f"{first.lower()}.{last.lower()}@brightsmiles.example", "phone": "", "status": "1",
                  "location_id": loc}
            for eid, first, last, job, loc in STAFF
        }
        self.services = {
            sid: {"id": sid, "company_id": self.company_id, "name": name, "duration": str(minutes),
                  "price": price, "auto_confirm": str(auto), "description": f"{name} ({minutes} min)",
                  "status": "1", "max_clients": "1"}
            for sid, name, minutes, price, auto in SERVICES
        }
        self.clients: dict[str, dict[str, Any]] = {}
        self.appointments: dict[str, dict[str, Any]] = {}
        self._next_client = 5001
        self._next_appointment = 70001
        ny = ZoneInfo("America/New_York")
        self.today = today or dt.datetime.now(ny).date()
        self._seed(seed, size, clients if clients is not None else max(50, min(1500, size)))
        routes = [
            Route("/api/v2/account/authenticate", self._wrap(self.authenticate, public=True), methods=["POST"]),
            Route("/api/v2/account", self._wrap(self.account), methods=["GET"]),
            Route("/api/v2/tz/list", self._wrap(self.tz_list, public=True), methods=["GET"]),
            Route("/api/v2/location", self._wrap(self._lister(self.locations)), methods=["GET"]),
            Route("/api/v2/employee", self._wrap(self._lister(self.employees)), methods=["GET"]),
            Route("/api/v2/service", self._wrap(self._lister(self.services)), methods=["GET"]),
            Route("/api/v2/location/{id}", self._wrap(self._getter(self.locations)), methods=["GET"]),
            Route("/api/v2/employee/{id}", self._wrap(self._getter(self.employees)), methods=["GET"]),
            Route("/api/v2/service/{id}", self._wrap(self._getter(self.services)), methods=["GET"]),
            Route("/api/v2/availability", self._wrap(self.availability), methods=["GET"]),
            Route("/api/v2/appointment", self._wrap(self.list_appointments), methods=["GET"]),
            Route("/api/v2/appointment", self._wrap(self.create_appointment), methods=["POST"]),
            Route("/api/v2/appointment/{id}", self._wrap(self.get_appointment), methods=["GET"]),
            Route("/api/v2/appointment/{id}", self._wrap(self.update_appointment), methods=["PUT"]),
            Route("/api/v2/appointment/{id}", self._wrap(self.delete_appointment), methods=["DELETE"]),
            Route("/api/v2/client", self._wrap(self.list_clients), methods=["GET"]),
            Route("/api/v2/client", self._wrap(self.create_client), methods=["POST"]),
            Route("/api/v2/client/{id}", self._wrap(self.get_client), methods=["GET"]),
            Route("/api/v2/client/{id}", self._wrap(self.update_client), methods=["PUT"]),
            Route("/api/v2/client/{id}", self._wrap(self.delete_client), methods=["DELETE"]),
        ]
        self.app = Starlette(routes=routes)


    # -- knobs ----------------------------------------------------------------------------------


    def expire_sessions(self) -> None:
        """Ends every session now (the next call gets the expiry answer)."""
        self.sessions.clear()

    def appointment_ids(self) -> list[str]:
        """Every appointment id in the default order (start time, ascending)."""
        return [a["id"] for a in sorted(self.appointments.values(), key=lambda a: (a["_start"], a["id"]))]

    # -- seeding --------------------------------------------------------------------------------

    def _zone(self, location_id: str) -> ZoneInfo:
        return ZoneInfo(TZ_LIST[self.locations[location_id]["timezone_id"]]["dbName"])

    def _seed(self, seed: int, size: int, client_count: int) -> None:
        rng = random.Random(seed * 31 + 5)
        for person in people(seed, client_count):
            since = self.today - dt.timedelta(days=rng.randint(30, 900))
            self._add_client({
                "name": person.full_name, "email": person.email, "phone": format_phone(person, "national"),
                "address": f"{rng.randint(1, 999)} {rng.choice(('Oak', 'Pine', 'Maple', 'Elm'))} St",
                "city": person.city, "state": "", "zip": person.postcode, "country": person.country,
                "date_created": f"{since:%Y-%m-%d} 10:00:00", "notes": "",
            })
        client_ids = list(self.clients)
        staff = list(self.employees.values())
        services = list(self.services.values())
        attempts = 0
        # Who is busy when, per employee and day: seeding checks here, not through every appointment.
        busy: dict[tuple[str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}
        while len(self.appointments) < size and attempts < size * 30:
            attempts += 1
            day = self.today + dt.timedelta(days=rng.randint(-60, 60))
            if day.weekday() == 6:
                continue
            employee = rng.choice(staff)
            service = rng.choice(services)
            minutes = int(service["duration"])
            last_start = (CLOSE_HOUR - OPEN_HOUR) * 60 - minutes
            offset = rng.randrange(0, last_start + 1, STEP_MINUTES)
            start = dt.datetime.combine(day, dt.time(OPEN_HOUR)) + dt.timedelta(minutes=offset)
            end = start + dt.timedelta(minutes=minutes)
            taken = busy.setdefault((employee["id"], day), [])
            if any(other_start < end and start < other_end for other_start, other_end in taken):
                continue
            client = self.clients[rng.choice(client_ids)]
            weights = ((8, 9, 3), (70, 10, 20)) if day < self.today else ((2, 1, 0, 3), (60, 20, 10, 10))
            status = rng.choices(*weights)[0]
            created = start - dt.timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
            custom = {"1": ["none" if rng.random() < 0.7 else "penicillin", "Allergies"],
                      "2": ["yes" if rng.random() < 0.2 else "no", "First visit"]}
            self._add_appointment(employee["location_id"], employee["id"], service, client, start, status,
                                  created, note=rng.choice(("", "", "Prefers mornings", "Anxious patient",
                                                            "Bring X-rays")), custom=custom)
            if status != 3:  # a cancelled appointment leaves its time free
                taken.append((start, end))

    def _add_client(self, values: dict[str, Any]) -> dict[str, Any]:
        client_id = str(self._next_client)
        self._next_client += 1
        client = {"client_id": client_id, "company_id": self.company_id, "employee_id": "", "email": "",
                  "name": "", "phone": "", "last_app_date": None, "date_created": _local(dt.datetime.now()),
                  "notes": "", "preferences": "", "address": "", "address2": "", "city": "", "state": "",
                  "zip": "", "country": "", "gender": "", "birthday": None, "accept_emails": "1"}
        client.update(values)
        self.clients[client_id] = client
        return client

    def _add_appointment(self, location_id: str, employee_id: str, service: dict[str, Any], client: dict[str, Any],
                         start: dt.datetime, status: int, created: dt.datetime, *, note: str = "",
                         custom: dict[str, Any] | None = None) -> dict[str, Any]:
        appointment_id = str(self._next_appointment)
        self._next_appointment += 1
        minutes = int(service["duration"])
        end = start + dt.timedelta(minutes=minutes)
        appointment = {
            "id": appointment_id, "company_id": self.company_id, "client_id": client["client_id"],
            "client_email": client["email"], "client_name": client["name"], "client_phone": client["phone"],
            "client_address": client.get("address", ""), "employee_id": employee_id, "location_id": location_id,
            "location_name": self.locations[location_id]["name"], "service_id": service["id"],
            "type": service["name"], "start_date": _local(start), "end_date": _local(end),
            "length": str(minutes * 60_000), "duration": str(minutes), "duration_padding": "0",
            "note": note, "status": str(status), "paid": "0", "price": service["price"], "ews_id": "",
            "created_at": _local(created), "last_updated": _local(created),
            "custom_fields": custom or {}, "timezone_id": self.locations[location_id]["timezone_id"],
            "_start": start, "_end": end,
        }
        self.appointments[appointment_id] = appointment
        last = client.get("last_app_date")
        if last is None or str(last) < appointment["start_date"]:
            client["last_app_date"] = appointment["start_date"]
        return appointment

    def _free(self, employee_id: str, start: dt.datetime, minutes: int, ignore: str | None) -> bool:
        end = start + dt.timedelta(minutes=minutes)
        for other in self.appointments.values():
            if (other["employee_id"] == employee_id and other["id"] != ignore and other["status"] != "3"
                    and other["_start"] < end and start < other["_end"]):
                return False
        return True

    def _bookable(self, location_id: str, start: dt.datetime, minutes: int) -> bool:
        if start.weekday() == 6:
            return False
        opening = dt.datetime.combine(start.date(), dt.time(OPEN_HOUR))
        closing = dt.datetime.combine(start.date(), dt.time(CLOSE_HOUR))
        now_local = dt.datetime.now(self._zone(location_id)).replace(tzinfo=None)
        return opening <= start and start + dt.timedelta(minutes=minutes) <= closing and start > now_local

    # -- plumbing -------------------------------------------------------------------------------

    def _envelope(self, data: Any, code: int = 0, text: str = "OK", http: int = 200) -> JSONResponse:
        return JSONResponse({"statusCode": code, self.description_key: text, "data": data}, status_code=http)

    def _wrap(self, handler: Handler, *, public: bool = False) -> Handler:
        async def endpoint(request: Request) -> Response:
            if not public:
                token = request.query_params.get("session_token", "")
                if token not in self.sessions:
                    return self._envelope({}, 2, "Invalid or expired session token", self.expired_status)
            if request.method != "GET":
                self.writes.add(request.method, request.url.path)
            try:
                return await handler(request)
            except Failure as failure:
                return self._envelope(None, failure.code, failure.text, failure.http)

        return endpoint

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        """Accepts the four body shapes of the sources (JSON or form; flat or under ``data``)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body: Any
        raw = await request.body()
        if ctype == "application/x-www-form-urlencoded":
            body = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            if not raw.strip():
                return {}
            try:
                body = json.loads(raw)
            except (ValueError, RecursionError):
                raise Failure(1, "The body is not valid JSON.", 400) from None
        if isinstance(body, dict) and "data" in body:
            inner = body["data"]
            if isinstance(inner, str):
                try:
                    inner = json.loads(inner)
                except ValueError:
                    raise Failure(1, "'data' is not valid JSON.", 400) from None
            body = inner
        if not isinstance(body, dict):
            raise Failure(1, "The body must be an object.", 400)
        return body

    def _window(self, request: Request, items: list[Any]) -> list[Any]:
        """``start``/``end`` paging under the configured reading (``end=all`` or ``0``: no limit)."""
        q = request.query_params
        try:
            start = max(0, int(q.get("start", "0") or 0))
        except ValueError:
            raise Failure(1, "start must be a number") from None
        raw_end = q.get("end", "100")
        if raw_end in ("all", "0", ""):
            return items[start:]
        try:
            end = int(raw_end)
        except ValueError:
            raise Failure(1, "end must be a number or 'all'") from None
        if self.paging == "start_end":
            return items[start:end]
        return items[start:start + end]

    def _not_found(self, what: str) -> Failure:
        return Failure(7, f"{what} not found", self.not_found_http)

    @staticmethod
    def _public(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if not k.startswith("_")}

    # -- account --------------------------------------------------------------------------------

    async def authenticate(self, request: Request) -> Response:
        """POST /account/authenticate?email=&token=."""
        q = request.query_params
        email, token = q.get("email", ""), q.get("token") or q.get("password") or ""
        if not email or not token:
            return self._envelope({}, 1, "email and token are required", 401)
        if self.owners.get(email) != token:
            return self._envelope({}, 2, "Invalid credentials", 401)
        session = "".join(secrets.choice(string.ascii_lowercase[:22] + string.digits) for _ in range(26))
        self.sessions[session] = self.company_id
        self.logins += 1
        user = {"id": "2343", "company_id": self.company_id, "account_type": 4, "enable_locations": True,
                "intuit_user_id": None, "nick_name": "brightsmiles", "is_owner": True, "enabled": True}
        return self._envelope({"user": user, "session_token": session})

    async def account(self, request: Request) -> Response:
        """GET /account."""
        return self._envelope({"company_id": self.company_id, "name": "Bright Smiles Dental", "account_type": 4,
                               "lang": "en", "enable_locations": 1, "timezone": -300, "timezone_id": "553",
                               "max_providers": 20, "city": "New York", "country": "US"})

    async def tz_list(self, request: Request) -> Response:
        """GET /tz/list (public)."""
        return self._envelope(TZ_LIST)

    def _lister(self, table: dict[str, dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            skip = {"session_token", "company_id", "start", "end", "statuses", "include_links"}
            filters = {k: v for k, v in request.query_params.items() if k not in skip}
            items = [x for x in table.values() if all(str(x.get(k, "")) == v for k, v in filters.items())]
            return self._envelope(items)

        return handler

    def _getter(self, table: dict[str, dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            item = table.get(request.path_params["id"])
            if item is None:
                raise self._not_found("Record")
            return self._envelope([item])

        return handler

    # -- availability ---------------------------------------------------------------------------

    def _free_times(self, day: dt.date, service: dict[str, Any], location_id: str | None,
                    provider_id: str | None) -> list[str]:
        minutes = int(service["duration"])
        staff = [e for e in self.employees.values()
                 if (provider_id is None or e["id"] == provider_id)
                 and (location_id is None or e["location_id"] == location_id)]
        times = []
        for offset in range(0, (CLOSE_HOUR - OPEN_HOUR) * 60 - minutes + 1, STEP_MINUTES):
            start = dt.datetime.combine(day, dt.time(OPEN_HOUR)) + dt.timedelta(minutes=offset)
            for employee in staff:
                if (self._bookable(employee["location_id"], start, minutes)
                        and self._free(employee["id"], start, minutes, None)):
                    times.append(start.strftime("%H:%M:%S"))
                    break
        return times

    async def availability(self, request: Request) -> Response:
        """GET /availability?service_id&start_date&t&return (times only)."""
        q = request.query_params
        service = self.services.get(q.get("service_id", ""))
        if service is None:
            raise Failure(1, "service_id is required") if not q.get("service_id") else self._not_found("Service")
        try:
            year, month, day_of_month = (int(x) for x in q.get("start_date", "").split("-"))
            day = dt.date(year, month, day_of_month)
        except ValueError:
            raise Failure(1, "start_date must be YYYY-MM-DD") from None
        location = q.get("location_id") or None
        provider = q.get("provider_id") or None
        if location is not None and location not in self.locations:
            raise self._not_found("Location")
        if provider is not None and provider not in self.employees:
            raise self._not_found("Provider")
        base = {"interval": STEP_MINUTES, "boxInterval": 5, "padding": 0,
                "day": day.day, "month": day.month, "year": day.year}
        if q.get("t", "daily") == "weekly":
            monday = day - dt.timedelta(days=day.weekday())
            week = {(monday + dt.timedelta(days=i)).isoformat():
                    self._free_times(monday + dt.timedelta(days=i), service, location, provider) for i in range(7)}
            return self._envelope({**base, "times": week})
        return self._envelope({**base, "times": self._free_times(day, service, location, provider)})

    # -- appointments ---------------------------------------------------------------------------

    def _list_form(self, appointment: dict[str, Any]) -> dict[str, Any]:
        item = self._public(appointment)
        item["custom_fields"] = json.dumps(appointment["custom_fields"])  # as real list answers carried it
        return item

    def _single_form(self, appointment: dict[str, Any]) -> dict[str, Any]:
        item = self._public(appointment)
        item["start_date"] = appointment["_start"].strftime("%Y-%m-%d %H:%M")
        item["end_date"] = appointment["_end"].strftime("%Y-%m-%d %H:%M")
        zone = self._zone(appointment["location_id"])
        created = dt.datetime.strptime(appointment["created_at"], FULL).replace(tzinfo=zone)
        item["created_at"] = created.isoformat()
        return item

    async def list_appointments(self, request: Request) -> Response:
        """GET /appointment with filters, sort and start/end paging."""
        q = request.query_params
        items = list(self.appointments.values())
        for key in ("employee_id", "location_id", "service_id", "client_id", "status", "id"):
            if q.get(key):
                items = [a for a in items if a[key] == q[key]]
        if q.get("client_email"):
            wanted = q["client_email"].lower()
            items = [a for a in items if a["client_email"].lower() == wanted]
        if q.get("search_text"):
            needle = q["search_text"].lower()
            items = [a for a in items if needle in a["client_name"].lower() or needle in a["client_email"].lower()
                     or needle in a["note"].lower()]
        for key, before in (("start_date", False), ("end_date", True)):
            if q.get(key):
                try:
                    bound = dt.date.fromisoformat(q[key][:10])
                except ValueError:
                    raise Failure(1, f"{key} must be YYYY-MM-DD") from None
                items = [a for a in items if (a["_start"].date() <= bound if before else a["_start"].date() >= bound)]
        for key, after in (("created_after", True), ("updated_after", True), ("created_before", False),
                           ("updated_before", False)):
            if q.get(key):
                field = "created_at" if key.startswith("created") else "last_updated"
                items = [a for a in items if (a[field] >= q[key] if after else a[field] <= q[key])]
        sort_by = q.get("sort_by", "start_date")
        if sort_by not in ("start_date", "created"):
            raise Failure(1, "sort_by must be start_date or created")
        descending = q.get("sort_order", "asc") == "desc"
        key_name = "_start" if sort_by == "start_date" else "created_at"
        items.sort(key=lambda a: (a[key_name], int(a["id"])), reverse=descending)
        if q.get("num_results") == "1":
            return self._envelope(len(items))
        return self._envelope([self._list_form(a) for a in self._window(request, items)])

    def _appointment(self, request: Request) -> dict[str, Any]:
        appointment = self.appointments.get(request.path_params["id"])
        if appointment is None:
            raise self._not_found("Appointment")
        return appointment

    async def get_appointment(self, request: Request) -> Response:
        """GET /appointment/{id}: a list of one."""
        return self._envelope([self._single_form(self._appointment(request))])

    @staticmethod
    def _parse_start(value: Any) -> dt.datetime:
        text = str(value or "").strip()
        for fmt in (FULL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise Failure(1, "start_date must be YYYY-MM-DD HH:MM:SS")

    def _place(self, start: dt.datetime, service: dict[str, Any], location_id: str | None,
               employee_id: str | None, ignore: str | None) -> tuple[str, str]:
        """Finds (location, employee) for a booking or raises the slot failure (HTTP 403)."""
        minutes = int(service["duration"])
        staff = [e for e in self.employees.values()
                 if (employee_id is None or e["id"] == employee_id)
                 and (location_id is None or e["location_id"] == location_id)]
        if employee_id is not None and not staff:
            raise Failure(1, "The provider does not work at this location")
        bookable = [e for e in staff if self._bookable(e["location_id"], start, minutes)]
        if not bookable:
            raise Failure(9, "Slot not available", 403)
        free = [e for e in bookable if self._free(e["id"], start, minutes, ignore)]
        if not free:
            raise Failure(10, "Slot occupied", 403)
        return free[0]["location_id"], free[0]["id"]

    async def create_appointment(self, request: Request) -> Response:
        """POST /appointment."""
        body = await self._body(request)
        missing = [k for k in ("client_email", "client_name", "service_id", "start_date") if not str(body.get(k) or "")]
        if missing:
            raise Failure(1, f"Missing required parameter(s): {', '.join(missing)}")
        email = str(body["client_email"]).strip()
        if "@" not in email or not set(email) <= EMAIL_CHARS:
            raise Failure(1, "client_email is not a valid email address")
        service = self.services.get(str(body["service_id"]))
        if service is None:
            raise self._not_found("Service")
        location = str(body.get("location_id") or "") or None
        employee = str(body.get("employee_id") or "") or None
        if location is not None and location not in self.locations:
            raise self._not_found("Location")
        if employee is not None and employee not in self.employees:
            raise self._not_found("Provider")
        start = self._parse_start(body["start_date"])
        location_id, employee_id = self._place(start, service, location, employee, None)
        client = next((c for c in self.clients.values() if c["email"].lower() == email.lower()), None)
        if client is None:
            client = self._add_client({"name": str(body["client_name"]), "email": email,
                                       "phone": str(body.get("client_phone") or "")})
        status = 2 if service["auto_confirm"] == "1" else 1
        appointment = self._add_appointment(location_id, employee_id, service, client, start, status,
                                            dt.datetime.now(self._zone(location_id)).replace(tzinfo=None),
                                            note=str(body.get("note") or ""))
        appointment["client_name"] = str(body["client_name"])
        appointment["client_phone"] = str(body.get("client_phone") or client["phone"])
        return self._envelope(self._public(appointment))

    async def update_appointment(self, request: Request) -> Response:
        """PUT /appointment/{id}: partial; ``status: 3`` cancels, a new ``start_date`` reschedules."""
        appointment = self._appointment(request)
        body = await self._body(request)
        if "status" in body:
            try:
                status = int(body["status"])
            except (TypeError, ValueError):
                raise Failure(1, "status must be a number") from None
            if status not in (0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13):
                raise Failure(1, "unknown status")
            appointment["status"] = str(status)
        if body.get("start_date"):
            start = self._parse_start(body["start_date"])
            service = self.services[appointment["service_id"]]
            employee = str(body.get("employee_id") or appointment["employee_id"])
            location, employee = self._place(start, service, None, employee, appointment["id"])
            minutes = int(service["duration"])
            appointment.update({"_start": start, "_end": start + dt.timedelta(minutes=minutes),
                                "start_date": _local(start),
                                "end_date": _local(start + dt.timedelta(minutes=minutes)),
                                "employee_id": employee, "location_id": location,
                                "location_name": self.locations[location]["name"]})
        for key in ("note", "client_name", "client_email", "client_phone"):
            if key in body:
                appointment[key] = str(body[key] or "")
        appointment["last_updated"] = _local(dt.datetime.now())
        return self._envelope(self._public(appointment))

    async def delete_appointment(self, request: Request) -> Response:
        """DELETE /appointment/{id}: erases it."""
        appointment = self._appointment(request)
        del self.appointments[appointment["id"]]
        return self._envelope(None)

    # -- clients --------------------------------------------------------------------------------

    def _client(self, request: Request) -> dict[str, Any]:
        client = self.clients.get(request.path_params["id"])
        if client is None:
            raise self._not_found("Client")
        return client

    async def list_clients(self, request: Request) -> Response:
        """GET /client with ``q``, ``email`` and start/end paging (by client id)."""
        q = request.query_params
        items = list(self.clients.values())
        if q.get("email"):
            items = [c for c in items if c["email"].lower() == q["email"].lower()]
        if q.get("q"):
            needle = q["q"].lower()
            items = [c for c in items if needle in c["name"].lower() or needle in c["email"].lower()
                     or phone_matches(c["phone"], needle)]
        return self._envelope(self._window(request, items))

    async def get_client(self, request: Request) -> Response:
        """GET /client/{id}: a list of one."""
        return self._envelope([self._client(request)])

    def _check_client(self, body: dict[str, Any], current: str | None) -> None:
        email = str(body.get("email", "")).strip()
        if email and ("@" not in email or not set(email) <= EMAIL_CHARS):
            raise Failure(1, "email is not a valid email address")
        if email and any(c["email"].lower() == email.lower() and c["client_id"] != current
                         for c in self.clients.values()):
            raise Failure(5, "A client with this email already exists")

    async def create_client(self, request: Request) -> Response:
        """POST /client: name and email required."""
        body = await self._body(request)
        if not str(body.get("name") or "").strip() or not str(body.get("email") or "").strip():
            raise Failure(1, "name and email are required")
        self._check_client(body, None)
        fields = ("name", "email", "phone", "address", "city", "state", "zip", "country", "notes")
        return self._envelope(self._add_client({k: str(body[k]).strip() for k in fields if k in body}))

    async def update_client(self, request: Request) -> Response:
        """PUT /client/{id}."""
        client = self._client(request)
        body = await self._body(request)
        if "name" in body and not str(body["name"] or "").strip():
            raise Failure(1, "name is required")
        self._check_client(body, client["client_id"])
        for key in ("name", "email", "phone", "address", "city", "state", "zip", "country", "notes"):
            if key in body:
                client[key] = str(body[key] or "").strip()
        return self._envelope(client)

    async def delete_client(self, request: Request) -> Response:
        """DELETE /client/{id}."""
        client = self._client(request)
        del self.clients[client["client_id"]]
        return self._envelope(None)
