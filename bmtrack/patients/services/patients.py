from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.patients.services.common import apply_changes, check_day, refresh_derived, validated_save
from bmtrack.patients.validators import normalise_phones

EDITABLE = {"mrn", "given_name", "family_name", "birth_date", "sex", "care_team", "responsible_nurse",
            "last_contact_on", "phones"}


def _check_dates(patient: Patient, now: dt.datetime) -> None:
    check_day(patient.birth_date, "birth_date", "Birth date", latest=today(now))
    for name, words in (("deceased_on", "Date of death"), ("last_contact_on", "Last contact")):
        check_day(getattr(patient, name), name, words, birth_date=patient.birth_date, latest=today(now))


def create_patient(*, user=None, now: dt.datetime | None = None, **fields) -> Patient:
    now = now or utcnow()
    unknown = set(fields) - EDITABLE - {"status", "deceased_on"}
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    patient = Patient(**fields)
    patient.phones = normalise_phones(patient.phones)
    _check_dates(patient, now)
    with transaction.atomic():
        validated_save(patient, user)
        refresh_derived(patient, now, user=user)
    return patient


def update_patient(patient: Patient, *, user=None, now: dt.datetime | None = None, **changes) -> Patient:
    now = now or utcnow()
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        apply_changes(patient, changes, EDITABLE)
        patient.phones = normalise_phones(patient.phones)
        _check_dates(patient, now)
        validated_save(patient, user)
        refresh_derived(patient, now, user=user)
    return patient


def set_patient_status(patient: Patient, status: str, *, deceased_on: dt.date | None = None, user=None,
                       now: dt.datetime | None = None) -> Patient:
    """Deceased, discharged and supportive-care patients leave every list (their items cancel)."""
    now = now or utcnow()
    if status not in PatientStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(PatientStatus.values)}."})
    if status == PatientStatus.DECEASED and deceased_on is None:
        raise ValidationError({"deceased_on": "A deceased patient needs a date of death."})
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        patient.status = status
        patient.deceased_on = deceased_on if status == PatientStatus.DECEASED else None
        _check_dates(patient, now)
        validated_save(patient, user)
        refresh_derived(patient, now, user=user)
    return patient
