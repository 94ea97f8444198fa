"""The shared JSON readers of the vendor clients."""

from __future__ import annotations

from typing import Any

import pytest

from console.core.errors import BadResponse
from console.http.types import Reply
from console.vendors.parsing import as_dict, as_list, as_object, record_id, reply_data


@pytest.mark.parametrize(("value", "expected"), [(7, "7"), ("abc", "abc"), (0, "0")])
def test_usable_ids(value: Any, expected: str) -> None:
    assert record_id(value, "booking", "launch27") == expected


@pytest.mark.parametrize("value", [None, "", True, False, 1.5, [], {}, {"id": 1}])
def test_unusable_ids_are_bad_responses(value: Any) -> None:
    with pytest.raises(BadResponse) as info:
        record_id(value, "booking", "launch27")
    assert info.value.vendor == "launch27" and "a booking has no usable id" in str(info.value)


def test_objects_and_lenient_containers() -> None:
    assert as_object({"a": 1}, "login", "setsmart") == {"a": 1}
    for bad in ([], "x", None, 3):
        with pytest.raises(BadResponse, match="the login answer is not an object"):
            as_object(bad, "login", "setsmart")
    assert as_list([1]) == [1] and as_list({"a": 1}) == [] and as_list(None) == []
    assert as_dict({"a": 1}) == {"a": 1} and as_dict([1]) == {} and as_dict("x") == {}
    assert reply_data(Reply(status=200, data={"k": [1]}, headers={})) == {"k": [1]}
