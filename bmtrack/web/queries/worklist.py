"""The worklist: what needs doing today, for the patients a user may see.

1. Open due items of active patients, as needs: the items one MRI answers together are one row,
   counted once (``surveillance.needs``, rule in ``clinical.needs``). Rows are split by their phase
   at ``now`` (``surveillance.phase``, so a row is right even before the sweep has moved the stored
   state): overdue, due this week (deadline within 7 days), due (an open window with a later
   deadline), upcoming (the window opens within six weeks). "Today" is the overdue rows and those
   due this week in one list: urgent first, then the most overdue, then the nearest deadline. A row
   that waits on something (booked for today or later, or snoozed: "call back later", "agreed to
   come") goes to "Waiting" with its date instead, whatever its phase.
2. MRIs waiting for lesion measurements.
3. Unconfirmed progression (iRANO) that is the patient's latest response: awaiting confirmation.
4. Patients inside a pseudoprogression or radiation-necrosis watch window today.

Every list is one query whatever the number of patients (select_related / one batch for contacts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, QuerySet

from bmtrack.clinical import needs as needs_rules
from bmtrack.core.clock import today as site_today
from bmtrack.core.labels import choice_label
from bmtrack.core.lookups import Ids
from bmtrack.core.rows import loaded
from bmtrack.patients.models import Patient, ResponseAssessment, Scan, Treatment
from bmtrack.patients.models.choices import MeasurementStatus, Modality
from bmtrack.surveillance import needs as item_needs
from bmtrack.surveillance.models import ContactAttempt, DueItem, DueKind, WatchWindow
from bmtrack.web import texts
from bmtrack.web.formatting import fmt_date, fmt_datetime
from bmtrack.web.queries.scope import Filters, active_patients, listed_patients

UPCOMING_DAYS = 42
MAX_ROWS = 200

# Kind filter: the due item kinds, plus the three other lists of the page.
LIST_KINDS = {
    "measurements": "Scans awaiting measurements",
    "unconfirmed_pd": "Unconfirmed progression",
    "watch": "Inside a watch window",
}
KIND_CHOICES = [("", "All kinds"), *DueKind.choices, *LIST_KINDS.items()]

# What ``classify``, the grouping into needs and the overdue order read of an item.
PLACE_FIELDS = ("pk", "patient_id", "kind", "state", "due_from", "due_by", "due_from_at", "due_by_at",
                "snoozed_until", "booked_for", "urgent", "fulfilled_by_id", "late")

# Columns a worklist row never reads (the sweep's bookkeeping, audit stamps, account secrets):
# not fetched nor parsed for the rows shown. A row that read one would cost a query per row, which
# the query-count tests would catch.
ROW_UNUSED = (
    "next_transition_at", "overdue_since", "overdue_at", "alert_at", "alerted_at", "escalate_at", "escalated_at",
    "acted_at", "created_at", "updated_at",
    "patient__deceased_on", "patient__last_contact_on", "patient__created_at", "patient__updated_at",
    # The triggers are named by kind, status, dates and agent (describe_trigger); their reports and
    # JSON lists (parsed per row) are the patient page's.
    "trigger_scan__report", "trigger_scan__sequences", "trigger_scan__new_lesions", "trigger_scan__non_target",
    "trigger_scan__study_uid", "trigger_scan__accession", "trigger_scan__scanner", "trigger_scan__tracer",
    "trigger_scan__field_strength_t", "trigger_treatment__note", "trigger_treatment__dose_gy",
    "trigger_treatment__fractions", "trigger_treatment__line",
)

# What a list reads of a patient to name and link her (the side lists read nothing else of her row).
PATIENT_LINK = ("patient", "patient__public_id", "patient__given_name", "patient__family_name", "patient__mrn")

# What an item's row reads beside the item: in the worklist table (ROW_RELATED), and in the patient
# page's list and after an action (ITEM_RELATED, which also names the nurse and the team).
ROW_RELATED = ("patient", "trigger_treatment", "trigger_scan")
ITEM_RELATED = (*ROW_RELATED, "patient__responsible_nurse", "patient__care_team")


@dataclass
class ItemRow:
    """One need as a worklist row: its lead item (and the others one MRI answers with it), where it
    falls, and why it is due."""

    item: DueItem
    section: str  # overdue | this_week | due | upcoming | closed
    overdue_days: int | None = None
    overdue_hours: int | None = None
    days_left: int | None = None  # this week / due: days until the deadline; upcoming: until it opens
    last_contact: object | None = None
    attempts: int = 0  # contact attempts about the need (all its items)
    snoozed: bool = False
    booked_on: dt.date | None = None  # the need's booking, when it is today or later
    starts_later: bool = False  # due this week, its window not open yet (due_from after today)
    others: list = field(default_factory=list)  # the need's other items, in the rule's kind order
    label: str = ""  # "MRI: follow-up and response evaluation" for a merged need
    due_from: dt.date | None = None  # the need's window (the shared one for a merged need)
    due_by: dt.date | None = None
    today: dt.date | None = None

    # The row's words, built here once rather than by many template lookups per row (a worklist
    # renders dozens of rows).
    @property
    def items(self) -> list:
        return [self.item, *self.others]

    @property
    def merged(self) -> bool:
        return bool(self.others)

    @property
    def urgent(self) -> bool:
        return any(item.urgent for item in self.items)

    @property
    def kind_label(self) -> str:
        return self.label or choice_label(self.item, "kind")

    @property
    def reasons(self) -> list[dict]:
        """Each item of the need with its own rule, trigger, source and notes."""
        return [{"item": item, "kind": choice_label(item, "kind"), "rule": texts.rule_for(item.kind),
                 "source": texts.source_for(item.kind), "trigger": describe_trigger(item)} for item in self.items]

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
        if self.section in ("this_week", "due"):
            if days is not None and self.starts_later:
                opens = (self.due_from - self.today).days
                return "state-soon", f"Due from {fmt_date(self.due_from)} (in {opens} day{_s(opens)})"
            css = "state-due" if self.section == "this_week" else "state-open"
            return css, f"Due · {days} day{_s(days)} left"
        return "state-upcoming", f"In {days} day{_s(days)}"

    @property
    def waiting(self) -> bool:
        """Booked (for today or later) or snoozed: waiting on a date, not on a call."""
        return self.section != "closed" and (self.snoozed or self.booked_on is not None)

    @property
    def waiting_until(self) -> dt.date | None:
        if self.booked_on is not None:
            return self.booked_on
        if self.snoozed:
            return min(i.snoozed_until for i in self.items if i.snoozed_until)
        return None

    @property
    def deadline_text(self) -> tuple[str, str]:
        """(CSS class, words) of the deadline column: time over or left; a waiting row's date."""
        if self.booked_on is not None:
            return "state-booked", f"Booked for {fmt_date(self.booked_on)}"
        if self.snoozed:
            if self.last_contact is not None and self.last_contact.outcome == "agreed":
                return "state-booked", f"Agreed to come · check {fmt_date(self.waiting_until)}"
            return "state-booked", f"Call back {fmt_date(self.waiting_until)}"
        return self.status

    @property
    def contact_summary(self) -> dict:
        """The last contact's words, the attempt count and when: the "Last contact" column."""
        contact = self.last_contact
        if not contact:
            return {}
        user = contact.user
        return {"outcome": choice_label(contact, "outcome"), "at": fmt_datetime(contact.at),
                "attempts": f"{self.attempts} attempt{_s(self.attempts)}", "note": contact.note,
                "reason": contact.reason, "by": (user.get_full_name() or user.username) if user else ""}

    @property
    def contact_text(self) -> str:
        contact = self.last_contact
        if not contact:
            return ""
        text = f"Last contact {fmt_datetime(contact.at)}: {choice_label(contact, 'outcome')}"
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
        if item.due_from_at and not self.merged:
            return fmt_datetime(item.due_from_at)
        return fmt_date(self.due_from or item.due_from)

    @property
    def window_by(self) -> str:
        item = self.item
        if item.due_by_at and not self.merged:
            return fmt_datetime(item.due_by_at)
        return fmt_date(self.due_by or item.due_by)


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
    due: list[ItemRow]  # open windows whose deadline is more than a week away
    upcoming: list[ItemRow]
    pending_scans: list[Scan]
    unconfirmed: list[ResponseAssessment]
    watching: list[WatchRow]
    snoozed: int
    truncated: bool
    waiting: list[ItemRow] = field(default_factory=list)  # booked or snoozed, by their date
    waiting_total: int | None = None  # all the waiting rows; ``waiting`` may hold the first ones only
    shown: frozenset = frozenset({"items", "measurements", "unconfirmed_pd", "watch"})
    watching_total: int | None = None  # when ``watching`` holds only the first patients (watch_limit)
    upcoming_total: int | None = None  # all the upcoming rows; ``upcoming`` may hold the first ones only
    this_week_total: int | None = None  # all the rows due this week; ``this_week`` may hold the first ones only
    due_total: int | None = None  # all the rows due later; ``due`` may hold the first ones only
    # The active patients the lists are about, as listed for ``patient_id__any_of`` (``listed_patients``).
    patients: Ids | QuerySet | None = None

    @property
    def today(self) -> list[ItemRow]:
        """Overdue and due this week, in one list: urgent first, then the most overdue, then the
        nearest deadline (``due_by`` ascending covers both)."""
        return sorted(self.overdue + self.this_week, key=today_order)

    @property
    def today_count(self) -> int:
        return len(self.overdue) + self.this_week_count

    @property
    def waiting_count(self) -> int:
        return len(self.waiting) if self.waiting_total is None else self.waiting_total

    @property
    def due_count(self) -> int:
        return len(self.due) if self.due_total is None else self.due_total

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
        return not (self.overdue or self.this_week_count or self.due_count or self.upcoming_count or self.pending_scans
                    or self.unconfirmed or self.watching_count or self.waiting_count)


