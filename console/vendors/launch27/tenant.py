"""The fake Launch27 tenant's data and rules, shared by both API generations (``shared/vendors/launch27.md``).

Seeded customers and bookings over +-60 days, prices, the two generations' booking shapes (2.0
local ``YYYY-MM-DDTHH:MM`` and string money; v1 UTC ``Z`` and numbers), and the validation, booking,
update and cancel rules both surfaces answer with their own error shapes. The HTTP surfaces are
:mod:`console.vendors.launch27.legacy` (2.0) and :mod:`console.vendors.launch27.emulator` (v1).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from console.vendors.emulation import format_phone, json_object, people

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



class Tenant:
    """One tenant's customers and bookings, and the rules both API generations share.

    Args:
        seed: Seed of the generated data.
        size: Number of bookings (over +-60 days around ``today``).
        today: The day the data is centred on.
    """

    def __init__(self, *, seed: int, size: int, today: dt.date) -> None:
        self.today = today
        self.customers: dict[int, dict[str, Any]] = {}
        self.bookings: dict[int, dict[str, Any]] = {}
        self._next_booking = 100_001
        self._seed(seed, size)

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
        self._next_booking += 1 + booking_id % 7 % 3  # ids are not consecutive (published-samples.md:68 [REC])
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

    # -- requests -----------------------------------------------------------------------------

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        return await json_object(request, lambda _c, message: Refused(400, {"code": 400, "message": message}),
                                 empty_ok=True)


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
