"""Read helpers over one patient's record (no writes, no access checks: callers scope first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bmtrack.clinical import gpa as gpa_rules
from bmtrack.clinical import vocabulary
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.patients.models import GPAAssessment, MarkerResult, Patient, StatusObservation
from bmtrack.patients.models.choices import GpaMoment, GpaStatus

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


@dataclass(frozen=True)
class GpaMomentView:
    """One stored GPA moment as every reader shows it (page, packet): scored with its points, or
    the plain reason it is not (record.md); each factor with the value used and its date."""

    assessment: GPAAssessment
    label: str  # "At diagnosis of brain metastases" | "Current"
    title: str  # the variant's title
    factors: list[tuple[str, object, object, dt.date | None]]  # (factor, value used, points or None, its date)
    companion_title: str

    @property
    def scored(self) -> bool:
        return self.assessment.status == GpaStatus.SCORED


def current_gpas(patient: Patient) -> list[GpaMomentView]:
    """The patient's GPA as the record stands: at diagnosis (when dated) first, then current."""
    rows = sorted(patient.gpa_assessments.filter(current=True), key=lambda g: GPA_MOMENTS.index(g.moment))
    return [_gpa_view(row) for row in rows]


GPA_MOMENTS = (GpaMoment.DIAGNOSIS, GpaMoment.CURRENT)


def _gpa_view(gpa: GPAAssessment) -> GpaMomentView:
    factors = gpa.inputs.get("factors", {})
    taken = gpa.inputs.get("taken_from", {})
    points = gpa.points or {}
    names = list(points) or [name for name in factors if name in gpa_rules.FACTORS]
    rows = [(name, factors.get(name), points.get(name), _day(taken.get(name))) for name in names]
    companion = gpa.companion or {}
    return GpaMomentView(gpa, GpaMoment(gpa.moment).label, _variant_title(gpa.variant), rows,
                         _variant_title(companion.get("variant", "")) if companion else "")


def _variant_title(variant_id: str) -> str:
    try:
        return gpa_rules.get_variant(variant_id).title
    except ClinicalInputError:
        return variant_id


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


GPA_FACTOR_LABELS = {
    "age": "Age",
    "kps": "KPS",
    "extracranial_metastases": "Extracranial metastases",
    "brain_metastases": "Brain metastases (number)",
    "egfr_alk": "EGFR / ALK",
    "pd_l1_pct": "PD-L1 (%)",
    "braf": "BRAF",
    "subtype": "Subtype",
    "haemoglobin_g_dl": "Haemoglobin (g/dL)",
}


def gpa_factor_label(name: str) -> str:
    return GPA_FACTOR_LABELS.get(name, name.replace("_", " "))


def gpa_value_words(value, factor: str = "") -> str:
    """A GPA factor's value in words (the page and the packet show it alike)."""
    if value is None:
        return "unknown"
    if factor == "extracranial_metastases" and isinstance(value, bool):
        return "present" if value else "absent"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.replace("_", " ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# The response flags in words (page, packet, emails): one mapping, in bmtrack.clinical.vocabulary.
RESPONSE_FLAG_WORDS = vocabulary.FLAG_WORDS


def response_flag_words(flags) -> list[str]:
    return vocabulary.flag_words(flags)
