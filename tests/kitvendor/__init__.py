"""Kit CRM: a throwaway sixth vendor built from the vendor kit alone (tests/integration/test_vendor_kit.py).

Nothing outside this package knows it: the test registers :data:`SPEC` for its own length.
"""

from __future__ import annotations

from console.core.lookup import LookupMethod, routes
from console.core.models import LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from tests.kitvendor import errors

DEMO_API_KEY = "demo-kit-31ab"

SPEC = vendor_spec(
    __name__, errors,
    client="client:KitClient",
    default_base_url="https://api.kitcrm.example/api",
    base_url_help="Everything before /people: https://api.kitcrm.example/api",
    login_fields=(LoginField("api_key", "API key", secret=True, help="Kit CRM > Settings > API."),),
    emulator=Emulated("emulator:KitEmulator",
                      demo_accounts=(DemoAccount("Kit people (demo)", secrets={"api_key": DEMO_API_KEY}),),
                      demo_size=120, main_dataset="people", defaults={"api_keys": (DEMO_API_KEY,)}),
    lookups=(routes("email", "people", param="email", limit=10), routes("phone name", "people", param="q"),
             routes("id", "people", LookupMethod.GET)),
)
