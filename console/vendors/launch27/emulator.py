"""A fake Launch27 serving both API generations over one tenant's data (``shared/vendors/launch27.md``).

* ``/api/...`` (2.0): ``X-API-Key`` on every route (406 ``{"code", "message", "errors": [...]}`` when
  missing or wrong), ``POST /api/auth``, ``X-Authentication: email:token`` on user routes (401),
  bookings with ``from``/``to``/``limit``/``offset``, ``GET/PUT/DELETE /api/bookings/{id}`` (DELETE
  needs ``cancel_late``/``cancel_recurring`` when they apply: 406 otherwise), ``POST /api/bookings``,
  ``/api/bookings/estimate``, services, frequencies, custom fields, states, ``/api/spots/{date}``;
  local times ``YYYY-MM-DDTHH:MM``, money as strings; validation 406 with ``errors`` as a field map
  or a list.
* ``/v1/...`` (current): ``POST /v1/login`` -> HS256 JWT ``bearer`` (401 wrong password; 403 after five
  failures in a minute, for five minutes); staff routes ``/v1/staff/bookings[/{id}[/cancel]]`` and
  customer routes ``/v1/customer/bookings...``; guest ``POST /v1/booking``; booking helpers
  (``/v1/settings``, ``/v1/booking/services``, ``/v1/booking/frequencies``, ``POST /v1/booking/spots``,
  ``POST /v1/booking/estimate_price``, ``/v1/policy/*``); 422 ``{field: [{type, message}]}``; UTC
  times with ``Z`` out, account-local in (seconds required); ``ratelimit-limit/remaining/reset`` on
  every answer (30 reads and 10 writes a second), 429 with ``Retry-After`` beyond.

Choices where the sources are silent: staff writes mirror the documented customer routes; the tenant
serves a fixed list of ZIP codes (others get a field error, the vendor-only validation the form shows);
a spot holds as many bookings as there are teams; a booking is "late" within 24 hours of its start;
cancelling a recurring booking without ``cancel_future`` books the next visit.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, format_phone, json_object, people, phone_matches

Handler = Callable[[Request], Awaitable[Response]]
ZONE = ZoneInfo("America/New_York")
SPOT_HOURS = (8, 9, 10, 11, 12, 13, 14, 15)
TEAMS = ({"id": 1, "name": "Team Azure"}, {"id": 2, "name": "Team Coral"}, {"id": 3, "name": "Team Moss"})
SERVED_ZIPS = ("100", "101", "102", "103", "104", "110", "112", "113", "114")
STREETS = (
    "Bleecker St",
    "Court St",
    "Bedford Ave",
    "Lenox Ave",
    "Ditmars Blvd",
    "Atlantic Ave",
    "Greene Ave",
    "W 72nd St",
    "E 10th St",
    "Franklin St",
)
CITIES = (("New York", "NY", "100"), ("Brooklyn", "NY", "112"), ("Queens", "NY", "113"), ("New York", "NY", "101"))
SERVICES = (
    (1, "one_bed", "One Bedroom Home", 119.00, 90),
    (2, "two_bed", "Two Bedroom Home", 149.00, 120),
    (3, "deep", "Deep Clean", 229.00, 180),
    (4, "move_out", "Move-out Clean", 299.00, 240),
    (5, "office", "Office Cleaning", 189.00, 150),
)
EXTRAS = (
    (1, "Inside Fridge", 30.00),
    (2, "Inside Oven", 30.00),
    (3, "Inside Cabinets", 25.00),
    (4, "Interior Windows", 40.00),
)
FREQUENCIES = (
    (1, "o", "o", "One Time", 0.0),
    (2, "w", "1w", "Weekly", 15.0),
    (3, "bw", "2w", "Every Other Week", 10.0),
    (4, "m", "4w", "Monthly", 5.0),
)
INTERVAL_DAYS = {1: 0, 2: 7, 3: 14, 4: 28}
DEMO_ADMIN = "admin@sparkleclean.example"
LATE_HOURS = 24
LOCK_FAILURES, LOCK_WINDOW, LOCK_SECONDS = 5, 60.0, 300.0


class Refused(Exception):
    """Answered as an error: ``status`` and a JSON ``body``."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _legacy_error(errors: Any, status: int = 406) -> Refused:
    return Refused(
        status, {"code": status, "message": "not acceptable" if status == 406 else "error", "errors": errors}
    )


