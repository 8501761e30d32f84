from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import local_date, today, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.core.validation import FieldErrors
from bmtrack.patients.models import Lesion, Patient, Treatment
from bmtrack.patients.models.choices import RADIOTHERAPY, SYSTEMIC_TREATMENTS, TreatmentStatus
from bmtrack.patients.services.common import (
    FUTURE_TOLERANCE,
    apply_changes,
    check_day,
    lock_patient,
    refresh_derived,
    require_aware,
    validated_save,
)

EDITABLE = {"kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions", "note"}


def _check(treatment: Treatment, now: dt.datetime) -> None:
    """Every check runs; one refusal names every field that is wrong (not only the first)."""
    errors = FieldErrors()
    for name in ("start", "end"):
        with errors.check():
            require_aware(getattr(treatment, name), name)
    errors.raise_all()  # the checks below compare moments: only with their zones
    patient = treatment.patient
    for name, words in (("start", "The start"), ("end", "The end")):
        moment = getattr(treatment, name)
        # The moment's own calendar day: converting a year-9999 instant to the site zone would overflow.
        with errors.check():
            check_day(moment.date() if moment else None, name, words, latest=today(now), planned=True)
    if not errors.has("start") and treatment.start and local_date(treatment.start) < patient.birth_date:
        errors.add("start", "A treatment cannot start before the patient's birth.")
    if treatment.start and treatment.end and treatment.end < treatment.start:
        errors.add("end", "A treatment cannot end before it starts.")
    started = treatment.status in (TreatmentStatus.GIVEN, TreatmentStatus.STOPPED)
    if started and treatment.start and treatment.start > now + FUTURE_TOLERANCE:
        errors.add("status", "A treatment that starts in the future can only be planned.")
    # Read from the row: the caller's patient object may predate a status change.
    died = Patient.objects.filter(pk=treatment.patient_id).values_list("deceased_on", flat=True).first()
    if started and treatment.start and died is not None and local_date(treatment.start) > died:
        errors.add("start", f"A treatment cannot be given after the patient's death ({fmt_date(died)}).")
    if treatment.kind not in SYSTEMIC_TREATMENTS and treatment.line:
        errors.add("line", "A line of therapy applies to systemic treatment only.")
    if treatment.kind not in RADIOTHERAPY and (treatment.dose_gy or treatment.fractions):
        errors.add("dose_gy", "Dose and fractions apply to radiotherapy only.")
    errors.raise_all()


def _set_lesions(treatment: Treatment, lesions) -> None:
    lesions = list(lesions)
    foreign = [lesion for lesion in lesions if lesion.patient_id != treatment.patient_id]
    if foreign:
        raise ValidationError({"lesions": "Lesions must belong to the same patient."})
    treatment.lesions.set(lesions)


def record_treatment(patient: Patient, *, lesions: list[Lesion] = (), user=None, now: dt.datetime | None = None,
                     **fields) -> Treatment:
    now = now or utcnow()
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    treatment = Treatment(patient=patient, **fields)
    _check(treatment, now)
    with transaction.atomic():
        lock_patient(patient.pk)
        validated_save(treatment, user)
        _set_lesions(treatment, lesions)
        refresh_derived(patient, now, user=user)
    return treatment


def update_treatment(treatment: Treatment, *, lesions: list[Lesion] | None = None, user=None,
                     now: dt.datetime | None = None, **changes) -> Treatment:
    now = now or utcnow()
    with transaction.atomic():
        lock_patient(treatment.patient_id)
        treatment = Treatment.objects.select_for_update().select_related("patient").get(pk=treatment.pk)
        apply_changes(treatment, changes, EDITABLE)
        _check(treatment, now)
        validated_save(treatment, user)
        if lesions is not None:
            _set_lesions(treatment, lesions)
        refresh_derived(treatment.patient, now, user=user)
    return treatment
