"""Shared steps of every write: validate, save, then refresh what is derived from the record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch

from bmtrack.core.clock import utcnow
from bmtrack.patients import planning
from bmtrack.patients.models import Measurement, Patient
from bmtrack.patients.services.assessments import refresh_assessments

# Clock skew allowed between a modality's clock and ours before a scan counts as "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def validated_save(obj: models.Model, user=None, exclude: list[str] | None = None) -> models.Model:
    """``full_clean`` (fields, choices, CheckConstraints, unique) then save, history noting ``user``.

    DRF and bulk paths never call ``full_clean``; the database constraints stay the backstop.
    """
    obj.full_clean(exclude=exclude)
    if getattr(user, "pk", None):
        # django-simple-history reads this outside a request (API tokens, tasks, imports).
        obj._history_user = user
    obj.save()
    return obj


def apply_changes(obj: models.Model, changes: dict, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(obj, name, value)


# The earliest day any record may carry (the patients' ``patient_birth_after_1900`` constraint).
EARLIEST_DAY = dt.date(1900, 1, 1)
# How far ahead a planned day may lie (a planned treatment, its end, a board meeting): beyond this it is
# a typing error (9999-12-31), and no chart or calendar could draw it.
PLANNING_HORIZON_YEARS = 3


def check_day(day: dt.date | None, field: str, words: str, *, latest: dt.date, birth_date: dt.date | None = None,
              planned: bool = False) -> None:
    """The one bound on a calendar date entering the record: not before the patient's birth (or
    ``EARLIEST_DAY`` for rows without a patient), and not after ``latest`` (today) — or, for a ``planned``
    day, not more than ``PLANNING_HORIZON_YEARS`` after it. The error names ``field``."""
    if day is None:
        return
    if planned and day > latest.replace(year=latest.year + PLANNING_HORIZON_YEARS, day=min(latest.day, 28)):
        raise ValidationError({field: f"{words} cannot be more than {PLANNING_HORIZON_YEARS} years ahead."})
    if not planned and day > latest:
        raise ValidationError({field: f"{words} cannot be in the future."})
    if birth_date is not None and day < birth_date:
        raise ValidationError({field: f"{words} cannot be before birth."})
    if day < EARLIEST_DAY:
        raise ValidationError({field: f"{words} cannot be before {EARLIEST_DAY.year}."})


def correct(obj: models.Model, changes: dict, editable: set[str], check, *, user=None,
            now: dt.datetime) -> models.Model:
    """A correction of one row of a patient's record, in one transaction: lock the row, apply the
    changes (only ``editable`` fields), ``check(row, now)`` the record as it will be saved, save it
    with ``user`` in its history, and refresh what is derived from the record."""
    with transaction.atomic():
        lock_patient(obj.patient_id)
        obj = type(obj).objects.select_for_update().select_related("patient").get(pk=obj.pk)
        apply_changes(obj, changes, editable)
        check(obj, now)
        validated_save(obj, user)
        refresh_derived(obj.patient, now, user=user)
    return obj


def lock_patient(patient_id: int) -> None:
    """Hold the patient's row lock until the transaction ends.

    Every write to a patient's record takes it first (before any other row lock, so two writers never
    wait on each other crosswise): concurrent writes to one patient then run one after the other, each
    seeing the other's rows (a new lesion label, the current GPA), while writes to different patients
    never wait. ``refresh_derived`` takes it too, so no derived refresh runs unlocked.
    """
    list(Patient.objects.select_for_update().filter(pk=patient_id).values_list("pk", flat=True))


def refresh_derived(patient, now: dt.datetime | None = None, *, user=None) -> None:
    """Recompute assessments, then re-plan surveillance, inside the caller's transaction (patient locked)."""
    lock_patient(patient.pk)
    now = now or utcnow()
    patient = with_history(patient)
    refresh_assessments(patient, now=now)
    planning.replan(patient, now=now, user=user)


def with_history(patient):
    """The patient reloaded with the whole record prefetched: the assessments and the re-plan
    read every treatment, scan, measurement and fact, and would otherwise query per row."""
    return (Patient.objects.select_related("care_team__responsible_physician", "responsible_nurse")
            .prefetch_related("primaries__markers", "observations", "treatments__lesions", "workups",
                              Prefetch("scans__measurements",
                                       queryset=Measurement.objects.select_related("lesion")))
            .get(pk=patient.pk))


def require_aware(value: dt.datetime | None, field: str) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError({field: "Give a date and time with its time zone."})