def _v1_problem(field: str, message: str) -> dict[str, Any]:
    """One v1 422 error object (schema errors repeat the field in ``message``)."""
    kind = "string_lte" if "less than" in message else "invalid"
    return {
        "type": kind,
        "message": f"{field}: {message}" if kind != "invalid" else message,
        "description": message,
        "details": {"context": f"(root).{field}", "field": field},
    }


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class Launch27Emulator(EmulatorBase):
    """One tenant, both API generations.

    Args:
        seed: Seed of the generated data.
        size: Number of bookings (over +-60 days around ``today``).
        admins: ``{email: password}`` of admin users.
        api_keys: Accepted ``X-API-Key`` values (2.0).
        require_accept: 2.0 routes refuse requests without ``Accept: application/launch27.v2``.
        enforce_rate_limit: v1 answers 429 beyond 30 reads / 10 writes a second.
        today: The day the data is centred on.
    """

    base_path = "/v1"

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 1500,
        admins: dict[str, str] | None = None,
        api_keys: tuple[str, ...] = (),
        require_accept: bool = False,
        enforce_rate_limit: bool = True,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.admins = dict(admins or {})
        self.api_keys = set(api_keys)
        self.require_accept = require_accept
        self.enforce_rate_limit = enforce_rate_limit
        self.today = today or dt.datetime.now(ZONE).date()
        self.secret = secrets.token_bytes(32)
        self.tokens: set[str] = set()
        self.logins = 0
        self._failures: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = threading.Lock()
        self.customers: dict[int, dict[str, Any]] = {}
        self.bookings: dict[int, dict[str, Any]] = {}
        self._next_booking = 100_001
        self._seed(seed, size)
        api = [
            ("/auth", self.v2_auth, ["POST"], False),
            ("/bookings", self.v2_list, ["GET"], True),
            ("/bookings", self.v2_create, ["POST"], False),
            ("/bookings/estimate", self.v2_estimate, ["POST"], False),
            ("/bookings/{id:int}", self.v2_get, ["GET"], True),
            ("/bookings/{id:int}", self.v2_update, ["PUT"], True),
            ("/bookings/{id:int}", self.v2_cancel, ["DELETE"], True),
            ("/bookings/{id:int}/frequencies", self.v2_booking_frequencies, ["GET"], True),
            ("/services", self.v2_services, ["GET"], False),
            ("/frequencies", self.v2_frequencies, ["GET"], False),
            ("/custom_fields", self.v2_custom_fields, ["GET"], False),
            ("/states", self.v2_states, ["GET"], False),
            ("/spots/{day}", self.v2_spots, ["GET"], False),
        ]
        current = [
            ("/login", self.v1_login, ["POST"], None),
            ("/settings", self.v1_settings, ["GET"], None),
            ("/booking/services", self.v1_services, ["GET"], None),
            ("/booking/frequencies", self.v1_frequencies, ["GET"], None),
            ("/booking/custom_fields", self.v1_custom_fields, ["GET"], None),
            ("/booking/spots", self.v1_spots, ["POST"], None),
            ("/booking/estimate_price", self.v1_estimate, ["POST"], None),
            ("/booking", self.v1_create, ["POST"], None),
            ("/policy/booking", self.v1_policy_booking, ["GET"], None),
            ("/policy/cancellation", self.v1_policy_cancellation, ["GET"], "any"),
            ("/policy/reschedule", self.v1_policy_booking, ["GET"], "any"),
            ("/staff/bookings", self.v1_list, ["GET"], "staff"),
            ("/staff/bookings/{id:int}", self.v1_get, ["GET"], "staff"),
            ("/staff/bookings/{id:int}", self.v1_update, ["PUT"], "staff"),
            ("/staff/bookings/{id:int}/cancel", self.v1_cancel, ["POST"], "staff"),
            ("/customer/bookings", self.v1_list, ["GET"], "customer"),
            ("/customer/bookings/count", self.v1_count, ["GET"], "customer"),
            ("/customer/bookings/{id:int}", self.v1_get, ["GET"], "customer"),
            ("/customer/bookings/{id:int}", self.v1_update, ["PUT"], "customer"),
            ("/customer/bookings/{id:int}/cancel", self.v1_cancel, ["POST"], "customer"),
        ]
        routes = [
            Route(f"/api{path}", self._v2(handler, user), methods=methods) for path, handler, methods, user in api
        ]
        routes += [
            Route(f"/v1{path}", self._v1(handler, role), methods=methods) for path, handler, methods, role in current
        ]
        self.app = Starlette(routes=routes)


    # -- knobs ----------------------------------------------------------------------------------


    def expire_sessions(self) -> None:
        """Ends every session (2.0 tokens and v1 bearers) now."""
        self.tokens.clear()

    # -- seeding --------------------------------------------------------------------------------

    def _seed(self, seed: int, size: int) -> None:
        rng = random.Random(seed * 53 + 11)
        for person in people(seed, max(60, size // 3)):
            city, state, prefix = rng.choice(CITIES)
            self.customers[1000 + person.index] = {
                "id": 1000 + person.index,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "phone": format_phone(person, "dotted")[:20],
                "address": f"{rng.randint(1, 480)} {rng.choice(STREETS)}",
                "city": city,
                "state": state,
                "zip": f"{prefix}{rng.randint(10, 99)}",
                "password": None,
            }
        customers = list(self.customers.values())
        attempts = 0
        taken: Counter[dt.datetime] = Counter()  # active bookings per start (seeding counts here, not by scanning)
        while len(self.bookings) < size and attempts < size * 20:
            attempts += 1
            day = self.today + dt.timedelta(days=rng.randint(-60, 60))
            if day.weekday() == 6:
                continue
            start = dt.datetime.combine(day, dt.time(rng.choice(SPOT_HOURS)))
            if taken[start] >= len(TEAMS):
                continue
            customer = rng.choice(customers)
            frequency = rng.choices((1, 2, 3, 4), (70, 10, 15, 5))[0]
            past = day < self.today
            active = rng.random() > 0.08
            taken[start] += active
            self._add_booking(
                customer,
                rng.choice(SERVICES)[0],
                frequency,
                start,
                completed=active and past and rng.random() < 0.9,
                active=active,
                extras=[e[0] for e in EXTRAS if rng.random() < 0.15],
                created=start - dt.timedelta(days=rng.randint(2, 40)),
                notes=rng.choice(("", "", "Key under the mat", "Dog in the yard", "Call on arrival")),
            )

    def _add_booking(
        self,
        customer: dict[str, Any],
        service_id: int,
        frequency_id: int,
        start: dt.datetime,
        *,
        completed: bool = False,
        active: bool = True,
        extras: list[int] | None = None,
        created: dt.datetime | None = None,
        notes: str = "",
        payment: str = "cash",
        address: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        booking_id = self._next_booking
        self._next_booking += 1
        place = address or {k: customer[k] for k in ("address", "city", "state", "zip")}
        booking = {
            "id": booking_id,
            "digest": secrets.token_urlsafe(24)[:32],
            "user_id": customer["id"],
            "service_id": service_id,
            "frequency_id": frequency_id,
            "start": start,
            "arrival_window": 120,
            "phone": customer["phone"],
            "team_id": TEAMS[booking_id % len(TEAMS)]["id"],
            "completed": completed,
            "active": active,
            "payment_method": payment,
            "customer_notes": notes,
            "extras": extras or [],
            "created": (created or dt.datetime.now(ZONE).replace(tzinfo=None)).replace(tzinfo=ZONE).astimezone(dt.UTC),
            **place,
        }
        self.bookings[booking_id] = booking
        return booking

    def _spot_free(self, start: dt.datetime, ignore: int | None) -> bool:
        taken = sum(1 for b in self.bookings.values() if b["active"] and b["start"] == start and b["id"] != ignore)
        return taken < len(TEAMS)

    def _spot_open(self, start: dt.datetime) -> bool:
        return start.weekday() != 6 and start.hour in SPOT_HOURS and start.minute == 0

    # -- pricing and shapes ---------------------------------------------------------------------

    @staticmethod
    def _service(service_id: Any) -> tuple[int, str, str, float, int] | None:
        return next((s for s in SERVICES if s[0] == service_id), None)

    def _price(self, booking: dict[str, Any]) -> float:
        service = self._service(booking["service_id"])
        base = (service[3] if service else 0.0) + sum(e[2] for e in EXTRAS if e[0] in booking["extras"])
        percent = next(f[4] for f in FREQUENCIES if f[0] == booking["frequency_id"])
        return round(base * (1 - percent / 100), 2)

    def _late(self, booking: dict[str, Any]) -> bool:
        now = dt.datetime.now(ZONE).replace(tzinfo=None)
        return bool(dt.timedelta(0) <= booking["start"] - now <= dt.timedelta(hours=LATE_HOURS))

    def _legacy(self, booking: dict[str, Any]) -> dict[str, Any]:
        service = self._service(booking["service_id"])
        price = self._price(booking)
        return {
            "id": booking["id"],
            "user_id": booking["user_id"],
            "service_date": booking["start"].strftime("%Y-%m-%dT%H:%M"),
            "services": [
                {
                    "id": booking["service_id"],
                    "extras": [{"extra_id": e, "quantity": 1} for e in booking["extras"]],
                    "pricing_parameters": [],
                    "service_maids": 1,
                    "service_minutes": service[4] if service else 0,
                }
            ],
            "frequency_id": booking["frequency_id"],
            "address": booking["address"],
            "city": booking["city"],
            "state": booking["state"],
            "zip": booking["zip"],
            "phone": booking["phone"],
            "price": f"{price:.1f}",
            "final_price": f"{price:.1f}",
            "completed": booking["completed"],
            "payment_method": booking["payment_method"],
            "active": booking["active"],
            "discount_code": None,
            "customer_comments": booking["customer_notes"] or None,
            "sms_notifications": False,
            "flexibility": 0,
            "custom_fields": {},
        }

    def _current(self, booking: dict[str, Any]) -> dict[str, Any]:
        customer = self.customers[booking["user_id"]]
        service = self._service(booking["service_id"])
        frequency = next(f for f in FREQUENCIES if f[0] == booking["frequency_id"])
        price = self._price(booking)
        extras_total = round(sum(e[2] for e in EXTRAS if e[0] in booking["extras"]), 2)
        start_utc = booking["start"].replace(tzinfo=ZONE).astimezone(dt.UTC)
        scheduled = booking["active"] and not booking["completed"]
        return {
            "id": booking["id"],
            "digest": booking["digest"],
            "location": {"id": 1, "name": "Manhattan & Brooklyn", "active": True, "default": True},
            "service_date": start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "arrival_window": booking["arrival_window"],
            "address": {
                "full_address": f"{booking['address']}, {booking['city']}, {booking['state']} {booking['zip']}",
                "street": booking["address"],
                "city": booking["city"],
                "state": booking["state"],
                "zip": booking["zip"],
                "latitude": 40.7,
                "longitude": -73.9,
            },
            "active": booking["active"],
            "completed": booking["completed"],
            "name": f"{customer['first_name']} {customer['last_name']}",
            "email": customer["email"],
            "phone": booking["phone"],
            "frequency": {"id": frequency[0], "interval": frequency[2], "name": frequency[3]},
            "payment_method_info": {"code": booking["payment_method"]},
            "first_recurring": False,
            "tip_recurring": False,
            "customer_notes": booking["customer_notes"] or None,
            "services": [
                {
                    "id": booking["service_id"],
                    "name": service[2] if service else "?",
                    "price": service[3] if service else 0.0,
                    "extras": [
                        {"id": e[0], "name": e[1], "price": e[2], "quantity": 1}
                        for e in EXTRAS
                        if e[0] in booking["extras"]
                    ]
                    or None,
                    "pricing_parameters": None,
                    "commercial": booking["service_id"] == 5,
                    "discount_by_frequency": True,
                    "discount_by_code": True,
                }
            ],
            "teams": [t for t in TEAMS if t["id"] == booking["team_id"]],
            "custom_fields": [],
            "summary": {
                "services": service[3] if service else 0.0,
                "pricing_parameters": 0.0,
                "extras": extras_total,
                "discount": round((service[3] if service else 0.0) + extras_total - price, 2),
                "adjustment": 0.0,
                "revenue": price,
                "tip": 0.0,
                "total": price,
            },
            "discount_info": {},
            "actions": {
                "edit": scheduled,
                "cancel": scheduled,
                "late_cancel": scheduled and self._late(booking),
                "recurring_cancel": scheduled and booking["frequency_id"] != 1,
                "complete": scheduled,
            },
            "created_at": booking["created"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }

    # -- plumbing -------------------------------------------------------------------------------

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        return await json_object(request, lambda _c, message: Refused(400, {"code": 400, "message": message}),
                                 empty_ok=True)

    def _v2(self, handler: Callable[[Request, dict[str, Any] | None], Awaitable[Any]], user_needed: bool) -> Handler:
        async def endpoint(request: Request) -> Response:
            key = request.headers.get("x-api-key", "")
            try:
                if not key or key not in self.api_keys:
                    raise _legacy_error(["Missing API key" if not key else "Invalid API key"])
                if self.require_accept and "application/launch27.v2" not in request.headers.get("accept", ""):
                    raise _legacy_error(["Unsupported API version"])
                user = self._v2_user(request)
                if user_needed and user is None:
                    raise Refused(401, {"code": 401, "message": "unauthorized"})
                if request.method != "GET":
                    self.writes.add(request.method, request.url.path)
                return JSONResponse(await handler(request, user))
            except Refused as refused:
                return JSONResponse(refused.body, status_code=refused.status, headers=refused.headers)

        return endpoint

    def _v2_user(self, request: Request) -> dict[str, Any] | None:
        header = request.headers.get("x-authentication", "")
        email, _sep, token = header.rpartition(":")
        if email and token in self.tokens and email in self.admins:
            return {"email": email, "admin": True}
        return None

    def _rate(self, request: Request) -> tuple[bool, int, int]:
        kind = "read" if request.method == "GET" else "write"
        limit = 30 if kind == "read" else 10
        who = request.client.host if request.client else "?"
        second = int(time.monotonic())
        with self._lock:
            window, used = self._windows.get((who, kind), (second, 0))
            if window != second:
                window, used = second, 0
            used += 1
            self._windows[(who, kind)] = (window, used)
        return used <= limit or not self.enforce_rate_limit, limit, max(0, limit - used)

    def _v1(self, handler: Callable[[Request, dict[str, Any] | None], Awaitable[Any]], role: str | None) -> Handler:
        async def endpoint(request: Request) -> Response:
            allowed, limit, remaining = self._rate(request)
            headers = {
                "ratelimit-limit": str(limit),
                "ratelimit-remaining": str(remaining),
                "ratelimit-reset": "1",
                "x-request-id": str(uuid.uuid4()),
            }
            try:
                if not allowed:
                    raise Refused(429, {"code": 429, "message": "too many requests"}, {"Retry-After": "1"})
                user = self._bearer(request)
                if role is not None and user is None:
                    raise Refused(401, {"code": 401, "message": "unauthorized"})
                if role == "staff" and user is not None and not user["admin"]:
                    raise Refused(403, {"code": 403, "message": "not a staff user"})
                if role == "customer" and user is not None and user["admin"]:
                    raise Refused(403, {"code": 403, "message": "not a customer user"})
                if request.method != "GET":
                    self.writes.add(request.method, request.url.path)
                result = await handler(request, user)
                response: Response = JSONResponse(result)
            except Refused as refused:
                response = JSONResponse(refused.body, status_code=refused.status, headers=refused.headers)
            response.headers.update(headers)
            return response

        return endpoint

    def _jwt(self, email: str, token: str) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(
            json.dumps(
                {"email": email, "single_access_token": token, "iss": "Launch27", "exp": int(time.time()) + 86400}
            ).encode()
        )
        signature = _b64(hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def _bearer(self, request: Request) -> dict[str, Any] | None:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        parts = header[7:].strip().split(".")
        if len(parts) != 3:
            return None
        expected = _b64(hmac.new(self.secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        if claims.get("exp", 0) < time.time() or claims.get("single_access_token") not in self.tokens:
            return None
        email = claims.get("email", "")
        customer = next((c for c in self.customers.values() if c["email"] == email), None)
        return {"email": email, "admin": email in self.admins, "customer": customer}

    def _booking(self, request: Request, user: dict[str, Any] | None, *, legacy: bool) -> dict[str, Any]:
        booking = self.bookings.get(int(request.path_params["id"]))
        visible = booking is not None and (
            user is None
            or user.get("admin")
            or (user.get("customer") is not None and booking["user_id"] == user["customer"]["id"])
        )
        if not visible:
            raise Refused(404, {"code": 404, "message": "resource not found"})
        assert booking is not None
        return booking

    @staticmethod
    def _parse_local(value: Any, *, seconds: bool) -> dt.datetime | None:
        text = str(value or "").strip()
        pattern = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}" if seconds else r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?"
        if not re.fullmatch(pattern, text):
            return None
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None

    # -- shared validation -----------------------------------------------------------------------

    def _validate(self, body: dict[str, Any], *, legacy: bool, creating: bool, ignore: int | None) -> dict[str, Any]:
        """Checks a booking body; returns the clean values. Refuses with the generation's error shape."""
        problems: dict[str, list[str]] = {}
        services = body.get("services") if isinstance(body.get("services"), list) else []
        service_id = services[0].get("id") if services and isinstance(services[0], dict) else None
        if creating and (not isinstance(service_id, int) or self._service(service_id) is None):
            problems.setdefault("service_id" if legacy else "services", []).append("can't be blank")
        start = self._parse_local(body.get("service_date"), seconds=not legacy) if "service_date" in body else None
        if (creating or "service_date" in body) and start is None:
            problems.setdefault("service_date", []).append(
                "is invalid" if legacy else "Does not match pattern 'YYYY-MM-DDTHH:MM:SS'"
            )
        limits = {"address": 255, "city": 100, "state": 3, "zip": 10, "phone": 20}
        for field, limit in limits.items():
            value = body.get(field)
            if value is not None and not isinstance(value, str):
                problems.setdefault(field, []).append("Invalid type. Expected: string")
            elif isinstance(value, str) and len(value) > limit:
                problems.setdefault(field, []).append(f"String length must be less than or equal to {limit}")
        if creating and not str(body.get("address") or "").strip():
            problems.setdefault("address", []).append(
                "can't be blank" if legacy else "String length must be greater than or equal to 1"
            )
        zip_code = str(body.get("zip") or "")
        if zip_code and not zip_code.startswith(SERVED_ZIPS) and "zip" not in problems:
            problems.setdefault("zip", []).append("We do not serve this ZIP code yet")
        frequency = body.get("frequency_id")
        if frequency is not None and frequency not in INTERVAL_DAYS:
            problems.setdefault("frequency_id", []).append("is not included in the list")
        if problems:
            if legacy:
                raise _legacy_error(problems)
            raise Refused(422, {f: [_v1_problem(f, m) for m in ms] for f, ms in problems.items()})
        if start is not None:
            now = dt.datetime.now(ZONE).replace(tzinfo=None)
            if not self._spot_open(start) or start <= now or not self._spot_free(start, ignore):
                if legacy:
                    raise _legacy_error({"service_date": ["spot is not available"]})
                raise Refused(422, {"service_date": [{"type": "invalid", "message": "spot has been taken"}]})
        return {
            "service_id": service_id,
            "start": start,
            "frequency_id": frequency,
            "extras": [
                e.get("id") or e.get("extra_id") for e in (services[0].get("extras") or []) if isinstance(e, dict)
            ]
            if services and isinstance(services[0], dict)
            else [],
        }

    def _customer_for(self, user: dict[str, Any] | None, payload: Any, *, legacy: bool) -> dict[str, Any]:
        if user is not None and user.get("customer") is not None:
            return dict(user["customer"])
        if not isinstance(payload, dict) or not str(payload.get("email") or "").strip():
            if legacy:
                raise _legacy_error({"email": ["can't be blank"]})
            raise Refused(422, {"user.email": [{"type": "required", "message": "user.email is required"}]})
        email = str(payload["email"]).strip().lower()
        if "@" not in email:
            if legacy:
                raise _legacy_error({"email": ["is invalid"]})
            raise Refused(422, {"user.email": [{"type": "format", "message": "Does not match format 'email'"}]})
        existing = next((c for c in self.customers.values() if c["email"].lower() == email), None)
        if existing is not None:
            return existing
        new_id = max(self.customers) + 1
        self.customers[new_id] = {
            "id": new_id,
            "email": email,
            "first_name": str(payload.get("first_name") or ""),
            "last_name": str(payload.get("last_name") or ""),
            "phone": "",
            "address": "",
            "city": "",
            "state": "",
            "zip": "",
            "password": None,
        }
        return self.customers[new_id]

    def _apply(self, booking: dict[str, Any], body: dict[str, Any], clean: dict[str, Any], *, legacy: bool) -> None:
        for field in ("address", "city", "state", "zip", "phone"):
            if field in body and body[field] is not None:
                booking[field] = str(body[field])
        notes_key = "customer_comments" if legacy else "customer_notes"
        if notes_key in body:
            booking["customer_notes"] = str(body[notes_key] or "")
        if body.get("payment_method"):
            booking["payment_method"] = str(body["payment_method"])
        if clean.get("start") is not None:
            booking["start"] = clean["start"]
        if clean.get("frequency_id") is not None:
            booking["frequency_id"] = clean["frequency_id"]
        if clean.get("service_id") is not None:
            booking["service_id"] = clean["service_id"]

    def _create(
        self, body: dict[str, Any], user_payload: Any, user: dict[str, Any] | None, *, legacy: bool
    ) -> dict[str, Any]:
        """Validates and books (both generations); the customer is created when new."""
        clean = self._validate(body, legacy=legacy, creating=True, ignore=None)
        customer = self._customer_for(user, user_payload, legacy=legacy)
        extras = [e for e in clean["extras"] if isinstance(e, int)]
        booking = self._add_booking(customer, clean["service_id"], clean["frequency_id"] or 1, clean["start"],
                                    extras=extras)
        self._apply(booking, body, clean, legacy=legacy)
        return booking

    def _update(self, booking: dict[str, Any], body: dict[str, Any], *, legacy: bool) -> None:
        """Applies an update; the spot is checked only when the time really changes."""
        when = self._parse_local(body.get("service_date"), seconds=not legacy)
        moved = "service_date" in body and when != booking["start"]
        check = dict(body) if moved else {k: v for k, v in body.items() if k != "service_date"}
        clean = self._validate(check, legacy=legacy, creating=False, ignore=booking["id"])
        self._apply(booking, body, clean, legacy=legacy)

    def _cancel(
        self, booking: dict[str, Any], *, late_ok: bool, recurring_ok: bool, future: bool, legacy: bool
    ) -> None:
        if not booking["active"] or booking["completed"]:
            if legacy:
                raise _legacy_error(["This booking cannot be cancelled"])
            raise Refused(422, {"booking": [{"type": "invalid", "message": "This booking cannot be cancelled"}]})
        if booking["frequency_id"] != 1 and not recurring_ok:
            if legacy:
                raise _legacy_error(["This is a recurring booking: confirm with cancel_recurring=true"])
            raise Refused(
                422,
                {"confirmed_recurring": [{"type": "required", "message": "recurring cancellation must be confirmed"}]},
            )
        if self._late(booking) and not late_ok:
            if legacy:
                raise _legacy_error(["A late cancellation fee applies: confirm with cancel_late=true"])
            raise Refused(
                422, {"confirmed_late": [{"type": "required", "message": "late cancellation must be confirmed"}]}
            )
        booking["active"] = False
        if booking["frequency_id"] != 1 and not future:
            customer = self.customers[booking["user_id"]]
            nxt = booking["start"] + dt.timedelta(days=INTERVAL_DAYS[booking["frequency_id"]])
            self._add_booking(
                customer,
                booking["service_id"],
                booking["frequency_id"],
                nxt,
                extras=booking["extras"],
                address={k: booking[k] for k in ("address", "city", "state", "zip")},
            )

    # -- 2.0 ------------------------------------------------------------------------------------

    async def v2_auth(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /api/auth {"auth": {"email", "password"}}."""
        body = await self._json(request)
        auth = _obj(body.get("auth"))
        email, password = str(auth.get("email") or ""), str(auth.get("password") or "")
        if self.admins.get(email) != password or not password:
            raise Refused(401, {"code": 401, "message": "invalid email or password"})
        token = secrets.token_urlsafe(15)[:20]
        self.tokens.add(token)
        self.logins += 1
        return {
            "user": {"id": 1, "email": email, "single_access_token": token, "first_name": "Sam", "last_name": "Sparkle"}
        }

    async def v2_list(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/bookings (``from``/``to``/``limit``/``offset``; default: upcoming, not completed)."""
        q = request.query_params
        items = sorted(self.bookings.values(), key=lambda b: (b["start"], b["id"]))
        try:
            start = dt.date.fromisoformat(q["from"]) if q.get("from") else None
            end = dt.date.fromisoformat(q["to"]) if q.get("to") else None
            limit = int(q.get("limit") or 100)
            offset = int(q.get("offset") or 0)
        except ValueError:
            raise _legacy_error(["Invalid parameters"]) from None
        if start is None and end is None:
            items = [b for b in items if not b["completed"] and b["start"].date() >= self.today]
        else:
            items = [
                b
                for b in items
                if (start is None or b["start"].date() >= start) and (end is None or b["start"].date() <= end)
            ]
        return {"bookings": [self._legacy(b) for b in items[offset : offset + limit]]}

    async def v2_get(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/bookings/{id}."""
        return {"booking": self._legacy(self._booking(request, user, legacy=True))}

    async def v2_create(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /api/bookings {"booking": {...}, "user": {...}}."""
        body = await self._json(request)
        booking = self._create(_obj(body.get("booking")), body.get("user"), user, legacy=True)
        return {"booking": self._legacy(booking)}

    async def v2_update(self, request: Request, user: dict[str, Any] | None) -> Any:
        """PUT /api/bookings/{id} {"booking": {...full booking...}}."""
        booking = self._booking(request, user, legacy=True)
        body = await self._json(request)
        booking_body = _obj(body.get("booking"))
        self._update(booking, booking_body, legacy=True)
        return {"booking": self._legacy(booking)}

    async def v2_cancel(self, request: Request, user: dict[str, Any] | None) -> Any:
        """DELETE /api/bookings/{id}?cancel_late&cancel_recurring&cancel_future."""
        booking = self._booking(request, user, legacy=True)
        q = request.query_params
        self._cancel(
            booking,
            late_ok=q.get("cancel_late") == "true",
            recurring_ok=q.get("cancel_recurring") == "true",
            future=q.get("cancel_future") == "true",
            legacy=True,
        )
        return {"booking": self._legacy(booking)}

    async def v2_estimate(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /api/bookings/estimate."""
        body = await self._json(request)
        booking_body = _obj(body.get("booking"))
        services = booking_body.get("services") if isinstance(booking_body.get("services"), list) else []
        first = _obj(services[0]) if services else {}
        service = self._service(first.get("id")) if isinstance(first.get("id"), int) else None
        subtotal = service[3] if service else 0.0
        return {"estimate": {"subtotal": subtotal, "discount": 0.0, "sales_tax": 0.0, "final_price": subtotal}}

    async def v2_booking_frequencies(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/bookings/{id}/frequencies."""
        self._booking(request, user, legacy=True)
        return await self.v2_frequencies(request, user)

    async def v2_services(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/services."""
        return {
            "services": [
                {
                    "id": sid,
                    "code": code,
                    "name": name,
                    "price": f"{price:.1f}",
                    "hourly": False,
                    "maids_minimum": 1,
                    "maids_maximum": 3,
                    "hours_minimum": minutes / 60,
                    "hours_maximum": minutes / 60,
                    "extras": [
                        {"id": e[0], "name": e[1], "price": f"{e[2]:.1f}", "quantity_based": False} for e in EXTRAS
                    ],
                    "pricing_parameters": [
                        {"id": 1, "name": "Bathroom", "price": "30.0", "quantity_minimum": 1, "quantity_maximum": 6}
                    ],
                }
                for sid, code, name, price, minutes in SERVICES
            ]
        }

    async def v2_frequencies(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/frequencies."""
        return {"frequencies": [{"id": f[0], "code": f[1], "name": f[3], "percent": f[4]} for f in FREQUENCIES]}

    async def v2_custom_fields(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/custom_fields."""
        return {
            "custom_fields": [
                {
                    "id": 28,
                    "name": "access",
                    "label": "How do we get in?",
                    "ordering": 0,
                    "required": False,
                    "control_type": "single_line",
                    "options": [],
                    "default_value": "",
                }
            ]
        }

    async def v2_states(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/states."""
        return {"states": ["NY", "NJ", "CT"]}

    async def v2_spots(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /api/spots/{YYYY-MM-DD}."""
        try:
            day = dt.date.fromisoformat(request.path_params["day"])
        except ValueError:
            raise _legacy_error(["Invalid date"]) from None
        now = dt.datetime.now(ZONE).replace(tzinfo=None)
        spots = []
        for index, hour in enumerate(SPOT_HOURS, 1):
            start = dt.datetime.combine(day, dt.time(hour))
            free = int(self._spot_open(start) and start > now and self._spot_free(start, None))
            spots.append(
                {
                    "id": index,
                    "hours": hour,
                    "minutes": 0,
                    "service_date": start.strftime("%Y-%m-%dT%H:%M"),
                    "value": free,
                    "remaining": free,
                    "spot_flexibilities": [],
                }
            )
        return {"spots": spots}

    # -- v1 -------------------------------------------------------------------------------------

    async def v1_login(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /v1/login {"email", "password"}."""
        body = await self._json(request)
        email, password = body.get("email"), body.get("password")
        if not isinstance(email, str) or not isinstance(password, str):
            raise Refused(422, {"email": [{"type": "required", "message": "email is required"}]})
        now = time.monotonic()
        if self._locked.get(email, 0) > now:
            raise Refused(403, {"code": 403, "message": "account locked: too many failed logins"})
        if self.admins.get(email) != password or not password:
            recent = [t for t in self._failures.get(email, []) if now - t < LOCK_WINDOW] + [now]
            self._failures[email] = recent
            if len(recent) >= LOCK_FAILURES:
                self._locked[email] = now + LOCK_SECONDS
            raise Refused(401, {"code": 401, "message": "invalid email or password"})
        token = secrets.token_urlsafe(15)[:20]
        self.tokens.add(token)
        self.logins += 1
        return {
            "id": 1,
            "email": email,
            "type": "Tenant::Admin",
            "first_name": "Sam",
            "last_name": "Sparkle",
            "single_access_token": token,
            "bearer": self._jwt(email, token),
        }

    async def v1_settings(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/settings."""
        return {
            "name": "Sparkle Clean NYC",
            "status": "active",
            "sandbox": False,
            "timezone": "America/New_York",
            "currency": {"code": "USD", "symbol": "$"},
            "locale": "en",
            "country": {"code": "US", "name": "United States", "phone_prefix": "+1", "metric_system": False},
            "payment_methods": {"stripe": False, "cash": True, "check": True, "paypal": False},
            "default_location": {"id": 1, "name": "Manhattan & Brooklyn"},
        }

    async def v1_services(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/booking/services."""
        return [
            {
                "id": sid,
                "name": name,
                "price": price,
                "duration": minutes,
                "commercial": sid == 5,
                "discount_by_frequency": True,
                "discount_by_code": True,
                "extras": [
                    {
                        "id": e[0],
                        "name": e[1],
                        "price": e[2],
                        "quantity_based": False,
                        "duration": 30,
                        "ordering": i,
                        "icon_code": e[1].lower().replace(" ", "-"),
                        "description": "",
                        "recurring": True,
                        "discount_by_frequency": True,
                        "discount_by_code": True,
                    }
                    for i, e in enumerate(EXTRAS)
                ],
                "pricing_parameters": [
                    {
                        "id": 1,
                        "type": "flat",
                        "name": "Bathroom",
                        "price": 30.00,
                        "quantity_minimum": 1,
                        "quantity_maximum": 6,
                        "duration": 30,
                        "ordering": 0,
                    }
                ],
                "tags_info": None,
            }
            for sid, _code, name, price, minutes in SERVICES
        ]

    async def v1_frequencies(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/booking/frequencies."""
        return [
            {
                "id": f[0],
                "interval": f[2],
                "name": f[3],
                "percent": f[4],
                "amount": 0.00,
                "exclude_first": False,
                "default": f[0] == 1,
            }
            for f in FREQUENCIES
        ]

    async def v1_custom_fields(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/booking/custom_fields."""
        return [
            {
                "id": 28,
                "code": "access",
                "label": "How do we get in?",
                "control_type": "single_line",
                "value_required": False,
                "visible": True,
                "ordering": 0,
                "default_value": "",
            }
        ]

    async def v1_spots(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /v1/booking/spots {"date", "days", "mode"}."""
        body = await self._json(request)
        try:
            first = dt.date.fromisoformat(str(body.get("date")))
            days = int(body.get("days") or 1)
        except (TypeError, ValueError):
            raise Refused(422, {"date": [{"type": "format", "message": "Does not match format 'date'"}]}) from None
        if body.get("mode") not in ("new", "reschedule"):
            raise Refused(422, {"mode": [{"type": "enum", "message": "mode must be one of: new, reschedule"}]})
        now = dt.datetime.now(ZONE).replace(tzinfo=None)
        result = []
        for offset in range(max(1, min(days, 35))):
            day = first + dt.timedelta(days=offset)
            closed = day.weekday() == 6
            spots = []
            for hour in SPOT_HOURS:
                start = dt.datetime.combine(day, dt.time(hour))
                spots.append(
                    {
                        "hours": hour,
                        "minutes": 0,
                        "arrival_window": 120,
                        "past": start <= now,
                        "free": not closed and start > now and self._spot_free(start, None),
                        "max_duration": (17 - hour) * 60,
                    }
                )
            result.append(
                {
                    "date": day.isoformat(),
                    "start_time": "00:00" if closed else "08:00",
                    "end_time": "00:00" if closed else "17:00",
                    "holiday": False,
                    "spots": spots,
                }
            )
        return result

    async def v1_estimate(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /v1/booking/estimate_price."""
        body = await self._json(request)
        services = body.get("services") if isinstance(body.get("services"), list) else []
        first = _obj(services[0]) if services else {}
        service = self._service(first.get("id")) if isinstance(first.get("id"), int) else None
        total = service[3] if service else 0.0
        return {
            "services": total,
            "extras": 0.00,
            "discount_amount": 0.00,
            "discount_message": "",
            "tip": 0.00,
            "total": total,
            "duration": service[4] if service else 0,
            "price_for_frequency": total,
        }

    async def v1_policy_booking(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/policy/booking and /v1/policy/reschedule."""
        return {"custom": True, "unit": "hour", "quantity": 2}

    async def v1_policy_cancellation(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/policy/cancellation."""
        return {
            "custom": True,
            "cancellation_reason_on": True,
            "unit": "hour",
            "quantity": LATE_HOURS,
            "late_cancellation_fee": 25.00,
            "late_cancellation_percent": None,
        }

    def _v1_visible(self, user: dict[str, Any] | None) -> list[dict[str, Any]]:
        items = list(self.bookings.values())
        if user is not None and not user.get("admin"):
            customer = user.get("customer")
            items = [b for b in items if customer is not None and b["user_id"] == customer["id"]]
        return items

    async def v1_list(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/{staff|customer}/bookings: from, to, query, options, limit, offset, sort."""
        q = request.query_params
        items = self._v1_visible(user)
        try:
            start = dt.date.fromisoformat(q["from"]) if q.get("from") else None
            end = dt.date.fromisoformat(q["to"]) if q.get("to") else None
            limit = int(q.get("limit") or 0)
            offset = int(q.get("offset") or 0)
        except ValueError:
            raise Refused(422, {"from": [{"type": "format", "message": "Does not match format 'date'"}]}) from None
        if start is not None:
            items = [b for b in items if b["start"].date() >= start]
        if end is not None:
            items = [b for b in items if b["start"].date() <= end]
        if q.get("query"):
            # Documented: free text over address, city and phone (not names or emails).
            needle = q["query"].lower()
            items = [b for b in items if needle in f"{b['address']} {b['city']}".lower()
                     or phone_matches(b["phone"], needle)]
        options = set((q.get("options") or "").split(","))
        if "completed" in options and "not_completed" not in options:
            items = [b for b in items if b["completed"]]
        elif "not_completed" in options and "completed" not in options:
            items = [b for b in items if not b["completed"]]
        descending = q.get("sort", "desc") != "asc"
        items.sort(key=lambda b: (b["start"], b["id"]), reverse=descending)
        if limit:
            items = items[offset : offset + limit]
        elif offset:
            items = items[offset:]
        return [self._current(b) for b in items]

    async def v1_count(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/customer/bookings/count."""
        return {"count": len(self._v1_visible(user))}

    async def v1_get(self, request: Request, user: dict[str, Any] | None) -> Any:
        """GET /v1/{staff|customer}/bookings/{id}."""
        return self._current(self._booking(request, user, legacy=False))

    async def v1_create(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /v1/booking (guest, or logged in)."""
        body = await self._json(request)
        booking = self._create(body, body.get("user"), user if user and not user.get("admin") else None, legacy=False)
        price = self._price(booking)
        return {
            "id": booking["id"],
            "ga_transaction": {"id": booking["digest"], "affilation": "sparkleclean", "revenue": price},
            "ga_item": {"id": booking["digest"], "name": "Booking", "price": price, "quantity": 1},
        }

    async def v1_update(self, request: Request, user: dict[str, Any] | None) -> Any:
        """PUT /v1/{staff|customer}/bookings/{id} (body like create)."""
        booking = self._booking(request, user, legacy=False)
        body = await self._json(request)
        self._update(booking, body, legacy=False)
        return self._current(booking)

    async def v1_cancel(self, request: Request, user: dict[str, Any] | None) -> Any:
        """POST /v1/{staff|customer}/bookings/{id}/cancel."""
        booking = self._booking(request, user, legacy=False)
        body = await self._json(request)
        recurring = body.get("confirmed_recurring")
        if not body.get("reason"):
            raise Refused(422, {"reason": [{"type": "required", "message": "a reason is required"}]})
        self._cancel(
            booking,
            late_ok=bool(body.get("confirmed_late")),
            recurring_ok=isinstance(recurring, dict),
            future=isinstance(recurring, dict) and bool(recurring.get("cancel_future")),
            legacy=False,
        )
        return {}
