"""Re-planning: a patient's history → ``clinical.schedule`` → stored due items and watch windows.

``replan_patient`` runs inside the transaction of every write to the record (the patients
services call it through ``refresh_derived``). It:

1. turns the stored record into the clinical core's input and calls ``compute_schedule``;
2. diffs the result against the stored items by natural key (patient, kind, trigger) and saves
   only what changed, so history rows (django-simple-history) appear only for real changes;
3. cancels computed items the rules no longer ask for, but never a manual item (a tumour-board
   follow-up): those are brought up to date by ``refresh_manual_item`` instead;
4. (re)arms the alert and escalation moments of new, reopened or moved items (``timing.arm``) and
   settles anything already owed at ``now`` (``notifications.advance``): an urgent item that is
   already overdue when it is recorded alerts in this same transaction, through the outbox.

The sweep (``sweep.py``) moves items with time alone; it never calls this.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from bmtrack.clinical import board_followup
from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import site_zone, utcnow
from bmtrack.patients.models import Patient
from bmtrack.surveillance import timing
from bmtrack.surveillance.models import MANUAL_KINDS, DueItem, DueState, WatchWindow
from bmtrack.surveillance.notifications import advance, write_grace

URGENT_KINDS = timing.URGENT_KINDS
OPEN = set(timing.OPEN)
# Fields the re-planner owns; a nurse's fields (booking, snooze, waiver, contacts) are never overwritten.
_PLANNED = ("due_from", "due_by", "due_from_at", "due_by_at", "state", "fulfilled_by_id", "late", "notes", "urgent")
_WINDOW = ("due_from", "due_by", "due_from_at", "due_by_at")
_TRACKED = _PLANNED + ("next_transition_at", "overdue_since", "overdue_at", "alert_at", "alerted_at",
                       "escalate_at", "escalated_at")


def schedule_input(patient: Patient):
    """The clinical core's typed input built from the stored record."""
    treatments = [
        schedule_rules.TreatmentIn(id=f"T{t.pk}", kind=t.kind, status=t.status, start=t.start, end=t.end)
        for t in patient.treatments.all()
    ]
    scans = [
        schedule_rules.ScanIn(id=f"S{s.pk}", modality=s.modality, at=s.at, purpose=s.purpose,
                              sequences=tuple(s.sequences or ()))
        for s in patient.scans.all()
    ]
    responses = [
        schedule_rules.ResponseIn(scan=f"S{r.scan_id}", category=r.category,
                                  date=r.scan.at.astimezone(site_zone()).date())
        for r in patient.responses.select_related("scan").all()
    ]
    return treatments, scans, responses


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
    tz = site_zone()
    treatments, scans, responses = schedule_input(patient)
    result = schedule_rules.compute_schedule(now, patient.status, treatments, scans, responses, tz=tz)
    starts = {t.id: t.start for t in treatments}
    escalation_days = patient.care_team.escalation_days
    counts = {"created": 0, "updated": 0, "closed": 0}
    with transaction.atomic():
        existing = {(i.kind, i.trigger): i for i in DueItem.objects.select_for_update().filter(patient=patient)}
        seen = set()
        for out in result.due_items:
            key = (out.kind, out.trigger)
            seen.add(key)
            item = existing.get(key)
            created = item is None
            if created:
                item = DueItem(patient=patient, kind=out.kind, trigger=out.trigger, **_trigger_fk(out.trigger))
            before = _snapshot(item)
            _apply(item, _item_values(out, tz))
            _settle(item, before, now, escalation_days, srs_start=starts.get(out.trigger), created=created)
            if created or _snapshot(item) != before:
                _save(item, user)
                counts["created" if created else "updated"] += 1
        for key, item in existing.items():
            if key in seen:
                continue
            before = _snapshot(item)
            if item.kind in MANUAL_KINDS:
                refresh_manual_item(item, scans, patient.status, now)
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
        _replan_windows(patient, result.watch_windows)
    return counts


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
    if item.state == DueState.WAIVED and values["state"] in OPEN:
        values = {**values, "state": DueState.WAIVED}
    for name, value in values.items():
        setattr(item, name, value)


def _settle(item: DueItem, before: dict, now: dt.datetime, escalation_days: int, *,
            srs_start: dt.datetime | None = None, created: bool = False) -> None:
    """Arm new, reopened or moved items; then settle what time has already made owed."""
    reopened = before["state"] not in OPEN and item.state in OPEN
    moved = any(before[name] != getattr(item, name) for name in _WINDOW)
    if item.state in OPEN and (created or reopened or moved or item.overdue_at is None
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
    by time (``clinical.schedule.state_at``). A waiver stands until an MRI fulfils the item.
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
        item.state = timing.state_by_time(item, now)
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
