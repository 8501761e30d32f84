"""A reader's work-up of an enlarging treated lesion (perfusion MRI, amino-acid PET, histology).

rano-bm.md: a dated result (``progression`` or ``treatment_effect``) resolves an unconfirmed PD
inside a radiation-necrosis window at once; the response series is recomputed with it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient, WorkupResult
from bmtrack.patients.services.common import check_day, correct, refresh_derived, validated_save

EDITABLE = {"performed_on", "method", "result", "lesion", "note"}


def _check(workup: WorkupResult, now: dt.datetime) -> None:
    check_day(workup.performed_on, "performed_on", "Work-up date", birth_date=workup.patient.birth_date,
              latest=today(now))
    if workup.lesion is not None and workup.lesion.patient_id != workup.patient_id:
        raise ValidationError({"lesion": "This lesion belongs to another patient."})


def record_workup(patient: Patient, *, user=None, now: dt.datetime | None = None, **fields) -> WorkupResult:
    """A work-up result, then the response series and the plan follow."""
    now = now or utcnow()
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    workup = WorkupResult(patient=patient, recorded_by=user if getattr(user, "pk", None) else None, **fields)
    _check(workup, now)
    with transaction.atomic():
        validated_save(workup, user)
        refresh_derived(patient, now, user=user)
    return workup


def update_workup(workup: WorkupResult, *, user=None, now: dt.datetime | None = None, **changes) -> WorkupResult:
    """Correct a work-up result (its date, method, result, lesion or note); who corrected it is in
    its history, ``recorded_by`` stays the first author."""
    return correct(workup, changes, EDITABLE, _check, user=user, now=now or utcnow())
