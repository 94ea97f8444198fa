"""The Systeme.io emulator's wire protocol: API Platform errors and the collection pager.

Shared by the emulator's resources (``emulator.py``) and its webhooks (``emulator_webhooks.py``).
Errors are problem+json bodies with ``detail`` and ``violations`` (``shared/vendors/systeme.md`` §5);
collections take ``limit`` (10..100), ``startingAfter`` (an id, minimum 1, left out on the first
page: published-samples.md:21) and ``order`` (``asc``|``desc``, default ``desc``) and answer
``{"items", "hasMore"}`` (§3).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from console.vendors.emulation import json_object

PROBLEM = "application/problem+json"
MERGE_PATCH = "application/merge-patch+json"
MIN_LIMIT, MAX_LIMIT, DEFAULT_LIMIT = 10, 100, 50


def problem(status: int, detail: str, violations: list[tuple[str, str]] | None = None) -> JSONResponse:
    """An API Platform error answer (systeme.md:216)."""
    body: dict[str, Any] = {
        "type": "https://tools.ietf.org/html/rfc2616#section-10",
        "title": "An error occurred",
        "status": status,
        "detail": detail,
    }
    if violations:
        body["violations"] = [{"propertyPath": p, "message": m, "code": None} for p, m in violations]
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class Invalid(Exception):
    """Raised inside handlers: answered with 422 and these violations."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__(violations)
        self.violations = violations


def invalid_answer(exc: Invalid) -> JSONResponse:
    """The 422 answer of :class:`Invalid`: ``detail`` joins ``<path>: <message>`` lines (systeme.md:179)."""
    return problem(422, "\n".join(f"{p}: {m}" if p else m for p, m in exc.violations), exc.violations)


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object; a body that is not one is an :class:`Invalid`."""
    return await json_object(
        request, lambda code, message: Invalid([("", "Syntax error" if code == "invalid_json" else message)]))


def page_answer(request: Request, ids: list[int], match: Callable[[int], bool] | None,
                render: Callable[[int], dict[str, Any]], *, limit_policy: str = "clamp") -> JSONResponse:
    """One page of a collection whose ids are ascending integers.

    Args:
        request: The request (its ``limit``, ``startingAfter`` and ``order``).
        ids: Every id, ascending.
        match: The filters, or ``None`` for all.
        render: An item by id.
        limit_policy: ``clamp`` or ``reject`` (422) a ``limit`` outside 10..100 (systeme.md:47 [I]).

    Raises:
        Invalid: A parameter the vendor refuses.
    """
    violations: list[tuple[str, str]] = []
    limit = DEFAULT_LIMIT
    raw_limit = request.query_params.get("limit")
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            violations.append(("limit", "This value should be of type int."))
    if not violations and not MIN_LIMIT <= limit <= MAX_LIMIT:
        if limit_policy == "reject":
            violations.append(("limit", f"This value should be between {MIN_LIMIT} and {MAX_LIMIT}."))
        limit = max(MIN_LIMIT, min(MAX_LIMIT, limit))
    order = request.query_params.get("order", "desc")
    if order not in ("asc", "desc"):
        violations.append(("order", "The value you selected is not a valid choice."))
    after: int | None = None
    raw_after = request.query_params.get("startingAfter")
    if raw_after not in (None, ""):
        try:
            after = int(str(raw_after))
        except ValueError:
            violations.append(("startingAfter", "This value should be of type int."))
        else:
            # published-samples.md:21 [SPEC]: startingAfter is an integer, minimum 1 ("never use 0";
            # the first page leaves it out).
            if after < 1:
                violations.append(("startingAfter", "This value should be greater than or equal to 1."))
    if violations:
        raise Invalid(violations)
    items: list[dict[str, Any]] = []
    for item_id in _walk(ids, order, after):
        if match is None or match(item_id):
            if len(items) == limit:
                return JSONResponse({"items": items, "hasMore": True})
            items.append(render(item_id))
    return JSONResponse({"items": items, "hasMore": False})


def _walk(ids: list[int], order: str, after: int | None) -> Iterator[int]:
    if order == "asc":
        start = 0 if after is None else bisect.bisect_right(ids, after)
        for i in range(start, len(ids)):
            yield ids[i]
    else:
        end = len(ids) if after is None else bisect.bisect_left(ids, after)
        for i in range(end - 1, -1, -1):
            yield ids[i]
