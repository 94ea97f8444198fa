"""Setera OneCloud (business telephony): the user's contact directory, contact search, call queues.

Facts: ``shared/vendors/setera.md`` (OneCloud is a Dstny Core deployment; the User API reference is the
best source) and the seed ``setera-onecloud-api.txt``; names and decisions: ``shared/vendors/README.md``.
"""

from __future__ import annotations

from typing import Any

from console.core.lookup import routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import ClientContext, DemoAccount, EmulatorApp, EmulatorSpec, VendorClient, VendorSpec
from console.vendors.setera.datasets import DATASETS
from console.vendors.setera.errors import ERROR_TABLE, NAME, VENDOR

DEMO_DOMAIN = "nordictel.example"
DEMO_USER = "alex"
#: The demo workspace's user token, and a superuser token the tests use (they open nothing real).
DEMO_TOKEN = "demo-setera-user-5e9d"
DEMO_SUPERUSER_TOKEN = "demo-setera-super-77a1"


def _client(spec: VendorSpec, context: ClientContext) -> VendorClient:
    from console.vendors.setera.client import SeteraClient

    return SeteraClient(spec, context)


def _emulator(**options: Any) -> EmulatorApp:
    from console.vendors.setera.emulator import SeteraEmulator

    options.setdefault("domain", DEMO_DOMAIN)
    options.setdefault("tokens", {DEMO_TOKEN: ("user", f"{DEMO_USER}@{DEMO_DOMAIN}"),
                                  DEMO_SUPERUSER_TOKEN: ("superuser", f"{DEMO_USER}@{DEMO_DOMAIN}")})
    return SeteraEmulator(**options)


SPEC = VendorSpec(
    id=VENDOR,
    display_name=NAME,
    default_base_url="",
    base_url_help="Your OneCloud address followed by /api, e.g. https://onecloud.example.com/api "
                  "(ask your administrator; there is no public default).",
    login_fields=(
        LoginField("domain", "Domain", placeholder="example.com", help="Your organisation's OneCloud domain."),
        LoginField("user", "User", placeholder="jane", help="Your user name in OneCloud (the part before @)."),
        LoginField("token", "API token", secret=True,
                   help="The token of an API ticket created for you by the OneCloud administrator."),
    ),
    datasets=DATASETS,
    client_factory=_client,
    emulator=EmulatorSpec(
        factory=_emulator,
        demo_accounts=(DemoAccount("Nordic Tel (demo)", fields={"domain": DEMO_DOMAIN, "user": DEMO_USER},
                                   secrets={"token": DEMO_TOKEN}),),
        demo_size=2500,
    ),
    # The contact search endpoint (a user token only) matches names, emails and numbers.
    lookups=(routes("email phone name", "contacts", param="query"),),
    error_table={code: message for code, (_kind, message) in ERROR_TABLE.items()},
    options=(
        AccountOption("method_override", "Send PUT/DELETE as POST",
                      (Choice("off", "No"), Choice("on", "Yes (X-HTTP-Method-Override)")), "off",
                      help="For networks that block PUT and DELETE; OneCloud honours the override header."),
        AccountOption("country_code", "Country code for local numbers",
                      (Choice("46", "+46 Sweden"), Choice("47", "+47 Norway"), Choice("45", "+45 Denmark"),
                       Choice("358", "+358 Finland"), Choice("44", "+44 United Kingdom"), Choice("1", "+1 US/Canada")),
                      "46", help="Used to show national numbers in E.164."),
    ),
)
