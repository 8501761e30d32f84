"""Derived assessments of a patient: GPA (at diagnosis and current) and RANO-BM, stored.

This module reads the stored record into plain facts (``record_facts``), hands them to
``bmtrack.clinical.record`` (record.md: how a record becomes the rules' inputs) and stores what
comes out with the inputs as used. It builds no rule input itself: every caller (services, the
synthetic cohort, the page, the packet, the API) gets the same call from the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bmtrack.clinical import record as record_rules
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.core.clock import local_date
from bmtrack.patients.models import GPAAssessment, Patient, ResponseAssessment
from bmtrack.patients.models.choices import GpaStatus, MeasurementStatus
from bmtrack.patients.selectors import STATUS_FACTS, current_primary

# The measurement role as stored ("non_target") and as the clinical core names it.
_ROLES = {"target": "target", "non_target": "non-target"}


@dataclass(frozen=True)
class RecordFacts:
    """One patient's record as the plain values of ``bmtrack.clinical.record``."""

    birth_date: dt.date
    primary: record_rules.PrimaryFact | None
    primary_id: int | None
    scans: tuple[record_rules.ScanFact, ...]
    treatments: tuple[record_rules.TreatmentFact, ...]
    observations: tuple[record_rules.ObservationFact, ...]
    workups: tuple[record_rules.WorkupFact, ...]


def record_facts(patient: Patient) -> RecordFacts:
    """Read the record (prefetched by ``services.common.with_history``: no query per row)."""
    scans = tuple(
        record_rules.ScanFact(
            id=scan.pk, day=local_date(scan.at), modality=scan.modality,
            measured=scan.measurement_status == MeasurementStatus.COMPLETE, pinned_baseline=scan.is_baseline,
            new_lesion_call=scan.new_lesions or "", non_target=scan.non_target,
            measurements=tuple(
                record_rules.MeasurementFact(
                    lesion=m.lesion.label, diameter_mm=float(m.diameter_mm), measurable=m.measurable,
                    enhancing=m.enhancing, role=_ROLES.get(m.role, ""))
                for m in scan.measurements.all()),
        )
        for scan in patient.scans.all())
    treatments = tuple(
        record_rules.TreatmentFact(
            id=t.pk, kind=t.kind, status=t.status, start=local_date(t.start),
            end=local_date(t.end) if t.end else None, lesions=tuple(lesion.label for lesion in t.lesions.all()))
        for t in patient.treatments.all())
    observations = tuple(
        record_rules.ObservationFact(name, obs.observed_on, getattr(obs, name))
        for obs in patient.observations.all() for name in STATUS_FACTS
        if getattr(obs, name) is not None and getattr(obs, name) != "")
    workups = tuple(record_rules.WorkupFact(w.performed_on, w.result, w.method) for w in patient.workups.all())
    primary = current_primary(patient)
    primary_fact = None
    if primary is not None:
        primary_fact = record_rules.PrimaryFact(
            type=primary.type, brain_metastases_diagnosed_on=primary.brain_metastases_diagnosed_on,
            brain_metastases_count=primary.brain_metastases_count,
            markers=tuple(record_rules.MarkerFact(
                m.marker, m.tested_on, m.result, float(m.value_pct) if m.value_pct is not None else None)
                for m in primary.markers.all()))
    return RecordFacts(patient.birth_date, primary_fact, primary.pk if primary else None, scans, treatments,
                       observations, workups)


def refresh_assessments(patient: Patient, *, now: dt.datetime) -> None:
    facts = record_facts(patient)
    refresh_gpa(patient, now=now, facts=facts)
    refresh_response(patient, now=now, facts=facts)


# --- GPA ------------------------------------------------------------------------------------

def gpa_rows(patient: Patient, now: dt.datetime, facts: RecordFacts | None = None) -> list[dict]:
    """The values of the GPA rows the record yields on ``now``'s day: one per moment (at
    diagnosis of brain metastases when its date is recorded, and current), scored or saying why not."""
    facts = facts or record_facts(patient)
    outcomes = record_rules.gpa_outcomes(facts.birth_date, facts.primary, facts.observations, facts.scans,
                                         local_date(now))
    return [_gpa_values(patient.pk, facts.primary_id, outcome, now) for outcome in outcomes]


def _gpa_values(patient_id: int, primary_id: int | None, outcome: record_rules.GpaOutcome, now) -> dict:
    result = outcome.result or {}
    median = result.get("median_survival_months")
    return {
        "patient_id": patient_id, "primary_id": primary_id, "moment": outcome.moment, "status": outcome.status,
        "message": outcome.message, "assessed_on": outcome.on, "variant": outcome.variant or "",
        "inputs": {"factors": outcome.factors, "taken_from": outcome.taken_from},
        "points": result.get("points", {}),
        "score": Decimal(str(result["score"])) if result else None, "band": result.get("band", ""),
        "median_survival_months": Decimal(str(median)) if median is not None else None,
        "iqr_months": result.get("iqr_months"), "source": result.get("source", ""),
        "note": result.get("note") or "", "companion": outcome.companion, "computed_at": now,
    }


