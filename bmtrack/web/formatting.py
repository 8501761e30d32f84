"""Dates and times as the ward reads them, always in the site's zone (``TIME_ZONE``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateformat import format as django_format

DATE = "j M Y"
DATETIME = "j M Y H:i"


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return django_format(value, DATE)


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return django_format(timezone.localtime(value), DATETIME)
