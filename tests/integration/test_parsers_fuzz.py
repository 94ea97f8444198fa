"""Every vendor's answer parsers against arbitrary, mutated and broken answers (hypothesis).

A transport sits between each demo account's client and its emulator: logins pass through (so the
data calls are reached), every other answer is replaced by a drawn one: the dataset's real page with
fields dropped, retyped, blown up or added; arbitrary JSON; HTML error pages; non-UTF-8 bytes;
truncated bodies; nesting deeper than the JSON decoder's recursion limit. The outcome must be a
page of records or a typed :class:`ConsoleError` (mostly ``BadResponse``), never another exception.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.errors import BadResponse, ConsoleError
from console.core.models import Page, Query, Record
from console.http.ratelimit import RateLimitTracker
from console.http.types import HttpSettings
from console.sandbox.workspace import DemoWorkspace
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient

pytestmark = [pytest.mark.slow, pytest.mark.allow_warnings]  # BadResponse is logged as a warning

EXAMPLES = 150
#: Paths whose answers pass through untouched: logins (their parsers are fuzzed by the login case).
LOGIN_PATHS = ("/account/authenticate", "/login", "/auth")
LOOP = asyncio.new_event_loop()


class FuzzTransport(httpx.AsyncBaseTransport):
    """Passes logins (and everything while ``answer`` is None) to the emulator; answers the rest itself."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport()
        self.answer: tuple[int, bytes, str] | None = None
        self.fuzz_logins = False
        self.last_real: bytes = b""
        self.fuzzed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        login = request.url.path.endswith(LOGIN_PATHS)
        if self.answer is None or (login and not self.fuzz_logins):
            response = await self.real.handle_async_request(request)
            body = await response.aread()
            if not login:
                self.last_real = body
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        status, body, content_type = self.answer
        self.fuzzed += 1
        return httpx.Response(status, content=body, headers={"content-type": content_type})

    async def aclose(self) -> None:
        await self.real.aclose()


@pytest.fixture(scope="module")
def workspace() -> Iterator[DemoWorkspace]:
    ws = DemoWorkspace.start(sizes={spec.id: 30 for spec in registry.VENDORS})
    yield ws
    ws.stop()


@pytest.fixture(scope="module")
def tally(closing_notes: list[str]) -> Iterator[Counter[str]]:
    """The outcomes of every test of this module; their total goes into the run's closing notes.

    Added up when the module's last test is done, whichever ran and in whatever order.
    """
    counts: Counter[str] = Counter()
    yield counts
    replaced = counts.pop("(answers replaced)", 0)
    if counts:
        closing_notes.append(f"parser fuzzing: {sum(counts.values())} outcomes ({replaced} vendor answers "
                             f"replaced): {dict(counts)}")


def cases() -> list[tuple[str, int, str]]:
    """(vendor, demo account number, dataset) for every dataset of every demo account."""
    found = []
    for spec in registry.VENDORS:
        for n, _demo in enumerate(spec.emulator.demo_accounts):
            found += [(spec.id, n, dataset.name) for dataset in spec.datasets]
    return found


