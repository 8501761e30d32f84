"""Dates, times and measures as the ward reads them: the one date format lives in ``bmtrack.core.formatting``;
the numbers here are the page's (template filters and the rows written in Python share them)."""

from __future__ import annotations

from decimal import Decimal

from bmtrack.core.formatting import fmt_date, fmt_datetime, fmt_range, fmt_time, fmt_weekday

__all__ = ["fmt_date", "fmt_datetime", "fmt_mm", "fmt_num", "fmt_range", "fmt_signed_mm", "fmt_signed_pct",
           "fmt_time", "fmt_weekday"]


def fmt_num(value):
    """A number without trailing zeros (12.0 -> 12, 12.50 -> 12.5); None or "" -> ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return value


def fmt_mm(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{fmt_num(value)} mm"


def fmt_signed_pct(value) -> str:
    if value is None:
        return "—"
    number = float(value)
    return f"{'+' if number > 0 else '−' if number < 0 else '±'}{abs(number):.1f} %"


def fmt_signed_mm(value) -> str:
    """A change in millimetres with its sign (``+2``, ``−1.5``, ``±0``); None -> ""."""
    if value is None:
        return ""
    number = float(value)
    if number == 0:
        return "±0"
    return f"{'+' if number > 0 else '−'}{fmt_num(abs(number))}"
