"""A fake SetSmart rental API, built to the contract ``shared/vendors/README.md`` fixes.

The seed's description is the only source and public sources do not confirm it
(``shared/vendors/setsmart.md``), so this is our own spec, labelled as such: base ``/v1``; ``X-API-Key``
(401 otherwise); ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (unix seconds
at which the window resets) on every answer, 429 with ``Retry-After`` when the window is spent; errors
``{"error": {"code", "message", "details": {field: [...]}}}``; lists ``{"data", "page", "per_page",
"total"}`` (``per_page`` up to 100). Properties: GET/POST, GET/PUT (a full replace: fields not sent are
dropped)/DELETE by id; filters ``status`` and ``q``. Reservations: GET list (``property_id``, ``status``,
``from``, ``to`` and ``q`` on guest name, email or phone), GET one, POST (409 ``dates_unavailable`` on
overlap), ``POST /reservations/{id}/cancel``.

Choices of ours: ``from``/``to`` select stays that overlap the range; a property with reservations
still to come cannot be deleted (409 ``has_reservations``); requests sent after the quota was spent are
counted in :attr:`over_quota` (tests prove the client waited instead).

No route is optional (:attr:`SetSmartEmulator.optional_routes` is empty, see there): with
``optional_endpoints = False`` it answers as before.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import threading
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, OptionalRoute, format_phone, json_object, people, phone_matches

Handler = Callable[[Request], Awaitable[Response]]
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KINDS = ("Villa", "Cottage", "Cabin", "Loft", "Apartment", "Chalet", "Bungalow", "Townhouse", "Studio", "Farmhouse")
PLACES = (("Beachfront", "Ocean Drive", "Miami, FL"), ("Harbor", "Harbor Rd", "Portland, ME"),
          ("Mountain View", "Summit Way", "Aspen, CO"), ("Lakeside", "Shore Ln", "Lake Tahoe, CA"),
          ("Old Town", "Market St", "Savannah, GA"), ("Desert", "Mesa Blvd", "Sedona, AZ"),
          ("Vineyard", "Cellar Rd", "Napa, CA"), ("Riverside", "Mill St", "Asheville, NC"))
AMENITIES = ("wifi", "pool", "hot tub", "parking", "pets allowed", "air conditioning", "fireplace", "sea view")
STATUSES = ("pending", "confirmed", "checked_in", "cancelled")
CHANNELS = ("direct", "airbnb", "vrbo", "booking")
REQUIRED_PROPERTY = ("name", "address", "bedrooms", "bathrooms", "max_guests", "status")


class Refused(Exception):
    """Answered with SetSmart's error body."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


