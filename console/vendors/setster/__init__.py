"""Setster (appointment scheduling): appointments, clients, services, employees, locations.

Facts: ``shared/vendors/setster.md``; names and decisions: ``shared/vendors/README.md``. The choices
made where the sources are silent are listed in :mod:`console.vendors.setster.client` and
:mod:`console.vendors.setster.emulator`.
"""

from __future__ import annotations

from typing import Any

from console.core.lookup import LookupMethod, routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import ClientContext, DemoAccount, EmulatorApp, EmulatorSpec, VendorClient, VendorSpec
from console.vendors.setster.datasets import DATASETS
from console.vendors.setster.errors import HTTP_TABLE, NAME, STATUS_TABLE, VENDOR

DEMO_OWNER = "owner@brightsmiles.example"
#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-setster-4b1d93"


def _client(spec: VendorSpec, context: ClientContext) -> VendorClient:
    from console.vendors.setster.client import SetsterClient

    return SetsterClient(spec, context)


def _emulator(**options: Any) -> EmulatorApp:
    from console.vendors.setster.emulator import SetsterEmulator

    options.setdefault("owners", {DEMO_OWNER: DEMO_API_KEY})
    return SetsterEmulator(**options)


SPEC = VendorSpec(
    id=VENDOR,
    display_name=NAME,
    default_base_url="https://www.setster.com/api/v2",
    base_url_help="Everything before /appointment: https://www.setster.com/api/v2",
    login_fields=(
        LoginField("email", "Owner email", placeholder="owner@example.com",
                   help="The email of the Setster account owner."),
        LoginField("api_key", "API key", secret=True, help="Setster > Settings > API. Stored in your OS keychain."),
    ),
    datasets=DATASETS,
    client_factory=_client,
    emulator=EmulatorSpec(
        factory=_emulator,
        demo_accounts=(DemoAccount("Bright Smiles (demo)", fields={"email": DEMO_OWNER},
                                   secrets={"api_key": DEMO_API_KEY}),),
        demo_size=2000,
    ),
    # GET /client: `email` is an equality filter, `q` searches name, email and phone.
    lookups=(routes("email", "clients", param="email", limit=10), routes("phone name", "clients", param="q"),
             routes("id", "clients", LookupMethod.GET)),
    error_table={**{f"{code} {name}": message for code, (name, _kind, message) in STATUS_TABLE.items()},
                 **{f"HTTP {code}": message for code, (_kind, message) in HTTP_TABLE.items()}},
    options=(
        AccountOption("body", "Request body", (Choice("json", "JSON (flat)"), Choice("json_data", 'JSON under "data"'),
                                                Choice("form", "Form fields")), "json",
                      help="How Setster expects POST and PUT bodies; the sources disagree."),
        AccountOption("timezone", "Time zone", (Choice("", "From the Setster account"),
                                                Choice("America/New_York", "America/New_York"),
                                                Choice("America/Chicago", "America/Chicago"),
                                                Choice("America/Denver", "America/Denver"),
                                                Choice("America/Los_Angeles", "America/Los_Angeles"),
                                                Choice("Europe/London", "Europe/London"),
                                                Choice("Europe/Paris", "Europe/Paris"),
                                                Choice("Europe/Berlin", "Europe/Berlin"),
                                                Choice("Australia/Sydney", "Australia/Sydney")), "",
                      help="Setster times carry no zone; they are read in this one."),
    ),
)
