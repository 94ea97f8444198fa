"""Launch27 (home-service bookings): bookings and services, in both API generations.

Facts: ``shared/vendors/launch27.md`` and the seed ``launch27-api-2.0-general-notes.txt``; names and
decisions: ``shared/vendors/README.md``. The account's login field ``api`` chooses ``2.0`` (legacy
``/api``, API key + email/password) or ``v1`` (current, email/password -> Bearer JWT).
"""

from __future__ import annotations

from typing import Any

from console.core.lookup import LookupMethod, routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import ClientContext, DemoAccount, EmulatorApp, EmulatorSpec, VendorClient, VendorSpec
from console.vendors.launch27.datasets import DATASETS
from console.vendors.launch27.errors import ERROR_TABLE, NAME, VENDOR

DEMO_ADMIN = "admin@sparkleclean.example"
#: The demo workspace's password and 2.0 key (the emulator accepts them; they open nothing real).
DEMO_PASSWORD = "demo-l27-Sparkle"
DEMO_API_KEY = "test_demoL27key8kBFkh"


def _client(spec: VendorSpec, context: ClientContext) -> VendorClient:
    from console.vendors.launch27.client import Launch27Client

    return Launch27Client(spec, context)


def _emulator(**options: Any) -> EmulatorApp:
    from console.vendors.launch27.emulator import Launch27Emulator

    options.setdefault("admins", {DEMO_ADMIN: DEMO_PASSWORD})
    options.setdefault("api_keys", (DEMO_API_KEY,))
    return Launch27Emulator(**options)


SPEC = VendorSpec(
    id=VENDOR,
    display_name=NAME,
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
    datasets=DATASETS,
    client_factory=_client,
    emulator=EmulatorSpec(
        factory=_emulator,
        demo_accounts=(
            DemoAccount("Sparkle v1 (demo)", fields={"api": "v1", "email": DEMO_ADMIN},
                        secrets={"password": DEMO_PASSWORD}, base_path="/v1"),
            DemoAccount("Sparkle 2.0 (demo)", fields={"api": "2.0", "email": DEMO_ADMIN},
                        secrets={"password": DEMO_PASSWORD, "api_key": DEMO_API_KEY},
                        options={"timezone": "America/New_York"}, base_path="/api"),
        ),
        demo_size=1500,
    ),
    # v1's booking `query` covers address, city and phone; nothing searches emails or names, so those
    # are a bounded scan of the bookings v1 lists first. 2.0 has no search at all (phone numbers are a
    # scan too), and its bookings carry no customer name or email: it cannot look those up.
    lookups=(routes("phone", "bookings", param="query", when=("api", "v1")),
             routes("email name", "bookings", LookupMethod.SCAN, limit=300, when=("api", "v1")),
             routes("phone", "bookings", LookupMethod.SCAN, limit=300, when=("api", "2.0")),
             routes("id", "bookings", LookupMethod.GET)),
    error_table={code: message for code, (_kind, message) in ERROR_TABLE.items()},
    options=(
        AccountOption("timezone", "Time zone", (Choice("", "From Launch27 (v1) or this computer (2.0)"),
                                                Choice("America/New_York", "America/New_York"),
                                                Choice("America/Chicago", "America/Chicago"),
                                                Choice("America/Denver", "America/Denver"),
                                                Choice("America/Los_Angeles", "America/Los_Angeles"),
                                                Choice("Europe/London", "Europe/London"),
                                                Choice("Australia/Sydney", "Australia/Sydney")), "",
                      help="API 2.0 times carry no zone; they are read in this one."),
        AccountOption("late_hours", "Late-cancellation window", (Choice("24", "24 hours"), Choice("48", "48 hours"),
                                                                 Choice("12", "12 hours")), "24",
                      help="API 2.0 only: how close to the start a cancellation counts as late."),
    ),
)
