"""Is a scan booked in time? The limits a booking must respect (docs/clinical/schedule.md).

A booking is checked against the limits the scan is owed by, and each limit it breaks is named in
words a nurse can act on ("after the radiosurgery planned for 12 Dec 2026"):

1. The item's window ``[due_from, due_by]`` in site-local calendar days (schedule.md, "Due items"):
   a scan booked before the window opens does not fulfil a response, confirmation or board
   follow-up MRI (only an MRI on or after ``due_from`` does), and one booked after it closes is late.
2. The post-operative MRI has a limit in hours, not days: after the end of surgery and within 72 h
   of it (``POSTOP_LIMIT``; seed review, ref 57: "within 48 up to 72 h after surgery to avoid
   surgery-related enhancement"). It is checked by the booked instant, so a booking needs its time.
3. A scan owed before a planned treatment (the SRS planning MRI and CT: "preferably within one and
   ultimately within 2 weeks before the start of SRS", seed review refs 7, 60) booked on a later
   calendar day than the treatment's planned start is useless for planning. Same-day is allowed: it
   is the planning scan of frame-based SRS (schedule.md, "Conventions").

The rule does not refuse anything: it returns the breaches; the service asks for an explicit
reason when there is one and keeps the booking flagged.

Pure standard library (no Django).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bmtrack.clinical.dates import day_text
from bmtrack.clinical.schedule import POSTOP_LIMIT

# How a treatment is named in a breach ("after the radiosurgery planned for ...").
TREATMENT_WORDS = {
    "srs": "radiosurgery", "fsrs": "fractionated radiosurgery", "surgery": "surgery",
    "wbrt": "whole-brain radiotherapy", "litt": "laser thermal therapy", "tt": "targeted therapy",
    "ici": "immunotherapy", "chemo": "chemotherapy", "other": "treatment",
}


@dataclass(frozen=True)
class BookingLimits:
    """What a booking of one due item is checked against.

    ``due_from_at`` / ``due_by_at``: exact instants (the post-operative MRI); ``treatment_kind`` and
    ``treatment_start``: the item's trigger when it is a *planned* treatment the scan must precede.
    """

    due_from: dt.date
    due_by: dt.date
    due_from_at: dt.datetime | None = None
    due_by_at: dt.datetime | None = None
    treatment_kind: str | None = None
    treatment_start: dt.datetime | dt.date | None = None

    @property
    def timed(self) -> bool:
        return self.due_by_at is not None


def moment_text(instant: dt.datetime, tz: dt.tzinfo) -> str:
    """4 Dec 2026, 16:01 (24-hour, in the site's zone)."""
    local = instant.astimezone(tz)
    return f"{day_text(local.date())}, {local:%H:%M}"


def _local_day(value: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.date:
    return value.astimezone(tz).date() if isinstance(value, dt.datetime) else value


def booking_breaches(limits: BookingLimits, booked: dt.datetime | dt.date, tz: dt.tzinfo) -> list[str]:
    """Each limit ``booked`` (an aware instant, or a day) breaks, in words; [] when in time.

    A timed item (post-operative MRI) needs an instant: a bare day raises ``ValueError``.
    """
    if isinstance(booked, dt.datetime) and (booked.tzinfo is None or booked.utcoffset() is None):
        raise ValueError("booked: give an aware date-time")
    breaches: list[str] = []
    if limits.treatment_start is not None:
        planned_day = _local_day(limits.treatment_start, tz)
        if _local_day(booked, tz) > planned_day:
            words = TREATMENT_WORDS.get(limits.treatment_kind or "", "treatment")
            breaches.append(f"after the {words} planned for {day_text(planned_day)}")
    if limits.timed:
        if not isinstance(booked, dt.datetime):
            raise ValueError("booked: this scan has a limit in hours; give the time")
        if limits.due_from_at is not None and booked <= limits.due_from_at:
            breaches.append(f"before the end of surgery ({moment_text(limits.due_from_at, tz)})")
        elif booked > limits.due_by_at:
            hours = int(POSTOP_LIMIT.total_seconds() // 3600)
            breaches.append(f"after the {hours}-hour limit after surgery ({moment_text(limits.due_by_at, tz)})")
    else:
        day = _local_day(booked, tz)
        if day < limits.due_from:
            breaches.append(f"before the window opens on {day_text(limits.due_from)}")
        elif day > limits.due_by and not breaches:  # the planned treatment already names the limit
            breaches.append(f"after the window closes on {day_text(limits.due_by)}")
    return breaches
