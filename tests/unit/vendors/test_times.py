"""Vendor times: the fast ISO path reads what the formats read, the same way."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from console.vendors import times

ZONE = times.zone("America/New_York")


def by_formats(text: str) -> dt.datetime | None:
    """The reading before the fast path: the listed formats in order."""
    for fmt in times._LOCAL_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    return None


@given(moment=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
       fmt=st.sampled_from(times._LOCAL_FORMATS), pad=st.sampled_from(["", " ", "\n"]))
@settings(max_examples=500, deadline=None)
def test_local_formats_read_the_same_as_before(moment: dt.datetime, fmt: str, pad: str) -> None:
    text = moment.strftime(fmt)
    assert times.parse_vendor_time(pad + text + pad, ZONE) == by_formats(text)


def test_lenient_and_zoned_values() -> None:
    assert times.parse_vendor_time("2024-1-2 3:04:05", ZONE) == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=ZONE)
    assert times.parse_vendor_time("2015-12-18T11:00:00-08:00", ZONE) == dt.datetime(
        2015, 12, 18, 11, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert times.parse_vendor_time("2024-01-02T10:00:00Z", ZONE) == dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC)
    assert times.parse_vendor_time("12/01/2015", ZONE) == dt.datetime(2015, 12, 1, tzinfo=ZONE)
    assert times.parse_vendor_time("not a time", ZONE) is None
    assert times.parse_vendor_time("", ZONE) is None
