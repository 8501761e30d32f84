"""The one seam through which bmtrack reads the clock and turns instants into site-local days.

Services take ``now=None`` and call ``utcnow()`` once; clinical functions take ``now`` as an
argument. Datetimes are aware and stored in UTC; calendar days are the site's (``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bmtrack.clinical.schedule import start_of_day


def utcnow() -> dt.datetime:
    return timezone.now()


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(instant: dt.datetime) -> dt.date:
    """The site-local calendar day of an aware instant."""
    if timezone.is_naive(instant):
        raise ValueError("naive datetime: bmtrack only handles aware datetimes")
    return instant.astimezone(site_zone()).date()


def today(now: dt.datetime | None = None) -> dt.date:
    return local_date(now or utcnow())


def start_of_local_day(day: dt.date) -> dt.datetime:
    """The aware instant at which a site-local calendar day begins (the clinical core's rule)."""
    return start_of_day(day, site_zone())
