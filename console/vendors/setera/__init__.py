"""Setera OneCloud (business telephony): the user's contact directory, contact search, call queues.

Facts: ``shared/vendors/setera.md`` (OneCloud is a Dstny Core deployment; the User API reference is the
best source) and the seed ``setera-onecloud-api.txt``; names and decisions: ``shared/vendors/README.md``.

Required and optional calls (``shared/vendors/published-samples.md``:8-15 and :77, "everything beyond
setera.md's [C] rows stays optional"). Paths are relative to the base URL (``.../api``):

===========================================================  ========  ===================================
Call (what uses it)                                          Kind      Mark, shared file line
===========================================================  ========  ===================================
``GET /contacts/list/{domain}/{user}`` (contacts list,       required  [C] setera.md:66 (and :90)
record, search fallback)
``GET /user/acd-attendant-group/v1/{domain}/{user}``         required  [C] setera.md:67
(queues list, queue record, test connection)
``POST /user/acd-attendant-group/{domain}/{user}/{group}/``  required  [C] setera.md:69
``{groupDomain}/agents/{agentId}?action=login|logout``
(queue actions; the action itself, nothing to fall back to)
``GET /contacts/personal/{domain}/{user}`` (contacts list,   optional  invented setera.md:113, [I] :91
record): ``client.PERSONAL_CONTACTS``
``POST /contacts/personal/{domain}/{user}``, ``PUT``/        optional  invented setera.md:113, [I] :91
``DELETE .../{id}`` (contact writes, also as POST with
``X-HTTP-Method-Override``, [C] setera.md:43):
``client.PERSONAL_CHANGES``
``GET <Contact search path>?query=`` (the search box, the    optional  [C] API / [I] path setera.md:89;
lookup; default ``/contacts/search/{domain}/{user}``):                 path per account README.md:63
``client.CONTACT_SEARCH``
===========================================================  ========  ===================================

``GET /user/acd-attendant-group/v1/{domain}/{user}/{group}/{groupDomain}`` ([C] setera.md:68) is not
called: one queue is read from the list, which carries the same fields. No other call is made.

What the user sees without an optional call (404, 405 or 501, or an answer the client cannot read;
remembered per account, asked once):

- personal contacts: the contact list is the directory alone, with the note "Personal contacts
  unavailable: ... so the list shows the directory only"; creating, editing or deleting a personal
  contact is refused without a request ("Personal contacts not available: This OneCloud server does not
  offer personal contacts ..."). A server that lists them but refuses writes (405/501, or 404 to a
  create) gets the same refusal and the note "Changes to personal contacts unavailable: ... read only".
  A 404 to an edit or delete of a contact OneCloud no longer lists stays "Not found".
- contact search: searches are done on the loaded directory (name or email contains the text; a
  number matches on its digits, national or international), with a note naming the path and the
  Advanced setting "Contact search path". A superuser token's 403 stays an error ("A user token is
  needed"): the search exists, the token may not use it. Choosing "None" for that setting searches the
  loaded directory without asking OneCloud (and without a note).

Unknown facts chosen here (``setera.md`` "Unknowns"): the search parameter is ``query``, answers carry
``{"contact": [...]}`` like the directory, and personal contacts' shapes are the directory's.
"""

from __future__ import annotations

from console.core.lookup import routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from console.vendors.setera import errors
from console.vendors.setera.datasets import DEFAULT_SEARCH_PATH, LOCAL_SEARCH

DEMO_DOMAIN = "nordictel.example"
DEMO_USER = "alex"
#: The demo workspace's user token, and a superuser token the tests use (they open nothing real).
DEMO_TOKEN = "demo-setera-user-5e9d"
DEMO_SUPERUSER_TOKEN = "demo-setera-super-77a1"


SPEC = vendor_spec(
    __name__, errors,
    client="client:SeteraClient",
    default_base_url="",
    base_url_help="Your OneCloud address followed by /api, e.g. https://onecloud.example.com/api "
                  "(ask your administrator; there is no public default).",
    login_fields=(
        LoginField("domain", "Domain", placeholder="example.com", help="Your organisation's OneCloud domain."),
        LoginField("user", "User", placeholder="jane", help="Your user name in OneCloud (the part before @)."),
        LoginField("token", "API token", secret=True,
                   help="The token of an API ticket created for you by the OneCloud administrator."),
    ),
    emulator=Emulated(
        "emulator:SeteraEmulator",
        demo_accounts=(DemoAccount("Nordic Tel (demo)", fields={"domain": DEMO_DOMAIN, "user": DEMO_USER},
                                   secrets={"token": DEMO_TOKEN}),),
        demo_size=2500,
        main_dataset="contacts",
        defaults={"domain": DEMO_DOMAIN,
                  "tokens": {DEMO_TOKEN: ("user", f"{DEMO_USER}@{DEMO_DOMAIN}"),
                             DEMO_SUPERUSER_TOKEN: ("superuser", f"{DEMO_USER}@{DEMO_DOMAIN}")}},
    ),
    # The contact search endpoint (a user token only) matches names, emails and numbers.
    lookups=(routes("email phone name", "contacts", param="query"),),
    options=(
        AccountOption("method_override", "Send PUT/DELETE as POST",
                      (Choice("off", "No"), Choice("on", "Yes (X-HTTP-Method-Override)")), "off",
                      help="For networks that block PUT and DELETE; OneCloud honours the override header."),
        AccountOption("country_code", "Country code for local numbers",
                      (Choice("46", "+46 Sweden"), Choice("47", "+47 Norway"), Choice("45", "+45 Denmark"),
                       Choice("358", "+358 Finland"), Choice("44", "+44 United Kingdom"), Choice("1", "+1 US/Canada")),
                      "46", help="Used to show national numbers in E.164."),
        # README.md:63: the contact search path is overridable per account (setera.md:89 [I]). Another
        # path can be written into accounts.json ("options": {"search_path": "/..."}); the client reads any.
        AccountOption("search_path", "Contact search path",
                      (Choice(DEFAULT_SEARCH_PATH, f"{DEFAULT_SEARCH_PATH} (likeliest)"),
                       Choice(LOCAL_SEARCH, "None: search the loaded directory here")), DEFAULT_SEARCH_PATH,
                      help="Where OneCloud's contact search answers. Without it the search box filters the "
                           "loaded directory (names, emails, numbers)."),
    ),
)