_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def _waiting_order(row: ItemRow) -> tuple:
    return (row.waiting_until, not row.urgent, row.item.pk)


def today_order(row: ItemRow) -> tuple:
    return (not row.urgent, row.due_by, row.item.due_by_at or _LATEST, row.item.pk)


def describe_trigger(item: DueItem) -> str:
    treatment, scan = item.trigger_treatment, item.trigger_scan
    if treatment is not None:
        name = choice_label(treatment, "kind")
        if treatment.status == "planned":
            return f"{name} planned for {fmt_date(treatment.start)}"
        if treatment.kind == "surgery":
            return f"{name} ended {fmt_datetime(treatment.end or treatment.start)}"
        if treatment.end and treatment.kind not in ("ici", "tt", "chemo"):
            return f"{name} ended {fmt_date(treatment.end)}"
        agent = f" ({treatment.agent})" if treatment.agent else ""
        return f"{name}{agent} started {fmt_date(treatment.start)}"
    if scan is not None:
        what = f"{choice_label(scan, 'modality')} of {fmt_date(scan.at)}"
        if item.kind == "confirmation_mri":
            return f"Unconfirmed progression on the {what}"
        return f"Last {what}"
    return item.trigger


def classify(need: item_needs.ItemNeed, now: dt.datetime, today: dt.date) -> ItemRow:
    """Place a need by its phase at ``now`` (instants for a lone post-operative MRI, days otherwise)."""
    item = need.lead
    common = {"others": need.items[1:], "label": need.rule.label or "", "due_from": need.due_from,
              "due_by": need.due_by, "today": today}
    section = needs_rules.section(need.phase, need.due_by, today)
    if section == "closed":
        return ItemRow(item, "closed", **common)
    snoozed = all(i.snoozed_until and i.snoozed_until > today for i in need.items)
    booked = [i.booked_for for i in need.items if i.booked_for and i.booked_for >= today]
    common["booked_on"] = min(booked) if booked else None
    if section == "overdue":
        timed = item.due_by_at if not need.merged else None
        hours = int((now - timed).total_seconds() // 3600) if timed else None
        return ItemRow(item, "overdue", overdue_days=(today - need.due_by).days, overdue_hours=hours,
                       snoozed=snoozed, **common)
    if section in ("this_week", "due"):
        return ItemRow(item, section, days_left=(need.due_by - today).days, snoozed=snoozed,
                       starts_later=need.due_from > today, **common)
    return ItemRow(item, "upcoming", days_left=(need.due_from - today).days, snoozed=snoozed, **common)


def classify_items(items, now: dt.datetime, today: dt.date) -> list[ItemRow]:
    """Rows of these items: one per need, needs of a patient together, by deadline."""
    return [classify(need, now, today) for need in item_needs.group(items, now)]


def item_row(item: DueItem, now: dt.datetime) -> ItemRow:
    """One row, re-read after an action (the htmx partial): the need ``item`` belongs to."""
    siblings = (DueItem.objects.filter(patient_id=item.patient_id).open().select_related(*ITEM_RELATED)
                .exclude(pk=item.pk))
    need = item_needs.need_of(item, [item, *siblings], now)
    row = classify(need, now, site_today(now))
    if row.item.pk != item.pk:  # the row is keyed by the item acted on
        row.others = [i for i in row.items if i.pk != item.pk]
        row.item = item
    attach_contacts([row])
    return row


def latest_contacts(items) -> dict[int, object]:
    """The latest contact attempt per item, in one query."""
    return contact_history(items)[0]


def contact_history(items) -> tuple[dict[int, object], dict[int, int]]:
    """The latest contact attempt and the number of attempts per item, in one query."""
    ids = [item.pk for item in items]
    latest: dict[int, object] = {}
    counts: dict[int, int] = {}
    if not ids:
        return latest, counts
    for attempt in ContactAttempt.objects.filter(item_id__in=ids).select_related("user").order_by("item_id", "-at",
                                                                                                    "-pk"):
        latest.setdefault(attempt.item_id, attempt)
        counts[attempt.item_id] = counts.get(attempt.item_id, 0) + 1
    return latest, counts


def attach_contacts(rows) -> None:
    """Each row's last contact (over the items of its need) and its number of attempts: one query."""
    latest, counts = contact_history([i for row in rows for i in row.items])
    for row in rows:
        found = [latest[i.pk] for i in row.items if i.pk in latest]
        row.last_contact = max(found, key=lambda c: (c.at, c.pk)) if found else None
        row.attempts = sum(counts.get(i.pk, 0) for i in row.items)


def build_worklist(user, filters: Filters, now: dt.datetime, *, watch_limit: int | None = None,
                   upcoming_limit: int | None = None, due_limit: int | None = None,
                   open_limit: int | None = None, waiting_limit: int | None = None) -> Worklist:
    """``due_limit`` / ``open_limit`` / ``upcoming_limit``: build the first rows due this week / due
    later / upcoming only (all of them are still counted). ``watch_limit``: load the watch windows
    of the first patients only (their number is still counted). Overdue rows are always built."""
    today = site_today(now)
    patients = listed_patients(active_patients(user, filters))
    kind = filters.kind
    show_items = kind == "" or kind in DueKind.values
    truncated = False

    overdue, this_week, due, upcoming, waiting, snoozed = [], [], [], [], [], 0
    upcoming_total = this_week_total = due_total = waiting_total = 0
    if show_items:
        horizon = today + dt.timedelta(days=UPCOMING_DAYS)
        items = (DueItem.objects.filter(patient_id__any_of=patients, due_from__lte=horizon)
                 .open().order_by("due_by", "due_by_at", "kind", "pk"))
        # One light query (the columns that place an item, no joins) groups the items into needs and
        # splits the list; then the rows shown are loaded with their related records: the rows past
        # a section's limit are counted, never built. A kind filter keeps the needs that hold it.
        light = [SimpleNamespace(**values) for values in items.values(*PLACE_FIELDS)[: MAX_ROWS * 3 + 1]]
        truncated = len(light) > MAX_ROWS * 3
        rows = [row for row in classify_items(light[: MAX_ROWS * 3], now, today)
                if not kind or any(i.kind == kind for i in row.items)]
        rows.sort(key=lambda r: (r.due_by, r.item.due_by_at or dt.datetime.max.replace(tzinfo=dt.UTC),
                                 r.item.kind, r.item.pk))
        snoozed = sum(1 for row in rows if row.snoozed)
        waiting = sorted((row for row in rows if row.waiting), key=_waiting_order)
        waiting_total = len(waiting)
        if waiting_limit is not None:  # the soonest dates; the others are counted, not built
            waiting = waiting[:waiting_limit]
        rows = [row for row in rows if not row.waiting]
        upcoming_total = sum(1 for row in rows if row.section == "upcoming")
        this_week_total = sum(1 for row in rows if row.section == "this_week")
        due_total = sum(1 for row in rows if row.section == "due")
        limits = {"this_week": due_limit, "due": open_limit, "upcoming": upcoming_limit}
        seen = dict.fromkeys(limits, 0)
        kept = []
        for row in rows:  # in deadline order: a preview is the soonest deadlines
            limit = limits.get(row.section)
            if limit is not None:
                seen[row.section] += 1
                if seen[row.section] > limit:
                    continue
            kept.append(row)
        rows = kept + waiting
        # A plain filter: in_bulk re-validates its field and its ids, a quarter more work for the same rows.
        full = {item.pk: item for item in DueItem.objects.select_related(*ROW_RELATED).defer(*ROW_UNUSED)
                .filter(pk__any_of=Ids(i.pk for row in rows for i in row.items))}
        for row in rows:
            row.item = full.get(row.item.pk)  # None: gone since the first query
            row.others = [full[i.pk] for i in row.others if i.pk in full]
        rows = [row for row in rows if row.item is not None]
        attach_contacts(rows)
        waiting = sorted((r for r in rows if r.waiting), key=_waiting_order)
        rows = [r for r in rows if not r.waiting]
        overdue = sorted((r for r in rows if r.section == "overdue"), key=today_order)
        this_week = [r for r in rows if r.section == "this_week"]
        due = [r for r in rows if r.section == "due"]
        upcoming = [r for r in rows if r.section == "upcoming"]

    pending_scans: list[Scan] = []
    if kind in ("", "measurements"):
        pending_scans = list(
            Scan.objects.filter(patient_id__any_of=patients, modality=Modality.MRI,
                                measurement_status=MeasurementStatus.PENDING)
            .select_related("patient").only("at", "purpose", *PATIENT_LINK).order_by("at")[:MAX_ROWS])

    unconfirmed: list[ResponseAssessment] = []
    if kind in ("", "unconfirmed_pd"):
        later = ResponseAssessment.objects.filter(patient=OuterRef("patient"), scan__at__gt=OuterRef("scan__at"))
        unconfirmed = list(
            ResponseAssessment.objects.filter(patient_id__any_of=patients, category="unconfirmed PD")
            .filter(~Exists(later))
            .select_related("patient", "scan")
            .only("category", "sum_mm", "change_from_nadir_pct", "confirmation_due", "scan__at", *PATIENT_LINK)
            .order_by("confirmation_due")[:MAX_ROWS])
        _attach_confirmations(unconfirmed)

    watching: list[WatchRow] = []
    watching_total = None
    if kind in ("", "watch"):
        watching, watching_total = _watch_rows(patients, today, watch_limit)

    shown = frozenset({"items", "measurements", "unconfirmed_pd", "watch"} if not kind
                      else {"items"} if show_items else {kind})
    return Worklist(overdue=overdue, this_week=this_week, due=due, upcoming=upcoming, waiting=waiting,
                    waiting_total=waiting_total,
                    pending_scans=pending_scans,
                    unconfirmed=unconfirmed, watching=watching, snoozed=snoozed, truncated=truncated, shown=shown,
                    watching_total=watching_total, upcoming_total=upcoming_total, this_week_total=this_week_total,
                    due_total=due_total, patients=patients)


# What a watch-window row reads: the window, its patient's name and link, its treatment's kind and start.
WATCH_WINDOW_COLUMNS = ("id", "patient_id", "kind", "starts_on", "ends_on", "trigger_treatment_id")
WATCH_PATIENT_COLUMNS = ("id", "public_id", "given_name", "family_name", "mrn")
WATCH_TREATMENT_COLUMNS = ("id", "kind", "start")
# The order of the watch list: by name, a patient's windows together.
PATIENT_NAME_ORDER = ("family_name", "given_name", "id")


def _watch_rows(patients, today: dt.date, watch_limit: int | None) -> tuple[list[WatchRow], int | None]:
    """The patients inside a watch window today, by name, each with her windows; with ``watch_limit``
    the first few only, and their number.

    Most of a nurse's patients are inside one window or two: reading every window with its patient
    and treatment (~270 rows for 185 patients) cost more than the rest of the side lists together.
    With a limit, one query orders the patients inside a window by name (their ids only, the windows
    probed by ``watchwindow_patient_span_idx`` without reading them) and a second reads the windows of
    the first few. In full ("show all"), one query reads them all. Plain values either way: model
    instances for the windows shown only."""
    inside = WatchWindow.objects.filter(starts_on__lte=today, ends_on__gte=today)
    total = None
    if watch_limit is not None:
        ordered = (Patient.objects.filter(pk__any_of=patients)
                   .filter(Exists(inside.filter(patient_id=OuterRef("pk"))))
                   .order_by(*PATIENT_NAME_ORDER).values_list("pk", flat=True))
        # A nurse's few hundred: all their ids (with a LIMIT the planner walked the name index over
        # every patient of the site, 50 ms). Very many (``listed_patients`` gave the queryset): the
        # first MAX_ROWS * 2, as the list in full shows at most that many windows.
        ids = list(ordered if not isinstance(patients, QuerySet) else ordered[: MAX_ROWS * 2])
        total, patients = len(ids), ids[:watch_limit]
        if not patients:
            return [], total
    window_cols, patient_cols, treatment_cols = WATCH_WINDOW_COLUMNS, WATCH_PATIENT_COLUMNS, WATCH_TREATMENT_COLUMNS
    values = (inside.filter(patient_id__any_of=patients)
              .order_by(*(f"patient__{name}" for name in PATIENT_NAME_ORDER), "ends_on")
              .values_list(*window_cols, *(f"patient__{name}" for name in patient_cols),
                           *(f"trigger_treatment__{name}" for name in treatment_cols))[: MAX_ROWS * 2])
    by_patient: dict[int, list[tuple]] = {}
    for row in values:
        by_patient.setdefault(row[1], []).append(row)
    rows = []
    split, end = len(window_cols), len(window_cols) + len(patient_cols)
    for windows in by_patient.values():
        patient = loaded(Patient, values.db, patient_cols, windows[0][split:end])
        row = WatchRow(patient)
        for values_of in windows:
            window = loaded(WatchWindow, values.db, window_cols, values_of[:split])
            window.patient = patient
            window.trigger_treatment = (loaded(Treatment, values.db, treatment_cols, values_of[end:])
                                        if window.trigger_treatment_id else None)
            window.days_left = (window.ends_on - today).days
            row.windows.append(window)
        rows.append(row)
    return rows, total


def _attach_confirmations(responses: list[ResponseAssessment]) -> None:
    """Each unconfirmed progression's confirmation MRI (its first by deadline): ``item_state``,
    ``item_due_from``, ``item_due_by``, None without one. One query when there are any (a correlated
    subquery per column cost more to plan than the list costs to read)."""
    first: dict[int, dict] = {}
    if responses:
        scans = Ids(r.scan_id for r in responses)
        items = (DueItem.objects.filter(kind="confirmation_mri", trigger_scan_id__any_of=scans)
                 .order_by("due_by", "kind").values("trigger_scan_id", "state", "due_from", "due_by"))
        for item in items:
            first.setdefault(item["trigger_scan_id"], item)
    for response in responses:
        item = first.get(response.scan_id, {})
        response.item_state, response.item_due_from, response.item_due_by = (
            item.get("state"), item.get("due_from"), item.get("due_by"))


def search_hits(user, filters: Filters, limit: int = 20):
    """Active patients matching the search, so a nurse can open one that has nothing due."""
    if not filters.q:
        return []
    return list(active_patients(user, filters).select_related("responsible_nurse", "care_team")[:limit])

