"""A fake Setster API v2 (``shared/vendors/setster.md``, "Emulator contract"; ``published-samples.md``).

Served under ``/api/v2``. Sessions come from ``POST /account/authenticate?email=&token=``; every other
call needs ``session_token`` in the query (``/tz/*`` is public). Answers are the envelope
``{"statusCode", "<description key>", "data"}``; single GETs answer a list of one. Bodies are
accepted as flat JSON, ``{"data": {...}}`` JSON, flat form fields or a form field ``data`` holding
JSON (setster.md:35). Appointment times are local to the location's zone, without offset. The data
and the booking rules are :mod:`console.vendors.setster.emulator_data`'s.

What Setster's own published bodies show (published-samples.md:37-58), answered by default so the
suite holds the client to them:

* success is ``statusCode: null`` and the description key is ``statusDescriptions`` (:43);
* ids are JSON integers (:41) in list answers and the login answer; single GETs and write answers
  keep string ids (setster.md:88 [C]), so the client meets both;
* ``created_at``/``last_updated``/``date_created``/``last_app_date`` are ISO UTC with milliseconds and
  ``Z`` (:53) in list and write answers; single GETs give ``created_at`` with an offset and
  ``start_date`` as ``YYYY-MM-DD HH:MM`` (setster.md:90), lists ``YYYY-MM-DD HH:MM:SS``;
* a booking refused because its time is not free is HTTP 403 with
  ``{"statusCode": null, "statusDescriptions": "OK", "data": {}}`` (:44), the same body for the retry
  after a new login;
* a wrong API key is HTTP 401 with ``statusCode: 3``, "Account is not active" (:49).

Knobs for tests and the demo (each is an unknown in the sources, so each is configurable):
``description_key`` (``statusDescriptions``/``statusDescription``/``description``), ``paging``
(``offset_count``: ``end`` is a count; ``start_end``: ``end`` is an end index), ``expired_status``
(403 as documented, or 401 as seen in old client code), ``not_found_http`` (200 with statusCode 7),
``integer_ids`` (``lists``, ``all`` or ``none``), ``refusal`` (``published``, or ``coded``: 403 with
``statusCode`` 9/10 as setster.md:268 guessed), ``wrong_key_code`` (3 published, 2 the older guess),
``duplicate_ids`` (that many records after the first of each list answer carry the first's id, as in
the published collection, :40), :meth:`expire_sessions`, the login counter :attr:`logins`, and
:attr:`optional_endpoints` (``False``: the [L] endpoints of :attr:`optional_routes` answer 404).

``custom_fields`` is a JSON string in lists (setster.md:94 [C]) and an object in single GETs.
Not emulated: custom field definitions, webhooks (``/subscribe``), location/employee/service writes,
holidays.
"""

from __future__ import annotations

import datetime as dt
import json
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

from console.vendors.emulation import EmulatorBase, OptionalRoute, phone_matches
from console.vendors.setster.emulator_data import (
    COMPANY_ZONE,
    FULL,
    STEP_MINUTES,
    TZ_LIST,
    Failure,
    SetsterData,
    local_text,
)

Handler = Callable[[Request], Awaitable[Response]]
EMAIL_CHARS = set(string.ascii_letters + string.digits + "._%+-@")
DEMO_OWNER = "owner@brightsmiles.example"
#: Keys that hold ids; published bodies give them as JSON integers (published-samples.md:41).
ID_FIELDS = ("id", "client_id", "company_id", "service_id", "employee_id", "location_id", "timezone_id")
#: Date-times that published bodies give as ISO UTC with milliseconds and ``Z`` (published-samples.md:53).
STAMP_FIELDS = ("created_at", "last_updated", "date_created", "last_app_date")


