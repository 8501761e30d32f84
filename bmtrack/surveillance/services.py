"""Re-planning: a patient's history → ``clinical.schedule`` → stored due items and watch windows.

``replan_patient`` runs inside the transaction of every write to the record (the patients
services call it) and in the sweep. It saves only the difference by natural key
(patient, kind, trigger), so history rows appear only for real changes.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import site_zone, utcnow
from bmtrack.patients.models import Patient
from bmtrack.surveillance.models import DueItem, DueState, WatchWindow

# Kinds a nurse must hear about the moment they go overdue (issue: urgent alerts).
URGENT_KINDS = {"postop_mri", "confirmation_mri", "srs_planning_mri"}


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


def replan_patient(patient: Patient, *, now: dt.datetime | None = None, user=None) -> dict:
    """Bring the stored plan in line with the record. Returns counts of what changed."""
    now = now or utcnow()
    tz = site_zone()
    treatments, scans, responses = schedule_input(patient)
    result = schedule_rules.compute_schedule(now, patient.status, treatments, scans, responses, tz=tz)
    counts = {"created": 0, "updated": 0, "closed": 0}
    with transaction.atomic():
        existing = {(i.kind, i.trigger): i for i in DueItem.objects.select_for_update().filter(patient=patient)}
        seen = set()
        for out in result.due_items:
            key = (out.kind, out.trigger)
            seen.add(key)
            values = _item_values(out, tz)
            item = existing.get(key)
            if item is None:
                item = DueItem(patient=patient, kind=out.kind, trigger=out.trigger, **_trigger_fk(out.trigger))
                _apply(item, values, now)
                item.save()
                counts["created"] += 1
                continue
            if _apply(item, values, now):
                item.save()
                counts["updated"] += 1
        for key, item in existing.items():
            if key not in seen and item.kind in schedule_rules.DUE_KINDS and item.is_open:
                # The rule no longer asks for it (e.g. the triggering treatment was cancelled).
                item.state = DueState.CANCELLED
                item.next_transition_at = None
                item.save()
                counts["closed"] += 1
        _replan_windows(patient, result.watch_windows)
        transaction.on_commit(lambda: None)
    _after_replan(patient, now)
    return counts


def _item_values(out, tz) -> dict:
    if isinstance(out.due_from, dt.datetime):
        due_from_at, due_by_at = out.due_from, out.due_by
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
        "fulfilled_by_id": int(out.fulfilled_by[1:]) if out.fulfilled_by else None,
        "late": bool(out.late),
        "notes": list(out.notes),
        "next_transition_at": schedule_rules.next_transition(out, tz),
        "urgent": out.kind in URGENT_KINDS,
    }


def _apply(item: DueItem, values: dict, now: dt.datetime) -> bool:
    """Copy values onto the item; a nurse's waiver survives until the item is done or cancelled."""
    if item.state == DueState.WAIVED and values["state"] in (DueState.UPCOMING, DueState.DUE, DueState.OVERDUE):
        values = {**values, "state": DueState.WAIVED, "next_transition_at": None}
    changed = False
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    if item.state == DueState.OVERDUE and item.overdue_since is None:
        item.overdue_since = now
        changed = True
    elif item.state != DueState.OVERDUE and item.overdue_since is not None:
        item.overdue_since = None
        changed = True
    return changed


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


def _after_replan(patient: Patient, now: dt.datetime) -> None:
    """Hook for notifications owed by state changes (the outbox); see ``notifications``."""
