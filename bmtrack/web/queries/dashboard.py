"""The team dashboard: scans done on time, and what is overdue now.

Everything is counted in needs (``surveillance.needs``, rule in ``clinical.needs``): items one MRI
answers together count once, as they are shown on the worklist and in the digests.

1. **On time** (last 90 days): of the needs whose window closed in the last 90 days (deadline in
   [today − 90, yesterday]), not cancelled and not waived, the share fulfilled by a scan inside
   the window (``done`` and not ``late``). Late ones (a post-operative MRI after 72 h is late,
   never on time) and missed ones are counted beside it.
2. **Overdue now**: needs of active patients overdue at ``now`` (``surveillance.phase``: by date,
   or by the instant for the post-operative MRI), by kind and by responsible nurse, with the
   median days overdue.
3. **Chart**: the on-time share per week of the deadline over the same 90 days.

A fixed number of queries, whatever the number of patients (the rows are grouped in Python).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from bmtrack.accounts.access import patients_for
from bmtrack.core.clock import today as site_today
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.surveillance import needs as item_needs
from bmtrack.surveillance.models import DueItem, DueKind, DueState
from bmtrack.surveillance.phase import LATE, MISSED, ON_TIME, OVERDUE, adherence_at

PERIOD_DAYS = 90

KIND_LABELS = dict(DueKind.choices)


class _OnTime:
    """A tally of scans due: on time, late, and the rest missed."""

    on_time: int
    total: int
    late: int

    @property
    def missed(self) -> int:
        return self.total - self.on_time - self.late

    @property
    def pct(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass
class Share(_OnTime):
    label: str
    on_time: int
    total: int
    late: int = 0


@dataclass
class Count_:
    label: str
    count: int


@dataclass
class Week(_OnTime):
    start: dt.date
    on_time: int
    total: int
    late: int = 0


@dataclass
class Dashboard:
    period_start: dt.date
    period_end: dt.date
    fulfilment: Share
    fulfilment_by_kind: list[Share]
    weeks: list[Week]
    overdue_total: int
    overdue_by_kind: list[Count_]
    overdue_by_nurse: list[Count_]
    median_days_overdue: float | None


def build_dashboard(user, now: dt.datetime, team=None) -> Dashboard:
    today = site_today(now)
    start, end = today - dt.timedelta(days=PERIOD_DAYS), today - dt.timedelta(days=1)
    patients = patients_for(user)
    if team is not None:
        patients = patients.filter(care_team=team)

    closed = _rows(DueItem.objects.filter(patient__in=patients, due_by__gte=start, due_by__lte=end)
                   .exclude(state__in=(DueState.CANCELLED, DueState.WAIVED)).with_phase(now))
    closed = [need for need in item_needs.group(closed, now) if start <= need.due_by <= end]
    totals: dict[str, Counter] = {}
    weekly: dict[dt.date, Counter] = {}
    for need in closed:
        outcome = adherence_at(need.phase, late=need.rule.late,
                               fulfilled=all(item.fulfilled_by_id is not None for item in need.items))
        outcome = outcome if outcome in (ON_TIME, LATE) else MISSED  # the window has closed
        totals.setdefault(_label(need), Counter())[outcome] += 1
        weekly.setdefault(need.due_by - dt.timedelta(days=need.due_by.weekday()), Counter())[outcome] += 1
    shares = [Share(label, c["on_time"], c.total(), c["late"]) for label, c in sorted(totals.items())]
    overall = Share("All kinds", sum(s.on_time for s in shares), sum(s.total for s in shares),
                    sum(s.late for s in shares))
    weeks = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        week = weekly.get(monday, Counter())
        weeks.append(Week(monday, week["on_time"], week.total(), week["late"]))
        monday += dt.timedelta(days=7)

    # Overdue needs: every open item of the patients with one overdue, so that an overdue item
    # joins the item it shares an MRI with (and shows the same label as on the worklist).
    active = patients.filter(status=PatientStatus.ACTIVE)
    late_patients = DueItem.objects.filter(patient__in=active).in_phase(now, OVERDUE).values("patient_id")
    open_items = _rows(DueItem.objects.filter(patient__in=late_patients).open().with_phase(now), nurse=True)
    overdue = [need for need in item_needs.group(open_items, now) if need.phase == OVERDUE]
    by_kind = Counter(_label(need) for need in overdue)
    overdue_by_kind = [Count_(label, n) for label, n in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))]
    by_nurse = Counter(need.lead.nurse for need in overdue)
    overdue_by_nurse = [Count_(name, n) for name, n in sorted(by_nurse.items(), key=lambda kv: (-kv[1], kv[0]))]
    days = [(today - need.due_by).days for need in overdue]
    return Dashboard(
        period_start=start, period_end=end, fulfilment=overall, fulfilment_by_kind=shares, weeks=weeks,
        overdue_total=len(days), overdue_by_kind=overdue_by_kind, overdue_by_nurse=overdue_by_nurse,
        median_days_overdue=statistics.median(days) if days else None,
    )


ROW_FIELDS = ("pk", "patient_id", "kind", "state", "phase", "due_from", "due_by", "due_from_at", "due_by_at",
              "fulfilled_by_id", "late")
NURSE_FIELDS = ("patient__responsible_nurse__first_name", "patient__responsible_nurse__last_name",
                "patient__responsible_nurse__username")


def _rows(items, nurse: bool = False) -> list[SimpleNamespace]:
    """Plain rows (no model instances): what the grouping reads, and the nurse's name when asked."""
    fields = ROW_FIELDS + (NURSE_FIELDS if nurse else ())
    rows = []
    for values in items.values(*fields):
        if nurse:
            first, last, username = (values.pop(name) for name in NURSE_FIELDS)
            values["nurse"] = " ".join(filter(None, (first, last))) or username or "No nurse assigned"
        rows.append(SimpleNamespace(**values))
    return rows


def _label(need) -> str:
    return need.rule.label or KIND_LABELS.get(need.lead.kind, need.lead.kind)
