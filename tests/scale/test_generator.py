"""The synthetic cohort generator: valid rows, the clinical core accepts them, reproducible from the
seed, realistic in mix and rhythm, and its fast derivation equals the services' own."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from tests.scale.conftest import NOW, make_cohort

pytestmark = pytest.mark.django_db

SAMPLE = 40


def test_every_model_of_the_generated_cohort_passes_full_clean(cohort):
    from bmtrack.patients import models as patients
    from bmtrack.surveillance.models import DueItem, WatchWindow

    checked = Counter()
    for model in (patients.Patient, patients.PrimaryTumour, patients.MarkerResult, patients.StatusObservation,
                  patients.Treatment, patients.Scan, patients.Lesion, patients.Measurement, patients.GPAAssessment,
                  patients.ResponseAssessment, DueItem, WatchWindow):
        rows = list(model.objects.order_by("?")[:SAMPLE])
        assert rows, f"the cohort has no {model.__name__}"
        for row in rows:
            row.full_clean()
            checked[model.__name__] += 1
    assert checked["Measurement"] == SAMPLE


def test_every_generated_record_passes_the_services_checks(cohort):
    """The write services' own validations (dates, sequences, lines, doses, percentages)."""
    from bmtrack.core.clock import local_date
    from bmtrack.patients.models import MarkerResult, Patient, PrimaryTumour, Scan, StatusObservation, Treatment
    from bmtrack.patients.services.imaging import _check_scan
    from bmtrack.patients.services.treatments import _check as check_treatment

    today = local_date(NOW)
    for patient in Patient.objects.all():
        assert patient.birth_date <= today and (patient.deceased_on is None or patient.deceased_on <= today)
    for scan in Scan.objects.select_related("patient"):
        stored = list(scan.sequences)
        _check_scan(scan, NOW)
        assert scan.sequences == stored, "sequences are stored in the services' order"
    for treatment in Treatment.objects.select_related("patient"):
        check_treatment(treatment, NOW)
    for observation in StatusObservation.objects.select_related("patient"):
        assert observation.patient.birth_date <= observation.observed_on <= today
    for primary in PrimaryTumour.objects.select_related("patient"):
        assert primary.patient.birth_date <= primary.diagnosed_on <= today
    for marker in MarkerResult.objects.all():
        assert marker.tested_on <= today
        assert marker.value_pct is None or marker.marker in ("pd_l1", "er", "pr", "other")


def test_the_clinical_core_accepts_every_generated_patient_through_the_services_builders(cohort):
    from bmtrack.clinical import record, schedule
    from bmtrack.core.clock import local_date, site_zone
    from bmtrack.patients.models import Patient
    from bmtrack.patients.services.assessments import record_facts
    from bmtrack.patients.services.common import with_history
    from bmtrack.surveillance.plan import schedule_input

    scored = Counter()
    for patient in Patient.objects.all():
        result = schedule.compute_schedule(NOW, patient.status, *schedule_input(patient), tz=site_zone())
        scored["items"] += len(result.due_items)
        facts = record_facts(with_history(patient))
        series = record.rano_series(facts.scans, facts.treatments, facts.observations, facts.workups)
        if series is not None:
            series.assess()
            scored["rano"] += 1
        outcomes = record.gpa_outcomes(facts.birth_date, facts.primary, facts.observations, facts.scans,
                                       local_date(NOW))
        for outcome in outcomes:
            # Only an incomplete record may lack a GPA, said in words, never a value out of range.
            assert outcome.status == record.SCORED or outcome.message.startswith(("not scorable: ", "not applicable"))
        scored["gpa"] += any(outcome.status == record.SCORED for outcome in outcomes)
    assert scored["items"] > 30 and scored["rano"] > 20 and scored["gpa"] > 20, scored


def test_the_same_seed_gives_the_same_cohort_and_another_seed_another():
    from bmtrack.core.clock import site_zone
    from bmtrack.patients.synthetic.histories import build_history

    tz = site_zone()
    first = [build_history(7, i, NOW, tz, "X") for i in range(30)]
    again = [build_history(7, i, NOW, tz, "X") for i in range(30)]
    other = [build_history(8, i, NOW, tz, "X") for i in range(30)]
    assert first == again
    assert [h.patient["birth_date"] for h in first] != [h.patient["birth_date"] for h in other]


