"""A fake Setera OneCloud End User API (``shared/vendors/setera.md``, "Emulator contract").

Served under ``/api``. ``Authorization: Bearer <token>``; tokens are seeded (ticket creation is not
emulated), each with a role (``user``/``superuser``), an owner (``user@domain``) and scopes. Strict
header checks by default: no ``Accept`` -> 400, no ``Content-Type`` on a request with a body -> 400,
``Accept: application/xml`` -> 501. ``POST`` + ``X-HTTP-Method-Override: PUT|DELETE`` is routed as that
method. Every error answers JSON with ``Warning: 703 - "Error occurred, see <token>"``; 400 bodies are
``{"errors": [{"field", "message"}]}`` (our choice: the real shape is unknown).

Resources: ``GET /api/contacts/list/{domain}/{user}`` (``{"contact": [...]}``), contact search
``GET /api/contacts/search/{domain}/{user}?query=`` (403 for a superuser token), the ACD/attendant
group endpoints (list, one, agent ``?action=login|logout``), and personal contacts under
``/api/contacts/personal/{domain}/{user}[/{id}]`` (invented: POST 201, PUT 200, DELETE 204, a duplicate
email 409). The path's domain and user must be the token's owner (403). Live queue counts move with time.

Optional endpoints (:attr:`SeteraEmulator.optional_routes`; with ``optional_endpoints = False`` they
answer a plain 404, as a OneCloud server without them would): personal contacts (invented) and the
contact search path (a guess). The directory and the ACD/attendant group calls are setera.md's [C]
rows and always answer.
"""

from __future__ import annotations

import random
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, OptionalRoute, format_phone, json_object, people, phone_matches

