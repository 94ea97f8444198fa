"""The fake Launch27's API 2.0 surface (``/api/...``, ``shared/vendors/launch27.md`` part A).

``POST /api/auth``; bookings with ``from``/``to``/``limit``/``offset``, ``GET/PUT/DELETE
/api/bookings/{id}`` (DELETE needs ``cancel_late``/``cancel_recurring`` when they apply: 406 otherwise),
``POST /api/bookings``, ``/api/bookings/estimate``; services, frequencies, custom fields, states and
``/api/spots/{date}``. The key and user checks are the emulator's (:mod:`console.vendors.launch27.emulator`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from starlette.requests import Request

from console.vendors.launch27.tenant import (
    EXTRAS,
    FREQUENCIES,
    SERVICES,
    SPOT_HOURS,
    ZONE,
    Refused,
    Tenant,
    _legacy_error,
    _obj,
)


class LegacyRoutes(Tenant):
    """The handlers of the 2.0 routes (``handler(request, user)`` -> the JSON answer)."""

    tokens: set[str]
    admins: dict[str, str]
    logins: int

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
            # Without from/to: only not-completed bookings dated today or later (launch27.md:64 [C],
            # published-samples.md:72 [DOC]).
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
