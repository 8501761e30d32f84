"""Dates and times as the ward reads them: the one format lives in ``bmtrack.core.formatting``."""

from bmtrack.core.formatting import fmt_date, fmt_datetime, fmt_range, fmt_time, fmt_weekday

__all__ = ["fmt_date", "fmt_datetime", "fmt_range", "fmt_time", "fmt_weekday"]
