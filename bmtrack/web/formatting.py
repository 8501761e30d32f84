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
        return _fmt_moment(value, DATE, _zone_key(), translation.get_language())
    # A worklist shows a few hundred dates, mostly the same few dozen days: Django's formatter
    # (translated month names) is the slow part of a row, so a day is formatted once per language.
    return _fmt_day(value, translation.get_language())


@lru_cache(maxsize=4096)
def _fmt_day(value: dt.date, language: str | None) -> str:
    return django_format(value, DATE)


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    # The patient page shows each scan and treatment time several times (cards, timeline titles):
    # like days, a moment is formatted once per zone and language.
    return _fmt_moment(value, DATETIME, _zone_key(), translation.get_language())


def _zone_key() -> dt.tzinfo:
    return timezone.get_current_timezone()


@lru_cache(maxsize=8192)
def _fmt_moment(value: dt.datetime, fmt: str, zone: dt.tzinfo, language: str | None) -> str:
    # ``zone`` and ``language`` are part of the key only: the active ones are read inside.
    return django_format(timezone.localtime(value), fmt)
