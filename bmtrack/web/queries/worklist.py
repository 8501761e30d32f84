"""The worklist: what needs doing today, for the patients a user may see.

1. Open due items of active patients (snoozed ones hidden until their date), split by their window
   at ``now``: overdue (urgent kinds first, then the oldest), due now or within a week, upcoming
   (within six weeks). The split is taken from the dates, so a row is right even before the sweep
   has moved the stored state.
2. MRIs waiting for lesion measurements.
3. Unconfirmed progression (iRANO) that is the patient's latest response: awaiting confirmation.
4. Patients inside a pseudoprogression or radiation-necrosis watch window today.

Every list is one query whatever the number of patients (select_related / one batch for contacts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Subquery

from bmtrack.core.clock import today as site_today
from bmtrack.patients.models import ResponseAssessment, Scan
from bmtrack.patients.models.choices import MeasurementStatus, Modality
from bmtrack.surveillance.models import OPEN_STATES, DueItem, DueKind, WatchWindow
from bmtrack.web import texts
from bmtrack.web.formatting import fmt_date, fmt_datetime
from bmtrack.web.queries.scope import Filters, active_patients

WEEK_DAYS = 7
UPCOMING_DAYS = 42
MAX_ROWS = 200

# Kind filter: the due item kinds, plus the three other lists of the page.
LIST_KINDS = {
    "measurements": "Scans awaiting measurements",
    "unconfirmed_pd": "Unconfirmed progression",
    "watch": "Inside a watch window",
}
KIND_CHOICES = [("", "All kinds"), *DueKind.choices, *LIST_KINDS.items()]

# What ``classify`` and the overdue order read of an item.
PLACE_FIELDS = ("pk", "state", "due_from", "due_by", "due_from_at", "due_by_at", "snoozed_until", "urgent")

# Columns a worklist row never reads (the sweep's bookkeeping, audit stamps, account secrets):
# not fetched nor parsed for the rows shown. A row that read one would cost a query per row, which
# the query-count tests would catch.
ROW_UNUSED = (
    "next_transition_at", "overdue_since", "overdue_at", "alert_at", "alerted_at", "escalate_at", "escalated_at",
    "acted_at", "created_at", "updated_at",
    "patient__deceased_on", "patient__last_contact_on", "patient__created_at", "patient__updated_at",
    "patient__responsible_nurse__password", "patient__responsible_nurse__last_login",
    "patient__responsible_nurse__date_joined", "patient__responsible_nurse__calendar_token",
)

ITEM_RELATED = ("patient", "patient__responsible_nurse", "patient__care_team", "trigger_treatment", "trigger_scan")


@dataclass
class ItemRow:
    """One due item as a worklist row: the item, where it falls, and why it is due."""

    item: DueItem
    section: str  # overdue | due | upcoming | closed
    overdue_days: int | None = None
    overdue_hours: int | None = None
    days_left: int | None = None  # due: days until due_by; upcoming: days until due_from
    last_contact: object | None = None
    snoozed: bool = False
    starts_later: bool = False  # due this week, its window not open yet (due_from after today)

    # The row's words, built here once rather than by many template lookups per row (a worklist
    # renders dozens of rows).
    @property
    def patient_name(self) -> str:
        patient = self.item.patient
        return f"{patient.family_name}, {patient.given_name}"

    @property
    def nurse_name(self) -> str:
        nurse = self.item.patient.responsible_nurse
        return (nurse.get_full_name() or nurse.username) if nurse else "none"

    @property
    def status(self) -> tuple[str, str]:
        """(CSS class, words) of the state of an open row."""
        if self.section == "overdue":
            if self.overdue_hours is not None:
                return "state-overdue", f"Overdue {self.overdue_hours} h past the limit"
            return "state-overdue", f"Overdue {self.overdue_days} day{_s(self.overdue_days)}"
        days = self.days_left
        if self.section == "due":
            if days is not None and self.starts_later:
                return "state-soon", f"Due from {fmt_date(self.item.due_from)} (in {days} day{_s(days)})"
            return "state-due", f"Due · {days} day{_s(days)} left"
        return "state-upcoming", f"In {days} day{_s(days)}"

    @property
    def contact_text(self) -> str:
        contact = self.last_contact
        if not contact:
            return ""
        text = f"Last contact {fmt_datetime(contact.at)}: {contact.get_outcome_display()}"
        if contact.note:
            text += f" — “{contact.note}”"
        if contact.user:
            text += f" ({contact.user.get_full_name() or contact.user.username})"
        return text

    @property
    def patient(self):
        return self.item.patient

    @property
    def rule(self) -> str:
        return texts.rule_for(self.item.kind)

    @property
    def source(self) -> str:
        return texts.source_for(self.item.kind)

    @property
    def trigger(self) -> str:
        return describe_trigger(self.item)

    @property
    def window_from(self) -> str:
        item = self.item
        return fmt_datetime(item.due_from_at) if item.due_from_at else fmt_date(item.due_from)

    @property
    def window_by(self) -> str:
        item = self.item
        return fmt_datetime(item.due_by_at) if item.due_by_at else fmt_date(item.due_by)


def _s(count) -> str:
    return "" if count == 1 else "s"


@dataclass
class WatchRow:
    patient: object
    windows: list = field(default_factory=list)


@dataclass
class Worklist:
    overdue: list[ItemRow]
    this_week: list[ItemRow]
    upcoming: list[ItemRow]
    pending_scans: list[Scan]
    unconfirmed: list[ResponseAssessment]
    watching: list[WatchRow]
    snoozed: int
    truncated: bool
    shown: frozenset = frozenset({"items", "measurements", "unconfirmed_pd", "watch"})
    watching_total: int | None = None  # when ``watching`` holds only the first patients (watch_limit)
    upcoming_total: int | None = None  # all the upcoming rows; ``upcoming`` may hold the first ones only
    this_week_total: int | None = None  # all the rows due this week; ``this_week`` may hold the first ones only

    @property
    def upcoming_count(self) -> int:
        return len(self.upcoming) if self.upcoming_total is None else self.upcoming_total

    @property
    def this_week_count(self) -> int:
        return len(self.this_week) if self.this_week_total is None else self.this_week_total

    @property
    def watching_count(self) -> int:
        return len(self.watching) if self.watching_total is None else self.watching_total

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.this_week_count or self.upcoming_count or self.pending_scans
                    or self.unconfirmed or self.watching_count)


def describe_trigger(item: DueItem) -> str:
    treatment, scan = item.trigger_treatment, item.trigger_scan
    if treatment is not None:
        name = treatment.get_kind_display()
        if treatment.status == "planned":
            return f"{name} planned for {fmt_date(treatment.start)}"
        if treatment.kind == "surgery":
            return f"{name} ended {fmt_datetime(treatment.end or treatment.start)}"
        if treatment.end and treatment.kind not in ("ici", "tt", "chemo"):
            return f"{name} ended {fmt_date(treatment.end)}"
        agent = f" ({treatment.agent})" if treatment.agent else ""
        return f"{name}{agent} started {fmt_date(treatment.start)}"
    if scan is not None:
        what = f"{scan.get_modality_display()} of {fmt_date(scan.at)}"
        if item.kind == "confirmation_mri":
            return f"Unconfirmed progression on the {what}"
        return f"Last {what}"
    return item.trigger


def classify(item: DueItem, now: dt.datetime, today: dt.date) -> ItemRow:
    """Place an item by its window at ``now`` (instants for the post-operative MRI, days otherwise)."""
    if item.state not in OPEN_STATES:
        return ItemRow(item, "closed")
    if item.due_from_at and item.due_by_at:
        overdue, started = now > item.due_by_at, now >= item.due_from_at
    else:
        overdue, started = today > item.due_by, today >= item.due_from
    snoozed = bool(item.snoozed_until and item.snoozed_until > today)
    if overdue:
        hours = int((now - item.due_by_at).total_seconds() // 3600) if item.due_by_at else None
        return ItemRow(item, "overdue", overdue_days=(today - item.due_by).days, overdue_hours=hours,
                       snoozed=snoozed)
    if started:
        return ItemRow(item, "due", days_left=(item.due_by - today).days, snoozed=snoozed,
                       starts_later=item.due_from > today)
    days = (item.due_from - today).days
    return ItemRow(item, "due" if days <= WEEK_DAYS else "upcoming", days_left=days, snoozed=snoozed,
                   starts_later=item.due_from > today)


def item_row(item: DueItem, now: dt.datetime) -> ItemRow:
    """One row, re-read after an action (the htmx partial)."""
    row = classify(item, now, site_today(now))
    row.last_contact = latest_contacts([item]).get(item.pk)
    return row


def latest_contacts(items) -> dict[int, object]:
    """The latest contact attempt per item, in one query."""
    from bmtrack.surveillance.models import ContactAttempt

    ids = [item.pk for item in items]
    latest: dict[int, object] = {}
    if not ids:
        return latest
    for attempt in ContactAttempt.objects.filter(item_id__in=ids).select_related("user").order_by("item_id", "-at",
                                                                                                    "-pk"):
        latest.setdefault(attempt.item_id, attempt)
    return latest


def build_worklist(user, filters: Filters, now: dt.datetime, *, watch_limit: int | None = None,
                   upcoming_limit: int | None = None, due_limit: int | None = None) -> Worklist:
    """``due_limit`` / ``upcoming_limit``: build the first rows due this week / upcoming only (all of
    them are still counted). ``watch_limit``: load the watch windows of the first patients only
    (their number is still counted). Overdue rows are always built, every one of them."""
    today = site_today(now)
    patients = active_patients(user, filters)
    kind = filters.kind
    show_items = kind == "" or kind in DueKind.values
    truncated = False

    overdue, this_week, upcoming, snoozed, upcoming_total, this_week_total = [], [], [], 0, 0, 0
    if show_items:
        items = (DueItem.objects.filter(patient__in=patients, state__in=OPEN_STATES,
                                        due_from__lte=today + dt.timedelta(days=UPCOMING_DAYS))
                 .select_related(*ITEM_RELATED).order_by("due_by", "due_by_at", "kind", "pk"))
        if kind:
            items = items.filter(kind=kind)
        # One light query (the columns that place an item, no joins) splits the list; then the rows
        # shown are loaded with their related records: the upcoming ones past ``upcoming_limit``
        # are counted, never built.
        light = [SimpleNamespace(**values) for values in items.values(*PLACE_FIELDS)[: MAX_ROWS * 3 + 1]]
        truncated = len(light) > MAX_ROWS * 3
        rows = [classify(item, now, today) for item in light[: MAX_ROWS * 3]]
        snoozed = sum(1 for row in rows if row.snoozed)
        rows = [row for row in rows if not row.snoozed]
        upcoming_total = sum(1 for row in rows if row.section == "upcoming")
        this_week_total = sum(1 for row in rows if row.section == "due")
        limits = {"due": due_limit, "upcoming": upcoming_limit}
        seen = dict.fromkeys(limits, 0)
        kept = []
        for row in rows:  # in due order: a preview is the soonest deadlines
            limit = limits.get(row.section)
            if limit is not None:
                seen[row.section] += 1
                if seen[row.section] > limit:
                    continue
            kept.append(row)
        rows = kept
        full = (DueItem.objects.select_related(*ITEM_RELATED).defer(*ROW_UNUSED)
                .in_bulk([row.item.pk for row in rows]))
        for row in rows:
            row.item = full.get(row.item.pk)  # None: gone since the first query
        rows = [row for row in rows if row.item is not None]
        contacts = latest_contacts([row.item for row in rows])
        for row in rows:
            row.last_contact = contacts.get(row.item.pk)
        overdue = sorted((r for r in rows if r.section == "overdue"),
                         key=lambda r: (not r.item.urgent, r.item.due_by, r.item.pk))
        this_week = [r for r in rows if r.section == "due"]
        upcoming = [r for r in rows if r.section == "upcoming"]

    pending_scans: list[Scan] = []
    if kind in ("", "measurements"):
        pending_scans = list(
            Scan.objects.filter(patient__in=patients, modality=Modality.MRI,
                                measurement_status=MeasurementStatus.PENDING)
            .select_related("patient").order_by("at")[:MAX_ROWS])

    unconfirmed: list[ResponseAssessment] = []
    if kind in ("", "unconfirmed_pd"):
        later = ResponseAssessment.objects.filter(patient=OuterRef("patient"), scan__at__gt=OuterRef("scan__at"))
        confirmation = DueItem.objects.filter(kind="confirmation_mri", trigger_scan=OuterRef("scan"))
        unconfirmed = list(
            ResponseAssessment.objects.filter(patient__in=patients, category="unconfirmed PD")
            .filter(~Exists(later))
            .annotate(item_state=Subquery(confirmation.values("state")[:1]),
                      item_due_from=Subquery(confirmation.values("due_from")[:1]),
                      item_due_by=Subquery(confirmation.values("due_by")[:1]))
            .select_related("patient", "scan").order_by("confirmation_due")[:MAX_ROWS])

    watching: list[WatchRow] = []
    watching_total = None
    if kind in ("", "watch"):
        windows = (WatchWindow.objects.filter(patient__in=patients, starts_on__lte=today, ends_on__gte=today)
                   .select_related("patient", "trigger_treatment")
                   .order_by("patient__family_name", "patient__given_name", "patient_id", "ends_on"))
        if watch_limit is not None:
            # One light query (ids only) for the patients in order and their number, then the
            # windows of the first few: no model instances for the rows that are not shown.
            order = dict.fromkeys(windows.values_list("patient_id", flat=True)[: MAX_ROWS * 2])
            watching_total = len(order)
            windows = windows.filter(patient_id__in=list(order)[:watch_limit])
        by_patient: dict[int, WatchRow] = {}
        for window in windows[: MAX_ROWS * 2]:
            window.days_left = (window.ends_on - today).days
            by_patient.setdefault(window.patient_id, WatchRow(window.patient)).windows.append(window)
        watching = list(by_patient.values())

    shown = frozenset({"items", "measurements", "unconfirmed_pd", "watch"} if not kind
                      else {"items"} if show_items else {kind})
    return Worklist(overdue=overdue, this_week=this_week, upcoming=upcoming, pending_scans=pending_scans,
                    unconfirmed=unconfirmed, watching=watching, snoozed=snoozed, truncated=truncated, shown=shown,
                    watching_total=watching_total, upcoming_total=upcoming_total, this_week_total=this_week_total)


def search_hits(user, filters: Filters, limit: int = 20):
    """Active patients matching the search, so a nurse can open one that has nothing due."""
    if not filters.q:
        return []
    return list(active_patients(user, filters).select_related("responsible_nurse", "care_team")[:limit])