def integer_ids(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its digit-only ids as JSON integers (published-samples.md:41)."""
    return {k: int(v) if k in ID_FIELDS and isinstance(v, str) and v.isdigit() else v for k, v in item.items()}


def utc_stamp(local: Any, zone: ZoneInfo, salt: int) -> Any:
    """A stored local time as ``2012-03-18T02:48:03.798Z`` (published-samples.md:53); others unchanged.

    The milliseconds come from ``salt`` (the record's id): stored times have none, published ones do.
    """
    if not isinstance(local, str):
        return local
    try:
        moment = dt.datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(dt.UTC)  # FULL is ISO-shaped
    except ValueError:
        return local
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{salt % 1000:03d}Z"


class SetsterEmulator(EmulatorBase, SetsterData):
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
        integer_ids: Which answers carry ids as JSON integers: ``lists`` (and the login), ``all``, ``none``.
        refusal: How a booking whose time is not free is refused: ``published`` (403, ``statusCode``
            null, "OK") or ``coded`` (403, ``statusCode`` 9 or 10).
        wrong_key_code: The ``statusCode`` of a refused login (3 published, 2).
        duplicate_ids: In every list answer, that many records after the first carry the first's id.
        today: The day the data is centred on (default: today in New York).
    """

    base_path = "/api/v2"
    #: The [L] endpoints the client can do without (``console.vendors.setster``'s docstring has the audit).
    optional_routes = (
        OptionalRoute(r"/api/v2/tz/list", "setster.md:230 [L] GET /tz/list (time zone names)", ("GET",)),
        OptionalRoute(r"/api/v2/account", "setster.md:106 [L] GET /account (the company's zone)", ("GET",)),
        OptionalRoute(r"/api/v2/appointment/[^/]+", "setster.md:187 [L] GET /appointment/{id}", ("GET",)),
        OptionalRoute(r"/api/v2/client/[^/]+", "setster.md:222 [L] GET /client/{id}", ("GET",)),
        OptionalRoute(r"/api/v2/(service|employee|location)/[^/]+",
                      "setster.md:136, 125, 115 [L] GET /service|employee|location/{id}", ("GET",)),
    )

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 2000,
        clients: int | None = None,
        owners: dict[str, str] | None = None,
        description_key: str = "statusDescriptions",
        paging: str = "offset_count",
        expired_status: int = 403,
        not_found_http: int = 200,
        integer_ids: str = "lists",
        refusal: str = "published",
        wrong_key_code: int = 3,
        duplicate_ids: int = 0,
        today: dt.date | None = None,
    ) -> None:
        EmulatorBase.__init__(self)
        SetsterData.__init__(self, seed=seed, size=size, today=today,
                             client_count=clients if clients is not None else max(50, min(1500, size)))
        self.owners = dict(owners or {})
        self.description_key = description_key
        self.paging = paging
        self.expired_status = expired_status
        self.not_found_http = not_found_http
        self.integer_ids = integer_ids
        self.refusal = refusal
        self.wrong_key_code = wrong_key_code
        self.duplicate_ids = duplicate_ids
        self.sessions: dict[str, str] = {}
        self.logins = 0
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

    # -- plumbing -------------------------------------------------------------------------------

    def _envelope(self, data: Any, code: int | None = None, text: str = "OK", http: int = 200) -> JSONResponse:
        # Success is statusCode null with "OK" (published-samples.md:43).
        return JSONResponse({"statusCode": code, self.description_key: text, "data": data}, status_code=http)

    def _wrap(self, handler: Handler, *, public: bool = False) -> Handler:
        async def endpoint(request: Request) -> Response:
            if not public:
                token = request.query_params.get("session_token", "")
                if token not in self.sessions:
                    # setster.md:57 [C] expired session -> 403; the body is unknown (setster.md:279).
                    return self._envelope({}, 2, "Invalid or expired session token", self.expired_status)
            if request.method != "GET":
                self.writes.add(request.method, request.url.path)
            try:
                return await handler(request)
            except Failure as failure:
                if failure.refused_write and self.refusal == "published":
                    # published-samples.md:44: "can not be created" is 403 with statusCode null and "OK".
                    return self._envelope({}, None, "OK", 403)
                return self._envelope(None, failure.code, failure.text, failure.http)

        return endpoint

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        """Accepts the four body shapes of the sources (JSON or form; flat or under ``data``; setster.md:35)."""
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
        """``start``/``end`` paging under the configured reading (``end=all`` or ``0``: no limit; setster.md:177)."""
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

    # -- the published shapes -------------------------------------------------------------------

    def _listed(self, items: list[dict[str, Any]], id_key: str = "id") -> list[dict[str, Any]]:
        """A list answer: integer ids (published-samples.md:41) and the ``duplicate_ids`` knob (:57)."""
        if self.integer_ids != "none":
            items = [integer_ids(item) for item in items]
        if self.duplicate_ids and len(items) > 1:
            first = items[0][id_key]
            items = [items[0], *({**item, id_key: first} for item in items[1:1 + self.duplicate_ids]),
                     *items[1 + self.duplicate_ids:]]
        return items

    def _single(self, item: dict[str, Any]) -> dict[str, Any]:
        """A single or write answer: string ids (setster.md:88) unless ``integer_ids`` is ``all``."""
        return integer_ids(item) if self.integer_ids == "all" else item

    def _stamped(self, item: dict[str, Any], zone: ZoneInfo, salt: str) -> dict[str, Any]:
        """The item with its date-times as ISO UTC with milliseconds and ``Z`` (published-samples.md:53)."""
        ms = int(salt) if salt.isdigit() else 0
        return {k: utc_stamp(v, zone, ms) if k in STAMP_FIELDS else v for k, v in item.items()}

    def _appointment_out(self, appointment: dict[str, Any]) -> dict[str, Any]:
        return self._stamped(self._public(appointment), self.zone_of(appointment["location_id"]), appointment["id"])

    def _client_out(self, client: dict[str, Any]) -> dict[str, Any]:
        item = self._stamped(self._public(client), COMPANY_ZONE, client["client_id"])
        last_zone = client.get("_last_app_zone")
        if last_zone:  # the last appointment's time is local to its location
            item["last_app_date"] = utc_stamp(client.get("last_app_date"),
                                              ZoneInfo(TZ_LIST[last_zone]["dbName"]), int(client["client_id"]))
        return item

    # -- account --------------------------------------------------------------------------------

    async def authenticate(self, request: Request) -> Response:
        """POST /account/authenticate?email=&token= (setster.md:40 [C])."""
        q = request.query_params
        email, token = q.get("email", ""), q.get("token") or q.get("password") or ""
        if not email or not token:
            return self._envelope({}, 1, "email and token are required", 401)
        if self.owners.get(email) != token:
            # published-samples.md:49: a wrong key is 401, statusCode 3, "Account is not active".
            text = "Account is not active" if self.wrong_key_code == 3 else "Invalid credentials"
            return self._envelope({}, self.wrong_key_code, text, 401)
        session = "".join(secrets.choice(string.ascii_lowercase[:22] + string.digits) for _ in range(26))
        self.sessions[session] = self.company_id
        self.logins += 1
        user: dict[str, Any] = {"id": "2343", "company_id": self.company_id, "account_type": 4,
                                "enable_locations": True, "intuit_user_id": None, "nick_name": "brightsmiles",
                                "is_owner": True, "enabled": True}
        if self.integer_ids != "none":  # setster.md:48 and published-samples.md:41: integers
            user = integer_ids(user)
        return self._envelope({"user": user, "session_token": session})

    async def account(self, request: Request) -> Response:
        """GET /account (setster.md:106 [L])."""
        return self._envelope(self._single({
            "company_id": self.company_id, "name": "Bright Smiles Dental", "account_type": 4, "lang": "en",
            "enable_locations": 1, "timezone": -300, "timezone_id": "553", "max_providers": 20,
            "city": "New York", "country": "US"}))

    async def tz_list(self, request: Request) -> Response:
        """GET /tz/list (public; setster.md:230 [L])."""
        return self._envelope(TZ_LIST)

    def _lister(self, table: dict[str, dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            skip = {"session_token", "company_id", "start", "end", "statuses", "include_links"}
            filters = {k: v for k, v in request.query_params.items() if k not in skip}
            items = [x for x in table.values() if all(str(x.get(k, "")) == v for k, v in filters.items())]
            return self._envelope(self._listed(items))

        return handler

    def _getter(self, table: dict[str, dict[str, Any]]) -> Handler:
        async def handler(request: Request) -> Response:
            item = table.get(request.path_params["id"])
            if item is None:
                raise self._not_found("Record")
            return self._envelope([self._single(item)])

        return handler

    # -- availability ---------------------------------------------------------------------------

    async def availability(self, request: Request) -> Response:
        """GET /availability?service_id&start_date&t&return (times only; setster.md:142 [C])."""
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
                    self.free_times(monday + dt.timedelta(days=i), service, location, provider) for i in range(7)}
            return self._envelope({**base, "times": week})
        return self._envelope({**base, "times": self.free_times(day, service, location, provider)})

    # -- appointments ---------------------------------------------------------------------------

    def _list_form(self, appointment: dict[str, Any]) -> dict[str, Any]:
        item = self._appointment_out(appointment)
        item["custom_fields"] = json.dumps(appointment["custom_fields"])  # as real list answers carried it
        return item

    def _single_form(self, appointment: dict[str, Any]) -> dict[str, Any]:
        item = self._public(appointment)
        item["start_date"] = appointment["_start"].strftime("%Y-%m-%d %H:%M")
        item["end_date"] = appointment["_end"].strftime("%Y-%m-%d %H:%M")
        zone = self.zone_of(appointment["location_id"])
        created = dt.datetime.strptime(appointment["created_at"], FULL).replace(tzinfo=zone)
        item["created_at"] = created.isoformat()
        return self._single(item)

    async def list_appointments(self, request: Request) -> Response:
        """GET /appointment with filters, sort and start/end paging (setster.md:172-180)."""
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
        return self._envelope(self._listed([self._list_form(a) for a in self._window(request, items)]))

    def _appointment(self, request: Request) -> dict[str, Any]:
        appointment = self.appointments.get(request.path_params["id"])
        if appointment is None:
            raise self._not_found("Appointment")
        return appointment

    async def get_appointment(self, request: Request) -> Response:
        """GET /appointment/{id}: a list of one (setster.md:187 [L])."""
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

    async def create_appointment(self, request: Request) -> Response:
        """POST /appointment (setster.md:186; a time not free is refused with 403, published-samples.md:44)."""
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
        location_id, employee_id = self.place(start, service, location, employee, None)
        client = next((c for c in self.clients.values() if c["email"].lower() == email.lower()), None)
        if client is None:
            client = self.add_client({"name": str(body["client_name"]), "email": email,
                                      "phone": str(body.get("client_phone") or "")})
        status = 2 if service["auto_confirm"] == "1" else 1
        appointment = self.add_appointment(location_id, employee_id, service, client, start, status,
                                           dt.datetime.now(self.zone_of(location_id)).replace(tzinfo=None),
                                           note=str(body.get("note") or ""))
        appointment["client_name"] = str(body["client_name"])
        appointment["client_phone"] = str(body.get("client_phone") or client["phone"])
        return self._envelope(self._single(self._appointment_out(appointment)))

    async def update_appointment(self, request: Request) -> Response:
        """PUT /appointment/{id}: partial; ``status: 3`` cancels, a new ``start_date`` reschedules (setster.md:188)."""
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
            location, employee = self.place(start, service, None, employee, appointment["id"])
            minutes = int(service["duration"])
            appointment.update({"_start": start, "_end": start + dt.timedelta(minutes=minutes),
                                "start_date": local_text(start),
                                "end_date": local_text(start + dt.timedelta(minutes=minutes)),
                                "employee_id": employee, "location_id": location,
                                "location_name": self.locations[location]["name"]})
        for key in ("note", "client_name", "client_email", "client_phone"):
            if key in body:
                appointment[key] = str(body[key] or "")
        appointment["last_updated"] = local_text(dt.datetime.now(self.zone_of(appointment["location_id"])))
        return self._envelope(self._single(self._appointment_out(appointment)))

    async def delete_appointment(self, request: Request) -> Response:
        """DELETE /appointment/{id}: erases it (setster.md:189 [C])."""
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
        """GET /client with ``q``, ``email``, ``client_id`` and start/end paging (by client id; setster.md:221)."""
        q = request.query_params
        items = list(self.clients.values())
        if q.get("client_id"):
            items = [c for c in items if c["client_id"] == q["client_id"]]
        if q.get("email"):
            items = [c for c in items if c["email"].lower() == q["email"].lower()]
        if q.get("q"):
            needle = q["q"].lower()
            items = [c for c in items if needle in c["name"].lower() or needle in c["email"].lower()
                     or phone_matches(c["phone"], needle)]
        return self._envelope(self._listed([self._client_out(c) for c in self._window(request, items)],
                                           "client_id"))

    async def get_client(self, request: Request) -> Response:
        """GET /client/{id}: a list of one (setster.md:222 [L])."""
        return self._envelope([self._single(self._public(self._client(request)))])

    def _check_client(self, body: dict[str, Any], current: str | None) -> None:
        email = str(body.get("email", "")).strip()
        if email and ("@" not in email or not set(email) <= EMAIL_CHARS):
            raise Failure(1, "email is not a valid email address")
        if email and any(c["email"].lower() == email.lower() and c["client_id"] != current
                         for c in self.clients.values()):
            raise Failure(5, "A client with this email already exists")

    async def create_client(self, request: Request) -> Response:
        """POST /client: name and email required (setster.md:222 [L])."""
        body = await self._body(request)
        if not str(body.get("name") or "").strip() or not str(body.get("email") or "").strip():
            raise Failure(1, "name and email are required")
        self._check_client(body, None)
        fields = ("name", "email", "phone", "address", "city", "state", "zip", "country", "notes")
        client = self.add_client({k: str(body[k]).strip() for k in fields if k in body})
        return self._envelope(self._single(self._client_out(client)))

    async def update_client(self, request: Request) -> Response:
        """PUT /client/{id} (setster.md:222 [L])."""
        client = self._client(request)
        body = await self._body(request)
        if "name" in body and not str(body["name"] or "").strip():
            raise Failure(1, "name is required")
        self._check_client(body, client["client_id"])
        for key in ("name", "email", "phone", "address", "city", "state", "zip", "country", "notes"):
            if key in body:
                client[key] = str(body[key] or "").strip()
        return self._envelope(self._single(self._client_out(client)))

    async def delete_client(self, request: Request) -> Response:
        """DELETE /client/{id} (setster.md:222 [L])."""
        client = self._client(request)
        del self.clients[client["client_id"]]
        return self._envelope(None)
