from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import local_date, today, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.core.validation import FieldErrors
from bmtrack.patients.models import Patient, Scan, Treatment
from bmtrack.patients.models.choices import PatientStatus, TreatmentStatus
from bmtrack.patients.services.common import apply_changes, check_day, refresh_derived, validated_save
from bmtrack.patients.validators import normalise_phones

EDITABLE = {"mrn", "given_name", "family_name", "birth_date", "sex", "care_team", "responsible_nurse",
            "last_contact_on", "phones"}


def _check_dates(patient: Patient, now: dt.datetime) -> None:
    errors = FieldErrors()  # every date's refusal at once
    with errors.check():
        check_day(patient.birth_date, "birth_date", "Birth date", latest=today(now))
    for name, words in (("deceased_on", "Date of death"), ("last_contact_on", "Last contact")):
        with errors.check():
            check_day(getattr(patient, name), name, words, birth_date=patient.birth_date, latest=today(now))
    if not errors.has("deceased_on"):
        with errors.check():
            _check_death_against_record(patient)
    errors.raise_all()


def _check_death_against_record(patient: Patient) -> None:
    """No death before a scan or a treatment on record (web, API, admin and FHIR all come here)."""
    if patient.pk is None or patient.deceased_on is None:
        return
    died = patient.deceased_on
    scan = Scan.objects.filter(patient=patient).order_by("-at").first()
    if scan is not None and local_date(scan.at) > died:
        raise ValidationError({"deceased_on": (
            f"The date of death cannot be before the {scan.get_modality_display()} of "
            f"{fmt_date(local_date(scan.at))} on record.")})
    treatment = (Treatment.objects.filter(patient=patient, status__in=(TreatmentStatus.GIVEN, TreatmentStatus.STOPPED))
                 .order_by("-start").first())
    if treatment is not None and local_date(treatment.start) > died:
        raise ValidationError({"deceased_on": (
            f"The date of death cannot be before the {treatment.get_kind_display()} given on "
            f"{fmt_date(local_date(treatment.start))}.")})


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
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        _with_status(patient, status, deceased_on, now)
        validated_save(patient, user)
        refresh_derived(patient, now, user=user)
    return patient


def check_patient_status(patient: Patient, status: str, *, deceased_on: dt.date | None = None,
                         now: dt.datetime | None = None) -> None:
    """Refuse what ``set_patient_status`` would refuse, changing nothing: a confirmation step checks
    this before it lists what the change cancels (a death dated before a scan on record is refused
    before, not after, the nurse confirms)."""
    _with_status(Patient.objects.get(pk=patient.pk), status, deceased_on, now or utcnow())


def _with_status(patient: Patient, status: str, deceased_on: dt.date | None, now: dt.datetime) -> None:
    if status not in PatientStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(PatientStatus.values)}."})
    if status == PatientStatus.DECEASED and deceased_on is None:
        raise ValidationError({"deceased_on": "A deceased patient needs a date of death."})
    patient.status = status
    patient.deceased_on = deceased_on if status == PatientStatus.DECEASED else None
    _check_dates(patient, now)
