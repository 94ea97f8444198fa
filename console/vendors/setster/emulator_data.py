"""The fake Setster's data: the seeded company, its clients and appointments, and free times.

Part of the emulator (:mod:`console.vendors.setster.emulator`), which adds the HTTP side. Records
are kept as the emulator's own truth (string ids, local ``YYYY-MM-DD HH:MM:SS`` times, keys starting
with ``_`` for internal values); how they look on the wire is the emulator's business.

One company (``2423``, the id of setster.md:48's example) with three locations in two US zones, eight
providers, six services, working hours 9:00-17:00 on every day but Sunday, and appointments spread
over +-60 days around ``today``. Booking rules (setster.md:268-269 "Emulator contract" 9-10): a time
outside working hours or in the past is not bookable (``statusCode`` 9), one that overlaps another
appointment of the provider is occupied (``statusCode`` 10); cancelled appointments leave their time free.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from console.vendors.emulation import format_phone, people

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
#: The company's own zone (the account's ``timezone_id`` 553).
COMPANY_ZONE = ZoneInfo("America/New_York")
FULL = "%Y-%m-%d %H:%M:%S"


class Failure(Exception):
    """Answered with the envelope's error form.

    Args:
        code: The ``statusCode``.
        text: The description.
        http: The HTTP status.
        refused_write: A write Setster refuses with HTTP 403 (a slot not free): the emulator may answer
            it with the published body instead (published-samples.md:44).
    """

    def __init__(self, code: int, text: str, http: int = 200, *, refused_write: bool = False) -> None:
        super().__init__(text)
        self.code, self.text, self.http = code, text, http
        self.refused_write = refused_write


def local_text(moment: dt.datetime) -> str:
    """A naive local time as the emulator stores it (``YYYY-MM-DD HH:MM:SS``)."""
    return moment.strftime(FULL)


class SetsterData:
    """The seeded company and its state (the emulator's in-memory tables).

    Args:
        seed: Seed of the generated data.
        size: Number of appointments (spread over +-60 days around ``today``).
        client_count: Number of clients.
        today: The day the data is centred on (default: today in New York).
    """

    def __init__(self, *, seed: int, size: int, client_count: int, today: dt.date | None) -> None:
        self.company_id = "2423"
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
        self.today = today or dt.datetime.now(COMPANY_ZONE).date()
        self._seed(seed, size, client_count)

    def appointment_ids(self) -> list[str]:
        """Every appointment id in the default order (start time, ascending)."""
        return [a["id"] for a in sorted(self.appointments.values(), key=lambda a: (a["_start"], a["id"]))]

    def zone_of(self, location_id: str) -> ZoneInfo:
        """The zone of a location."""
        return ZoneInfo(TZ_LIST[self.locations[location_id]["timezone_id"]]["dbName"])

    # -- seeding --------------------------------------------------------------------------------

    def _seed(self, seed: int, size: int, client_count: int) -> None:
        rng = random.Random(seed * 31 + 5)
        for person in people(seed, client_count):
            since = self.today - dt.timedelta(days=rng.randint(30, 900))
            self.add_client({
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
            self.add_appointment(employee["location_id"], employee["id"], service, client, start, status,
                                 created, note=rng.choice(("", "", "Prefers mornings", "Anxious patient",
                                                           "Bring X-rays")), custom=custom)
            if status != 3:  # a cancelled appointment leaves its time free
                taken.append((start, end))

    def add_client(self, values: dict[str, Any]) -> dict[str, Any]:
        """Adds a client (``client_id`` is the next number); ``values`` override the blanks."""
        client_id = str(self._next_client)
        self._next_client += 1
        client = {"client_id": client_id, "company_id": self.company_id, "employee_id": "", "email": "",
                  "name": "", "phone": "", "last_app_date": None,
                  "date_created": local_text(dt.datetime.now(COMPANY_ZONE)),
                  "notes": "", "preferences": "", "address": "", "address2": "", "city": "", "state": "",
                  "zip": "", "country": "", "gender": "", "birthday": None, "accept_emails": "1"}
        client.update(values)
        self.clients[client_id] = client
        return client

    def add_appointment(self, location_id: str, employee_id: str, service: dict[str, Any], client: dict[str, Any],
                        start: dt.datetime, status: int, created: dt.datetime, *, note: str = "",
                        custom: dict[str, Any] | None = None) -> dict[str, Any]:
        """Adds an appointment (no slot check: that is :meth:`place`'s); times are local to the location."""
        appointment_id = str(self._next_appointment)
        self._next_appointment += 1
        minutes = int(service["duration"])
        end = start + dt.timedelta(minutes=minutes)
        appointment = {
            "id": appointment_id, "company_id": self.company_id, "client_id": client["client_id"],
            "client_email": client["email"], "client_name": client["name"], "client_phone": client["phone"],
            "client_address": client.get("address", ""), "employee_id": employee_id, "location_id": location_id,
            "location_name": self.locations[location_id]["name"], "service_id": service["id"],
            "type": service["name"], "start_date": local_text(start), "end_date": local_text(end),
            "length": str(minutes * 60_000), "duration": str(minutes), "duration_padding": "0",
            "note": note, "status": str(status), "paid": "0", "price": service["price"], "ews_id": "",
            "created_at": local_text(created), "last_updated": local_text(created),
            "custom_fields": custom or {}, "timezone_id": self.locations[location_id]["timezone_id"],
            "_start": start, "_end": end,
        }
        self.appointments[appointment_id] = appointment
        last = client.get("last_app_date")
        if last is None or str(last) < appointment["start_date"]:
            client["last_app_date"] = appointment["start_date"]
            client["_last_app_zone"] = appointment["timezone_id"]
        return appointment

    #: The name tests outside the package use (tests/integration/ui/test_bookings_view.py).
    _add_appointment = add_appointment

    # -- free times -----------------------------------------------------------------------------

    def is_free(self, employee_id: str, start: dt.datetime, minutes: int, ignore: str | None) -> bool:
        """Whether the provider has no other (not cancelled) appointment overlapping that time."""
        end = start + dt.timedelta(minutes=minutes)
        for other in self.appointments.values():
            if (other["employee_id"] == employee_id and other["id"] != ignore and other["status"] != "3"
                    and other["_start"] < end and start < other["_end"]):
                return False
        return True

    def bookable(self, location_id: str, start: dt.datetime, minutes: int) -> bool:
        """Whether the time lies within working hours and after now (in the location's zone)."""
        if start.weekday() == 6:
            return False
        opening = dt.datetime.combine(start.date(), dt.time(OPEN_HOUR))
        closing = dt.datetime.combine(start.date(), dt.time(CLOSE_HOUR))
        now_local = dt.datetime.now(self.zone_of(location_id)).replace(tzinfo=None)
        return opening <= start and start + dt.timedelta(minutes=minutes) <= closing and start > now_local

    def free_times(self, day: dt.date, service: dict[str, Any], location_id: str | None,
                   provider_id: str | None) -> list[str]:
        """The start times (``HH:MM:SS``) of a day at which some matching provider is free."""
        minutes = int(service["duration"])
        staff = [e for e in self.employees.values()
                 if (provider_id is None or e["id"] == provider_id)
                 and (location_id is None or e["location_id"] == location_id)]
        times = []
        for offset in range(0, (CLOSE_HOUR - OPEN_HOUR) * 60 - minutes + 1, STEP_MINUTES):
            start = dt.datetime.combine(day, dt.time(OPEN_HOUR)) + dt.timedelta(minutes=offset)
            for employee in staff:
                if (self.bookable(employee["location_id"], start, minutes)
                        and self.is_free(employee["id"], start, minutes, None)):
                    times.append(start.strftime("%H:%M:%S"))
                    break
        return times

    def place(self, start: dt.datetime, service: dict[str, Any], location_id: str | None,
              employee_id: str | None, ignore: str | None) -> tuple[str, str]:
        """Finds (location, employee) for a booking or raises the slot failure (HTTP 403, setster.md:186)."""
        minutes = int(service["duration"])
        staff = [e for e in self.employees.values()
                 if (employee_id is None or e["id"] == employee_id)
                 and (location_id is None or e["location_id"] == location_id)]
        if employee_id is not None and not staff:
            raise Failure(1, "The provider does not work at this location")
        bookable = [e for e in staff if self.bookable(e["location_id"], start, minutes)]
        if not bookable:
            raise Failure(9, "Slot not available", 403, refused_write=True)
        free = [e for e in bookable if self.is_free(e["id"], start, minutes, ignore)]
        if not free:
            raise Failure(10, "Slot occupied", 403, refused_write=True)
        return free[0]["location_id"], free[0]["id"]
