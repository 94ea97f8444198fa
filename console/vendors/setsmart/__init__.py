"""SetSmart (vacation rentals): properties and reservations.

The rental API is known only from the seed's write-up, which public sources do not confirm
(``shared/vendors/setsmart.md``); ``shared/vendors/README.md`` fixes the contract where the seed is
silent, and this package follows it (see :mod:`console.vendors.setsmart.client`).

Required and optional calls. ``published-samples.md``:8-15 makes required only what is [C] and
essential; for SetSmart nothing is [C] (setsmart.md marks the whole rental description [F], lines
97-110, and found no public body, published-samples.md:77), but README.md:47 decides that SetSmart is
built as the seed describes, with the contract of README.md:49-58. Read sensibly, that contract
stands where [C] rows stand for the other vendors: a call is required when its dataset or operation
has no other way to be done, optional when it only enriches. Paths are relative to ``/v1``:

=========================================================  ========  ==================================
Call (what uses it)                                        Kind      Source
=========================================================  ========  ==================================
``GET /properties?page&per_page`` (properties list, test   required  README.md:52-53; setsmart.md:107
connection, the reservation form's property choices)                 [F]
``GET /properties/{id}`` (one property)                    required  README.md:53; setsmart.md:108 [F]
``POST /properties``, ``PUT``/``DELETE /properties/{id}``  required  README.md:53; setsmart.md:107-108
(create, edit, deactivate/activate, delete)                          [F]
``GET /reservations`` (reservations list, lookups)         required  README.md:57 (setsmart.md:110
                                                                     names them only, [F])
``GET /reservations/{id}`` (one reservation, lookup by id) required  README.md:57
``POST /reservations`` (book)                              required  README.md:57
``POST /reservations/{id}/cancel`` (cancel)                required  README.md:58
``GET /properties`` every page, for the reservations'      optional  README.md:53; enrichment only
Property column: ``client.PROPERTY_NAMES``                           (published-samples.md:11)
=========================================================  ========  ==================================

Nothing else is optional: each required call is the only way to its list, record or write, and a
write has nothing to fall back to. Without the property names (404, 405 or 501, or an answer the
client cannot read), reservations load with the property's id in the Property column and the note
"Property names unavailable: SetSmart ..., so reservations show the property's id instead of its
name"; the names are not asked for again on that account. The emulator therefore has no optional
route: the names are read from the properties list, which the properties dataset requires.
"""

from __future__ import annotations

from console.core.lookup import LookupMethod, routes
from console.core.models import LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from console.vendors.setsmart import errors

#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-setsmart-c0a8e2"


SPEC = vendor_spec(
    __name__, errors,
    client="client:SetSmartClient",
    default_base_url="https://api.setsmart.com/v1",
    base_url_help="Everything before /properties: https://api.setsmart.com/v1",
    login_fields=(
        LoginField("api_key", "API key", secret=True,
                   help="SetSmart dashboard > Settings > API keys. Stored in your OS keychain."),
    ),
    emulator=Emulated(
        "emulator:SetSmartEmulator",
        demo_accounts=(DemoAccount("Coastal Stays (demo)", secrets={"api_key": DEMO_API_KEY}),),
        demo_size=6000,
        main_dataset="reservations",
        defaults={"api_keys": (DEMO_API_KEY,)},
    ),
    # Reservations' `q` covers the guest's name, email and phone (shared/vendors/README.md).
    lookups=(routes("email phone name", "reservations", param="q"), routes("id", "reservations", LookupMethod.GET),
             routes("id", "properties", LookupMethod.GET)),
)
