"""A booking against the limits its scan is owed by (clinical.booking; docs/clinical/schedule.md).

Table-driven, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bmtrack.clinical.booking import BookingLimits, booking_breaches

AMS = ZoneInfo("Europe/Amsterdam")
D = dt.date


def t(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=AMS)


FOLLOWUP = BookingLimits(due_from=D(2026, 12, 1), due_by=D(2026, 12, 31))
# Surgery ended 4 Dec 14:00: MRI after that and within 72 h (by 7 Dec 14:00).
POSTOP = BookingLimits(due_from=D(2026, 12, 4), due_by=D(2026, 12, 7), due_from_at=t(4, 14), due_by_at=t(7, 14))
# Radiosurgery planned for 12 Dec: planning MRI 28 Nov .. 12 Dec.
PLANNING = BookingLimits(due_from=D(2026, 11, 28), due_by=D(2026, 12, 12), treatment_kind="srs",
                         treatment_start=t(12, 9))


@pytest.mark.parametrize(("limits", "booked", "expected"), [
    (FOLLOWUP, D(2026, 12, 1), []),
    (FOLLOWUP, D(2026, 12, 31), []),
    (FOLLOWUP, t(31, 23, 59), []),
    (FOLLOWUP, D(2026, 11, 30), ["before the window opens on 1 Dec 2026"]),
    (FOLLOWUP, D(2027, 1, 1), ["after the window closes on 31 Dec 2026"]),
    (POSTOP, t(7, 14), []),
    (POSTOP, t(5, 8), []),
    (POSTOP, t(7, 14, 1), ["after the 72-hour limit after surgery (7 Dec 2026, 14:00)"]),
    (POSTOP, t(4, 13), ["before the end of surgery (4 Dec 2026, 14:00)"]),
    (PLANNING, t(12, 7), []),  # same day: the planning scan of frame-based SRS
    (PLANNING, D(2026, 12, 10), []),
    (PLANNING, D(2026, 12, 15), ["after the radiosurgery planned for 12 Dec 2026"]),
    (PLANNING, D(2026, 11, 20), ["before the window opens on 28 Nov 2026"]),
])
def test_it_names_each_limit_a_booking_breaks(limits, booked, expected):
    assert booking_breaches(limits, booked, AMS) == expected


def test_the_72_hours_are_checked_by_the_hour_so_a_day_is_not_enough():
    with pytest.raises(ValueError, match="time"):
        booking_breaches(POSTOP, D(2026, 12, 6), AMS)


def test_a_planning_scan_after_a_planned_surgery_names_the_surgery():
    limits = BookingLimits(due_from=D(2026, 12, 1), due_by=D(2026, 12, 20), treatment_kind="surgery",
                           treatment_start=D(2026, 12, 10))
    assert booking_breaches(limits, D(2026, 12, 11), AMS) == ["after the surgery planned for 10 Dec 2026"]


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        booking_breaches(FOLLOWUP, dt.datetime(2026, 12, 5, 10), AMS)  # noqa: DTZ001
