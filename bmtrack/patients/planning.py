"""The seam through which a patient's surveillance plan follows the record.

patients sits below surveillance (DESIGN.md: clinical ← patients ← surveillance ← boards ← web/api),
yet its write services must re-plan the patient in the same transaction as every change, and the
synthetic cohort must plan the patients it writes. So patients names what it needs here and the
surveillance app, when it is ready, registers the functions that do it
(``surveillance/apps.py``: ``surveillance.plan.replan_patient`` and ``copy_new_plans``). Patients
code calls ``replan`` and ``copy_new_plans`` and never imports surveillance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from bmtrack.clinical.schedule import ResponseIn


@dataclass(frozen=True)
class Planner:
    # replan(patient, *, now, user=None) -> counts: bring the stored plan in line with the record.
    replan: Callable[..., dict]
    # copy_new(patients, responses_by_patient, *, now) -> counts: plan patients with nothing stored yet.
    copy_new: Callable[..., dict]


_planner: Planner | None = None


def register(planner: Planner) -> None:
    global _planner  # noqa: PLW0603 - one planner per process, set once when the apps are ready
    _planner = planner


def _registered() -> Planner:
    if _planner is None:
        raise ImproperlyConfigured("No surveillance planner is registered: is bmtrack.surveillance installed?")
    return _planner


def replan(patient, *, now: dt.datetime, user=None) -> dict:
    """Re-plan the patient's surveillance from the record, inside the caller's transaction."""
    return _registered().replan(patient, now=now, user=user)


def copy_new_plans(patients: Sequence, responses_by_patient: Mapping[int, Sequence[ResponseIn]], *,
                   now: dt.datetime) -> dict[str, int]:
    """Plan patients that have no plan stored yet, in bulk (the synthetic cohort)."""
    return _registered().copy_new(patients, responses_by_patient, now=now)
