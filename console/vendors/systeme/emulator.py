"""A faithful fake of the Systeme.io Public API (``shared/vendors/systeme.md``, "Emulator contract").

Served under ``/api``. ``X-API-Key`` on every request (401 otherwise); ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Refill`` (seconds until the window refills) on every
answer, 429 with ``Retry-After`` when the window is spent; cursor paging with ``limit`` (10..100),
``startingAfter`` (minimum 1: 0 is refused) and ``order`` (default ``desc``) in the ``{"items", "hasMore"}``
envelope (``emulator_protocol.py``); contacts with merge-patch edits and the vendor's 28 locale codes,
tags, contact fields; API Platform problem+json errors with ``violations``. The demo data is built in
``emulator_seed.py``; webhooks (§4.7, §4.8) are in ``emulator_webhooks.py``.

Choices where the sources are silent (each marked [I] there): a ``limit`` outside 10..100 is clamped
(``limit_policy="reject"`` answers 422 instead); the ``tags`` filter matches contacts with *any* of the
ids; attaching a tag a contact already has is a 204 (no event); duplicate tag names are refused with
422; detaching a tag the contact does not have is a 204; contact-event payloads are wrapped as
``{"contact": {...}}``. Communities, courses and payments are not emulated (the console does not use
them).

Optional endpoints (:attr:`SystemeEmulator.optional_routes`): the endpoints served here that the
shared file does not confirm. None of them is on a path the console calls, so every Systeme.io list
and write works with ``optional_endpoints = False``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, OptionalRoute, QuotaWindow
from console.vendors.systeme.emulator_protocol import (
    MERGE_PATCH,
    Invalid,
    invalid_answer,
    page_answer,
    problem,
    read_json,
)
from console.vendors.systeme.emulator_seed import FIELD_DEFS, LOCALES, seed_contacts, seed_tags
from console.vendors.systeme.emulator_webhooks import WebhooksMixin

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIRST_CONTACT_ID = 100_001
MAX_TEXT = 255

Handler = Callable[[Request], Awaitable[Response]]


def _flag_test(name: str, flag: bool) -> Callable[[dict[str, Any]], bool]:
    return lambda contact: bool(contact[name]) is flag


def _date_test(moment: dt.datetime, before: bool) -> Callable[[dict[str, Any]], bool]:
    return lambda contact: (dt.datetime.fromisoformat(contact["registeredAt"]) < moment) is before


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


class SystemeEmulator(WebhooksMixin, EmulatorBase):
    """The emulator: an ASGI app with its data and test knobs.

    Args:
        seed: Seed of the generated data.
        size: Number of contacts.
        api_keys: Keys accepted in ``X-API-Key``.
        rate_limit: Requests per window per key.
        rate_window: Window length in seconds.
        limit_policy: ``clamp`` or ``reject`` a page size outside 10..100.
    """

    base_path = "/api"
    #: Served here, not confirmed by the shared file: a real server may not have them (404 when
    #: ``optional_endpoints`` is off). The console calls none of them.
    optional_routes = (
        OptionalRoute(r"/api/contact_fields", "systeme.md:110 [L]", ("POST",)),
        OptionalRoute(r"/api/contact_fields/[^/]+", "systeme.md:112 [L]", ("DELETE",)),
        OptionalRoute(r"/api/webhooks/[^/]+", "systeme.md:145 (unmarked: [I])", ("GET",)),
    )

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 20_000,
        api_keys: tuple[str, ...] = (),
        rate_limit: int = 1000,
        rate_window: float = 60.0,
        limit_policy: str = "clamp",
    ) -> None:
        super().__init__()
        self.api_keys = set(api_keys)
        self.quota = QuotaWindow(rate_limit, rate_window)
        self.limit_policy = limit_policy
        self._force_429: list[float] = []
        self._tags: dict[int, dict[str, Any]] = {}
        self._tag_ids: list[int] = []
        self._contacts: dict[int, dict[str, Any]] = {}
        self._contact_ids: list[int] = []
        self._field_defs = dict(FIELD_DEFS)
        self._next_tag = 1
        self._next_contact = FIRST_CONTACT_ID
        #: Contacts whose ``fields`` entries carry no ``fieldName`` (published-samples.md:32-33 [MOCK]).
        self._bare_fields: set[int] = set()
        self._init_webhooks()
        self._seed(seed, size)
        routes = [
            Route("/api/contacts", self._wrap(self.list_contacts), methods=["GET"]),
            Route("/api/contacts", self._wrap(self.create_contact), methods=["POST"]),
            Route("/api/contacts/{id}", self._wrap(self.get_contact), methods=["GET"]),
            Route("/api/contacts/{id}", self._wrap(self.patch_contact), methods=["PATCH"]),
            Route("/api/contacts/{id}", self._wrap(self.delete_contact), methods=["DELETE"]),
            Route("/api/contacts/{id}/tags", self._wrap(self.attach_tag), methods=["POST"]),
            Route("/api/contacts/{id}/tags/{tag_id}", self._wrap(self.detach_tag), methods=["DELETE"]),
            Route("/api/tags", self._wrap(self.list_tags), methods=["GET"]),
            Route("/api/tags", self._wrap(self.create_tag), methods=["POST"]),
            Route("/api/tags/{id}", self._wrap(self.get_tag), methods=["GET"]),
            Route("/api/tags/{id}", self._wrap(self.put_tag), methods=["PUT"]),
            Route("/api/tags/{id}", self._wrap(self.delete_tag), methods=["DELETE"]),
            Route("/api/contact_fields", self._wrap(self.list_fields), methods=["GET"]),
            Route("/api/contact_fields", self._wrap(self.create_field), methods=["POST"]),
            Route("/api/contact_fields/{slug}", self._wrap(self.patch_field), methods=["PATCH"]),
            Route("/api/contact_fields/{slug}", self._wrap(self.delete_field), methods=["DELETE"]),
            Route("/api/webhooks", self._wrap(self.list_webhooks), methods=["GET"]),
            Route("/api/webhooks", self._wrap(self.create_webhook), methods=["POST"]),
            Route("/api/webhooks/{id}", self._wrap(self.get_webhook), methods=["GET"]),
            Route("/api/webhooks/{id}", self._wrap(self.patch_webhook), methods=["PATCH"]),
            Route("/api/webhooks/{id}", self._wrap(self.delete_webhook), methods=["DELETE"]),
        ]
        self.app = Starlette(routes=routes, exception_handlers={HTTPException: self._http_error})

    # -- test knobs -------------------------------------------------------------------------------

    def force_rate_limit(self, count: int, retry_after: float = 1.0) -> None:
        """Answers the next ``count`` requests with 429 and ``Retry-After``."""
        self._force_429.extend([retry_after] * count)

    def contact_count(self) -> int:
        """Number of contacts."""
        return len(self._contacts)

    def contact_ids(self) -> list[int]:
        """Every contact id, ascending."""
        return list(self._contact_ids)

    def store_locale(self, contact_id: int, locale: str) -> None:
        """Stores a contact's ``locale`` as given, past the check (a code the console's list lacks)."""
        self._contacts[contact_id]["locale"] = locale

    def tag_id_by_name(self, name: str) -> int | None:
        """A tag's id by name (tests)."""
        return next((t["id"] for t in self._tags.values() if t["name"] == name), None)

    # -- store ------------------------------------------------------------------------------------

    def _seed(self, seed: int, size: int) -> None:
        for name, created in seed_tags():
            self._add_tag(name, created)
        tag_ids = list(self._tags)
        for person in seed_contacts(seed, size):
            self._add_contact(
                email=person.email, locale=person.locale, values=person.values, registered=person.registered,
                tags=[tag_ids[i] for i in person.tags], unsubscribed=person.unsubscribed, bounced=person.bounced,
                needs_confirmation=person.needs_confirmation, bare_fields=person.bare_fields,
            )

    def _add_tag(self, name: str, created: dt.datetime) -> dict[str, Any]:
        tag = {"id": self._next_tag, "name": name, "createdAt": _iso(created)}
        self._tags[self._next_tag] = tag
        self._tag_ids.append(self._next_tag)
        self._next_tag += 1
        return tag

    def _add_contact(
        self,
        *,
        email: str,
        locale: str,
        values: dict[str, Any],
        registered: dt.datetime,
        tags: list[int] | None = None,
        unsubscribed: bool = False,
        bounced: bool = False,
        needs_confirmation: bool = False,
        bare_fields: bool = False,
    ) -> dict[str, Any]:
        contact: dict[str, Any] = {
            "id": self._next_contact,
            "email": email,
            "registeredAt": _iso(registered),
            "locale": locale,
            "sourceURL": None,
            "unsubscribed": unsubscribed,
            "bounced": bounced,
            "needsConfirmation": needs_confirmation,
            "fields": [],
            "tags": [{"id": t, "name": self._tags[t]["name"]} for t in tags or ()],
        }
        if bare_fields:
            self._bare_fields.add(self._next_contact)
        self._set_fields(contact, values)
        self._contacts[self._next_contact] = contact
        self._contact_ids.append(self._next_contact)
        self._next_contact += 1
        return contact

    def _set_fields(self, contact: dict[str, Any], values: dict[str, Any]) -> None:
        """Merges ``values`` by slug (``None`` clears) and renders ``fields`` as the vendor does."""
        current = {f["slug"]: f["value"] for f in contact["fields"]}
        for slug, value in values.items():
            if value is None:
                current.pop(slug, None)
            else:
                current[slug] = value
        if contact["id"] in self._bare_fields:
            contact["fields"] = [{"slug": slug, "value": value} for slug, value in current.items()]
            return
        contact["fields"] = [
            {"fieldName": self._field_defs.get(slug, slug), "slug": slug, "value": value}
            for slug, value in current.items()
        ]

    # -- plumbing ---------------------------------------------------------------------------------

    def _wrap(self, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            key = request.headers.get("x-api-key", "")
            allowed, remaining, refill = self.quota.take(key)
            response: Response
            if key not in self.api_keys:
                response = problem(401, "Invalid API key." if key else "API key is missing.")
            elif self._force_429:
                retry_after = self._force_429.pop(0)
                response = problem(429, "Too many requests.")
                response.headers["Retry-After"] = f"{retry_after:g}"
                remaining, refill = 0, retry_after
            elif not allowed:
                response = problem(429, "Too many requests.")
                response.headers["Retry-After"] = str(max(1, int(refill + 0.999)))
            else:
                if request.method != "GET":
                    self.writes.add(request.method, request.url.path)
                try:
                    response = await handler(request)
                except Invalid as exc:
                    response = invalid_answer(exc)
            response.headers["X-RateLimit-Limit"] = str(self.quota.limit)
            response.headers["X-RateLimit-Remaining"] = str(max(0, remaining))
            response.headers["X-RateLimit-Refill"] = str(int(refill + 0.999))
            return response

        return endpoint

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return problem(status, "Not Found" if status == 404 else "Method Not Allowed" if status == 405 else "Error")

    def _page(self, request: Request, ids: list[int], match: Callable[[int], bool] | None,
              render: Callable[[int], dict[str, Any]]) -> JSONResponse:
        return page_answer(request, ids, match, render, limit_policy=self.limit_policy)

    @staticmethod
    def _id(request: Request, name: str = "id") -> int:
        try:
            return int(request.path_params[name])
        except ValueError:
            raise HTTPException(404) from None

    def _contact(self, request: Request) -> dict[str, Any]:
        contact = self._contacts.get(self._id(request))
        if contact is None:
            raise HTTPException(404)
        return contact

    # -- contacts ---------------------------------------------------------------------------------

    async def list_contacts(self, request: Request) -> Response:
        """GET /contacts with filters."""
        match = self._contact_filter(request)
        return self._page(request, self._contact_ids, match, lambda i: self._contacts[i])

    def _contact_filter(self, request: Request) -> Callable[[int], bool] | None:
        q = request.query_params
        tests: list[Callable[[dict[str, Any]], bool]] = []
        violations: list[tuple[str, str]] = []
        email = q.get("email")
        if email:
            if not EMAIL_RE.match(email):
                violations.append(("email", "This value is not a valid email address."))
            lowered = email.lower()
            tests.append(lambda c: str(c["email"]).lower() == lowered)
        tags = q.get("tags")
        if tags:
            try:
                wanted = {int(t) for t in tags.split(",") if t.strip()}
            except ValueError:
                violations.append(("tags", "This value should be a list of tag ids."))
                wanted = set()
            tests.append(lambda c: any(t["id"] in wanted for t in c["tags"]))
        for name in ("unsubscribed", "bounced", "needsConfirmation"):
            raw = q.get(name)
            if raw is None or raw == "":
                continue
            if raw not in ("true", "false", "1", "0"):
                violations.append((name, "This value should be of type bool."))
                continue
            tests.append(_flag_test(name, raw in ("true", "1")))
        for name, before in (("registeredBefore", True), ("registeredAfter", False)):
            raw = q.get(name)
            if not raw:
                continue
            try:
                moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
            except ValueError:
                violations.append((name, "This value is not a valid datetime."))
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            tests.append(_date_test(moment, before))
        if violations:
            raise Invalid(violations)
        if not tests:
            return None
        return lambda i: all(t(self._contacts[i]) for t in tests)

    async def get_contact(self, request: Request) -> Response:
        """GET /contacts/{id}."""
        return JSONResponse(self._contact(request))

    def _check_fields(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, list):
            raise Invalid([("fields", "This value should be of type array.")])
        values: dict[str, Any] = {}
        violations: list[tuple[str, str]] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
                violations.append((f"fields[{index}].slug", "This value should not be blank."))
                continue
            slug, value = item["slug"], item.get("value")
            if slug not in self._field_defs:
                violations.append((f"fields[{index}].slug", f"Contact field \"{slug}\" does not exist."))
            elif value is not None and not isinstance(value, str | int | float):
                violations.append((f"fields[{index}].value", "This value should be of type string."))
            elif value is not None and len(str(value)) > MAX_TEXT:
                violations.append((f"fields[{index}].value",
                                   f"This value is too long. It should have {MAX_TEXT} characters or less."))
            else:
                values[slug] = None if value is None or str(value) == "" else str(value)
        if violations:
            raise Invalid(violations)
        return values

    def _check_email(self, email: Any, current_id: int | None) -> list[tuple[str, str]]:
        if not isinstance(email, str) or not email.strip():
            return [("email", "This value should not be blank.")]
        if len(email) > MAX_TEXT or not EMAIL_RE.match(email):
            return [("email", "This value is not a valid email address.")]
        lowered = email.lower()
        for contact in self._contacts.values():
            if contact["id"] != current_id and str(contact["email"]).lower() == lowered:
                return [("email", "This value is already used.")]
        return []

    @staticmethod
    def _check_locale(locale: Any) -> list[tuple[str, str]]:
        # published-samples.md:24-26 [SPEC]: a closed list of exactly 28 codes.
        if locale is None or locale in LOCALES:
            return []
        return [("locale", "The value you selected is not a valid choice.")]

    async def create_contact(self, request: Request) -> Response:
        """POST /contacts: 201 with the new contact (tags are never set here)."""
        body = await read_json(request)
        violations = self._check_email(body.get("email"), None) + self._check_locale(body.get("locale"))
        if violations:
            raise Invalid(violations)
        values = self._check_fields(body.get("fields"))
        contact = self._add_contact(
            email=str(body["email"]).strip(), locale=body.get("locale") or "en",
            values={k: v for k, v in values.items() if v is not None}, registered=dt.datetime.now(dt.UTC),
        )
        await self._emit("CONTACT_CREATED", {"contact": contact})
        return JSONResponse(contact, status_code=201)

    async def patch_contact(self, request: Request) -> Response:
        """PATCH /contacts/{id}: merge-patch only; ``fields`` merged by slug, ``null`` clears."""
        contact = self._contact(request)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != MERGE_PATCH:
            return problem(415, f'The content-type "{ctype}" is not supported. Supported MIME types are '
                                f'"{MERGE_PATCH}".')
        body = await read_json(request)
        violations: list[tuple[str, str]] = []
        if "email" in body:
            violations += self._check_email(body["email"], contact["id"])
        if "locale" in body:
            violations += self._check_locale(body["locale"])
        for flag in ("unsubscribed", "bounced", "needsConfirmation"):
            if flag in body and not isinstance(body[flag], bool):
                violations.append((flag, "This value should be of type bool."))
        if violations:
            raise Invalid(violations)
        values = self._check_fields(body.get("fields"))
        if "email" in body:
            contact["email"] = str(body["email"]).strip()
        if body.get("locale"):
            contact["locale"] = body["locale"]
        for flag in ("unsubscribed", "bounced", "needsConfirmation"):
            if flag in body:
                contact[flag] = body[flag]
        self._set_fields(contact, values)
        return JSONResponse(contact)

    async def delete_contact(self, request: Request) -> Response:
        """DELETE /contacts/{id}: 204."""
        contact = self._contact(request)
        del self._contacts[contact["id"]]
        index = bisect.bisect_left(self._contact_ids, contact["id"])
        del self._contact_ids[index]
        return Response(status_code=204)

    async def attach_tag(self, request: Request) -> Response:
        """POST /contacts/{id}/tags {"tagId": n}: 204."""
        contact = self._contact(request)
        body = await read_json(request)
        tag_id = body.get("tagId")
        if isinstance(tag_id, bool) or not isinstance(tag_id, int):
            raise Invalid([("tagId", "This value should be of type int.")])
        tag = self._tags.get(tag_id)
        if tag is None:
            raise Invalid([("tagId", f"Tag with ID {tag_id} not found.")])
        if all(t["id"] != tag_id for t in contact["tags"]):
            contact["tags"].append({"id": tag_id, "name": tag["name"]})
            await self._emit("CONTACT_TAG_ADDED", {"contact": contact, "tag": {"id": tag_id, "name": tag["name"]}})
        return Response(status_code=204)

    async def detach_tag(self, request: Request) -> Response:
        """DELETE /contacts/{id}/tags/{tagId}: 204."""
        contact = self._contact(request)
        tag_id = self._id(request, "tag_id")
        if tag_id not in self._tags:
            raise HTTPException(404)
        had = any(t["id"] == tag_id for t in contact["tags"])
        contact["tags"] = [t for t in contact["tags"] if t["id"] != tag_id]
        if had:
            tag = self._tags[tag_id]
            await self._emit("CONTACT_TAG_REMOVED", {"contact": contact, "tag": {"id": tag_id, "name": tag["name"]}})
        return Response(status_code=204)

    # -- tags -------------------------------------------------------------------------------------

    async def list_tags(self, request: Request) -> Response:
        """GET /tags (``query`` matches part of the name)."""
        query = (request.query_params.get("query") or "").lower()
        match = (lambda i: query in self._tags[i]["name"].lower()) if query else None
        return self._page(request, self._tag_ids, match, lambda i: self._tags[i])

    def _tag(self, request: Request) -> dict[str, Any]:
        tag = self._tags.get(self._id(request))
        if tag is None:
            raise HTTPException(404)
        return tag

    def _check_tag_name(self, name: Any, current_id: int | None) -> str:
        if not isinstance(name, str) or not name.strip():
            raise Invalid([("name", "This value should not be blank.")])
        if len(name) > MAX_TEXT:
            raise Invalid([("name", f"This value is too long. It should have {MAX_TEXT} characters or less.")])
        if any(t["name"].lower() == name.strip().lower() and t["id"] != current_id for t in self._tags.values()):
            raise Invalid([("name", "This value is already used.")])
        return name.strip()

    async def get_tag(self, request: Request) -> Response:
        """GET /tags/{id}."""
        return JSONResponse(self._tag(request))

    async def create_tag(self, request: Request) -> Response:
        """POST /tags: 201."""
        body = await read_json(request)
        name = self._check_tag_name(body.get("name"), None)
        return JSONResponse(self._add_tag(name, dt.datetime.now(dt.UTC)), status_code=201)

    async def put_tag(self, request: Request) -> Response:
        """PUT /tags/{id}: rename."""
        tag = self._tag(request)
        body = await read_json(request)
        tag["name"] = self._check_tag_name(body.get("name"), tag["id"])
        for contact in self._contacts.values():
            for attached in contact["tags"]:
                if attached["id"] == tag["id"]:
                    attached["name"] = tag["name"]
        return JSONResponse(tag)

    async def delete_tag(self, request: Request) -> Response:
        """DELETE /tags/{id}: 204; the tag leaves every contact."""
        tag = self._tag(request)
        del self._tags[tag["id"]]
        self._tag_ids.remove(tag["id"])
        for contact in self._contacts.values():
            if contact["tags"]:
                contact["tags"] = [t for t in contact["tags"] if t["id"] != tag["id"]]
        return Response(status_code=204)

    # -- contact fields ---------------------------------------------------------------------------

    async def list_fields(self, request: Request) -> Response:
        """GET /contact_fields (not paged by id: slugs are the keys; one page holds them all)."""
        items = [{"fieldName": name, "slug": slug} for slug, name in self._field_defs.items()]
        return JSONResponse({"items": items, "hasMore": False})

    async def create_field(self, request: Request) -> Response:
        """POST /contact_fields: 201."""
        body = await read_json(request)
        name, slug = body.get("fieldName"), body.get("slug")
        violations = []
        if not isinstance(name, str) or not name.strip():
            violations.append(("fieldName", "This value should not be blank."))
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", slug or ""):
            violations.append(("slug", "This value is not valid."))
        elif slug in self._field_defs:
            violations.append(("slug", "This value is already used."))
        if violations:
            raise Invalid(violations)
        self._field_defs[str(slug)] = str(name).strip()
        return JSONResponse({"fieldName": str(name).strip(), "slug": slug}, status_code=201)

    async def patch_field(self, request: Request) -> Response:
        """PATCH /contact_fields/{slug}."""
        slug = request.path_params["slug"]
        if slug not in self._field_defs:
            raise HTTPException(404)
        body = await read_json(request)
        name = body.get("fieldName")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise Invalid([("fieldName", "This value should not be blank.")])
            self._field_defs[slug] = name.strip()
        return JSONResponse({"fieldName": self._field_defs[slug], "slug": slug})

    async def delete_field(self, request: Request) -> Response:
        """DELETE /contact_fields/{slug}: 204."""
        slug = request.path_params["slug"]
        if slug not in self._field_defs:
            raise HTTPException(404)
        del self._field_defs[slug]
        return Response(status_code=204)
