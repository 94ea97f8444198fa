"""Optional calls: a missing endpoint is remembered and said once; other failures are raised."""

from __future__ import annotations

import pytest

from console.core.errors import AuthError, BadResponse, NotFound, ServerError, VendorError
from console.vendors.optional import OptionalCall, OptionalCalls

CALL = OptionalCall("frequencies", "Booking frequencies", "bookings show no frequency", ("bookings",),
                    "launch27.md [L]")


@pytest.mark.parametrize("error", [
    NotFound("launch27", "no route", status=404),
    VendorError("launch27", "no such method", status=405),
    ServerError("launch27", "not implemented", status=501),
    BadResponse("launch27", "the frequencies answer is not a list"),
])
async def test_a_missing_endpoint_gives_the_fallback_once_and_is_not_asked_again(error: Exception) -> None:
    calls = OptionalCalls("Launch27")
    asked = 0

    async def fetch() -> list[str]:
        nonlocal asked
        asked += 1
        raise error

    assert await calls.run(CALL, fetch, []) == []
    assert await calls.run(CALL, fetch, ["other"]) == ["other"]
    assert asked == 1
    assert not calls.available(CALL)
    (note,) = calls.notes("bookings")
    assert note.startswith("Booking frequencies unavailable: Launch27 ")
    assert note.endswith("so bookings show no frequency.")
    assert calls.notes("services") == ()
    assert calls.notes() == (note,)


@pytest.mark.parametrize("error", [
    AuthError("launch27", "refused", status=401),
    ServerError("launch27", "down", status=503),
    VendorError("launch27", "forbidden", status=403),
])
async def test_other_failures_are_raised_and_not_remembered(error: Exception) -> None:
    calls = OptionalCalls("Launch27")

    async def fetch() -> list[str]:
        raise error

    with pytest.raises(type(error)):
        await calls.run(CALL, fetch, [])
    assert calls.available(CALL)
    assert calls.notes() == ()


async def test_an_answer_is_returned_and_nothing_is_noted() -> None:
    calls = OptionalCalls("Launch27")

    async def fetch() -> list[str]:
        return ["weekly"]

    assert await calls.run(CALL, fetch, []) == ["weekly"]
    assert calls.gaps() == ()
