"""Deleting one row of a patient's record, with the re-plan in the same transaction.

A deleted scan must not leave the items it fulfilled "done", nor a response series measured
against it; so a deletion is a write like any other: lock the patient, delete, refresh what is
derived from the record, commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction

from bmtrack.core.clock import utcnow
from bmtrack.patients.models import MarkerResult, Measurement, Patient
from bmtrack.patients.services.common import lock_patient, refresh_derived


def _patient_id(row: models.Model) -> int:
    if isinstance(row, Measurement):
        return row.scan.patient_id
    if isinstance(row, MarkerResult):
        return row.primary.patient_id
    return row.patient_id


def delete_record(row: models.Model, *, user=None, now: dt.datetime | None = None) -> None:
    """Delete ``row`` (a scan, treatment, lesion, measurement, observation, primary or marker), then
    recompute the assessments and re-plan the patient, all or nothing."""
    now = now or utcnow()
    with transaction.atomic():
        patient_id = _patient_id(row)
        lock_patient(patient_id)
        if getattr(user, "pk", None):
            row._history_user = user
        row.delete()
        refresh_derived(Patient(pk=patient_id), now, user=user)
