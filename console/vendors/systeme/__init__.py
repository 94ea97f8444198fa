"""Systeme.io (marketing): contacts and tags over the Public API.

Facts: ``shared/vendors/systeme.md``; names and decisions: ``shared/vendors/README.md``.
"""

from __future__ import annotations

from typing import Any

from console.core.lookup import LookupMethod, routes
from console.core.models import LoginField
from console.vendors.base import (
    ClientContext,
    DemoAccount,
    EmulatorApp,
    EmulatorSpec,
    VendorClient,
    VendorSpec,
)
from console.vendors.systeme.datasets import DATASETS
from console.vendors.systeme.errors import ERROR_TABLE, NAME, VENDOR

#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-systeme-7f3c9a1e5b"


def _client(spec: VendorSpec, context: ClientContext) -> VendorClient:
    from console.vendors.systeme.client import SystemeClient

    return SystemeClient(spec, context)


def _emulator(**options: Any) -> EmulatorApp:
    from console.vendors.systeme.emulator import SystemeEmulator

    options.setdefault("api_keys", (DEMO_API_KEY,))
    return SystemeEmulator(**options)


SPEC = VendorSpec(
    id=VENDOR,
    display_name=NAME,
    default_base_url="https://api.systeme.io/api",
    base_url_help="Everything before /contacts: https://api.systeme.io/api",
    login_fields=(
        LoginField("api_key", "API key", secret=True,
                   help="Systeme.io > Settings > Public API keys. Stored in your OS keychain."),
    ),
    datasets=DATASETS,
    client_factory=_client,
    emulator=EmulatorSpec(
        factory=_emulator,
        demo_accounts=(DemoAccount("Marketing (demo)", secrets={"api_key": DEMO_API_KEY}),),
        demo_size=20_000,
    ),
    # Systeme.io filters contacts by the whole email address only; nothing searches names or numbers.
    lookups=(routes("email", "contacts", param="email", limit=10), routes("id", "contacts", LookupMethod.GET)),
    error_table={code: message for code, (_kind, message) in ERROR_TABLE.items()},
)
