"""The team dashboard: scans done on time, and what is overdue now.

1. **On time** (last 90 days): of the due items whose window closed in the last 90 days (``due_by``
   in [today − 90, yesterday]), not cancelled and not waived, the share fulfilled by a scan inside
   the window (``done`` and not ``late``). Late and missed ones are counted beside it.
2. **Overdue now**: open items of active patients whose window has passed (by date, or by the
   instant for the post-operative MRI), by kind and by responsible nurse, with the median days
   overdue.
3. **Chart**: the on-time share per week of ``due_by`` over the same 90 days.

A fixed number of aggregate queries, whatever the number of patients.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from bmtrack.accounts.access import patients_for
from bmtrack.core.clock import today as site_today
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.surveillance.models import OPEN_STATES, DueItem, DueKind, DueState

PERIOD_DAYS = 90

KIND_LABELS = dict(DueKind.choices)


@dataclass
class Share:
    label: str
    on_time: int
    total: int
    late: int = 0

    @property
    def missed(self) -> int:
        return self.total - self.on_time - self.late

    @property
    def pct(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass
class Count_:
    label: str
    count: int


@dataclass
class Week:
    start: dt.date
    on_time: int
    total: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None


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

    closed = DueItem.objects.filter(patient__in=patients, due_by__gte=start, due_by__lte=end).exclude(
        state__in=(DueState.CANCELLED, DueState.WAIVED))
    on_time = Q(state=DueState.DONE, late=False)
    late = Q(state=DueState.DONE, late=True)
    by_kind = list(closed.values("kind").annotate(total=Count("pk"), on_time=Count("pk", filter=on_time),
                                                   late=Count("pk", filter=late)).order_by("kind"))
    shares = [Share(KIND_LABELS.get(row["kind"], row["kind"]), row["on_time"], row["total"], row["late"])
              for row in by_kind]
    overall = Share("All kinds", sum(s.on_time for s in shares), sum(s.total for s in shares),
                    sum(s.late for s in shares))

    weekly = {row["week"]: row for row in closed.annotate(week=TruncWeek("due_by")).values("week")
              .annotate(total=Count("pk"), on_time=Count("pk", filter=on_time)).order_by("week")}
    weeks = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        row = weekly.get(monday) or weekly.get(dt.datetime.combine(monday, dt.time.min)) or {}
        weeks.append(Week(monday, row.get("on_time", 0), row.get("total", 0)))
        monday += dt.timedelta(days=7)

    overdue = DueItem.objects.filter(patient__in=patients.filter(status=PatientStatus.ACTIVE),
                                     state__in=OPEN_STATES).filter(Q(due_by__lt=today) | Q(due_by_at__lt=now))
    overdue_by_kind = [Count_(KIND_LABELS.get(row["kind"], row["kind"]), row["n"])
                       for row in overdue.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")]
    nurse_rows = (overdue.values("patient__responsible_nurse", "patient__responsible_nurse__first_name",
                                 "patient__responsible_nurse__last_name", "patient__responsible_nurse__username")
                  .annotate(n=Count("pk")).order_by("-n", "patient__responsible_nurse__username"))
    overdue_by_nurse = []
    for row in nurse_rows:
        name = " ".join(filter(None, (row["patient__responsible_nurse__first_name"],
                                      row["patient__responsible_nurse__last_name"])))
        name = name or row["patient__responsible_nurse__username"] or "No nurse assigned"
        overdue_by_nurse.append(Count_(name, row["n"]))
    days = [(today - due_by).days for due_by in overdue.values_list("due_by", flat=True)]
    return Dashboard(
        period_start=start, period_end=end, fulfilment=overall, fulfilment_by_kind=shares, weeks=weeks,
        overdue_total=len(days), overdue_by_kind=overdue_by_kind, overdue_by_nurse=overdue_by_nurse,
        median_days_overdue=statistics.median(days) if days else None,
    )
