"""How times look: 24-hour by default, 12-hour for a time whose vendor says the account uses it."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

from console.core.models import FieldKind
from console.ui import detail_reading
from console.ui.formatting import clock_time, display, format_moment
from console.vendors.launch27.clock import TwelveHourTime, hh_mm, on_clock, time_format

NEW_YORK = ZoneInfo("America/New_York")
AFTERNOON = dt.datetime(2026, 11, 24, 14, 30, tzinfo=NEW_YORK)


def test_a_twelve_hour_time_shows_am_and_pm_everywhere() -> None:
    twelve = on_clock(AFTERNOON, 12)
    assert format_moment(AFTERNOON) == "Tue 24 Nov 2026 14:30 EST"
    assert format_moment(twelve) == "Tue 24 Nov 2026 2:30 PM EST"
    assert display(FieldKind.DATETIME, twelve) == "Tue 24 Nov 2026 2:30 PM EST"  # the table's cell
    assert detail_reading.plain(twelve) == "Tue 24 Nov 2026 2:30 PM EST"  # the detail pane
    assert [clock_time(on_clock(AFTERNOON.replace(hour=h, minute=5), 12)) for h in (0, 9, 12, 23)] == [
        "12:05 AM", "9:05 AM", "12:05 PM", "11:05 PM"]
    assert clock_time(AFTERNOON.replace(hour=9)) == "09:30"


def test_a_twelve_hour_time_stays_one_through_arithmetic_zones_and_pickling() -> None:
    twelve = on_clock(AFTERNOON, 12)
    assert twelve == AFTERNOON and on_clock(AFTERNOON, 24) is AFTERNOON
    for moment in (twelve.astimezone(dt.UTC), twelve + dt.timedelta(hours=1), pickle.loads(pickle.dumps(twelve))):
        assert isinstance(moment, TwelveHourTime)
    assert str(pickle.loads(pickle.dumps(twelve)).tzinfo) == "America/New_York"


def test_the_settings_time_format_is_read_from_the_locale_object() -> None:
    recorded = {"locale": {"name": "en", "data": {"time_format": "12", "date_format": "MD"}}}
    assert time_format(recorded) == 12
    assert time_format({"locale": {"data": {"time_format": "24"}}}) == 24
    assert time_format({"locale": "en"}) is None and time_format({}) is None and time_format(None) is None
    assert hh_mm(8, 0, 12) == "8:00 AM" and hh_mm(8, 0, 24) == "08:00"


def test_outcome_text_names_the_record_and_shows_times_in_their_zone() -> None:
    from console.core.models import Record
    from console.ui.formatting import outcome_text

    start = dt.datetime(2026, 12, 4, 14, 0, tzinfo=ZoneInfo("America/New_York"))
    record = Record("setster", "appointments", "7", {"client_name": "Chloé Santos"}, {"start": start})
    assert outcome_text("Rescheduled {client_name} to {start}.", record, "t") == \
        f"Rescheduled Chloé Santos to Fri 04 Dec 2026 {start:%H:%M} EST."
    assert outcome_text("Deactivated {title}.", record, "“Loft”") == "Deactivated “Loft”."
    # A value the record lacks, or no template: the caller falls back to a general sentence.
    assert outcome_text("Cancelled {guest}'s stay.", record, "t") is None
    assert outcome_text("", record, "t") is None
