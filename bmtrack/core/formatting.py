"""Dates and times as the ward reads them, one format everywhere (pages, packet, emails, messages).

"4 Dec 2026", "16:01" (24-hour), "4 Dec 2026, 16:01"; a range shows the first year only when it differs
from the last ("28 Nov – 3 Dec 2026", "28 Dec 2026 – 3 Jan 2027"). Always in the site's zone
(``TIME_ZONE``). The Django formats (``bmtrack.core.formats``) say the same, so the admin and a bare
``{{ value }}`` agree. Month names are English abbreviations, whatever the active language: the format
is part of the display contract, not a translation.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from django.utils import timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DASH = " – "

# The same formats for Django's own rendering (``date`` filter defaults, admin, ``{{ value }}``).
DATE = "j M Y"
TIME = "H:i"
DATETIME = "j M Y, H:i"


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@lru_cache(maxsize=4096)
def _day(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _as_day(value: dt.date | dt.datetime) -> dt.date:
    return _local(value).date() if isinstance(value, dt.datetime) else value


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    """``4 Dec 2026``; a moment gives its day in the site's zone."""
    if value is None or value == "":
        return ""
    return _day(_as_day(value))


def fmt_weekday(value: dt.date | dt.datetime | None) -> str:
    """``Fri 4 Dec 2026`` (meeting days)."""
    if value is None or value == "":
        return ""
    day = _as_day(value)
    return f"{WEEKDAYS[day.weekday()]} {_day(day)}"


def fmt_time(value: dt.datetime | dt.time | None) -> str:
    """``16:01``, 24-hour, in the site's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return f"{value.hour:02d}:{value.minute:02d}"


def fmt_datetime(value: dt.datetime | None) -> str:
    """``4 Dec 2026, 16:01`` in the site's zone; a plain date gives ``4 Dec 2026``."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return fmt_date(value)
    # A page shows each scan and treatment time several times (cards, timeline titles): a moment is
    # formatted once per zone (the zone is part of the key only; the active one is read inside).
    return _moment(value, timezone.get_current_timezone())


@lru_cache(maxsize=8192)
def _moment(value: dt.datetime, zone: dt.tzinfo) -> str:
    local = _local(value)
    return f"{_day(local.date())}, {fmt_time(local)}"


def fmt_range(start, end) -> str:
    """A period: ``28 Nov – 3 Dec 2026`` in one year, ``28 Dec 2026 – 3 Jan 2027`` across years, one
    day once; moments keep their times (``4 Dec 2026, 09:00 – 11:30`` on one day)."""
    if start in (None, "") and end in (None, ""):
        return ""
    if start in (None, ""):
        return f"until {fmt_datetime(end)}"
    if end in (None, ""):
        return f"from {fmt_datetime(start)}"
    timed = isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
    if timed:
        first, last = _local(start), _local(end)
        if first.date() == last.date():
            if (first.hour, first.minute) == (last.hour, last.minute):
                return fmt_datetime(first)
            return f"{fmt_datetime(first)}{DASH}{fmt_time(last)}"
        return f"{fmt_datetime(first)}{DASH}{fmt_datetime(last)}"
    first, last = _as_day(start), _as_day(end)
    if first == last:
        return _day(first)
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]}{DASH}{_day(last)}"
    return f"{_day(first)}{DASH}{_day(last)}"


def fmt_day_range(start, end) -> str:
    """``fmt_range`` of the days only (treatments: "28 Dec 2026 – 3 Jan 2027", one day once)."""
    return fmt_range(_as_day(start) if start not in (None, "") else None,
                     _as_day(end) if end not in (None, "") else None)


_ISO_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def readable_dates(text) -> str:
    """ISO dates and times inside a sentence of the clinical core, as the ward reads them."""
    if not text:
        return ""

    def instant(match):
        try:
            return fmt_datetime(dt.datetime.fromisoformat(match[0].replace("Z", "+00:00")))
        except ValueError:
            return match[0]

    def day(match):
        try:
            return fmt_date(dt.date.fromisoformat(match[0]))
        except ValueError:
            return match[0]

    return _ISO_DATE.sub(day, _ISO_DATETIME.sub(instant, str(text)))