Handler = Callable[[Request], Awaitable[Response]]
GROUPS = (("Customer Service", "ACD"), ("Sales", "ACD"), ("Reception", "ATTENDANT"), ("Tech Support", "ACD"))
COLLEAGUES = (("Alex", "Berg"), ("Sara", "Lind"), ("Jonas", "Ek"), ("Maja", "Holm"), ("Oskar", "Nyberg"),
              ("Elin", "Sund"), ("Viktor", "Strand"), ("Ida", "Falk"), ("Noah", "Dahl"), ("Alma", "Wik"))
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Refused(Exception):
    """Answered as a OneCloud error (with the 703 warning)."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


class SeteraEmulator(EmulatorBase):
    """The emulator: an ASGI app, its data and its knobs.

    Args:
        seed: Seed of the generated data.
        size: Number of directory contacts.
        domain: The organisation's domain.
        tokens: ``{token: (role, owner "user@domain")}``.
        strict_headers: Refuse requests without ``Accept``/``Content-Type``.
    """

    base_path = "/api"
    optional_routes = (
        # setera.md:113 "invented" (setera.md:91 [I]): personal contacts, read and written (any method,
        # so a write sent as POST + X-HTTP-Method-Override is covered too).
        OptionalRoute(r"/api/contacts/personal/[^/]+/[^/]+(?:/[^/]+)?", "setera.md:113 invented"),
        # setera.md:89 [I]: contact search exists [C], its path is a guess (setera.md:112 gives it).
        OptionalRoute(r"/api/contacts/search/[^/]+/[^/]+", "setera.md:89 [I]", ("GET",)),
    )

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 2500,
        domain: str = "nordictel.example",
        tokens: dict[str, tuple[str, str]] | None = None,
        strict_headers: bool = True,
    ) -> None:
        super().__init__()
        self.domain = domain
        self.tokens = dict(tokens or {})
        self.strict_headers = strict_headers
        self.overrides: list[tuple[str, str]] = []
        self.queue_reads = 0
        rng = random.Random(seed * 61 + 17)
        self.directory: list[dict[str, Any]] = []
        for first, last in COLLEAGUES:
            self.directory.append(self._colleague(first, last, rng))
        for person in people(seed, max(0, size - len(COLLEAGUES))):
            self.directory.append({
                "id": person.email, "firstName": person.first_name, "lastName": person.last_name,
                "email": person.email, "company": person.company or None, "title": None,
                "phoneNumbers": [{"type": "work" if rng.random() < 0.5 else "mobile",
                                  "number": format_phone(person, rng.choice(("international", "national")))}],
            })
        self.personal: dict[str, dict[str, dict[str, Any]]] = {}
        self.groups: list[dict[str, Any]] = []
        staff = [c for c in self.directory[:len(COLLEAGUES)]]
        for index, (name, kind) in enumerate(GROUPS, start=35):
            members = rng.sample(staff, k=rng.randint(4, 8))
            if index in (35, 37) and staff[0] not in members:
                members.append(staff[0])  # the demo user is an agent of two queues
            agents = [{"id": m["id"], "firstName": m["firstName"], "lastName": m["lastName"],
                       "activity": rng.choice(("Available", "Available", "In a call", "Lunch")),
                       "skillLevel": rng.randint(1, 5), "isLoggedIn": rng.random() < 0.6,
                       "isAvailable": rng.random() < 0.5} for m in members]
            for agent in agents:
                if agent["id"] == staff[0]["id"]:
                    agent["isLoggedIn"] = index == 35  # logged in to Customer Service, out of Reception
            self.groups.append({"id": index, "domain": domain, "name": name, "type": kind, "isNightMode": False,
                                "agents": agents, "roles": [{"type": "AGENT"}], "isAllowUsingFunctionNumber": True,
                                "distributionType": "LONGEST_IDLE", "phoneNumber": f"+4687{index:02d}0000"})
        self._started = time.time()
        routes = [
            # setera.md:66 [C]
            Route("/api/contacts/list/{domain}/{user}", self._wrap(self.list_contacts), methods=["GET"]),
            # setera.md:89 [I] path (optional route)
            Route("/api/contacts/search/{domain}/{user}", self._wrap(self.search_contacts, user_only=True),
                  methods=["GET"]),
            # setera.md:113 invented (optional routes)
            Route("/api/contacts/personal/{domain}/{user}", self._wrap(self.list_personal), methods=["GET"]),
            Route("/api/contacts/personal/{domain}/{user}", self._wrap(self.create_personal), methods=["POST"]),
            Route("/api/contacts/personal/{domain}/{user}/{id}", self._wrap(self.update_personal), methods=["PUT"]),
            Route("/api/contacts/personal/{domain}/{user}/{id}", self._wrap(self.delete_personal),
                  methods=["DELETE"]),
            # setera.md:67-69 [C]
            Route("/api/user/acd-attendant-group/v1/{domain}/{user}", self._wrap(self.list_groups), methods=["GET"]),
            Route("/api/user/acd-attendant-group/v1/{domain}/{user}/{group}/{group_domain}",
                  self._wrap(self.get_group), methods=["GET"]),
            Route("/api/user/acd-attendant-group/{domain}/{user}/{group}/{group_domain}/agents/{agent}",
                  self._wrap(self.agent_action), methods=["POST"]),
        ]
        self.app = Starlette(routes=routes)

    def _colleague(self, first: str, last: str, rng: random.Random) -> dict[str, Any]:
        user = first.lower()
        return {"id": f"{user}@{self.domain}", "firstName": first, "lastName": last,
                "email": f"{user}@{self.domain}", "company": "Nordic Tel", "title": "Support",
                "phoneNumbers": [{"type": "work", "number": f"08-{rng.randint(100, 999)} {rng.randint(10, 99)} "
                                                             f"{rng.randint(10, 99)}"},
                                 {"type": "mobile", "number": f"+46 70 {rng.randint(100, 999)} {rng.randint(10, 99)} "
                                                               f"{rng.randint(10, 99)}"}]}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point; applies ``X-HTTP-Method-Override`` before routing."""
        if scope.get("type") == "http" and scope.get("method") == "POST":
            for name, value in scope.get("headers", []):
                if name.lower() == b"x-http-method-override":
                    wanted = value.decode("latin-1").strip().upper()
                    if wanted in ("PUT", "DELETE", "GET", "POST"):
                        self.overrides.append((wanted, scope.get("path", "")))
                        scope = dict(scope, method=wanted)
                    break
        await super().__call__(scope, receive, send)  # the optional-endpoints switch, then the routes

    # -- plumbing -------------------------------------------------------------------------------

    def _refusal(self, refused: Refused) -> Response:
        token = secrets.token_hex(6)
        body: dict[str, Any] = {"status": refused.status, "message": refused.message}
        if refused.errors:
            body["errors"] = refused.errors
        return JSONResponse(body, status_code=refused.status,
                            headers={"Warning": f'703 - "Error occurred, see {token}"'})

    def _wrap(self, handler: Handler, *, user_only: bool = False) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                accept = request.headers.get("accept", "")
                if self.strict_headers and not accept:
                    raise Refused(400, "The Accept header is required.")
                if "application/xml" in accept and "json" not in accept:
                    raise Refused(501, "XML is not supported for this operation.")
                has_body = request.method in ("POST", "PUT") and bool(await request.body())
                if self.strict_headers and has_body and not request.headers.get("content-type"):
                    raise Refused(400, "The Content-Type header is required.")
                auth = request.headers.get("authorization", "")
                token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
                if token not in self.tokens:
                    raise Refused(401, "Missing or unknown token.")
                role, owner = self.tokens[token]
                if user_only and role != "user":
                    raise Refused(403, "This API can only be used with a user's token.")
                path_owner = f"{request.path_params.get('user')}@{request.path_params.get('domain')}"
                if path_owner.lower() != owner.lower():
                    raise Refused(403, "The token does not belong to this user.")
                if request.method != "GET":
                    self.writes.add(request.method, request.url.path)
                return await handler(request)
            except Refused as refused:
                return self._refusal(refused)

        return endpoint

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        return await json_object(request, lambda _c, message: Refused(400, message))

    # -- contacts -------------------------------------------------------------------------------

    async def list_contacts(self, request: Request) -> Response:
        """GET /contacts/list/{domain}/{user}: the whole directory."""
        return JSONResponse({"contact": self.directory})

    async def search_contacts(self, request: Request) -> Response:
        """GET /contacts/search/{domain}/{user}?query=: name, email or number (a user's token only)."""
        query = request.query_params.get("query", "").strip().lower()
        if not query:
            raise Refused(400, "query is required", [{"field": "query", "message": "is required"}])

        def matches(contact: dict[str, Any]) -> bool:
            name = f"{contact.get('firstName', '')} {contact.get('lastName', '')}".lower()
            if query in name or query in str(contact.get("email") or "").lower():
                return True
            return any(phone_matches(str(n.get("number")), query) for n in contact["phoneNumbers"])

        owner = f"{request.path_params['user']}@{request.path_params['domain']}"
        found = [c for c in self.directory if matches(c)]
        found += [c for c in self.personal.get(owner, {}).values() if matches(c)]
        return JSONResponse({"contact": found[:200]})

    def _personal(self, request: Request) -> dict[str, dict[str, Any]]:
        owner = f"{request.path_params['user']}@{request.path_params['domain']}"
        return self.personal.setdefault(owner, {})

    @staticmethod
    def _check_contact(body: dict[str, Any]) -> list[dict[str, str]]:
        errors = []
        if not str(body.get("firstName") or "").strip():
            errors.append({"field": "firstName", "message": "must not be empty"})
        email = body.get("email")
        if email and not EMAIL_RE.match(str(email)):
            errors.append({"field": "email", "message": "is not a valid email address"})
        numbers = body.get("phoneNumbers")
        if numbers is not None and not isinstance(numbers, list):
            errors.append({"field": "phoneNumbers", "message": "must be a list"})
        for item in numbers or []:
            number = str(item.get("number") if isinstance(item, dict) else "")
            if not re.fullmatch(r"\+?[\d\s().-]{4,30}", number):
                errors.append({"field": str(item.get("type") if isinstance(item, dict) else "phoneNumbers"),
                               "message": "is not a phone number"})
        return errors

    async def list_personal(self, request: Request) -> Response:
        """GET /contacts/personal/{domain}/{user} (invented)."""
        return JSONResponse({"contact": list(self._personal(request).values())})

    async def create_personal(self, request: Request) -> Response:
        """POST /contacts/personal/{domain}/{user}: 201 (invented)."""
        body = await self._json(request)
        errors = self._check_contact(body)
        if errors:
            raise Refused(400, "The contact is not valid.", errors)
        book = self._personal(request)
        email = str(body.get("email") or "").lower()
        if email and any(str(c.get("email") or "").lower() == email for c in book.values()):
            raise Refused(409, "A personal contact with this email already exists.")
        contact_id = f"p-{secrets.token_hex(4)}"
        contact = {"id": contact_id, **{k: body.get(k) for k in ("firstName", "lastName", "email", "company",
                                                                  "title")},
                   "phoneNumbers": body.get("phoneNumbers") or []}
        book[contact_id] = contact
        return JSONResponse(contact, status_code=201)

    async def update_personal(self, request: Request) -> Response:
        """PUT /contacts/personal/{domain}/{user}/{id} (invented)."""
        book = self._personal(request)
        contact = book.get(request.path_params["id"])
        if contact is None:
            raise Refused(404, "No such personal contact.")
        body = await self._json(request)
        errors = self._check_contact(body)
        if errors:
            raise Refused(400, "The contact is not valid.", errors)
        contact.update({k: body.get(k) for k in ("firstName", "lastName", "email", "company", "title")})
        contact["phoneNumbers"] = body.get("phoneNumbers") or []
        return JSONResponse(contact)

    async def delete_personal(self, request: Request) -> Response:
        """DELETE /contacts/personal/{domain}/{user}/{id}: 204 (invented)."""
        book = self._personal(request)
        if book.pop(request.path_params["id"], None) is None:
            raise Refused(404, "No such personal contact.")
        return Response(status_code=204)

    # -- queues ---------------------------------------------------------------------------------

    def _live(self, group: dict[str, Any]) -> dict[str, Any]:
        """The group with counts that move with time, like a live switchboard."""
        minute = int((time.time() - self._started) // 15)
        rng = random.Random(f"{group['id']}:{minute}")
        logged_in = [a for a in group["agents"] if a["isLoggedIn"]]
        free = [a for a in logged_in if rng.random() < 0.6]
        return {**group, "isLoggedIn": bool(logged_in),
                "statistic": {"numberOfLoggedInAgents": len(logged_in), "numberOfFreeAgents": len(free),
                              "numberOfCallsInQueue": rng.randint(0, 6) if logged_in else 0}}

    def _group(self, request: Request) -> dict[str, Any]:
        try:
            group_id = int(request.path_params["group"])
        except ValueError:
            raise Refused(404, "No such group.") from None
        group = next((g for g in self.groups if g["id"] == group_id and
                      g["domain"] == request.path_params["group_domain"]), None)
        if group is None:
            raise Refused(404, "No such group.")
        return group

    async def list_groups(self, request: Request) -> Response:
        """GET /user/acd-attendant-group/v1/{domain}/{user}: the user's groups."""
        self.queue_reads += 1
        owner = f"{request.path_params['user']}@{request.path_params['domain']}".lower()
        mine = [g for g in self.groups if any(a["id"].lower() == owner for a in g["agents"])] or self.groups
        return JSONResponse({"groups": [self._live(g) for g in mine]})

    async def get_group(self, request: Request) -> Response:
        """GET /user/acd-attendant-group/v1/{domain}/{user}/{group}/{groupDomain}."""
        self.queue_reads += 1
        return JSONResponse(self._live(self._group(request)))

    async def agent_action(self, request: Request) -> Response:
        """POST .../agents/{agentId}?action=login|logout."""
        group = self._group(request)
        action = request.query_params.get("action", "")
        if action not in ("login", "logout"):
            raise Refused(400, "action must be login or logout", [{"field": "action", "message": "is not valid"}])
        owner = f"{request.path_params['user']}@{request.path_params['domain']}".lower()
        agent_id = request.path_params["agent"].lower()
        if agent_id != owner:
            raise Refused(403, "You can log in and out only yourself.")
        agent = next((a for a in group["agents"] if a["id"].lower() == agent_id), None)
        if agent is None:
            raise Refused(409, "You are not an agent of this group.")
        agent["isLoggedIn"] = action == "login"
        agent["activity"] = "Available" if action == "login" else "Logged out"
        return JSONResponse({})
