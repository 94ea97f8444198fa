"""Setster (appointment scheduling): appointments, clients, services, employees, locations.

Facts: ``shared/vendors/setster.md`` and ``shared/vendors/published-samples.md`` (which wins where
they disagree); names and decisions: ``shared/vendors/README.md``. The choices made where the
sources are silent are listed in :mod:`console.vendors.setster.client` and
:mod:`console.vendors.setster.emulator`.

Every call of the client, required or optional (published-samples.md:8-15: only [C] calls a list
cannot do without are required; [L]/[I] endpoints and enriching calls are optional and never fail a
list). Optional calls go through ``SetsterClient.optional``: a 404/405/501 or an unreadable answer
is remembered for the account, the list loads without that part, and its note says once what is missing.

Required (a failure is the list's or the action's error):

* ``POST /account/authenticate`` (setster.md:40 [C]): the login behind every other call.
* ``GET /appointment`` (setster.md:172 [C], the NetSuite code): the appointments list.
* ``GET /client`` (setster.md:221 [L]; called unfiltered by the PHP client, [C]): the clients list.
* ``GET /service``, ``/employee``, ``/location`` (setster.md:135, 124, 114 [L]; called unfiltered by
  the Ruby/PHP clients, [C]): the services, employees and locations lists and the form's choices.
* ``GET /availability`` (setster.md:142 [C]): the free times of the booking and reschedule forms,
  and the check that tells a refused booking's time was taken.
* ``POST /appointment`` (setster.md:186 [L]; sent by the NetSuite code, [C]), ``PUT`` and ``DELETE
  /appointment/{id}`` (setster.md:188-189 [C]): book, edit, cancel (PUT ``status: 3``), reschedule,
  erase.
* ``POST /client``, ``PUT``/``DELETE /client/{id}`` (setster.md:222 [L]): user actions with no other
  way to do them; no list depends on them. A server without them answers 404 and the form says so.

Optional (``SetsterClient.optional_calls``; the emulator's ``optional_routes`` remove the [L] ones):

* ``GET /tz/list`` (setster.md:230 [L], public): time zone names. Without it times are read in the
  account's GMT offset and locations show no zone.
* ``GET /account`` (setster.md:106 [L]): the company's zone. Without it the main location's zone.
* ``GET /service``, ``/employee``, ``/location`` as the names shown in appointments (enrichment,
  published-samples.md:10). Without them an appointment shows the names it carries itself
  (``type``, ``location_name``) or none.
* ``GET /appointment/{id}``, ``/client/{id}``, ``/service/{id}``... (setster.md:83, 187, 222 [L]):
  reading one record. Without them the record is read through its list, filtered by ``id``
  (setster.md:174) or ``client_id`` (:221), and matched by id on this side.

Per-account options where the sources leave a choice: "Request body" (default: the form field
``data`` holding JSON, as Setster's own request does, published-samples.md:51; flat JSON, JSON
under ``data`` and flat form fields remain) and "Time zone" (overrides the zone times are read in).
"""

from __future__ import annotations

from console.core.lookup import LookupMethod, routes
from console.core.models import AccountOption, Choice, LoginField
from console.vendors.base import DemoAccount
from console.vendors.kit import Emulated, vendor_spec
from console.vendors.setster import errors

DEMO_OWNER = "owner@brightsmiles.example"
#: The demo workspace's key (the emulator accepts it; it opens nothing real).
DEMO_API_KEY = "demo-setster-4b1d93"


SPEC = vendor_spec(
    __name__, errors,
    client="client:SetsterClient",
    default_base_url="https://www.setster.com/api/v2",
    base_url_help="Everything before /appointment: https://www.setster.com/api/v2",
    login_fields=(
        LoginField("email", "Owner email", placeholder="owner@example.com",
                   help="The email of the Setster account owner."),
        LoginField("api_key", "API key", secret=True, help="Setster > Settings > API. Stored in your OS keychain."),
    ),
    emulator=Emulated(
        "emulator:SetsterEmulator",
        demo_accounts=(DemoAccount("Bright Smiles (demo)", fields={"email": DEMO_OWNER},
                                   secrets={"api_key": DEMO_API_KEY}),),
        demo_size=2000,
        main_dataset="appointments",
        defaults={"owners": {DEMO_OWNER: DEMO_API_KEY}},
    ),
    # GET /client: `email` is an equality filter, `q` searches name, email and phone.
    lookups=(routes("email", "clients", param="email", limit=10), routes("phone name", "clients", param="q"),
             routes("id", "clients", LookupMethod.GET)),
    options=(
        AccountOption("body", "Request body", (Choice("form_data", 'Form field "data" holding JSON'),
                                                Choice("json", "JSON (flat)"), Choice("json_data", 'JSON under "data"'),
                                                Choice("form", "Form fields")), "form_data",
                      help="How POST and PUT bodies are sent. Setster's own request sends one form field "
                           '"data" holding JSON; the others are for servers that want another shape.'),
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