def walk(doc: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of a decoded JSON document."""
    places: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        item = stack.pop()
        keys = list(item) if isinstance(item, dict) else range(len(item)) if isinstance(item, list) else []
        for key in keys:
            places.append((item, key))
            stack.append(item[key])
    return places


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                                      max_size=4),
                    max_leaves=12)
ODD_VALUES = st.one_of(JSON, st.just("x" * 1_000_000), st.integers(min_value=2**63, max_value=2**80),
                       st.just(-1), st.just(""), st.just("2025-13-45T99:99:99"), st.just([]), st.just({}))


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> bytes:
    """The real answer with a few fields dropped, retyped, blown up or added."""
    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = walk(doc)
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(("drop", "retype", "extra")))
        if action == "drop" and isinstance(container, dict):
            del container[key]
        elif action == "extra" and isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=10))] = draw(ODD_VALUES)
        else:
            container[key] = draw(ODD_VALUES)
    return json.dumps(doc).encode()


def bodies(seed: Any, real: bytes) -> st.SearchStrategy[tuple[bytes, str]]:
    as_json = "application/json"
    return st.one_of(
        mutated(seed).map(lambda b: (b, as_json)),
        mutated(seed).map(lambda b: (b, as_json)),  # twice: the likeliest real-world trouble
        JSON.map(lambda v: (json.dumps(v).encode(), as_json)),
        st.binary(max_size=200).map(lambda b: (b, as_json)),
        st.just((b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "text/html")),
        st.just((b"\xff\xfe\x00{\"items\": [\xc3\x28]}", as_json)),
        st.integers(min_value=1, max_value=max(1, len(real) - 1)).map(lambda n: (real[:n], as_json)),
        st.just((b"[" * 100_000 + b"]" * 100_000, as_json)),
        st.just((b'{"a":' * 5_000 + b"1" + b"}" * 5_000, as_json)),
    )


def run(coro: Any) -> Any:
    return LOOP.run_until_complete(coro)


def make_client(workspace: DemoWorkspace, vendor: str, n: int, transport: FuzzTransport) -> VendorClient:
    account = [a for a in workspace.accounts if a.vendor == vendor][n]
    context = ClientContext(account_id=account.id, base_url=account.base_url, fields=account.fields,
                            secrets=workspace.secrets[account.id], options=account.options,
                            settings=HttpSettings(timeout=5.0, max_attempts=1), transport=transport)
    return registry.get(vendor).make_client(context)


def check(result: Any, status: int, outcomes: Counter[str]) -> None:
    if isinstance(result, Page):
        assert all(isinstance(item, Record) and isinstance(item.id, str) for item in result.items)
        outcomes["page"] += 1
    elif isinstance(result, Record):
        outcomes["record"] += 1
    elif isinstance(result, BadResponse):
        outcomes["BadResponse"] += 1
    elif isinstance(result, ConsoleError):
        outcomes[type(result).__name__] += 1
    else:
        raise AssertionError(f"HTTP {status}: an untyped failure {result!r}")


@pytest.mark.parametrize(("vendor", "n", "dataset"), cases())
def test_any_answer_is_a_page_or_a_typed_error(workspace: DemoWorkspace, tally: Counter[str], vendor: str, n: int,
                                                dataset: str) -> None:
    transport = FuzzTransport()
    client = make_client(workspace, vendor, n, transport)
    page = run(client.fetch_page(dataset, Query(), None, 10))  # the real answer: the seed of the mutations
    seed = json.loads(transport.last_real)
    record_id = page.items[0].id if page.items else "1"
    outcomes: Counter[str] = Counter()
    ran = [0]

    async def attempt(call: Any) -> Any:
        try:
            return await call
        except ConsoleError as exc:  # typed: fine
            return exc

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large])
    @given(body=bodies(seed, transport.last_real), status=st.sampled_from((200, 200, 200, 201, 400, 404, 422, 500)))
    def example(body: tuple[bytes, str], status: int) -> None:
        client.http.rate_limit = RateLimitTracker()  # the client's own quota count would make it wait (SetSmart)
        transport.answer = (status, *body)
        before = transport.fuzzed
        check(run(attempt(client.fetch_page(dataset, Query(), None, 10))), status, outcomes)
        check(run(attempt(client.get_record(dataset, record_id))), status, outcomes)
        outcomes["(answers replaced)"] += transport.fuzzed - before
        ran[0] += 1

    try:
        example()
    finally:
        transport.answer = None
        run(client.aclose())
    tally.update(outcomes)
    print(f"\n{vendor}#{n}/{dataset}: {sum(outcomes.values())} answers: {dict(outcomes)}")
    assert ran[0] >= EXAMPLES, f"hypothesis ran {ran[0]} of {EXAMPLES} examples: the fuzzing proved less"
    assert outcomes.total() - outcomes["(answers replaced)"] == 2 * ran[0]  # a page call and a record call each
    if outcomes["(answers replaced)"]:  # (Launch27 2.0 services come from a cached list: nothing to replace)
        assert outcomes["BadResponse"] > 0


@pytest.mark.parametrize("vendor", [spec.id for spec in registry.VENDORS])
def test_any_login_answer_is_typed(workspace: DemoWorkspace, tally: Counter[str], vendor: str) -> None:
    transport = FuzzTransport()
    transport.fuzz_logins = True
    outcomes: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(body=st.one_of(JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100)),
           status=st.sampled_from((200, 201, 400, 401, 403, 406, 422)))
    def example(body: bytes, status: int) -> None:
        client = make_client(workspace, vendor, 0, transport)
        transport.answer = (status, body, "application/json")
        try:
            run(client.test_connection())
            outcomes["accepted"] += 1
        except ConsoleError as exc:
            outcomes[type(exc).__name__] += 1
        finally:
            run(client.aclose())

    example()
    tally.update(outcomes)
    print(f"\n{vendor} login: {sum(outcomes.values())} answers: {dict(outcomes)}")
    assert outcomes.total() >= EXAMPLES, f"hypothesis ran {outcomes.total()} of {EXAMPLES} examples"
