"""Dates and times as the ward reads them, always in the site's zone (``TIME_ZONE``)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.dateformat import format as django_format

DATE = "j M Y"
DATETIME = "j M Y H:i"


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return django_format(timezone.localtime(value), DATE)
    # A worklist shows a few hundred dates, mostly the same few dozen days: Django's formatter
    # (translated month names) is the slow part of a row, so a day is formatted once per language.
    return _fmt_day(value, translation.get_language())


@lru_cache(maxsize=4096)
def _fmt_day(value: dt.date, language: str | None) -> str:
    return django_format(value, DATE)


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return django_format(timezone.localtime(value), DATETIME)
