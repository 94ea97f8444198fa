"""Times on the account's own clock: Launch27 says whether an account shows 12- or 24-hour times.

``/v1/settings`` carries ``locale: {"name": "en", "data": {"time_format": "12", "date_format": "MD"}}``
(published-samples.md:65-66 [REC]). A booking's time is then a :class:`TwelveHourTime`: an ordinary
aware datetime (arithmetic, comparisons, pickling and ``astimezone`` keep the type) whose class
attribute ``hour_clock = 12`` tells the window to show "2:30 PM" instead of "14:30"
(``console.ui.formatting`` reads the attribute, whatever the vendor). Plain datetimes stay 24-hour.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class TwelveHourTime(dt.datetime):
    """A datetime shown on a 12-hour clock ("Tue 24 Nov 2026 2:30 PM EST")."""

    hour_clock = 12


def on_clock(moment: dt.datetime, hours: int) -> dt.datetime:
    """``moment`` as a :class:`TwelveHourTime` when ``hours`` is 12, else as it is."""
    if hours != 12 or isinstance(moment, TwelveHourTime):
        return moment
    return TwelveHourTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                          moment.microsecond, moment.tzinfo, fold=moment.fold)


def clock_time(moment: dt.datetime) -> str:
    """The time of day the way the moment's clock shows it: "14:30" or "2:30 PM"."""
    return hh_mm(moment.hour, moment.minute, getattr(moment, "hour_clock", 24))


def hh_mm(hour: int, minute: int, hours: int) -> str:
    """A time of day on a 12- or 24-hour clock (the letters never depend on the computer's locale)."""
    if hours == 12:
        return f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    return f"{hour:02d}:{minute:02d}"


def time_format(settings: Any) -> int | None:
    """12 or 24 from ``/v1/settings``' ``locale.data.time_format``; ``None`` when it does not say.

    An older shape (``locale`` as a plain string, ``"en"``) says nothing.
    """
    locale = settings.get("locale") if isinstance(settings, dict) else None
    data = locale.get("data") if isinstance(locale, dict) else None
    value = str(data.get("time_format") or "").strip().lower() if isinstance(data, dict) else ""
    value = value.removesuffix("h")
    return int(value) if value in ("12", "24") else None