class SetSmartEmulator(EmulatorBase):
    """The emulator: an ASGI app, its data and its knobs.

    Args:
        seed: Seed of the generated data.
        size: Number of reservations.
        properties: Number of properties.
        api_keys: Accepted keys.
        rate_limit: Requests per window per key.
        rate_window: Window length in seconds.
        today: The day the data is centred on.
    """

    base_path = "/v1"
    # No optional endpoint: every route is the contract README.md:47-58 fixes for SetSmart (the seed's
    # description, setsmart.md:97-110 [F], stands in for a [C] file), and each is the only way to its
    # dataset or write. The one optional call, the property names in reservations (README.md:53), reads
    # GET /v1/properties, the properties list itself: removing it would remove a dataset, not an enrichment.
    optional_routes: tuple[OptionalRoute, ...] = ()

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 6000,
        properties: int = 300,
        api_keys: tuple[str, ...] = (),
        rate_limit: int = 100,
        rate_window: float = 60.0,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.api_keys = set(api_keys)
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.today = today or dt.date.today()
        self.over_quota = 0
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self.properties: dict[str, dict[str, Any]] = {}
        self.reservations: dict[str, dict[str, Any]] = {}
        self._by_property: dict[str, list[dict[str, Any]]] = {}
        self._next_property = 1
        self._next_reservation = 1
        self._seed(seed, size, properties)
        routes = [
            Route("/v1/properties", self._wrap(self.list_properties), methods=["GET"]),
            Route("/v1/properties", self._wrap(self.create_property), methods=["POST"]),
            Route("/v1/properties/{id}", self._wrap(self.get_property), methods=["GET"]),
            Route("/v1/properties/{id}", self._wrap(self.put_property), methods=["PUT"]),
            Route("/v1/properties/{id}", self._wrap(self.delete_property), methods=["DELETE"]),
            Route("/v1/reservations", self._wrap(self.list_reservations), methods=["GET"]),
            Route("/v1/reservations", self._wrap(self.create_reservation), methods=["POST"]),
            Route("/v1/reservations/{id}", self._wrap(self.get_reservation), methods=["GET"]),
            Route("/v1/reservations/{id}/cancel", self._wrap(self.cancel_reservation), methods=["POST"]),
        ]
        self.app = Starlette(routes=routes)

    # -- seeding --------------------------------------------------------------------------------

    def _seed(self, seed: int, size: int, count: int) -> None:
        rng = random.Random(seed * 97 + 3)
        for index in range(count):
            prefix, street, city = rng.choice(PLACES)
            bedrooms = rng.randint(1, 6)
            self._add_property({
                "name": f"{prefix} {rng.choice(KINDS)} {index + 1}",
                "address": f"{rng.randint(1, 999)} {street}, {city}",
                "bedrooms": bedrooms, "bathrooms": max(1, bedrooms - rng.randint(0, 2)),
                "max_guests": bedrooms * 2 + rng.randint(0, 2),
                "status": "active" if rng.random() < 0.92 else "inactive",
                "nightly_rate": f"{rng.randint(8, 60) * 10}.00",
                "amenities": sorted(rng.sample(AMENITIES, k=rng.randint(2, 5))),
                "created_at": f"{self.today - dt.timedelta(days=rng.randint(200, 1500))}T09:00:00Z",
            })
        guests = people(seed, max(200, size // 2))
        property_ids = list(self.properties)
        attempts = 0
        while len(self.reservations) < size and attempts < size * 25:
            attempts += 1
            prop = self.properties[rng.choice(property_ids)]
            check_in = self.today + dt.timedelta(days=rng.randint(-150, 150))
            check_out = check_in + dt.timedelta(days=rng.choice((1, 2, 2, 3, 3, 4, 5, 7, 7, 10, 14)))
            if not self._free(prop["id"], check_in, check_out, None):
                continue
            person = rng.choice(guests)
            if not self.reservations:
                person = guests[0]  # Jane Doe stays at least once: the README's lookup example finds her everywhere
            if check_out <= self.today:
                status = rng.choices(("confirmed", "cancelled"), (88, 12))[0]
            elif check_in <= self.today:
                status = rng.choices(("checked_in", "cancelled"), (92, 8))[0]
            else:
                status = rng.choices(("confirmed", "pending", "cancelled"), (70, 20, 10))[0]
            self._add_reservation(prop, {"name": person.full_name, "email": person.email,
                                         "phone": format_phone(person, "e164")},
                                  check_in, check_out, rng.randint(1, prop["max_guests"]), status,
                                  rng.choice(CHANNELS))

    def _add_property(self, values: dict[str, Any]) -> dict[str, Any]:
        prop_id = f"prop_{self._next_property}"
        self._next_property += 1
        prop = {"id": prop_id, **values}
        self.properties[prop_id] = prop
        return prop

    def _add_reservation(self, prop: dict[str, Any], guest: dict[str, Any], check_in: dt.date, check_out: dt.date,
                         guests: int, status: str, channel: str) -> dict[str, Any]:
        res_id = f"res_{self._next_reservation}"
        self._next_reservation += 1
        nights = (check_out - check_in).days
        total = Decimal(str(prop.get("nightly_rate") or "100.00")) * nights
        reservation = {
            "id": res_id, "property_id": prop["id"], "guest": guest, "check_in": check_in.isoformat(),
            "check_out": check_out.isoformat(), "guests": guests, "status": status, "total_price": f"{total:.2f}",
            "currency": "USD", "channel": channel,
            "created_at": f"{check_in - dt.timedelta(days=max(1, nights * 3))}T12:00:00Z",
        }
        self.reservations[res_id] = reservation
        self._by_property.setdefault(prop["id"], []).append(reservation)
        return reservation

    def _free(self, prop_id: str, check_in: dt.date, check_out: dt.date, ignore: str | None) -> bool:
        start, end = check_in.isoformat(), check_out.isoformat()
        return not any(r["status"] != "cancelled" and r["id"] != ignore and r["check_in"] < end
                       and start < r["check_out"] for r in self._by_property.get(prop_id, ()))

    # -- plumbing -------------------------------------------------------------------------------

    def _take(self, key: str) -> tuple[bool, int, float]:
        """Counts one request in the key's window: (allowed, remaining, window end as unix time)."""
        now = time.time()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= self.rate_window:
                start, used = now, 0
            allowed = used < self.rate_limit
            if allowed:
                used += 1
            else:
                self.over_quota += 1
            self._windows[key] = (start, used)
        return allowed, self.rate_limit - used, start + self.rate_window

    def _wrap(self, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            key = request.headers.get("x-api-key", "")
            allowed, remaining, reset = self._take(key)
            try:
                if key not in self.api_keys:
                    raise Refused(401, "invalid_api_key", "The API key is missing or not valid.")
                if not allowed:
                    raise Refused(429, "rate_limited", "Too many requests; wait for the window to reset.")
                if request.method != "GET":
                    self.writes.add(request.method, request.url.path)
                response = await handler(request)
            except Refused as refused:
                response = JSONResponse({"error": {"code": refused.code, "message": refused.message,
                                                   "details": refused.details}}, status_code=refused.status)
                if refused.status == 429:
                    response.headers["Retry-After"] = str(max(1, math.ceil(reset - time.time())))
            response.headers["X-RateLimit-Limit"] = str(self.rate_limit)
            response.headers["X-RateLimit-Remaining"] = str(max(0, remaining))
            response.headers["X-RateLimit-Reset"] = str(math.ceil(reset))
            return response

        return endpoint

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        return await json_object(request, lambda code, message: Refused(400, code, message))

    @staticmethod
    def _paging(request: Request) -> tuple[int, int]:
        try:
            page = int(request.query_params.get("page", "1"))
            per_page = int(request.query_params.get("per_page", "50"))
        except ValueError:
            raise Refused(400, "invalid_parameters", "page and per_page must be numbers.") from None
        if page < 1 or not 1 <= per_page <= 100:
            raise Refused(400, "invalid_parameters", "page must be 1 or more and per_page between 1 and 100.",
                          {"per_page": ["must be between 1 and 100"]})
        return page, per_page

    def _listing(self, request: Request, items: list[dict[str, Any]]) -> Response:
        page, per_page = self._paging(request)
        chunk = items[(page - 1) * per_page:page * per_page]
        return JSONResponse({"data": chunk, "page": page, "per_page": per_page, "total": len(items)})

    # -- properties -----------------------------------------------------------------------------

    def _property(self, request: Request) -> dict[str, Any]:
        prop = self.properties.get(request.path_params["id"])
        if prop is None:
            raise Refused(404, "not_found", "Property not found.")
        return prop

    @staticmethod
    def _check_property(body: dict[str, Any]) -> dict[str, list[str]]:
        details: dict[str, list[str]] = {}
        for key in REQUIRED_PROPERTY:
            if body.get(key) in (None, ""):
                details.setdefault(key, []).append("is required")
        for key in ("name", "address"):
            if isinstance(body.get(key), str) and len(body[key]) > 300:
                details.setdefault(key, []).append("is too long")
        for key, low, high in (("bedrooms", 0, 50), ("bathrooms", 0, 50), ("max_guests", 1, 100)):
            value = body.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                details.setdefault(key, []).append("must be a whole number")
            elif not low <= value <= high:
                details.setdefault(key, []).append(f"must be between {low} and {high}")
        if body.get("status") not in (None, "", "active", "inactive"):
            details.setdefault("status", []).append("must be active or inactive")
        if isinstance(body.get("bedrooms"), int) and isinstance(body.get("max_guests"), int) \
                and body["max_guests"] > body["bedrooms"] * 4 + 2:
            details.setdefault("max_guests", []).append("is more than the bedrooms can sleep")
        return details

    async def list_properties(self, request: Request) -> Response:
        """GET /properties (``status``, ``q``)."""
        q = request.query_params
        items = list(self.properties.values())
        if q.get("status"):
            items = [p for p in items if p["status"] == q["status"]]
        if q.get("q"):
            needle = q["q"].lower()
            items = [p for p in items if needle in p["name"].lower() or needle in p["address"].lower()]
        return self._listing(request, items)

    async def get_property(self, request: Request) -> Response:
        """GET /properties/{id}."""
        return JSONResponse(self._property(request))

    async def create_property(self, request: Request) -> Response:
        """POST /properties: 201."""
        body = await self._json(request)
        details = self._check_property(body)
        if details:
            raise Refused(400, "validation_failed", "The property is not valid.", details)
        body.pop("id", None)
        body.setdefault("created_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return JSONResponse(self._add_property(body), status_code=201)

    async def put_property(self, request: Request) -> Response:
        """PUT /properties/{id}: a full replace (what is not sent is gone)."""
        prop = self._property(request)
        body = await self._json(request)
        details = self._check_property(body)
        if details:
            raise Refused(400, "validation_failed", "The property is not valid.", details)
        body.pop("id", None)
        replaced = {"id": prop["id"], **body}
        self.properties[prop["id"]] = replaced
        return JSONResponse(replaced)

    async def delete_property(self, request: Request) -> Response:
        """DELETE /properties/{id}: 204 (409 while reservations are still to come)."""
        prop = self._property(request)
        today = self.today.isoformat()
        if any(r["status"] != "cancelled" and r["check_out"] > today for r in self._by_property.get(prop["id"], ())):
            raise Refused(409, "has_reservations", "The property has reservations still to come; deactivate it.")
        del self.properties[prop["id"]]
        return Response(status_code=204)

    # -- reservations ---------------------------------------------------------------------------

    def _reservation(self, request: Request) -> dict[str, Any]:
        reservation = self.reservations.get(request.path_params["id"])
        if reservation is None:
            raise Refused(404, "not_found", "Reservation not found.")
        return reservation

    async def list_reservations(self, request: Request) -> Response:
        """GET /reservations (``property_id``, ``status``, ``from``, ``to``, ``q``), by check-in then id."""
        q = request.query_params
        items = list(self.reservations.values())
        for key in ("property_id", "status"):
            if q.get(key):
                items = [r for r in items if r[key] == q[key]]
        for key in ("from", "to"):
            if q.get(key):
                try:
                    dt.date.fromisoformat(q[key])
                except ValueError:
                    raise Refused(400, "invalid_parameters", f"{key} must be YYYY-MM-DD.",
                                  {key: ["must be a date (YYYY-MM-DD)"]}) from None
        if q.get("from"):
            items = [r for r in items if r["check_out"] > q["from"]]
        if q.get("to"):
            items = [r for r in items if r["check_in"] <= q["to"]]
        if q.get("q"):
            needle = q["q"].lower()
            items = [r for r in items if needle in r["guest"]["name"].lower() or needle in r["guest"]["email"].lower()
                     or phone_matches(r["guest"].get("phone") or "", needle)]
        items.sort(key=lambda r: (r["check_in"], int(r["id"].split("_")[1])))
        return self._listing(request, items)

    async def get_reservation(self, request: Request) -> Response:
        """GET /reservations/{id}."""
        return JSONResponse(self._reservation(request))

    async def create_reservation(self, request: Request) -> Response:
        """POST /reservations: 201; 409 ``dates_unavailable`` when the nights are taken."""
        body = await self._json(request)
        details: dict[str, list[str]] = {}
        prop = self.properties.get(str(body.get("property_id") or ""))
        if prop is None:
            details["property_id"] = ["does not exist"]
        elif prop["status"] != "active":
            details["property_id"] = ["is not active"]
        raw_guest = body.get("guest")
        guest: dict[str, Any] = raw_guest if isinstance(raw_guest, dict) else {}
        if not str(guest.get("name") or "").strip():
            details["guest.name"] = ["is required"]
        if not EMAIL_RE.match(str(guest.get("email") or "")):
            details["guest.email"] = ["is not a valid email address"]
        dates: dict[str, dt.date] = {}
        for key in ("check_in", "check_out"):
            try:
                dates[key] = dt.date.fromisoformat(str(body.get(key)))
            except ValueError:
                details[key] = ["must be a date (YYYY-MM-DD)"]
        if len(dates) == 2 and dates["check_out"] <= dates["check_in"]:
            details["check_out"] = ["must be after check-in"]
        guests: Any = body.get("guests")
        if isinstance(guests, bool) or not isinstance(guests, int) or guests < 1:
            details["guests"] = ["must be 1 or more"]
        elif prop is not None and guests > prop["max_guests"]:
            details["guests"] = [f"the property sleeps at most {prop['max_guests']}"]
        if body.get("channel") not in (None, *CHANNELS):
            details["channel"] = ["is not a known channel"]
        if details:
            raise Refused(400, "validation_failed", "The reservation is not valid.", details)
        assert prop is not None
        if not self._free(prop["id"], dates["check_in"], dates["check_out"], None):
            raise Refused(409, "dates_unavailable", "The property is already booked for some of these nights.",
                          {"check_in": ["overlaps another reservation"], "check_out": ["overlaps another reservation"]})
        reservation = self._add_reservation(
            prop, {"name": str(guest["name"]).strip(), "email": str(guest["email"]).strip(),
                   "phone": str(guest.get("phone") or "") or None},
            dates["check_in"], dates["check_out"], int(guests), "confirmed", str(body.get("channel") or "direct"))
        return JSONResponse(reservation, status_code=201)

    async def cancel_reservation(self, request: Request) -> Response:
        """POST /reservations/{id}/cancel."""
        reservation = self._reservation(request)
        if reservation["status"] == "cancelled":
            raise Refused(409, "already_cancelled", "The reservation is already cancelled.")
        reservation["status"] = "cancelled"
        return JSONResponse(reservation)
