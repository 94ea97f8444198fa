"""Launch27 client for both API generations, chosen per account by the login field ``api``.

* **2.0** (``/api``, deprecated upstream, what the seed documents): ``X-API-Key`` on every call,
  ``POST /auth`` for a ``single_access_token`` sent as ``X-Authentication: email:token``,
  ``Accept: application/launch27.v2``; times local without zone (``YYYY-MM-DDTHH:MM``); money as
  strings; bookings paged with ``limit``/``offset`` and filtered by ``from``/``to`` only; cancel is
  ``DELETE`` with ``cancel_late``/``cancel_recurring``/``cancel_future``.
* **v1** (``/v1``, current): ``POST /login`` -> Bearer JWT; admins read ``/staff/bookings``, customers
  ``/customer/bookings`` (``from``, ``to``, ``query``, ``options``, ``limit``, ``offset``, ``sort``);
  times UTC with ``Z`` out and account-local in; cancel is ``POST .../cancel`` with
  ``confirmed_late``/``confirmed_recurring``/``reason``. Answers carry two quota header sets
  (``ratelimit-*`` for the answer's own kind, 30 reads or 10 writes a second, and
  ``x-rate-limit-limit`` naming 30 and 10 again): every quota is read and the stricter kept
  (:data:`V1_RATE_LIMITS`), so waits follow the 10 a second and the status bar always counts that one.
  Counting a GET against the 10 as well is the safe reading (the headers do not say which requests
  the second limit counts): reads go at most 10 a second. ``/v1/settings`` ``locale.data.time_format``
  ("12"/"24") puts booking times on the account's clock (:mod:`console.vendors.launch27.clock`).

Choices where the sources are silent: admin writes use ``/staff/bookings/{id}`` (GET/PUT) and
``/staff/bookings/{id}/cancel``, mirroring the documented customer routes; an admin creates a booking
through the guest route ``POST /booking`` with the customer's ``user``. API 2.0 has no settings call,
so its time zone is the account option "Time zone" (default: this computer's) and its clock the option
"Clock" (default 24-hour; the option also overrides v1's setting); a booking counts as
"late" within the option "Late-cancellation window" (default 24 hours), which the server confirms.
On 401 the client logs in again once and repeats the call once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

from console.core import log
from console.core.errors import BadResponse, ConsoleError, ValidationError
from console.core.models import Choice, Cursor, Page, Query, Question, Record, Slot, WriteResult
from console.http.ratelimit import HeaderNames, StrictestQuota
from console.vendors.base import ClientContext, VendorClient, VendorSpec
from console.vendors.launch27.clock import clock_time, hh_mm, on_clock, time_format
from console.vendors.launch27.errors import VENDOR
from console.vendors.launch27.session import V1Session, V2Session, _object, _objects, _wrapped
from console.vendors.optional import OptionalCall
from console.vendors.parsing import as_list, build_records, record_id, reply_data
from console.vendors.times import parse_vendor_time, zone

#: v1's quotas: ``ratelimit-*`` counts the answer's own (30 reads or 10 writes a second) and
#: ``x-rate-limit-limit`` names both (``30.00`` and ``10.00``), ``x-rate-limit-duration: 1`` the window
#: (launch27.md:136, published-samples.md:69-71). The stricter drives the waits and the status bar.
V1_RATE_LIMITS = StrictestQuota((
    HeaderNames("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", window="x-rate-limit-duration"),
    HeaderNames("x-rate-limit-limit", "", "", window="x-rate-limit-duration"),
))
ONE_TIME_CODES = frozenset({"o", "one", "onetime", "one_time", "once"})
#: 2.0 "All dates": from this day (published-samples.md:72-74: wide enough for the whole history) ...
HISTORY_START = "2000-01-01"
#: ... to this many years ahead.
FUTURE_YEARS = 5

# The optional calls (the package docstring classifies every call; shared/vendors/launch27.md lines).
SERVICES_V2 = OptionalCall(
    "services", "Services list", "bookings show service numbers instead of names and the services list is "
    "empty (new bookings need it)", ("bookings", "services"), "launch27.md:72 [L] GET /api/services")
FREQUENCIES_V2 = OptionalCall(
    "frequencies", "Frequency names", "bookings show frequency numbers (frequency 1 is taken as one-time, "
    "any other as recurring)", ("bookings",), "launch27.md:73 [L] GET /api/frequencies")
SETTINGS_V1 = OptionalCall(
    "settings", "Account settings", "times are shown on a 24-hour clock, in this computer's time zone unless the "
    "account sets one", ("bookings",), "launch27.md:177 [C] GET /settings, enrichment (time zone, clock)")
FREQUENCIES_V1 = OptionalCall(
    "frequencies", "Frequencies list", "a new booking offers only the frequencies seen on bookings",
    ("bookings",), "launch27.md:182 [C] GET /booking/frequencies, enrichment (the form's choices)")
POLICY_V1 = OptionalCall(
    "cancellation_policy", "Cancellation policy", "cancelling asks for a reason in case Launch27 wants one "
    "and cannot name the late fee", ("bookings",), "launch27.md:188 [C] GET /policy/cancellation, enrichment")





def _minutes(hours: Any) -> int | None:
    """2.0 gives service lengths in hours."""
    try:
        return round(float(hours) * 60) if hours not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> float | None:
    try:
        return round(float(value), 2) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class Launch27Client(VendorClient):
    """Launch27 bookings and services over API 2.0 or v1."""

    optional_calls = (SERVICES_V2, FREQUENCIES_V2, SETTINGS_V1, FREQUENCIES_V1, POLICY_V1)

    def __init__(self, spec: VendorSpec, context: ClientContext) -> None:
        self.api = context.fields.get("api", "v1")
        email = context.fields.get("email", "")
        password = context.secrets.get("password", "")
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        self.session: V1Session | V2Session
        if self.api == "2.0":
            api_key = context.secrets.get("api_key", "")
            log.register_secret(api_key)
            headers = {**headers, "X-API-Key": api_key, "Accept": "application/launch27.v2"}
            self.session = V2Session(email, password)
        else:
            self.session = V1Session(email, password)
        http = context.http(spec, headers=headers, session=self.session,
                            rate_limit_parser=V1_RATE_LIMITS if self.api != "2.0" else None)
        super().__init__(spec, http)
        self.zone_name = str(context.options.get("timezone", "") or "")
        try:
            self.late_hours = float(context.options.get("late_hours", 24) or 24)
        except (TypeError, ValueError):
            self.late_hours = 24.0
        self.zone: dt.tzinfo = zone(self.zone_name, "UTC") if self.zone_name else _local_zone()
        chosen = str(context.options.get("time_format", "") or "")
        #: 12 or 24: the account option, else (v1) what Launch27's settings say, else 24.
        self.clock = int(chosen) if chosen in ("12", "24") else 24
        self._clock_from_vendor = chosen not in ("12", "24") and self.api != "2.0"
        self._services: dict[str, dict[str, Any]] | None = None
        self._frequencies: dict[str, dict[str, Any]] | None = None
        #: Frequencies named on the bookings read so far (v1 bookings carry theirs).
        self._seen_frequencies: dict[str, str] = {}
        self._policy: dict[str, Any] | None = None
        self._ready = False
        self._context_lock = asyncio.Lock()

    # -- context --------------------------------------------------------------------------------

    async def _context(self) -> None:
        """Loads (once) what describes bookings, all of it optional.

        v1: the account settings (time zone), unless the account sets it. 2.0: the service and
        frequency names (its bookings carry only ids). A call the server does not offer is noted and
        the bookings load without it.
        """
        async with self._context_lock:
            if self._ready:
                return
            if self.api == "2.0":
                self._services = _by_id(await self.optional.run(SERVICES_V2, self._raw_services, []))
                self._frequencies = _by_id(await self.optional.run(FREQUENCIES_V2, self._raw_frequencies, []))
            elif not self.zone_name or self._clock_from_vendor:
                none: dict[str, Any] = {}
                settings = await self.optional.run(SETTINGS_V1, self._raw_settings, none)
                if settings.get("timezone") and not self.zone_name:
                    self.zone = zone(str(settings["timezone"]), "UTC")
                if self._clock_from_vendor:  # locale.data.time_format (published-samples.md:65-66)
                    self.clock = time_format(settings) or 24
            self._ready = True

    async def _raw_settings(self) -> dict[str, Any]:
        return _object(await self.http.call("GET", "/settings", parse=reply_data), "settings")

    async def _service_map(self) -> dict[str, dict[str, Any]]:
        """The services by id: 2.0 through the (optional) context; v1 ``/booking/services`` ([C], required)."""
        if self.api == "2.0":
            await self._context()
        elif self._services is None:
            self._services = _by_id(await self._raw_services())
        return self._services or {}

    async def _raw_services(self) -> list[dict[str, Any]]:
        if self.api == "2.0":
            return _objects(await self.http.call("GET", "/services", parse=_wrapped("services", "services")),
                            "services")
        data = await self.http.call("GET", "/booking/services", parse=reply_data)
        if isinstance(data, dict) and "services" in data:  # mode=tags shape
            data = data["services"]
        return _objects(data, "services")

    async def _raw_frequencies(self) -> list[dict[str, Any]]:
        if self.api == "2.0":
            return _objects(await self.http.call("GET", "/frequencies", parse=_wrapped("frequencies", "frequencies")),
                            "frequencies")
        return _objects(await self.http.call("GET", "/booking/frequencies", parse=reply_data), "frequencies")

    def _bookings_path(self) -> str:
        if self.api == "2.0":
            return "/bookings"
        assert isinstance(self.session, V1Session)
        return "/staff/bookings" if self.session.staff else "/customer/bookings"

    # -- records --------------------------------------------------------------------------------

    def _frequency(self, booking: Mapping[str, Any]) -> dict[str, Any]:
        raw = booking.get("frequency")
        if isinstance(raw, dict):
            if raw.get("id") is not None and raw.get("name"):
                self._seen_frequencies.setdefault(str(raw["id"]), str(raw["name"]))
            return raw
        fid = booking.get("frequency_id")
        known = (self._frequencies or {}).get(str(fid))
        if known is not None or fid in (None, ""):
            return known or {}
        # Without the frequencies list (optional): frequency 1 is one-time in every published example.
        return {"id": fid, "name": f"frequency {fid}", "interval": "o" if str(fid) == "1" else "unknown"}

    def _is_recurring(self, frequency: Mapping[str, Any]) -> bool:
        code = str(frequency.get("interval") or frequency.get("code") or "o").lower()
        return code not in ONE_TIME_CODES

    def _booking(self, raw: dict[str, Any]) -> Record:
        raw_id = record_id(raw.get("id"), "booking", VENDOR)
        services = self._services or {}
        start = parse_vendor_time(raw.get("service_date"), self.zone)
        start = on_clock(start.astimezone(self.zone), self.clock) if start is not None else None
        frequency = self._frequency(raw)
        items = as_list(raw.get("services"))
        names = [str(s.get("name") or services.get(str(s.get("id")), {}).get("name") or f"service {s.get('id')}")
                 for s in items if isinstance(s, dict)]
        if raw.get("active") is False:
            status = "cancelled"
        elif raw.get("completed"):
            status = "completed"
        else:
            status = "scheduled"
        address = raw.get("address")
        if isinstance(address, dict):
            street, city = address.get("street", ""), address.get("city", "")
            state, zip_code = address.get("state", ""), address.get("zip", "")
        else:
            street, city, state, zip_code = address or "", raw.get("city", ""), raw.get("state", ""), raw.get("zip", "")
        summary = raw.get("summary") if isinstance(raw.get("summary"), dict) else {}
        total = _money(summary.get("total")) if summary else _money(raw.get("final_price") or raw.get("price"))
        teams = as_list(raw.get("teams"))
        actions = raw.get("actions") if isinstance(raw.get("actions"), dict) else {}
        customer = raw.get("name") or (f"customer #{raw['user_id']}" if raw.get("user_id") else "")
        payment = raw.get("payment_method_info", {}).get("code") if isinstance(raw.get("payment_method_info"), dict) \
            else raw.get("payment_method")
        late = bool(actions.get("late_cancel")) if actions else bool(
            start and dt.timedelta(0) <= start - dt.datetime.now(self.zone) <= dt.timedelta(hours=self.late_hours))
        derived: dict[str, Any] = {
            "start": start,
            "customer": customer,
            "email": raw.get("email") or "",
            "status": status,
            "service": ", ".join(names),
            "staff": ", ".join(str(t.get("name")) for t in teams if isinstance(t, dict)),
            "place": ", ".join(x for x in (str(street), str(city)) if x),
            "frequency": frequency.get("name") or "",
            "total": total,
            "recurring": self._is_recurring(frequency),
            "late_cancel": late,
            "_form": {
                "service_id": str(items[0].get("id")) if items and isinstance(items[0], dict) else "",
                "frequency_id": str(frequency.get("id") or raw.get("frequency_id") or ""),
                "service_date": start.strftime("%Y-%m-%dT%H:%M:%S") if start else "",
                "phone": raw.get("phone") or "", "address": street or "", "city": city or "",
                "state": state or "", "zip": zip_code or "", "payment_method": payment or "cash",
                "customer_notes": raw.get("customer_notes") or raw.get("customer_comments") or "",
                **self._customer_names(raw), "email": raw.get("email") or "",
            },
        }
        return Record(VENDOR, "bookings", str(raw_id), raw, derived)

    def _customer_names(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """The first and last name of a booking's customer, for its form.

        v1 sends ``name`` ("Grace de Vries": the first word is the first name, the rest the last);
        2.0 sends only ``user_id``, so only the logged-in user's own bookings have a name (the login's).
        """
        if raw.get("first_name") or raw.get("last_name"):
            return {"first_name": str(raw.get("first_name") or ""), "last_name": str(raw.get("last_name") or "")}
        name = str(raw.get("name") or "").strip()
        if name:
            first, _, last = name.partition(" ")
            return {"first_name": first, "last_name": last.strip()}
        user = self.session.user if isinstance(self.session, V2Session) else {}
        if raw.get("user_id") is not None and str(raw.get("user_id")) == user.get("id"):
            return {"first_name": user.get("first_name", ""), "last_name": user.get("last_name", "")}
        return {"first_name": "", "last_name": ""}

    def _service(self, raw: dict[str, Any]) -> Record:
        raw_id = record_id(raw.get("id"), "service", VENDOR)
        extras = as_list(raw.get("extras"))
        pricing = as_list(raw.get("pricing_parameters"))
        derived = {
            "price": _money(raw.get("price")),
            "duration": raw.get("duration") or _minutes(raw.get("hours_minimum")),
            "extras": ", ".join(f"{e.get('name')} {_money(e.get('price')) or 0:.2f}" for e in extras
                                if isinstance(e, dict)),
            "pricing": ", ".join(f"{p.get('name')} {_money(p.get('price')) or 0:.2f}" for p in pricing
                                 if isinstance(p, dict)),
        }
        return Record(VENDOR, "services", str(raw_id), raw, derived)

    # -- reading --------------------------------------------------------------------------------

    async def test_connection(self) -> str:
        """Logs in and loads the services."""
        await self.session.ensure(self.http)
        await self._context()
        services = await self._service_map()
        who = "admin" if isinstance(self.session, V2Session) or self.session.staff else "customer"
        listed = f"{len(services)} services" if services or self.optional.available(SERVICES_V2) else \
            "no services list"
        return f"Logged in ({self.api}, {who}); {listed}; times in {self.zone}."

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """Bookings with ``limit``/``offset`` and the generation's filters; services in one page."""
        await self._context()
        if dataset == "services":
            items = [self._service(s) for s in (await self._service_map()).values()]
            return Page(items, None, False, len(items))
        if dataset != "bookings":
            raise self._unsupported(dataset, "list")
        offset = int(cursor or 0)
        filters = query.active_filters()
        params: dict[str, Any] = {"limit": limit, "offset": offset or None}
        for key in ("from", "to"):
            if filters.get(key):
                params[key] = filters[key]
        if self.api == "2.0":
            params.update(self._v2_range(params.get("from"), params.get("to")))
            raw = _objects(await self.http.call("GET", "/bookings", params=params,
                                                parse=_wrapped("bookings", "bookings")), "bookings")
        else:
            if filters.get("query"):
                params["query"] = filters["query"]
            if filters.get("options"):
                params["options"] = filters["options"]
            params["sort"] = "desc" if query.descending else "asc"
            answer = await self.http.call("GET", self._bookings_path(), params=params, parse=reply_data)
            raw = _objects(answer, "bookings")
        records = await build_records(self._booking, raw)
        more = len(raw) >= limit
        return Page(records, offset + len(raw) if more else None, more, None)

    def _v2_range(self, start: str | None, end: str | None) -> dict[str, str]:
        """2.0's ``from``/``to``, both always sent.

        Without them 2.0 lists only upcoming, not-completed bookings (launch27.md:64,
        published-samples.md:72), so "All dates" and an unfiltered export lost the history: a missing
        ``from`` is :data:`HISTORY_START`, a missing ``to`` five years after today (or after ``from``).
        """
        first = start or HISTORY_START
        if end:
            return {"from": first, "to": end}
        try:
            base = max(dt.date.fromisoformat(first), dt.datetime.now(self.zone).date())
        except ValueError:  # the vendor says what it thinks of the date
            return {"from": first, "to": first}
        return {"from": first, "to": _years_after(base, FUTURE_YEARS).isoformat()}

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """One booking or service."""
        await self._context()
        if dataset == "services":
            raw = (await self._service_map()).get(record_id)
            if raw is None:
                raise self._unsupported(dataset, f"find service {record_id} in")
            return self._service(raw)
        path = f"{self._bookings_path()}/{record_id}"
        parse = _wrapped("booking", "booking") if self.api == "2.0" else reply_data
        return self._booking(_object(await self.http.call("GET", path, parse=parse), "booking"))

    async def lookup(self, name: str) -> list[Choice]:
        """``frequencies``: the account's booking frequencies."""
        if name != "frequencies":
            return await super().lookup(name)
        await self._context()
        if self.api != "2.0" and self._frequencies is None:
            self._frequencies = _by_id(await self.optional.run(FREQUENCIES_V1, self._raw_frequencies, []))
        if self._frequencies:
            return [Choice(fid, str(f.get("name") or fid)) for fid, f in self._frequencies.items()]
        # Without the list: the frequencies bookings named, and frequency 1 (one-time in every example).
        seen = {"1": self._seen_frequencies.get("1", "One Time"), **self._seen_frequencies}
        return [Choice(fid, label) for fid, label in sorted(seen.items(), key=lambda item: item[1])]

    # -- writing --------------------------------------------------------------------------------

    def _local_time(self, value: str) -> str:
        """A slot or form time as the generation writes it (2.0 minutes, v1 seconds; both local)."""
        moment = parse_vendor_time(value, self.zone)
        if moment is None:
            raise ValidationError(VENDOR, "no time", fields={"service_date": ["Pick a date and a free spot."]})
        local = moment.astimezone(self.zone)
        return local.strftime("%Y-%m-%dT%H:%M") if self.api == "2.0" else local.strftime("%Y-%m-%dT%H:%M:%S")

    def _service_items(self, service_id: str) -> list[dict[str, Any]]:
        if self.api == "2.0":
            return [{"id": int(service_id), "extras": [], "pricing_parameters": []}]
        return [{"id": int(service_id), "hourly": None, "extras": [], "pricing_parameters": []}]

    def _booking_body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        def get(key: str) -> str:
            return str(values.get(key) or "").strip()

        body: dict[str, Any] = {
            "service_date": self._local_time(get("service_date")),
            "services": self._service_items(get("service_id")),
            "frequency_id": int(get("frequency_id")) if get("frequency_id").isdigit() else None,
            "address": get("address"), "city": get("city"), "state": get("state"), "zip": get("zip"),
            "phone": get("phone"), "payment_method": get("payment_method") or "cash",
        }
        if self.api == "2.0":
            body.update({"customer_comments": get("customer_notes") or None, "flexibility": 0,
                         "sms_notifications": False, "custom_fields": {}})
        else:
            body.update({"customer_notes": get("customer_notes") or None, "arrival_window": 0,
                         "sms_notifications": False, "custom_fields": [], "location_id": None})
        return body

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Books a service for a customer (who is created when new)."""
        if dataset != "bookings":
            raise self._unsupported(dataset, "create")
        await self._context()
        if not str(values.get("service_id") or "").isdigit():
            raise ValidationError(VENDOR, "no service", fields={"service_id": ["Choose a service."]})
        user = {k: str(values.get(k) or "").strip() for k in ("email", "first_name", "last_name")}
        body = self._booking_body(values)
        if self.api == "2.0":
            made = await self.http.call("POST", "/bookings", json_body={"booking": body, "user": user},
                                        parse=_wrapped("booking", "booking"))
            return WriteResult(self._booking(_object(made, "booking")))
        created = _object(await self.http.call("POST", "/booking", json_body={**body, "user": user}, parse=reply_data),
                          "booking")
        if "id" not in created:
            raise BadResponse(VENDOR, "the booking answer has no id")
        return WriteResult(await self.get_record("bookings", str(created["id"])))

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Sends the booking with the changes (2.0 PUT replaces the whole booking)."""
        if dataset != "bookings":
            raise self._unsupported(dataset, "edit")
        await self._context()
        values = {**record.derived.get("_form", {}), **changes}
        return await self._put(record, values)

    async def _put(self, record: Record, values: Mapping[str, Any]) -> WriteResult:
        path = f"{self._bookings_path()}/{record.id}"
        body = self._booking_body(values)
        if self.api == "2.0":
            full = {k: v for k, v in record.fields.items()
                    if k not in ("price", "final_price", "completed", "active", "service_maids", "service_minutes")}
            full.update(body)
            saved = await self.http.call("PUT", path, json_body={"booking": full}, parse=_wrapped("booking", "booking"))
            return WriteResult(self._booking(_object(saved, "booking")))
        await self.http.call("PUT", path, json_body=body, parse=reply_data)
        return WriteResult(await self.get_record("bookings", record.id))

    # -- bookings -------------------------------------------------------------------------------

    async def slots(self, dataset: str, field: str, values: Mapping[str, Any], day: dt.date) -> list[Slot]:
        """Free spots of one day (2.0 ``GET /spots/{date}``, v1 ``POST /booking/spots``)."""
        if dataset != "bookings":
            raise self._unsupported(dataset, "offer free times for")
        await self._context()
        if self.api == "2.0":
            spots = _objects(await self.http.call("GET", f"/spots/{day.isoformat()}",
                                                  parse=_wrapped("spots", "spots")), "spots")
            return [Slot(f"{day.isoformat()}T{int(s['hours']):02d}:{int(s['minutes']):02d}",
                         hh_mm(int(s["hours"]), int(s["minutes"]), self.clock))
                    for s in spots if int(s.get("remaining", s.get("value", 0)) or 0) > 0]
        mode = "reschedule" if values.get("service_date") else "new"
        days = _objects(await self.http.call("POST", "/booking/spots",
                                             json_body={"date": day.isoformat(), "days": 1, "mode": mode},
                                             parse=reply_data), "spots")
        result = []
        for entry in days:
            if entry.get("date") != day.isoformat():
                continue
            for spot in entry.get("spots") or []:
                if spot.get("free") and not spot.get("past"):
                    hhmm = f"{int(spot['hours']):02d}:{int(spot['minutes']):02d}"
                    shown = hh_mm(int(spot["hours"]), int(spot["minutes"]), self.clock)
                    window = int(spot.get("arrival_window") or 0)
                    label = f"{shown} (arrival window {window // 60} h)" if window >= 60 else shown
                    result.append(Slot(f"{day.isoformat()}T{hhmm}:00", label))
        return result

    async def _cancellation_policy(self) -> dict[str, Any]:
        """v1's cancellation policy (optional: without it the reason is asked anyway, a harmless extra)."""
        if self._policy is not None:
            return self._policy

        async def fetch() -> dict[str, Any]:
            return _object(await self.http.call("GET", "/policy/cancellation", parse=reply_data), "policy")

        ask_reason: dict[str, Any] = {"cancellation_reason_on": True}
        policy = {} if self.api == "2.0" else await self.optional.run(POLICY_V1, fetch, ask_reason)
        self._policy = policy
        return policy

    async def questions(self, dataset: str, record: Record, action: str) -> list[Question]:
        """Cancel asks, in plain words, what Launch27 needs confirmed: a late fee, recurring scope, a reason."""
        if dataset != "bookings" or action != "cancel":
            return []
        start = record.derived.get("start")
        when = f"{start:%A %d %B} at {clock_time(start)} {start.tzname() or ''}".rstrip() if start else "(no date)"
        who = record.derived.get("customer") or "this customer"
        asked = [Question("confirm", "Cancel booking", f"Cancel the booking of {who} on {when}?",
                          (Choice("yes", "Cancel booking"),),
                          detail="Launch27 keeps it as cancelled; it is not erased.")]
        policy = await self._cancellation_policy()
        if record.derived.get("late_cancel"):
            fee = policy.get("late_cancellation_fee") or policy.get("late_cancellation_percent")
            fee_text = f" Launch27 may charge a late-cancellation fee ({fee})." if fee else \
                " Launch27 may charge a late-cancellation fee."
            asked.append(Question("late", "Late cancellation",
                                  f"This booking starts soon, inside the cancellation window.{fee_text}",
                                  (Choice("yes", "Cancel anyway"),)))
        if record.derived.get("recurring"):
            asked.append(Question("recurring", "Recurring booking",
                                  f"This booking repeats ({record.derived.get('frequency') or 'recurring'}). "
                                  "Cancel only this visit, or this one and every later one?",
                                  (Choice("this", "Only this visit"), Choice("future", "This and all later visits"))))
        if policy.get("cancellation_reason_on"):
            asked.append(Question("reason", "Reason", "Why is the booking cancelled? Launch27 asks for a reason.",
                                  (Choice("Customer request", "Customer asked"),
                                   Choice("Rescheduled", "Booked another time"),
                                   Choice("Other", "Other reason"))))
        return asked

    async def run_action(self, dataset: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str]) -> WriteResult:
        """Cancel (with the confirmations) or reschedule (a new spot)."""
        if dataset != "bookings":
            raise self._unsupported(dataset, action)
        await self._context()
        if action == "reschedule":
            when = str(values.get("service_date") or "")
            return await self._put(record, {**record.derived.get("_form", {}), "service_date": when})
        if action != "cancel":
            raise self._unsupported(dataset, action)
        if answers.get("confirm") != "yes":
            raise ConsoleError("not confirmed")
        late = answers.get("late") == "yes"
        future = answers.get("recurring") == "future"
        path = f"{self._bookings_path()}/{record.id}"
        if self.api == "2.0":
            params = {"cancel_late": "true" if late else None,
                      "cancel_recurring": "true" if record.derived.get("recurring") else None,
                      "cancel_future": "true" if future else None}
            saved = await self.http.call("DELETE", path, params=params, parse=_wrapped("booking", "booking"))
            return WriteResult(self._booking(_object(saved, "booking")))
        body = {"confirmed_late": late or None, "confirmed_fee": None,
                "confirmed_recurring": {"cancel_future": future} if record.derived.get("recurring") else None,
                "reason": answers.get("reason")}
        await self.http.call("POST", f"{path}/cancel", json_body=body, parse=reply_data)
        return WriteResult(await self.get_record("bookings", record.id))


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item.get("id")): item for item in items}


def _local_zone() -> dt.tzinfo:
    """This computer's zone (for API 2.0 accounts with no zone set)."""
    return dt.datetime.now().astimezone().tzinfo or dt.UTC