def test_the_database_holds_exactly_the_seeded_histories(cohort):
    from bmtrack.core.clock import site_zone
    from bmtrack.patients.models import Patient
    from bmtrack.patients.synthetic.histories import build_history

    spec, _ = cohort
    expected = {h.patient["mrn"]: h for h in (build_history(spec.seed, i, NOW, site_zone(), spec.prefix)
                                              for i in range(spec.patients))}
    for patient in Patient.objects.prefetch_related("scans__measurements"):
        history = expected.pop(patient.mrn)
        assert patient.birth_date == history.patient["birth_date"]
        assert [s.at for s in patient.scans.all()] == [s["at"] for s in history.scans]
        assert [len(s.measurements.all()) for s in patient.scans.all()] == [len(s["measurements"])
                                                                             for s in history.scans]
    assert not expected


def test_the_mix_and_rhythm_follow_the_clinical_reference():
    """Lung about half, breast 15–20 %, melanoma about 10 %; follow-up MRIs every 2–3 months."""
    from bmtrack.core.clock import site_zone
    from bmtrack.patients.synthetic.histories import build_history

    tz = site_zone()
    histories = [build_history(11, i, NOW, tz, "X") for i in range(2000)]
    types = Counter(h.primary["type"] for h in histories)
    share = {t: n / len(histories) for t, n in types.items()}
    assert 0.45 <= share["nsclc_adeno"] + share["nsclc_nonadeno"] + share["sclc"] <= 0.55
    assert 0.14 <= share["breast"] <= 0.21 and 0.07 <= share["melanoma"] <= 0.13
    kinds = Counter(t["kind"] for h in histories for t in h.treatments)
    assert {"surgery", "srs", "fsrs", "wbrt", "tt", "ici", "chemo"} <= set(kinds)
    gaps = [(b["at"] - a["at"]).days for h in histories for a, b in zip(h.scans, h.scans[1:], strict=False)
            if a["purpose"] == b["purpose"] == "surveillance"]
    assert 56 <= statistics.median(gaps) <= 92
    assert statistics.mean(len(h.scans) for h in histories) >= 7


def test_the_fast_derivation_writes_the_rows_the_services_write(cohort):
    """Equivalence of ``synthetic.derive`` with ``refresh_derived`` (GPA, RANO-BM, plan, outbox)."""
    from bmtrack.patients.models import Patient
    from bmtrack.patients.services.common import refresh_derived

    fast = derived_state()
    assert fast["due_items"] and fast["responses"] and fast["gpa"] and fast["windows"]
    delete_derived_state()
    for patient in Patient.objects.order_by("pk"):
        refresh_derived(patient, now=NOW)
    assert derived_state() == fast


def test_two_cohorts_can_share_a_database_and_a_seed_is_never_loaded_twice(cohort):
    from bmtrack.patients.models import Patient

    make_cohort(5, seed=8)
    assert Patient.objects.count() == 35
    with pytest.raises(ValueError, match="already"):
        make_cohort(5, seed=8)


# --- helpers -----------------------------------------------------------------------------------

def derived_state() -> dict:
    from bmtrack.patients.models import GPAAssessment, ResponseAssessment
    from bmtrack.surveillance.models import DueItem, WatchWindow

    def rows(queryset, *, drop=("id",), key=None):
        values = [{k: v for k, v in row.items() if k not in drop} for row in queryset.values()]
        return sorted(values, key=key or (lambda r: repr(sorted(r.items()))))

    state = {
        "gpa": rows(GPAAssessment.objects.all()),
        "responses": rows(ResponseAssessment.objects.all()),
        "due_items": rows(DueItem.objects.all(), drop=("id", "created_at", "updated_at")),
        "windows": rows(WatchWindow.objects.all()),
    }
    try:
        from bmtrack.surveillance.models import NotificationLedger
    except ImportError:  # before the outbox exists
        return state
    state["outbox"] = sorted(NotificationLedger.objects.values_list("recipient_id", "kind", "patient_id",
                                                                    "item__kind", "item__trigger", "status"))
    return state


def delete_derived_state() -> None:
    from bmtrack.patients.models import GPAAssessment, ResponseAssessment
    from bmtrack.surveillance import models as surveillance

    if hasattr(surveillance, "NotificationLedger"):
        surveillance.NotificationLedger.objects.all().delete()
    for model in (surveillance.DueItem, surveillance.WatchWindow, ResponseAssessment, GPAAssessment):
        model.objects.all().delete()
