"""SetSmart (vacation rentals): properties and reservations.

The rental API is known only from the seed's write-up, which public sources do not confirm
(``shared/vendors/setsmart.md``); ``shared/vendors/README.md`` fixes the contract where the seed is
silent, and this package follows it (see :mod:`console.vendors.setsmart.client`).
"""

from __future__ import annotations

from typing import Any

from console.core.lookup import LookupMethod, routes
from console.core.models import LoginField
from console.vendors.base import ClientContext, DemoAccount, EmulatorApp, EmulatorSpec, VendorClient, VendorSpec
from console.vendors.setsmart.datasets import DATASETS
from console.vendors.setsmart.errors import ERROR_TABLE, NAME, VENDOR

#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-setsmart-c0a8e2"


def _client(spec: VendorSpec, context: ClientContext) -> VendorClient:
    from console.vendors.setsmart.client import SetSmartClient

    return SetSmartClient(spec, context)


def _emulator(**options: Any) -> EmulatorApp:
    from console.vendors.setsmart.emulator import SetSmartEmulator

    options.setdefault("api_keys", (DEMO_API_KEY,))
    return SetSmartEmulator(**options)


SPEC = VendorSpec(
    id=VENDOR,
    display_name=NAME,
    default_base_url="https://api.setsmart.com/v1",
    base_url_help="Everything before /properties: https://api.setsmart.com/v1",
    login_fields=(
        LoginField("api_key", "API key", secret=True,
                   help="SetSmart dashboard > Settings > API keys. Stored in your OS keychain."),
    ),
    datasets=DATASETS,
    client_factory=_client,
    emulator=EmulatorSpec(
        factory=_emulator,
        demo_accounts=(DemoAccount("Coastal Stays (demo)", secrets={"api_key": DEMO_API_KEY}),),
        demo_size=6000,
    ),
    # Reservations' `q` covers the guest's name, email and phone (shared/vendors/README.md).
    lookups=(routes("email phone name", "reservations", param="q"), routes("id", "reservations", LookupMethod.GET),
             routes("id", "properties", LookupMethod.GET)),
    error_table={code: message for code, (_kind, message) in ERROR_TABLE.items()},
)
