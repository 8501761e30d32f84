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
