"""Derived assessments of a patient: GPA and RANO-BM, computed by ``bmtrack.clinical``.

This module only turns the stored record into the clinical core's plain inputs and stores the
results with the inputs as used; every rule lives in ``bmtrack.clinical``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bmtrack.clinical import gpa as gpa_rules
from bmtrack.clinical import markers as marker_rules
from bmtrack.clinical import rano as rano_rules
from bmtrack.clinical.baseline import choose_baseline
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.core.clock import local_date
from bmtrack.patients.models import GPAAssessment, Patient, ResponseAssessment
from bmtrack.patients.models.choices import MeasurementStatus, Modality, TreatmentKind, TreatmentStatus
from bmtrack.patients.selectors import current_primary, latest_markers, status_on

ASSESSED_STATUSES = (TreatmentStatus.GIVEN, TreatmentStatus.STOPPED)


def refresh_assessments(patient: Patient, *, now: dt.datetime) -> None:
    refresh_gpa(patient, now=now)
    refresh_response(patient, now=now)


# --- GPA ------------------------------------------------------------------------------------

def gpa_inputs(patient: Patient, day: dt.date) -> tuple[str | None, dict, dict]:
    """(variant, factors, provenance) from the record as it stands on ``day``.

    Provenance records the date each factor was taken from, so the stored GPA shows its inputs.
    """
    primary = current_primary(patient)
    if primary is None:
        return None, {}, {}
    variant = gpa_rules.choose_variant(primary.type)
    facts = status_on(list(patient.observations.all()), day)
    markers = latest_markers(list(primary.markers.all()))
    factors: dict = {"age": patient.age_on(day)}
    provenance: dict = {"age": day.isoformat(), "primary": primary.type}
    if "kps" in facts:
        factors["kps"] = int(facts["kps"].value)
        provenance["kps"] = facts["kps"].observed_on.isoformat()
    if "extracranial_metastases" in facts:
        factors["extracranial_metastases"] = bool(facts["extracranial_metastases"].value)
        provenance["extracranial_metastases"] = facts["extracranial_metastases"].observed_on.isoformat()
    if "haemoglobin_g_dl" in facts:
        factors["haemoglobin_g_dl"] = float(facts["haemoglobin_g_dl"].value)
        provenance["haemoglobin_g_dl"] = facts["haemoglobin_g_dl"].observed_on.isoformat()
    else:
        factors["haemoglobin_g_dl"] = None
    count = brain_metastasis_count(patient)
    if count:
        factors["brain_metastases"] = count
        provenance["brain_metastases"] = "lesions on the latest measured MRI"

    def outcome(name):
        marker = markers.get(name)
        return marker_rules.marker_value(marker.result) if marker else None

    factors["egfr_alk"] = marker_rules.egfr_alk(outcome("egfr"), outcome("alk"))
    factors["braf"] = outcome("braf") or "unknown"
    pd_l1 = markers.get("pd_l1")
    factors["pd_l1_pct"] = float(pd_l1.value_pct) if pd_l1 is not None and pd_l1.value_pct is not None else None
    subtype = marker_rules.breast_subtype(outcome("er"), outcome("pr"), outcome("her2"))
    if subtype:
        factors["subtype"] = subtype
    for name, marker in markers.items():
        provenance[f"marker_{name}"] = marker.tested_on.isoformat()
    return variant, factors, provenance


def brain_metastasis_count(patient: Patient) -> int:
    """Lesions still present on the latest measured MRI (a lesion seen earlier but gone is not counted)."""
    scans = [s for s in patient.scans.all() if s.modality == Modality.MRI
             and s.measurement_status == MeasurementStatus.COMPLETE]
    if not scans:
        return patient.lesions.count()
    latest = scans[-1]
    return sum(1 for m in latest.measurements.all() if not m.disappeared)


def gpa_values(patient: Patient, now: dt.datetime) -> dict | None:
    """The GPA the record yields on ``now``'s day, as the values of a stored row; None when it
    yields none (no primary, or a factor the variant needs is missing: the page says which)."""
    day = local_date(now)
    variant, factors, provenance = gpa_inputs(patient, day)
    if variant is None:
        return None
    try:
        result = gpa_rules.score(variant, factors).to_dict()
    except ClinicalInputError:
        return None
    primary = current_primary(patient)
    companion = None
    companion_id = gpa_rules.companion_variant(primary.type)
    if companion_id:
        try:
            companion = gpa_rules.score(companion_id, factors).to_dict()
        except ClinicalInputError:
            companion = None
    median = result.get("median_survival_months")
    return {
        "patient_id": patient.pk, "primary_id": primary.pk, "assessed_on": day, "variant": variant,
        "inputs": {"factors": {name: factors.get(name) for name in gpa_rules.factors_for(variant)},
                   "taken_from": provenance},
        "points": result["points"], "score": Decimal(str(result["score"])), "band": result["band"],
        "median_survival_months": Decimal(str(median)) if median is not None else None,
        "iqr_months": result.get("iqr_months"), "source": result["source"], "note": result.get("note") or "",
        "companion": companion, "computed_at": now,
    }


def refresh_gpa(patient: Patient, *, now: dt.datetime) -> GPAAssessment | None:
    """Store a new GPA when its inputs changed; keep the old rows (gpa.md, "What the app does").

    Only the latest row can be ``current``, and only while the record still yields it: a change
    that leaves the record without a GPA (a primary corrected to a type whose markers are not in
    yet) un-marks it rather than leave a GPA for another record on show."""
    values = gpa_values(patient, now)
    latest = patient.gpa_assessments.order_by("-computed_at", "-pk").first()
    same = (values is not None and latest is not None and latest.variant == values["variant"]
            and latest.inputs.get("factors") == values["inputs"]["factors"])
    if latest is not None and latest.current != same:
        GPAAssessment.objects.filter(pk=latest.pk).update(current=same)
        latest.current = same
    if values is None:
        return None
    if same:
        return latest
    return GPAAssessment.objects.create(**values)


# --- RANO-BM --------------------------------------------------------------------------------

def response_series(patient: Patient):
    """(baseline scan, follow-up scans, timepoints, immunotherapy start, excluded targets) or None."""
    scans = [s for s in patient.scans.all() if s.modality == Modality.MRI
             and s.measurement_status == MeasurementStatus.COMPLETE]
    if not scans:
        return None
    treatments = [t for t in patient.treatments.all() if t.status in ASSESSED_STATUSES]
    pinned = [s.pk for s in scans if s.is_baseline]
    baseline_id = choose_baseline(
        [(s.pk, local_date(s.at)) for s in scans],
        [local_date(t.start) for t in treatments if t.kind != TreatmentKind.OTHER],
        pinned=pinned[-1] if pinned else None,
    )
    index = next(i for i, s in enumerate(scans) if s.pk == baseline_id)
    series = scans[index:]
    observations = list(patient.observations.all())
    baseline_labels = {m.lesion.label for m in series[0].measurements.all()}
    timepoints = []
    for scan in series:
        day = local_date(scan.at)
        facts = status_on(observations, day)
        steroid = facts.get("dexamethasone_mg")
        clinical = facts.get("neuro_status")
        lesions = {m.lesion.label: float(m.diameter_mm) for m in scan.measurements.all()}
        new_lesions = scan.new_lesions
        # A lesion measured now but not at baseline is a new lesion, which RANO-BM scores from the
        # reader's call (none / equivocal / definite), not from its size. When the reader left
        # "none", bmtrack scores it as equivocal (not PD, cannot be CR) until someone decides.
        if any(label not in baseline_labels and mm > 0 for label, mm in lesions.items()):
            new_lesions = "equivocal" if new_lesions == "none" else new_lesions
        timepoints.append(rano_rules.Timepoint(
            date=day,
            lesions={label: mm for label, mm in lesions.items() if label in baseline_labels},
            new_lesions=new_lesions,
            non_target=scan.non_target,
            steroid_mg=float(steroid.value) if steroid else 0.0,
            # A neurological status counts for the scan when recorded within 14 days before it.
            clinical=clinical.value if clinical and (day - clinical.observed_on).days <= 14 else "stable",
        ))
    baseline_day = timepoints[0].date
    ici_starts = sorted(local_date(t.start) for t in treatments if t.kind == TreatmentKind.ICI
                        and local_date(t.start) <= timepoints[-1].date)
    immunotherapy_start = ici_starts[-1] if ici_starts else None
    excluded = {
        lesion.label
        for t in treatments if t.kind in (TreatmentKind.SRS, TreatmentKind.FSRS) and local_date(t.start) < baseline_day
        for lesion in t.lesions.all()
    }
    return series, timepoints, immunotherapy_start, excluded


def refresh_response(patient: Patient, *, now: dt.datetime) -> list[ResponseAssessment]:
    """Recompute the RANO-BM series; rows of scans no longer in the series are removed."""
    computed = response_series(patient)
    if computed is None:
        patient.responses.all().delete()
        return []
    series, timepoints, immunotherapy_start, excluded = computed
    try:
        result = rano_rules.assess(timepoints, immunotherapy_start=immunotherapy_start,
                                   excluded_targets=frozenset(excluded)).to_dict()
    except ClinicalInputError:
        # The series cannot be scored as recorded (e.g. two scans on one day); keep no stale rows.
        patient.responses.all().delete()
        return []
    baseline = series[0]
    existing = {row.scan_id: row for row in patient.responses.all()}
    to_create, to_update = [], []
    for scan, assessment in zip(series, result["assessments"], strict=True):
        values = {
            "patient_id": patient.pk,
            "baseline_scan_id": baseline.pk,
            "category": assessment["category"],
            "sum_mm": _dec(assessment["sum_mm"]),
            "baseline_sum_mm": _dec(assessment["baseline_sum_mm"]),
            "nadir_sum_mm": _dec(assessment["nadir_sum_mm"]),
            "change_from_baseline_pct": _dec(assessment["change_from_baseline_pct"]),
            "change_from_nadir_pct": _dec(assessment["change_from_nadir_pct"]),
            "confirmed": assessment["confirmed"],
            "pd_date": _day(assessment["pd_date"]),
            "confirmation_due": _day(assessment["confirmation_due"]),
            "flags": assessment["flags"],
            "reasons": assessment["reasons"],
            "immunotherapy": immunotherapy_start is not None and local_date(scan.at) >= immunotherapy_start,
            "targets": result["targets"],
            "computed_at": now,
        }
        row = existing.pop(scan.pk, None)
        if row is None:
            to_create.append(ResponseAssessment(scan=scan, **values))
            continue
        changed = [name for name, value in values.items()
                   if name != "computed_at" and getattr(row, name) != value]
        if changed:
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    # One statement each, whatever the length of the series.
    if existing:
        ResponseAssessment.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    if to_update:
        ResponseAssessment.objects.bulk_update(
            to_update, [name.removesuffix("_id") if name.endswith("_scan_id") else name
                        for name in values if name != "patient_id"])
    if to_create:
        ResponseAssessment.objects.bulk_create(to_create)
    return list(patient.responses.all())


def _dec(value):
    return None if value is None else Decimal(str(value))


def _day(value):
    return None if value is None else dt.date.fromisoformat(value)
