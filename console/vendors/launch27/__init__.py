"""Launch27 (home-service bookings): bookings and services, in both API generations.

Facts: ``shared/vendors/launch27.md`` and the seed ``launch27-api-2.0-general-notes.txt``; names and
decisions: ``shared/vendors/README.md``; ``shared/vendors/published-samples.md`` wins where they differ.
The account's login field ``api`` chooses ``2.0`` (legacy ``/api``, API key + email/password) or ``v1``
(current, email/password -> Bearer JWT).

Every call of the client, required or optional (published-samples.md:8-15: only [C] calls a dataset
cannot do without are required; an optional one that answers 404/405/501 or an unreadable body is
remembered for the account, the list loads without it and says so once). ``launch27.md`` lines:

API 2.0 (``/api``):

* ``POST /auth`` (:63 [C]): required, the login.
* ``GET /bookings`` (:64 [C]): required, the bookings list; ``GET /bookings/{id}`` (:65 [C]) required
  for one booking. Without ``from``/``to`` it lists only upcoming, not-completed bookings
  (published-samples.md:72), so the client always sends both: "All dates" and an unfiltered export
  ask from 2000-01-01 to five years ahead.
* ``POST /bookings``, ``PUT /bookings/{id}``, ``DELETE /bookings/{id}`` (:66-68 [C]): the writes
  (new, edit/reschedule, cancel); ``GET /spots/{date}`` (:76 [C]) the free times of the form.
* ``GET /services`` (:72 [L]): **optional** (``SERVICES_V2``). Without it the bookings show
  "service 2" instead of names and the services list is empty with a note (so no new booking).
* ``GET /frequencies`` (:73 [L]): **optional** (``FREQUENCIES_V2``). Without it the bookings show
  "frequency 3", frequency 1 counts as one-time and any other as recurring (every published example
  has 1 = one time), and the form offers frequency 1 only.

v1 (``/v1``):

* ``POST /login`` (:158 [C]): required, the login.
* ``GET /staff/bookings`` (:303 [C], admins) or ``GET /customer/bookings`` (:264 [C], customers):
  required, the bookings list; ``GET .../bookings/{id}`` (:266, :304 [C]) required for one booking.
* ``GET /booking/services`` (:179 [C]): required for the services list (and the form's services).
  The bookings do not call it: each v1 booking names its services.
* ``GET /settings`` (:177 [C]): **optional** (``SETTINGS_V1``), it only enriches: the time zone
  (unless the account option sets one). Without it times show in this computer's zone.
* ``GET /booking/frequencies`` (:182 [C]): **optional** (``FREQUENCIES_V1``), only the form's
  frequency choices; without it the form offers the frequencies the bookings read so far named.
* ``GET /policy/cancellation`` (:188 [C]): **optional** (``POLICY_V1``), it words the cancel
  questions; without it the cancel dialog asks for a reason anyway and names no fee.
* ``POST /booking`` (:225 [C]) creates, ``POST /booking/spots`` (:180 [C]) gives the free times;
  ``PUT /customer/bookings/{id}`` and ``POST /customer/bookings/{id}/cancel`` (:267-268 [C]) are the
  customers' writes. The admins' ``PUT /staff/bookings/{id}`` and ``POST /staff/bookings/{id}/cancel``
  are **invented** (no source shows staff writes, :297-313): a write has no fallback, so a server
  without them refuses the edit or cancel with its own 404 message.
"""

from __future__ import annotations

from console.core.lookup import LookupMethod, routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from console.vendors.launch27 import errors

DEMO_ADMIN = "admin@sparkleclean.example"
#: The demo workspace's password and 2.0 key (the emulator accepts them; they open nothing real).
DEMO_PASSWORD = "demo-l27-Sparkle"
DEMO_API_KEY = "test_demoL27key8kBFkh"


SPEC = vendor_spec(
    __name__, errors,
    client="client:Launch27Client",
    default_base_url="https://<tenant>.launch27.com/v1",
    base_url_help="Your Launch27 address with /v1 (current API) or /api (API 2.0), e.g. "
                  "https://acme.launch27.com/v1",
    base_url_variants=((("api", "2.0"), "https://<tenant>.launch27.com/api"),
                       (("api", "v1"), "https://<tenant>.launch27.com/v1")),
    login_fields=(
        LoginField("api", "API generation", choices=("v1", "2.0"), default="v1",
                   help="v1 is the current API; 2.0 is the older one with an API key."),
        LoginField("email", "Email", placeholder="admin@example.com"),
        LoginField("password", "Password", secret=True, help="Stored in your OS keychain."),
        LoginField("api_key", "API key", secret=True, when=("api", "2.0"),
                   help="Launch27 > Settings > General > API Access (live_... or test_...)."),
    ),
    emulator=Emulated(
        "emulator:Launch27Emulator",
        demo_accounts=(
            DemoAccount("Sparkle v1 (demo)", fields={"api": "v1", "email": DEMO_ADMIN},
                        secrets={"password": DEMO_PASSWORD}, base_path="/v1"),
            DemoAccount("Sparkle 2.0 (demo)", fields={"api": "2.0", "email": DEMO_ADMIN},
                        secrets={"password": DEMO_PASSWORD, "api_key": DEMO_API_KEY},
                        options={"timezone": "America/New_York"}, base_path="/api"),
        ),
        demo_size=1500,
        main_dataset="bookings",
        defaults={"admins": {DEMO_ADMIN: DEMO_PASSWORD}, "api_keys": (DEMO_API_KEY,)},
    ),
    # v1's booking `query` covers address, city and phone; nothing searches emails or names, so those
    # are a bounded scan of the bookings v1 lists first. 2.0 has no search at all (phone numbers are a
    # scan too), and its bookings carry no customer name or email: it cannot look those up.
    lookups=(routes("phone", "bookings", param="query", when=("api", "v1")),
             routes("email name", "bookings", LookupMethod.SCAN, limit=300, when=("api", "v1")),
             routes("phone", "bookings", LookupMethod.SCAN, limit=300, when=("api", "2.0")),
             routes("id", "bookings", LookupMethod.GET)),
    options=(
        AccountOption("timezone", "Time zone", (Choice("", "From Launch27 (v1) or this computer (2.0)"),
                                                Choice("America/New_York", "America/New_York"),
                                                Choice("America/Chicago", "America/Chicago"),
                                                Choice("America/Denver", "America/Denver"),
                                                Choice("America/Los_Angeles", "America/Los_Angeles"),
                                                Choice("Europe/London", "Europe/London"),
                                                Choice("Australia/Sydney", "Australia/Sydney")), "",
                      help="API 2.0 times carry no zone; they are read in this one."),
        AccountOption("time_format", "Clock", (Choice("", "From Launch27 (v1), else 24-hour"),
                                               Choice("12", "12-hour (2:30 PM)"), Choice("24", "24-hour (14:30)")), "",
                      help="How times are shown; v1 accounts follow Launch27's own setting by default."),
        AccountOption("late_hours", "Late-cancellation window", (Choice("24", "24 hours"), Choice("48", "48 hours"),
                                                                 Choice("12", "12 hours")), "24",
                      help="API 2.0 only: how close to the start a cancellation counts as late."),
    ),
)
