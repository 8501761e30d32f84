from __future__ import annotations

import datetime as dt

from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient, StatusObservation
from bmtrack.patients.services.common import check_day, correct, lock_patient, refresh_derived, validated_save

EDITABLE = {"observed_on", "kps", "extracranial_metastases", "dexamethasone_mg", "haemoglobin_g_dl", "neuro_status",
            "note"}


def _check(observation: StatusObservation, now: dt.datetime) -> None:
    check_day(observation.observed_on, "observed_on", "Observation date",
              birth_date=observation.patient.birth_date, latest=today(now))


def record_observation(patient: Patient, *, user=None, now: dt.datetime | None = None, **fields) -> StatusObservation:
    """KPS, extracranial status, steroid dose, haemoglobin and neurological status on one day."""
    now = now or utcnow()
    observation = StatusObservation(patient=patient, recorded_by=user if getattr(user, "pk", None) else None,
                                    **fields)
    _check(observation, now)
    with transaction.atomic():
        lock_patient(patient.pk)
        validated_save(observation, user)
        refresh_derived(patient, now, user=user)
    return observation


def update_observation(observation: StatusObservation, *, user=None, now: dt.datetime | None = None,
                       **changes) -> StatusObservation:
    """Correct a status observation (a mistyped KPS, a wrong day); GPA and the plan follow.

    ``recorded_by`` stays the first author: who corrected it is in the record's history.
    A correction that empties every fact is refused (the model's ``observation_not_empty``)."""
    return correct(observation, changes, EDITABLE, _check, user=user, now=now or utcnow())
