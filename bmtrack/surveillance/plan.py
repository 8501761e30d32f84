"""The planning seam: a patient's record → ``clinical.schedule`` → stored due items and watch windows.

Public API (**contract**; the one way a plan is made and stored)::

    plan_patient(patient, *, now, responses=None) -> Plan
    apply_plan(patient, plan, *, now, user=None) -> dict            # counts of what changed
    replan_patient(patient, *, now=None, user=None) -> dict         # plan_patient + apply_plan
    copy_new_plans(patients, responses_by_patient, *, now) -> dict  # bulk, patients with no plan yet
    replan_all(*, now, batch_size=200, log=None) -> dict            # every patient: GPA, RANO-BM, plan

1. ``plan_patient`` turns the stored record (treatments, scans, response assessments; or the
   ``responses`` given, as the synthetic cohort does before its rows are read back) into the
   clinical core's input and calls ``compute_schedule``. It writes nothing.
2. ``apply_plan`` diffs the plan against the stored items by natural key (patient, kind, trigger)
   and saves only what changed, so history rows (django-simple-history) appear only for real
   changes; it cancels computed items the rules no longer ask for, but never a manual item (a
   tumour-board follow-up): those are brought up to date by ``refresh_manual_item`` instead; it
   (re)arms the alert and escalation moments of new, reopened or moved items (``timing.arm``) and
   settles anything already owed at ``now`` (``notifications.advance``): an urgent item that is
   already overdue when it is recorded alerts in this same transaction, through the outbox.
3. ``copy_new_plans`` applies plans for patients with nothing stored, as ``apply_plan`` would,
   and writes the rows with ``COPY`` (the synthetic cohort); an item that owes an alert at ``now``
   is saved with its outbox row by the same code.
4. ``replan_all`` is what runs after a rule change (``run_surveillance --replan-all``): for every
   patient, in batches, in one transaction per patient with the patient row locked, it recomputes
   the GPA and RANO-BM assessments (``patients.services.assessments.refresh_assessments``) and
   then the plan.

``replan_patient`` runs inside the transaction of every write to the record: the patients
services call it through ``patients.planning`` (patients sits below surveillance and does not
import it; ``apps.py`` registers this module there). The sweep (``sweep.py``) moves items with
time alone; it never calls this.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from bmtrack.clinical import board_followup
from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import local_date, site_zone, utcnow
from bmtrack.patients.models import Patient
from bmtrack.patients.services.assessments import refresh_assessments
from bmtrack.patients.services.common import with_history
from bmtrack.patients.synthetic.copying import CopyTable
from bmtrack.surveillance import timing
from bmtrack.surveillance.models import MANUAL_KINDS, DueItem, DueState, WatchWindow
from bmtrack.surveillance.notifications import advance, write_grace
from bmtrack.surveillance.phase import OPEN_STATES, open_phase

logger = logging.getLogger(__name__)
URGENT_KINDS = timing.URGENT_KINDS
# Fields the re-planner owns; a nurse's fields (booking, snooze, waiver, contacts) are never overwritten.
_PLANNED = ("due_from", "due_by", "due_from_at", "due_by_at", "state", "fulfilled_by_id", "late", "notes", "urgent")
_WINDOW = ("due_from", "due_by", "due_from_at", "due_by_at")
_TRACKED = _PLANNED + ("next_transition_at", "overdue_since", "overdue_at", "alert_at", "alerted_at",
                       "escalate_at", "escalated_at")


@dataclass(frozen=True)
class Plan:
    """What the rules ask of one patient at ``now``; ``starts`` maps a treatment trigger to its start
    (the SRS planning alert is 48 h before it)."""

    result: schedule_rules.ScheduleResult
    starts: dict
    scans: tuple
    tz: object


def schedule_input(patient: Patient, responses: Sequence[schedule_rules.ResponseIn] | None = None):
    """The clinical core's typed input built from the stored record (prefetched relations cost no
    query); ``responses`` given replace the stored response assessments."""
    treatments = [
        schedule_rules.TreatmentIn(id=f"T{t.pk}", kind=t.kind, status=t.status, start=t.start, end=t.end)
        for t in patient.treatments.all()
    ]
    scans = [
        schedule_rules.ScanIn(id=f"S{s.pk}", modality=s.modality, at=s.at, purpose=s.purpose,
                              sequences=tuple(s.sequences or ()))
        for s in patient.scans.all()
    ]
    if responses is None:
        responses = [
            schedule_rules.ResponseIn(scan=f"S{r.scan_id}", category=r.category, date=local_date(r.scan.at))
            for r in patient.responses.select_related("scan").all()
        ]
    return treatments, scans, list(responses)


def plan_patient(patient: Patient, *, now: dt.datetime,
                 responses: Sequence[schedule_rules.ResponseIn] | None = None) -> Plan:
    """What ``clinical.schedule`` asks of the patient at ``now``. Writes nothing."""
    tz = site_zone()
    treatments, scans, responses = schedule_input(patient, responses)
    result = schedule_rules.compute_schedule(now, patient.status, treatments, scans, responses, tz=tz)
    return Plan(result, {t.id: t.start for t in treatments}, tuple(scans), tz)


def _trigger_fk(trigger: str) -> dict:
    if trigger.startswith("T"):
        return {"trigger_treatment_id": int(trigger[1:]), "trigger_scan_id": None}
    if trigger.startswith("S"):
        return {"trigger_treatment_id": None, "trigger_scan_id": int(trigger[1:])}
    return {"trigger_treatment_id": None, "trigger_scan_id": None}


def _snapshot(item: DueItem) -> dict:
    return {name: getattr(item, name) for name in _TRACKED}


def replan_patient(patient: Patient, *, now: dt.datetime | None = None, user=None) -> dict:
    """Bring the stored plan in line with the record. Returns counts of what changed."""
    now = now or utcnow()
    return apply_plan(patient, plan_patient(patient, now=now), now=now, user=user)


def apply_plan(patient: Patient, plan: Plan, *, now: dt.datetime, user=None) -> dict:
    """Store ``plan``: the difference only, by natural key (module docstring, step 2)."""
    tz = plan.tz
    escalation_days = patient.care_team.escalation_days
    counts = {"created": 0, "updated": 0, "closed": 0}
    with transaction.atomic():
        existing = {(i.kind, i.trigger): i for i in DueItem.objects.select_for_update().filter(patient=patient)}
        seen = set()
        for out in plan.result.due_items:
            key = (out.kind, out.trigger)
            seen.add(key)
            item = existing.get(key)
            created = item is None
            if created:
                item = DueItem(patient=patient, kind=out.kind, trigger=out.trigger, **_trigger_fk(out.trigger))
            before = _snapshot(item)
            _apply(item, _item_values(out, tz))
            _settle(item, before, now, escalation_days, srs_start=plan.starts.get(out.trigger), created=created)
            if created or _snapshot(item) != before:
                _save(item, user)
                counts["created" if created else "updated"] += 1
        for key, item in existing.items():
            if key in seen:
                continue
            before = _snapshot(item)
            if item.kind in MANUAL_KINDS:
                refresh_manual_item(item, plan.scans, patient.status, now)
                _settle(item, before, now, escalation_days)
            elif item.is_open:
                # The rule no longer asks for it (e.g. the triggering treatment was cancelled).
                item.state = DueState.CANCELLED
                item.next_transition_at = None
                counts["closed"] += 1
            if _snapshot(item) != before:
                _save(item, user)
                if item.kind in MANUAL_KINDS:
                    counts["updated"] += 1
        _replan_windows(patient, plan.result.watch_windows)
    return counts


def copy_new_plans(patients: Sequence[Patient], responses_by_patient, *, now: dt.datetime) -> dict[str, int]:
    """Plan and store patients with nothing stored yet, with ``COPY`` (module docstring, step 3).

    ``responses_by_patient`` maps a patient id to its ``ResponseIn`` (the cohort's assessments,
    computed in memory before they are read back). Call inside a transaction. The rows equal those
    ``apply_plan`` writes for such a patient, except that a copied item has no history row (a
    synthetic record's history starts empty)."""
    unsaved, windows = [], []
    for patient in patients:
        plan = plan_patient(patient, now=now, responses=responses_by_patient.get(patient.pk, ()))
        escalation_days = patient.care_team.escalation_days
        for out in plan.result.due_items:
            item = DueItem(patient=patient, kind=out.kind, trigger=out.trigger, **_trigger_fk(out.trigger))
            before = _snapshot(item)
            _apply(item, _item_values(out, plan.tz))
            _settle(item, before, now, escalation_days, srs_start=plan.starts.get(out.trigger), created=True)
            if item.pk is None:
                unsaved.append(item)
            else:  # owed an alert or escalation at ``now``: saved with its outbox rows, as apply_plan does
                item.save()
        windows += [{"patient_id": patient.pk, "kind": w.kind, "trigger": w.trigger, "starts_on": w.from_date,
                     "ends_on": w.to_date, "trigger_treatment_id": _trigger_fk(w.trigger)["trigger_treatment_id"]}
                    for w in plan.result.watch_windows]
    item_table = CopyTable(DueItem, now)
    return {"due_items": item_table.copy([_copy_values(item, item_table) for item in unsaved]),
            "watch_windows": CopyTable(WatchWindow, now).copy(windows)}


def _copy_values(item: DueItem, table: CopyTable) -> dict:
    """The unsaved item's values; None ones take the column default (``created_at`` and ``updated_at``: now)."""
    values = ((f.attname, getattr(item, f.attname)) for f in table.fields)
    return {name: value for name, value in values if value is not None}


def replan_all(*, now: dt.datetime, batch_size: int = 200, log: Callable[[str], None] | None = None) -> dict:
    """Recompute GPA, RANO-BM and the plan of every patient (module docstring, step 4).

    Patients are read in batches of ``batch_size`` ids; each patient is one transaction with its
    row locked (``SELECT ... FOR UPDATE``), so a write to that patient waits for it. A patient whose
    recomputation fails is rolled back, logged by id and counted in ``failed``; the others go on."""
    counts = {"patients": 0, "created": 0, "updated": 0, "closed": 0, "failed": 0}
    last = 0
    while True:
        batch = list(Patient.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return counts
        for pk in batch:
            try:
                with transaction.atomic():
                    if not Patient.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True):
                        continue  # deleted since the batch was read
                    patient = with_history(Patient(pk=pk))
                    refresh_assessments(patient, now=now)
                    changed = replan_patient(patient, now=now)
            except Exception:
                logger.exception("replan-all: patient %s could not be recomputed", pk)
                counts["failed"] += 1
                continue
            for name, value in changed.items():
                counts[name] += value
            counts["patients"] += 1
        last = batch[-1]
        if log is not None:
            log(f"replanned {counts['patients']} patients")


def _save(item: DueItem, user) -> None:
    if getattr(user, "pk", None):
        item._history_user = user
    item.save()


def _item_values(out, tz) -> dict:
    if isinstance(out.due_from, dt.datetime):
        due_from_at, due_by_at = out.due_from.astimezone(dt.UTC), out.due_by.astimezone(dt.UTC)
        due_from, due_by = out.due_from.astimezone(tz).date(), out.due_by.astimezone(tz).date()
    else:
        due_from_at = due_by_at = None
        due_from, due_by = out.due_from, out.due_by
    return {
        "due_from": due_from,
        "due_by": due_by,
        "due_from_at": due_from_at,
        "due_by_at": due_by_at,
        "state": out.state,
        "fulfilled_by_id": int(str(out.fulfilled_by)[1:]) if out.fulfilled_by else None,
        "late": bool(out.late),
        "notes": list(out.notes),
        "urgent": out.kind in URGENT_KINDS,
    }


def _apply(item: DueItem, values: dict) -> None:
    """Copy the plan onto the item; a nurse's waiver survives until the item is done or cancelled."""
    if item.state == DueState.WAIVED and values["state"] in OPEN_STATES:
        values = {**values, "state": DueState.WAIVED}
    for name, value in values.items():
        setattr(item, name, value)


def _settle(item: DueItem, before: dict, now: dt.datetime, escalation_days: int, *,
            srs_start: dt.datetime | None = None, created: bool = False) -> None:
    """Arm new, reopened or moved items; then settle what time has already made owed."""
    reopened = before["state"] not in OPEN_STATES and item.state in OPEN_STATES
    moved = any(before[name] != getattr(item, name) for name in _WINDOW)
    if item.state in OPEN_STATES and (created or reopened or moved or item.overdue_at is None
                               or (item.kind == "srs_planning_mri" and srs_start is not None
                                   and item.alert_at != timing.alert_moment(item, srs_start))):
        timing.arm(item, escalation_days=escalation_days, srs_start=srs_start)
    if item.state == DueState.OVERDUE:
        item.overdue_since = item.overdue_since or item.overdue_at
    else:
        item.overdue_since = None
    item.next_transition_at = timing.wake(item)
    if item.next_transition_at is not None and item.next_transition_at <= now:
        if item.pk is None:
            item.save()  # the outbox row points at the item
        advance(item, now, grace=write_grace())


def refresh_manual_item(item: DueItem, scans, patient_status: str, now: dt.datetime) -> None:
    """State of a manual (tumour-board) follow-up at ``now``.

    Manual items are never cancelled by the diff. Their state follows the same precedence as the
    clinical core's: done (fulfilled by the first MRI dated on or after ``due_from`` — any brain MRI
    counts, as for the response and confirmation scans — known at ``now``) → cancelled (the patient
    is no longer active; reopened if the patient becomes active again) → upcoming / due / overdue
    by time (``phase.open_phase``). A waiver stands until an MRI fulfils the item.
    """
    tz = site_zone()
    mri = board_followup.fulfilling_scan(scans, item.due_from, now, tz)
    if mri is not None:
        item.state, item.fulfilled_by_id = DueState.DONE, int(str(mri.id)[1:])
        item.late = mri.at.astimezone(tz).date() > item.due_by
    elif item.state == DueState.WAIVED:
        item.fulfilled_by_id, item.late = None, False
    elif patient_status != "active":
        item.state, item.fulfilled_by_id, item.late = DueState.CANCELLED, None, False
    else:
        item.state = open_phase(item, now)
        item.fulfilled_by_id, item.late = None, False


def _replan_windows(patient: Patient, windows) -> None:
    existing = {(w.kind, w.trigger): w for w in WatchWindow.objects.filter(patient=patient)}
    seen = set()
    for out in windows:
        key = (out.kind, out.trigger)
        seen.add(key)
        window = existing.get(key)
        if window is None:
            WatchWindow.objects.create(
                patient=patient, kind=out.kind, trigger=out.trigger, starts_on=out.from_date, ends_on=out.to_date,
                trigger_treatment_id=_trigger_fk(out.trigger)["trigger_treatment_id"],
            )
        elif (window.starts_on, window.ends_on) != (out.from_date, out.to_date):
            window.starts_on, window.ends_on = out.from_date, out.to_date
            window.save(update_fields=["starts_on", "ends_on"])
    stale = [w.pk for key, w in existing.items() if key not in seen]
    if stale:
        WatchWindow.objects.filter(pk__in=stale).delete()
