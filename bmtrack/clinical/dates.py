"""Calendar arithmetic shared by the rules (stdlib only, so the core needs no dateutil)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + ``months`` calendar months, the day clamped to the month's end.

    2026-01-31 + 1 month = 2026-02-28, as ``dateutil.relativedelta`` does (schedule.md, Conventions).
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def shift_clamped(day: dt.date, days: int) -> dt.date:
    """``day`` + ``days``, held at the calendar's ends (``date.min``, ``date.max``) instead of overflowing:
    charts pad their spans, and a stored date may sit at the very end of the calendar (9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _month_steps():
    yield from (1, 2, 3, 6)
    years = 1
    while True:  # 1, 2, 5, 10, 20, 50... years: any span of the calendar has a step
        for factor in (1, 2, 5):
            yield factor * years * 12
        years *= 10


def month_starts(first: dt.date, last: dt.date, most: int) -> tuple[list[dt.date], int]:
    """The first days of months within [first, last], every ``step`` months, with ``step`` the smallest
    of 1, 2, 3, 6 months or 1, 2, 5, 10, 20... years that keeps at most ``most`` of them (an axis's
    ticks). Steps are aligned to the calendar (quarters start in January, 5-year steps on 1995, 2000)."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in _month_steps() if months / s <= most)
    index = first.year * 12 + first.month - 1
    index += -index % step
    days = []
    while True:
        year, month = divmod(index, 12)
        if year > last.year:
            break
        day = dt.date(year, month + 1, 1)
        if day > last:
            break
        if day >= first:
            days.append(day)
        index += step
    return days, step


def day_text(day: dt.date) -> str:
    """4 Dec 2026: the one way a day is written in a message."""
    return f"{day.day} {day:%b %Y}"
