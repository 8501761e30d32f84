"""A stored due item's phase at a moment: the one place every screen, email, feed and the sweep read it.

The stored ``state`` is exact when it was last written (a re-plan or the sweep); between two
sweeps time may already have moved an open item on (due → overdue at midnight). So nothing reads
``state`` for an open item: it asks for the phase at ``now``.

1. ``phase(item, now)`` in Python: ``clinical.schedule.phase_at`` over the item's window (instants
   for the post-operative MRI, site-local days otherwise). A closed state (done, waived,
   cancelled) stands as stored.
2. ``DueItemQuerySet.with_phase(now)`` annotates the same phase in SQL, and
   ``in_phase(now, *phases)`` filters on it with conditions the indexes can serve; both are tested
   against ``phase`` on the same rows (``tests/surveillance/test_phase.py``).
3. ``OPEN_STATES`` (``clinical.schedule``) is the one definition of "open"; ``.open()`` filters it.
4. ``adherence(item, now)``: what became of the scan an item expected, as the adherence grid and the
   dashboard count it. It adds no rule: it reads the phase (1), the planner's ``late`` and
   ``fulfilled_by`` (``clinical.schedule``: done, and late when the scan came after the window), the
   nurse's booking and waiver, and ``overdue_since`` (set while the item was overdue, kept when the
   rule stopped asking for it: ``plan.py``).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Case, F, Q, Value, When

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import local_date, site_zone

OPEN_STATES = schedule_rules.OPEN_STATES
UPCOMING, DUE, OVERDUE = OPEN_STATES


def window(item) -> tuple:
    """(due_from, due_by) as the clinical core compares them: instants for postop, else dates."""
    if item.due_from_at is not None and item.due_by_at is not None:
        return item.due_from_at, item.due_by_at
    return item.due_from, item.due_by


def phase(item, now: dt.datetime) -> str:
    """The item's state at ``now`` (``clinical.schedule.phase_at``)."""
    due_from, due_by = window(item)
    return schedule_rules.phase_at(now, item.state, due_from, due_by, site_zone())


def open_phase(item, now: dt.datetime) -> str:
    """The phase the item's window alone gives at ``now`` (an item being opened or reopened)."""
    due_from, due_by = window(item)
    return schedule_rules.state_at(now, due_from, due_by, site_zone())


# Adherence outcomes (``adherence``), in the grid legend's order.
ON_TIME, LATE, MISSED, BOOKED, WAIVED, CANCELLED = "on_time", "late", "missed", "booked", "waived", "cancelled"
ADHERENCE_STATES = (ON_TIME, LATE, MISSED, BOOKED, DUE, UPCOMING, WAIVED, CANCELLED)


def adherence_at(current: str, *, late: bool, fulfilled: bool, booked: bool = False,
                 was_overdue: bool = False) -> str:
    """The adherence outcome of an item whose phase is ``current``.

    - done: ``late`` or on time when a scan fulfilled it; done without a scan is missed;
    - overdue (still open when its window ended) is missed, booked or not;
    - waived stands; cancelled is missed if the item had gone overdue first, else cancelled
      (no longer expected: the rule stopped asking for it before its deadline);
    - due or upcoming: booked when a booking is recorded, else the phase.
    """
    if current == "done":
        if not fulfilled:
            return MISSED
        return LATE if late else ON_TIME
    if current == WAIVED:
        return WAIVED
    if current == CANCELLED:
        return MISSED if was_overdue else CANCELLED
    if current == OVERDUE:
        return MISSED
    if current in (DUE, UPCOMING):
        return BOOKED if booked else current
    return current


def adherence(item, now: dt.datetime) -> str:
    """``adherence_at`` of a stored item (a model row or a plain row with the same fields); the phase
    from a ``with_phase`` annotation when present."""
    current = getattr(item, "phase", None) or phase(item, now)
    return adherence_at(current, late=item.late, fulfilled=item.fulfilled_by_id is not None,
                        booked=getattr(item, "booked_for", None) is not None,
                        was_overdue=getattr(item, "overdue_since", None) is not None)


def is_open(state: str) -> bool:
    return state in OPEN_STATES


def _timed() -> Q:
    return Q(due_from_at__isnull=False, due_by_at__isnull=False)


def phase_q(name: str, now: dt.datetime) -> Q:
    """Rows whose phase at ``now`` is ``name``, as a filter on plain columns (index-friendly)."""
    if name not in OPEN_STATES:
        return Q(state=name)
    today = local_date(now)
    timed, dated = _timed(), ~_timed()
    if name == UPCOMING:
        when = (timed & Q(due_from_at__gt=now)) | (dated & Q(due_from__gt=today))
    elif name == DUE:
        when = ((timed & Q(due_from_at__lte=now, due_by_at__gte=now))
                | (dated & Q(due_from__lte=today, due_by__gte=today)))
    else:
        when = (timed & Q(due_by_at__lt=now)) | (dated & Q(due_by__lt=today))
    return Q(state__in=OPEN_STATES) & when


def phase_expression(now: dt.datetime) -> Case:
    """The phase at ``now`` as an SQL expression (``with_phase``)."""
    today = local_date(now)
    return Case(
        When(~Q(state__in=OPEN_STATES), then=F("state")),
        When(_timed() & Q(due_from_at__gt=now), then=Value(UPCOMING)),
        When(_timed() & Q(due_by_at__gte=now), then=Value(DUE)),
        When(_timed(), then=Value(OVERDUE)),
        When(due_from__gt=today, then=Value(UPCOMING)),
        When(due_by__gte=today, then=Value(DUE)),
        default=Value(OVERDUE),
        output_field=models.CharField(max_length=10),
    )


class DueItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def with_phase(self, now: dt.datetime):
        """Each row's ``phase`` at ``now``."""
        return self.annotate(phase=phase_expression(now))

    def in_phase(self, now: dt.datetime, *names: str):
        """Rows whose phase at ``now`` is one of ``names``."""
        return self.filter(reduce(or_, (phase_q(name, now) for name in names)))
