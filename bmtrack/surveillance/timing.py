"""When time alone changes something about a due item: its state, its urgent alert, its escalation.

1. ``overdue_at`` is the instant the window ends: ``due_by`` + 1 µs for the post-operative MRI
   (a date-time window), otherwise the start of the site-local day after ``due_by``.
2. Urgent items (``URGENT_KINDS``) owe one immediate alert to the responsible nurse:
   - ``postop_mri`` and ``confirmation_mri``: when they go overdue (``overdue_at``): no MRI 72 h
     after surgery; no iRANO confirmation scan by the end of its window;
   - ``srs_planning_mri``: 48 h before the SRS starts (the treatment's start instant), if no
     planning MRI of ≤ 14 days is on record by then. This is its own moment, before the item
     is overdue (its window ends on the SRS date).
3. Every open item escalates once to the care team's responsible physician: routine items
   ``escalation_days`` (the team's, default 14) after ``overdue_at``; urgent items at their alert
   moment (0 days). A booked item does not escalate while its booking is ahead: the escalation
   waits for the day after the booked date and fires then only if the item is still open.
4. ``next_transition_at`` (the sweep's wake-up time) is the earliest of the next state change and
   the alert and escalation still owed; None for a closed item.

The moments are set ("armed") when an item is created, reopened or its window moves; an alert or
escalation already put in the outbox is not owed again unless the moment itself changes.
"""

from __future__ import annotations

import datetime as dt

from bmtrack.core.clock import start_of_local_day
from bmtrack.surveillance.phase import OPEN_STATES

URGENT_KINDS = frozenset({"postop_mri", "confirmation_mri", "srs_planning_mri"})
SRS_ALERT_BEFORE = dt.timedelta(hours=48)
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def start_of_day(day: dt.date) -> dt.datetime:
    return start_of_local_day(day).astimezone(dt.UTC)


def overdue_at(item) -> dt.datetime:
    if item.due_by_at is not None:
        return item.due_by_at + ONE_MICROSECOND
    return start_of_day(item.due_by + dt.timedelta(days=1))


def due_at(item) -> dt.datetime:
    if item.due_from_at is not None:
        return item.due_from_at
    return start_of_day(item.due_from)


def next_state_change(item) -> dt.datetime | None:
    if item.state == "upcoming":
        return due_at(item)
    if item.state == "due":
        return overdue_at(item)
    return None


def alert_moment(item, srs_start: dt.datetime | None = None) -> dt.datetime | None:
    if item.kind not in URGENT_KINDS:
        return None
    if item.kind == "srs_planning_mri":
        if srs_start is not None:
            return srs_start - SRS_ALERT_BEFORE
        # No start instant known: 48 h before the start of the SRS day.
        return start_of_day(item.due_by) - SRS_ALERT_BEFORE
    return overdue_at(item)


def escalation_moment(item, escalation_days: int, alert_at: dt.datetime | None) -> dt.datetime:
    if alert_at is not None:
        return alert_at
    return overdue_at(item) + dt.timedelta(days=escalation_days)


def arm(item, *, escalation_days: int, srs_start: dt.datetime | None = None) -> None:
    """(Re)compute the item's moments; an alert or escalation is owed again only if its moment moved."""
    item.overdue_at = overdue_at(item)
    alert_at = alert_moment(item, srs_start)
    if alert_at != item.alert_at:
        item.alert_at, item.alerted_at = alert_at, None
    escalate_at = escalation_moment(item, escalation_days, alert_at)
    if escalate_at != item.escalate_at:
        item.escalate_at, item.escalated_at = escalate_at, None


def wake(item) -> dt.datetime | None:
    """The sweep's next wake-up time for this item (``next_transition_at``)."""
    if item.state not in OPEN_STATES:
        return None
    moments = [next_state_change(item)]
    if item.alert_at is not None and item.alerted_at is None:
        moments.append(item.alert_at)
    if item.escalate_at is not None and item.escalated_at is None:
        moments.append(item.escalate_at)
    moments = [m for m in moments if m is not None]
    return min(moments) if moments else None
