"""Every request names the console and its version in ``User-Agent`` (vendors' support teams ask for it)."""

from __future__ import annotations

import httpx
import pytest

from console import __version__
from console.core.errors import ConsoleError, UserMessage, VendorError
from console.core.models import Query
from console.http.client import USER_AGENT, VendorHttp
from console.http.types import HttpSettings
from console.vendors import registry
from console.vendors.base import ClientContext, VendorSpec


def _refuse(response: httpx.Response) -> ConsoleError:
    return VendorError("test", "refused", user_message=UserMessage("Refused", "refused"), status=response.status_code)


def test_the_agent_names_the_console_its_version_and_httpx() -> None:
    assert f"VendorConsole/{__version__} (+python-httpx/{httpx.__version__})" == USER_AGENT


async def test_every_request_carries_it_and_a_vendor_header_replaces_it() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    for headers, expected in (({"Accept": "application/json"}, USER_AGENT), ({"user-agent": "Own/1"}, "Own/1")):
        http = VendorHttp(vendor="test", display_name="Test", account_id="a", base_url="https://api.example.com",
                          error_mapper=_refuse, headers=headers, transport=httpx.MockTransport(answer))
        try:
            await http.call("GET", "/ping", parse=lambda reply: reply.status)
        finally:
            await http.aclose()
        assert seen[-1].headers.get_list("User-Agent") == [expected]


@pytest.mark.parametrize("spec", registry.VENDORS, ids=lambda s: s.id)
async def test_every_vendor_client_sends_it(spec: VendorSpec) -> None:
    assert spec.emulator is not None
    demo = spec.emulator.demo_accounts[0]
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, text="down")  # whatever the first call is (a login, a list), it is refused

    context = ClientContext(account_id="a", base_url="https://vendor.example.com/api", fields=dict(demo.fields),
                            secrets=dict(demo.secrets), options=dict(demo.options),
                            settings=HttpSettings(max_attempts=1), transport=httpx.MockTransport(answer))
    client = spec.make_client(context)
    try:
        with pytest.raises(ConsoleError):
            await client.page(spec.datasets[0].name, Query(), None, 10)
    finally:
        await client.aclose()
    assert seen and all(r.headers["User-Agent"] == USER_AGENT for r in seen)
