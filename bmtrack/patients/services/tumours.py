from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import MarkerResult, Patient, PrimaryTumour
from bmtrack.patients.models.choices import Marker
from bmtrack.patients.services.common import check_day, correct, lock_patient, refresh_derived, validated_save

# A correction may change what the primary is; never whose (a record does not move between patients).
EDITABLE = {"type", "diagnosed_on", "stage", "seer_stage", "histology", "brain_metastases_diagnosed_on",
            "brain_metastases_count"}


def _check_dates(primary: PrimaryTumour, now: dt.datetime) -> None:
    for name, words in (("diagnosed_on", "Diagnosis date"),
                        ("brain_metastases_diagnosed_on", "Brain metastasis diagnosis date")):
        check_day(getattr(primary, name), name, words, birth_date=primary.patient.birth_date, latest=today(now))


def record_primary(patient: Patient, *, user=None, now: dt.datetime | None = None, markers=(),
                   **fields) -> PrimaryTumour:
    """A primary tumour with its first markers (each a dict of MarkerResult fields)."""
    now = now or utcnow()
    primary = PrimaryTumour(patient=patient, **fields)
    _check_dates(primary, now)
    with transaction.atomic():
        lock_patient(patient.pk)
        validated_save(primary, user)
        for index, marker in enumerate(markers):
            try:
                _save_marker(primary, marker, now)
            except ValidationError as exc:
                raise ValidationError({f"markers[{index}].{k}": v for k, v in exc.message_dict.items()}) from None
        refresh_derived(patient, now, user=user)
    return primary


def update_primary(primary: PrimaryTumour, *, user=None, now: dt.datetime | None = None,
                   **changes) -> PrimaryTumour:
    """Correct a primary tumour (its type, dates, stage, histology); GPA and the plan follow."""
    return correct(primary, changes, EDITABLE, _check_dates, user=user, now=now or utcnow())


def record_marker(primary: PrimaryTumour, *, user=None, now: dt.datetime | None = None, **fields) -> MarkerResult:
    now = now or utcnow()
    with transaction.atomic():
        lock_patient(primary.patient_id)
        marker = _save_marker(primary, fields, now)
        refresh_derived(primary.patient, now, user=user)
    return marker


def _save_marker(primary: PrimaryTumour, fields: dict, now: dt.datetime) -> MarkerResult:
    marker = MarkerResult(primary=primary, **fields)
    check_day(marker.tested_on, "tested_on", "Test date", birth_date=primary.patient.birth_date, latest=today(now))
    if marker.value_pct is not None and marker.marker not in (Marker.PD_L1, Marker.ER, Marker.PR, Marker.OTHER):
        raise ValidationError({"value_pct": "A percentage applies to PD-L1, ER or PR only."})
    return validated_save(marker)
