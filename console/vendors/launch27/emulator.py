"""A fake Launch27 serving both API generations over one tenant's data (``shared/vendors/launch27.md``).

The tenant's data and shared booking rules are :mod:`console.vendors.launch27.tenant`; the 2.0 handlers
:mod:`console.vendors.launch27.legacy`. This module is the HTTP surface: the checks every route makes,
and the v1 handlers.

* ``/api/...`` (2.0): ``X-API-Key`` on every route (406 ``{"code", "message", "errors": [...]}`` when
  missing or wrong), ``POST /api/auth``, ``X-Authentication: email:token`` on user routes (401).
* ``/v1/...`` (current): ``POST /v1/login`` -> HS256 JWT ``bearer`` (401 wrong password; 403 after five
  failures in a minute, for five minutes); staff routes ``/v1/staff/bookings[/{id}[/cancel]]`` and
  customer routes ``/v1/customer/bookings...``; guest ``POST /v1/booking``; booking helpers
  (``/v1/settings``, ``/v1/booking/services``, ``/v1/booking/frequencies``, ``POST /v1/booking/spots``,
  ``POST /v1/booking/estimate_price``, ``/v1/policy/*``); 422 ``{field: [{type, message}]}``; UTC
  times with ``Z`` out, account-local in (seconds required); ``ratelimit-limit/remaining/reset`` on
  every answer (30 reads and 10 writes a second) plus ``x-rate-limit-limit`` twice (30.00, 10.00) and
  ``x-rate-limit-duration``, 429 with ``Retry-After`` beyond; every fourth answer labelled
  ``text/plain`` over the same JSON; ``/v1/settings`` ``locale`` as an object with the account's
  ``time_format``/``date_format``.

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
import secrets
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, OptionalRoute, phone_matches
from console.vendors.launch27.legacy import LegacyRoutes
from console.vendors.launch27.tenant import (
    EXTRAS,
    FREQUENCIES,
    LATE_HOURS,
    LOCK_FAILURES,
    LOCK_SECONDS,
    LOCK_WINDOW,
    SERVICES,
    SPOT_HOURS,
    ZONE,
    Handler,
    Refused,
    Tenant,
    _legacy_error,
    _obj,
)

#: v1's quotas a second (launch27.md:136): GET answers count reads, other methods writes.
READ_LIMIT, WRITE_LIMIT = 30, 10


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Launch27Emulator(LegacyRoutes, EmulatorBase):
    """One tenant, both API generations.

    Args:
        seed: Seed of the generated data.
        size: Number of bookings (over +-60 days around ``today``).
        admins: ``{email: password}`` of admin users.
        api_keys: Accepted ``X-API-Key`` values (2.0).
        require_accept: 2.0 routes refuse requests without ``Accept: application/launch27.v2``.
        enforce_rate_limit: v1 answers 429 beyond 30 reads / 10 writes a second.
        today: The day the data is centred on.
        plain_text_every: Every n-th v1 answer says ``content-type: text/plain`` over its JSON (7 of 28
            recorded answers did, published-samples.md:63); 0 never.
        time_format: ``/v1/settings`` ``locale.data.time_format``: "12" (the recorded US tenant) or "24".
        date_format: ``locale.data.date_format``: "MD" (recorded) or "DM".
    """

    base_path = "/v1"
    #: What a server may not have: [L] endpoints and the staff writes no source shows (launch27.md).
    optional_routes = (
        OptionalRoute(r"/api/services", "launch27.md:72 [L]", ("GET",)),
        OptionalRoute(r"/api/frequencies", "launch27.md:73 [L]", ("GET",)),
        OptionalRoute(r"/api/states", "launch27.md:75 [L]", ("GET",)),
        OptionalRoute(r"/v1/policy/reschedule", "launch27.md:187 [L]", ("GET",)),
        OptionalRoute(r"/v1/customer/bookings/count", "launch27.md:265 [L]", ("GET",)),
        OptionalRoute(r"/v1/staff/bookings/\d+", "launch27.md:303-304 (staff GETs only): PUT invented", ("PUT",)),
        OptionalRoute(r"/v1/staff/bookings/\d+/cancel", "launch27.md:303-304 (staff GETs only): invented", ("POST",)),
    )

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
        plain_text_every: int = 4,
        time_format: str = "12",
        date_format: str = "MD",
    ) -> None:
        EmulatorBase.__init__(self)
        Tenant.__init__(self, seed=seed, size=size, today=today or dt.datetime.now(ZONE).date())
        self.admins = dict(admins or {})
        self.api_keys = set(api_keys)
        self.require_accept = require_accept
        self.enforce_rate_limit = enforce_rate_limit
        self.secret = secrets.token_bytes(32)
        self.tokens: set[str] = set()
        self.logins = 0
        self._failures: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = threading.Lock()
        self.plain_text_every = plain_text_every
        self._answers = 0
        self.time_format, self.date_format = time_format, date_format
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

    # -- plumbing -------------------------------------------------------------------------------

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

    def _plain_text_now(self) -> bool:
        """Whether this v1 answer is labelled ``text/plain`` (every :attr:`plain_text_every`-th)."""
        if self.plain_text_every <= 0:
            return False
        with self._lock:
            self._answers += 1
            return self._answers % self.plain_text_every == 0

    def _rate(self, request: Request) -> tuple[bool, int, int]:
        kind = "read" if request.method == "GET" else "write"
        limit = READ_LIMIT if kind == "read" else WRITE_LIMIT
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
            started = time.monotonic()
            # The recorded headers (launch27.md:136, published-samples.md:69-71): this answer's own quota,
            # then both limits again as x-rate-limit-limit (twice), the window and the request's id.
            headers = {
                "ratelimit-limit": str(limit),
                "ratelimit-remaining": str(remaining),
                "ratelimit-reset": "1",
                "x-rate-limit-duration": "1",
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
            for both in (READ_LIMIT, WRITE_LIMIT):
                response.headers.append("x-rate-limit-limit", f"{both:.2f}")
            response.headers["x-request-duration"] = f"{(time.monotonic() - started) * 1000:.3f}ms"
            if self._plain_text_now():  # published-samples.md:63: the same JSON bytes, labelled text/plain
                response.headers["content-type"] = "text/plain; charset=utf-8"
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
            # published-samples.md:65-66 [REC]: the currency code is lower case and the locale an object.
            "currency": {"code": "usd", "symbol": "$"},
            "locale": {"name": "en", "data": {"time_format": self.time_format, "date_format": self.date_format}},
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
        """GET /v1/booking/frequencies: sorted by name, integer ``percent`` (published-samples.md:67 [REC])."""
        return [
            {
                "id": f[0],
                "interval": f[2],
                "name": f[3],
                "percent": int(f[4]),
                "amount": 0.00,
                "exclude_first": False,
                "default": f[0] == 1,
            }
            for f in sorted(FREQUENCIES, key=lambda f: f[3])
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
