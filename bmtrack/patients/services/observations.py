from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient, StatusObservation
from bmtrack.patients.services.common import refresh_derived, validated_save


def record_observation(patient: Patient, *, user=None, now: dt.datetime | None = None, **fields) -> StatusObservation:
    """KPS, extracranial status, steroid dose, haemoglobin and neurological status on one day."""
    now = now or utcnow()
    observation = StatusObservation(patient=patient, recorded_by=user if getattr(user, "pk", None) else None,
                                    **fields)
    if observation.observed_on and observation.observed_on > today(now):
        raise ValidationError({"observed_on": "Observation date cannot be in the future."})
    if observation.observed_on and observation.observed_on < patient.birth_date:
        raise ValidationError({"observed_on": "Observation date cannot be before birth."})
    with transaction.atomic():
        validated_save(observation, user)
        refresh_derived(patient, now, user=user)
    return observation
