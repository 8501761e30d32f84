"""Read helpers over one patient's record (no writes, no access checks: callers scope first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bmtrack.patients.models import MarkerResult, Patient, StatusObservation

STATUS_FACTS = ("kps", "extracranial_metastases", "dexamethasone_mg", "haemoglobin_g_dl", "neuro_status")


@dataclass(frozen=True)
class Fact:
    value: object
    observed_on: dt.date


def status_on(observations: list[StatusObservation], day: dt.date | None = None) -> dict[str, Fact]:
    """The latest non-empty value of each status fact on or before ``day`` (all of them if None).

    ``observations`` must be in date order (the model's default ordering).
    """
    facts: dict[str, Fact] = {}
    for obs in observations:
        if day is not None and obs.observed_on > day:
            break
        for name in STATUS_FACTS:
            value = getattr(obs, name)
            if value is not None and value != "":
                facts[name] = Fact(value, obs.observed_on)
    return facts


def latest_markers(markers: list[MarkerResult]) -> dict[str, MarkerResult]:
    """The most recent result per marker."""
    latest: dict[str, MarkerResult] = {}
    for marker in markers:
        current = latest.get(marker.marker)
        if current is None or (marker.tested_on, marker.pk) > (current.tested_on, current.pk):
            latest[marker.marker] = marker
    return latest


def current_primary(patient: Patient):
    """The primary the brain metastases are attributed to: the one with a BM diagnosis, else the latest."""
    primaries = list(patient.primaries.all())
    if not primaries:
        return None
    with_bm = [p for p in primaries if p.brain_metastases_diagnosed_on]
    return (with_bm or primaries)[-1]
