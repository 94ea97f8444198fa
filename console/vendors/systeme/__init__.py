"""Systeme.io (marketing): contacts and tags over the Public API.

Facts: ``shared/vendors/systeme.md``; names and decisions: ``shared/vendors/README.md``; what published
vendor bodies add (and where they win): ``shared/vendors/published-samples.md``.

Required and optional calls (the rule of published-samples.md:8-13). Every call the client makes,
with the mark and line of ``systeme.md`` it rests on:

Required (the endpoint is [C]; the list or the action is useless without it):

- ``GET /contacts``: the contacts list and the lookup by email. systeme.md:59 [C]; ``limit``,
  ``startingAfter``, ``order`` systeme.md:43-45 [C] and published-samples.md:21 [SPEC] (``startingAfter``
  left out on the first page, never below 1).
- ``GET /tags``: the tags list, the connection test, and the tag choices of the contact form and
  filter. systeme.md:97 [C].
- ``GET /contacts/{id}``: the lookup by id, and the re-read after a save that changed tags.
  systeme.md:60 [C].
- ``GET /tags/{id}``: reading one tag again. systeme.md:98 [C].

Writes (actions the user asks for, never on a list's path; a refusal is that action's error):

- ``POST /contacts``: systeme.md:61 [C].
- ``PATCH /contacts/{id}`` (``application/merge-patch+json``, changed fields only): systeme.md:62 [C],
  systeme.md:29 [C].
- ``DELETE /contacts/{id}``: systeme.md:63 [L] for its 204, confirmed by published-samples.md:27 [SPEC].
- ``POST /contacts/{id}/tags`` and ``DELETE /contacts/{id}/tags/{tagId}``: systeme.md:64-65 [C]. They
  follow a contact's save; one that fails becomes a warning on the saved contact, not a failed save.
- ``POST /tags``: systeme.md:99 [L] for its 201, confirmed by published-samples.md:27 [SPEC].
- ``PUT /tags/{id}``: systeme.md:100 [C].
- ``DELETE /tags/{id}``: systeme.md:101 [C].

Optional: none (``SystemeClient.optional_calls`` is empty). There is no enrichment call: tag names
and field values come inside each contact (systeme.md:83 and :88 [C]); the field definitions
(``/contact_fields``, systeme.md:109 [C]) are not read, since the form edits the built-in slugs
(systeme.md:89) under the console's own labels and ``fieldName`` is never read
(published-samples.md:32-33: it may be absent).
So every Systeme.io list loads on a server that offers only the confirmed endpoints, and none shows a
note about a missing one. The emulator's optional endpoints (``SystemeEmulator.optional_routes``) are
endpoints it serves that the console does not call.

Languages: a contact's ``locale`` is one of the vendor's 28 codes (published-samples.md:24-26; ``jp``,
``dk``, ``ua`` are Systeme.io's own); a stored code outside the list is kept as it is.
"""

from __future__ import annotations

from console.core.lookup import LookupMethod, routes
from console.core.models import LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from console.vendors.systeme import errors

#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-systeme-7f3c9a1e5b"


SPEC = vendor_spec(
    __name__, errors,
    client="client:SystemeClient",
    default_base_url="https://api.systeme.io/api",
    base_url_help="Everything before /contacts: https://api.systeme.io/api",
    login_fields=(
        LoginField("api_key", "API key", secret=True,
                   help="Systeme.io > Settings > Public API keys. Stored in your OS keychain."),
    ),
    emulator=Emulated(
        "emulator:SystemeEmulator",
        demo_accounts=(DemoAccount("Marketing (demo)", secrets={"api_key": DEMO_API_KEY}),),
        demo_size=20_000,
        main_dataset="contacts",
        defaults={"api_keys": (DEMO_API_KEY,)},
    ),
    # Systeme.io filters contacts by the whole email address only; nothing searches names or numbers.
    lookups=(routes("email", "contacts", param="email", limit=10), routes("id", "contacts", LookupMethod.GET)),
)
