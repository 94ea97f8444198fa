"""The Systeme.io emulator's webhooks: management (systeme.md §4.7) and signed deliveries (§4.8).

UUID ids, unique ``name`` and ``url`` (422 on a clash), both subscription forms normalised to
``{id, event, disabledAt, disabledReason}``. A delivery is a JSON POST with ``X-Webhook-Signature``
(hex HMAC-SHA256 of the raw body keyed with the webhook's secret), ``X-Webhook-Message-Id`` and
``X-Webhook-Event``; one attempt, no retries (unknown upstream, systeme.md:173 [I]).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from console.vendors.systeme.emulator_protocol import MAX_LIMIT, MERGE_PATCH, MIN_LIMIT, Invalid, problem, read_json

#: systeme.md:161 [C].
WEBHOOK_EVENTS = frozenset({"CONTACT_CREATED", "CONTACT_TAG_ADDED", "CONTACT_TAG_REMOVED", "CONTACT_OPT_IN",
                            "SALE_NEW", "SALE_CANCELED"})


class WebhooksMixin:
    """The webhook handlers and deliveries of :class:`~console.vendors.systeme.emulator.SystemeEmulator`."""

    _webhooks: dict[str, dict[str, Any]]
    _webhook_secrets: dict[str, str]
    deliver_synchronously: bool
    deliveries: list[tuple[str, str, int]]
    _delivery_tasks: set[asyncio.Task[None]]

    def _init_webhooks(self) -> None:
        self._webhooks = {}
        self._webhook_secrets = {}
        #: Deliver webhooks before answering the request that caused them (tests) instead of in the background.
        self.deliver_synchronously = False
        #: Every delivery attempt: (event, url, status or 0 when the receiver could not be reached).
        self.deliveries = []
        self._delivery_tasks = set()

    def _webhook(self, request: Request) -> dict[str, Any]:
        webhook = self._webhooks.get(request.path_params["id"])
        if webhook is None:
            raise HTTPException(404)
        return webhook

    async def list_webhooks(self, request: Request) -> Response:
        """GET /webhooks (in creation order; ``startingAfter`` is a webhook id)."""
        ids = list(self._webhooks)
        after = request.query_params.get("startingAfter")
        if request.query_params.get("order", "desc") == "desc":
            ids.reverse()
        if after:
            ids = ids[ids.index(after) + 1:] if after in ids else []
        try:
            limit = max(MIN_LIMIT, min(MAX_LIMIT, int(request.query_params.get("limit", "50"))))
        except ValueError:
            raise Invalid([("limit", "This value should be of type int.")]) from None
        items = [self._webhooks[i] for i in ids[:limit]]
        return JSONResponse({"items": items, "hasMore": len(ids) > limit})

    async def get_webhook(self, request: Request) -> Response:
        """GET /webhooks/{id}."""
        return JSONResponse(self._webhook(request))

    def _check_webhook(self, body: dict[str, Any], current: str | None, *, creating: bool) -> list[dict[str, Any]]:
        violations: list[tuple[str, str]] = []
        for key in ("name", "url", "secret"):
            if creating or key in body:
                value = body.get(key)
                if not isinstance(value, str) or not value.strip():
                    violations.append((key, "This value should not be blank."))
        url = body.get("url")
        if isinstance(url, str) and url and not re.match(r"^https?://[^\s/]+", url):
            violations.append(("url", "This value is not a valid URL."))
        for key in ("name", "url"):
            value = body.get(key)
            if isinstance(value, str) and any(w[key] == value and w["id"] != current for w in self._webhooks.values()):
                violations.append((key, "This value is already used."))
        subscriptions: list[dict[str, Any]] = []
        if creating or "subscriptions" in body:
            raw = body.get("subscriptions")
            if not isinstance(raw, list) or not raw:
                violations.append(("subscriptions", "This value should not be blank."))
                raw = []
            for index, item in enumerate(raw):
                event = item.get("event") if isinstance(item, dict) else item
                if event not in WEBHOOK_EVENTS:
                    violations.append((f"subscriptions[{index}]", "The value you selected is not a valid choice."))
                    continue
                subscriptions.append({"id": str(uuid.uuid4()), "event": event, "disabledAt": None,
                                      "disabledReason": None})
        if "active" in body and not isinstance(body["active"], bool):
            violations.append(("active", "This value should be of type bool."))
        if violations:
            raise Invalid(violations)
        return subscriptions

    async def create_webhook(self, request: Request) -> Response:
        """POST /webhooks: 201."""
        body = await read_json(request)
        subscriptions = self._check_webhook(body, None, creating=True)
        webhook = {"id": str(uuid.uuid4()), "name": body["name"], "url": body["url"],
                   "active": body.get("active", True), "subscriptions": subscriptions}
        self._webhooks[webhook["id"]] = webhook
        self._webhook_secrets[webhook["id"]] = body["secret"]
        return JSONResponse(webhook, status_code=201)

    async def patch_webhook(self, request: Request) -> Response:
        """PATCH /webhooks/{id} (merge-patch)."""
        webhook = self._webhook(request)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != MERGE_PATCH:
            return problem(415, f'The content-type "{ctype}" is not supported.')
        body = await read_json(request)
        subscriptions = self._check_webhook(body, webhook["id"], creating=False)
        for key in ("name", "url", "active"):
            if key in body:
                webhook[key] = body[key]
        if "secret" in body:
            self._webhook_secrets[webhook["id"]] = body["secret"]
        if "subscriptions" in body:
            webhook["subscriptions"] = subscriptions
        return JSONResponse(webhook)

    async def delete_webhook(self, request: Request) -> Response:
        """DELETE /webhooks/{id}: 204."""
        webhook = self._webhook(request)
        del self._webhooks[webhook["id"]]
        self._webhook_secrets.pop(webhook["id"], None)
        return Response(status_code=204)

    async def _emit(self, event: str, payload: dict[str, Any]) -> None:
        targets = [w for w in self._webhooks.values()
                   if w["active"] and any(s["event"] == event for s in w["subscriptions"])]
        for webhook in targets:
            body = json.dumps(payload).encode()
            secret = self._webhook_secrets.get(webhook["id"], "")
            headers = {
                "Content-Type": "application/json",
                "X-Webhook-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
                "X-Webhook-Message-Id": str(uuid.uuid4()),
                "X-Webhook-Event": event,
            }
            delivery = self._deliver(event, webhook["url"], body, headers)
            if self.deliver_synchronously:
                await delivery
            else:
                task = asyncio.ensure_future(delivery)
                self._delivery_tasks.add(task)
                task.add_done_callback(self._delivery_tasks.discard)

    async def _deliver(self, event: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        import httpx

        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                status = (await client.post(url, content=body, headers=headers)).status_code
        except httpx.HTTPError:
            status = 0
        self.deliveries.append((event, url, status))