def refresh_gpa(patient: Patient, *, now: dt.datetime, facts: RecordFacts | None = None) -> list[GPAAssessment]:
    """Store a new row per moment when its outcome changed; keep the old rows (gpa.md, "What the
    app does"). Only the latest row of a moment is ``current``, and only while the record still
    yields it: a moment the record no longer has (a diagnosis date removed) is un-marked."""
    rows = {values["moment"]: values for values in gpa_rows(patient, now, facts)}
    current = {row.moment: row for row in patient.gpa_assessments.filter(current=True)}
    stored = []
    for moment in set(current) - set(rows):
        GPAAssessment.objects.filter(pk=current[moment].pk).update(current=False)
    for moment, values in rows.items():
        latest = current.get(moment)
        if latest is not None and _same_outcome(latest, values):
            stored.append(latest)
            continue
        if latest is not None:
            GPAAssessment.objects.filter(pk=latest.pk).update(current=False)
        stored.append(GPAAssessment.objects.create(current=True, **values))
    return stored


def _same_outcome(row: GPAAssessment, values: dict) -> bool:
    return (row.status == values["status"] and row.variant == values["variant"]
            and row.message == values["message"] and row.inputs == _json(values["inputs"]))


def _json(inputs: dict) -> dict:
    """The inputs as a JSON column gives them back (dates already ISO text; tuples as lists)."""
    return {"factors": dict(inputs["factors"]), "taken_from": dict(inputs["taken_from"])}


def scored(gpa: GPAAssessment | None) -> bool:
    return gpa is not None and gpa.status == GpaStatus.SCORED


# --- RANO-BM --------------------------------------------------------------------------------

def response_rows(patient: Patient, now: dt.datetime, facts: RecordFacts | None = None) -> list[dict]:
    """The values of the RANO-BM rows the record yields, one per scan of the series (record.md)."""
    facts = facts or record_facts(patient)
    series = record_rules.rano_series(facts.scans, facts.treatments, facts.observations, facts.workups)
    if series is None:
        return []
    try:
        rows = record_rules.assess_series(series)
    except ClinicalInputError:
        # The series cannot be scored as recorded (e.g. two scans on one day); keep no stale rows.
        return []
    baseline_id = series.scan_ids[0]
    return [{
        "patient_id": patient.pk, "scan_id": row["scan_id"], "baseline_scan_id": baseline_id,
        "category": row["category"], "sum_mm": _dec(row["sum_mm"]), "baseline_sum_mm": _dec(row["baseline_sum_mm"]),
        "nadir_sum_mm": _dec(row["nadir_sum_mm"]), "change_from_baseline_pct": _dec(row["change_from_baseline_pct"]),
        "change_from_nadir_pct": _dec(row["change_from_nadir_pct"]), "confirmed": row["confirmed"],
        "pd_date": _day(row["pd_date"]), "confirmation_due": _day(row["confirmation_due"]),
        "flags": row["flags"], "reasons": row["reasons"], "immunotherapy": row["immunotherapy"],
        "targets": row["targets"], "computed_at": now,
    } for row in rows]


def refresh_response(patient: Patient, *, now: dt.datetime, facts: RecordFacts | None = None
                     ) -> list[ResponseAssessment]:
    """Recompute the RANO-BM series; rows of scans no longer in the series are removed."""
    rows = response_rows(patient, now, facts)
    existing = {row.scan_id: row for row in patient.responses.all()}
    to_create, to_update = [], []
    fields = [name for name in (rows[0] if rows else {}) if name not in ("patient_id", "scan_id")]
    for values in rows:
        row = existing.pop(values["scan_id"], None)
        if row is None:
            to_create.append(ResponseAssessment(**values))
            continue
        if any(getattr(row, name) != values[name] for name in fields if name != "computed_at"):
            for name in fields:
                setattr(row, name, values[name])
            to_update.append(row)
    # One statement each, whatever the length of the series.
    if existing:
        ResponseAssessment.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    if to_update:
        ResponseAssessment.objects.bulk_update(
            to_update, [name.removesuffix("_id") if name.endswith("_scan_id") else name for name in fields])
    if to_create:
        ResponseAssessment.objects.bulk_create(to_create)
    return list(patient.responses.all())


def _dec(value):
    return None if value is None else Decimal(str(value))


def _day(value):
    return None if value is None else dt.date.fromisoformat(value)
