"""The reader's inputs at entry (record.md 3 and 5, rano-bm.md "Measurable disease and targets"):
a scan measuring a lesion absent at its series' baseline needs the reader's new-lesion call; a
baseline target is measurable, enhancing and ≥ 10 mm; at most 5 targets a scan. Refused input
names its field and saves nothing; a call is corrected with its history kept. Work-up results and
the count of brain metastases at diagnosis are written by their services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bmtrack.core.clock import today
from bmtrack.patients import services
from bmtrack.patients.models import Lesion, Measurement, Scan, WorkupResult
from tests.conftest import at

pytestmark = pytest.mark.django_db


def refused(call, field):
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    return excinfo.value.message_dict[field]


def mri(patient, when, measurements, **fields):
    return services.record_scan(patient, at=when, modality="mri", purpose="surveillance",
                                measurements=measurements, **fields)


def mm(label, diameter, **fields):
    return {"lesion": label, "longest_diameter_mm": Decimal(str(diameter)), **fields}


@pytest.fixture
def baseline(patient):
    """A measured baseline MRI with L1 and L2."""
    return mri(patient, at(2026, 1, 5), [mm("L1", 18), mm("L2", 12)])


# --- the new-lesion call ---------------------------------------------------------------------


def test_a_scan_measuring_a_lesion_absent_at_baseline_without_a_call_is_refused_and_nothing_saved(patient, baseline):
    message = refused(lambda: mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 7)]),
                      "new_lesions")
    assert "not on the baseline MRI" in message[0]
    assert list(patient.scans.all()) == [baseline]
    assert not Lesion.objects.filter(patient=patient, label="L3").exists()


@pytest.mark.parametrize("call", ["none", "equivocal", "definite"])
def test_with_the_readers_call_the_scan_is_recorded(patient, baseline, call):
    scan = mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 7)], new_lesions=call)
    assert scan.new_lesions == call
    assert "new_lesion_call_needed" not in patient.responses.get(scan=scan).flags


def test_no_call_is_asked_without_a_new_lesion_nor_on_the_baseline_itself(patient):
    first = mri(patient, at(2026, 1, 5), [mm("L1", 18), mm("L2", 12), mm("L3", 9)])
    follow = mri(patient, at(2026, 3, 5), [mm("L1", 15), {"lesion": "L2", "disappeared": True}, mm("L3", 8)])
    assert (first.new_lesions, follow.new_lesions) == ("", "")


def test_a_new_lesion_marked_gone_needs_no_call(patient, baseline):
    scan = mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), {"lesion": "L3", "disappeared": True}])
    assert scan.new_lesions == ""


def test_a_lesion_still_visible_after_its_first_scan_is_still_new_and_needs_a_call(patient, baseline):
    mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 7)], new_lesions="equivocal")
    refused(lambda: mri(patient, at(2026, 5, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 9)]), "new_lesions")


def test_measurements_entered_later_take_the_call_with_them(patient, baseline, alice):
    waiting = services.record_scan(patient, at=at(2026, 3, 5), modality="mri", purpose="surveillance")
    rows = [mm("L1", 15), mm("L2", 10), mm("L3", 7)]
    refused(lambda: services.record_measurements(waiting, rows), "new_lesions")
    waiting.refresh_from_db()
    assert (waiting.measurement_status, waiting.measurements.count()) == ("pending", 0)
    refused(lambda: services.record_measurements(waiting, rows, new_lesions="maybe"), "new_lesions")
    services.record_measurements(waiting, rows, new_lesions="definite", user=alice)
    waiting.refresh_from_db()
    assert (waiting.new_lesions, waiting.measurement_status) == ("definite", "complete")
    assert waiting.history.first().history_user == alice
    assert patient.responses.get(scan=waiting).flags.count("new_lesion_call_needed") == 0


def test_a_call_is_corrected_with_its_history_and_cannot_be_taken_back_to_blank(patient, baseline, alice, bob):
    scan = mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 7)], new_lesions="equivocal",
               user=alice)
    services.update_scan(scan, new_lesions="definite", user=bob)
    scan.refresh_from_db()
    assert scan.new_lesions == "definite"
    assert [(h.new_lesions, h.history_user) for h in scan.history.order_by("history_id")][-2:] == [
        ("equivocal", alice), ("definite", bob)]
    refused(lambda: services.update_scan(scan, new_lesions=""), "new_lesions")
    scan.refresh_from_db()
    assert scan.new_lesions == "definite"


def test_a_scan_left_uncalled_by_a_later_baseline_is_flagged_until_someone_calls_it(patient):
    """A follow-up measured before the planning MRI was: it was its own baseline then; once the
    earlier MRI is measured, its extra lesion is new and nobody has called it (record.md 5)."""
    services.add_lesion(patient, "L1")
    services.add_lesion(patient, "L2")
    services.record_treatment(patient, kind="srs", status="given", start=at(2026, 1, 10, 9), end=at(2026, 1, 10, 11),
                              lesions=list(patient.lesions.all()))
    follow = mri(patient, at(2026, 4, 1), [mm("L1", 12), mm("L2", 8), mm("L3", 6)])
    mri(patient, at(2026, 1, 5), [mm("L1", 18, role="target"), mm("L2", 12)])
    assert "new_lesion_call_needed" in patient.responses.get(scan=follow).flags
    services.update_scan(follow, new_lesions="none")
    assert "new_lesion_call_needed" not in patient.responses.get(scan=follow).flags


def test_an_imported_scan_may_leave_the_call_to_the_review_list(patient, baseline):
    scan = mri(patient, at(2026, 3, 5), [mm("L1", 15), mm("L2", 10), mm("L3", 7)], call_required=False)
    assert scan.new_lesions == "" and "new_lesion_call_needed" in patient.responses.get(scan=scan).flags


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "why"), [
    (mm("L2", 12, role="target", measurable=False), "not measurable"),
    (mm("L2", 12, role="target", enhancing=False), "not enhancing"),
    (mm("L2", "9.9", role="target"), "below 10 mm"),
    ({"lesion": "L2", "disappeared": True, "role": "target"}, "gone"),
])
def test_a_baseline_target_must_be_measurable_enhancing_and_10_mm(patient, row, why):
    message = refused(lambda: mri(patient, at(2026, 1, 5), [mm("L1", 18, role="target"), row]),
                      "measurements[1].role")
    assert "measurable and enhancing" in message[0], why
    assert not patient.scans.exists() and not Measurement.objects.filter(scan__patient=patient).exists()


def test_exactly_10_mm_may_be_a_target_and_roles_are_stored(patient):
    scan = mri(patient, at(2026, 1, 5), [mm("L1", 10, role="target"), mm("L2", 30, role="non_target"),
                                         mm("L3", 5, measurable=False, enhancing=False)])
    stored = {m.lesion.label: (m.role, m.measurable, m.enhancing) for m in scan.measurements.all()}
    assert stored == {"L1": ("target", True, True), "L2": ("non_target", True, True), "L3": ("", False, False)}
    assert patient.responses.get(scan=scan).targets == ["L1"]


def test_at_most_five_targets_on_a_scan(patient):
    rows = [mm(f"L{n}", 12 + n, role="target") for n in range(1, 7)]
    refused(lambda: mri(patient, at(2026, 1, 5), rows), "measurements[5].role")
    assert not patient.scans.exists()
    mri(patient, at(2026, 1, 5), rows[:5] + [mm("L6", 18)])


def test_a_target_that_shrinks_below_10_mm_is_still_a_target_on_later_scans(patient):
    mri(patient, at(2026, 1, 5), [mm("L1", 18, role="target"), mm("L2", 12, role="target")])
    later = mri(patient, at(2026, 3, 5), [mm("L1", 6, role="target"), {"lesion": "L2", "disappeared": True,
                                                                        "role": "target"}])
    assert later.measurements.filter(role="target").count() == 2


# --- work-up results ---------------------------------------------------------------------------


def test_a_workup_result_is_recorded_and_corrected_with_history(patient, baseline, alice, bob):
    lesion = patient.lesions.get(label="L1")
    workup = services.record_workup(patient, performed_on=dt.date(2026, 4, 2), method="perfusion_mri",
                                    result="treatment_effect", lesion=lesion, note="low rCBV", user=alice)
    assert (workup.recorded_by, workup.lesion) == (alice, lesion)
    services.update_workup(workup, result="progression", user=bob)
    workup.refresh_from_db()
    assert workup.result == "progression" and workup.recorded_by == alice
    assert workup.history.first().history_user == bob


def test_bad_workup_results_are_refused_naming_the_field(patient, baseline, make_patient):
    other = make_patient()
    services.record_scan(other, at=at(2026, 1, 5), modality="mri", measurements=[mm("L9", 11)])
    good = {"performed_on": dt.date(2026, 4, 2), "method": "histology", "result": "progression"}
    future = today() + dt.timedelta(days=3)
    refused(lambda: services.record_workup(patient, **{**good, "performed_on": future}), "performed_on")
    refused(lambda: services.record_workup(patient, **{**good, "performed_on": dt.date(1950, 1, 1)}), "performed_on")
    refused(lambda: services.record_workup(patient, **{**good, "method": "biopsy"}), "method")
    refused(lambda: services.record_workup(patient, **{**good, "result": "maybe"}), "result")
    refused(lambda: services.record_workup(patient, **{**good, "lesion": other.lesions.get()}), "lesion")
    assert not WorkupResult.objects.exists()
    workup = services.record_workup(patient, **good)
    refused(lambda: services.update_workup(workup, recorded_by=None), "recorded_by")


# --- brain metastases at diagnosis -------------------------------------------------------------


def test_the_count_of_brain_metastases_at_diagnosis_is_recorded_and_corrected(patient):
    primary = services.record_primary(patient, type="melanoma", diagnosed_on=dt.date(2025, 6, 1),
                                      brain_metastases_diagnosed_on=dt.date(2026, 1, 5), brain_metastases_count=3)
    assert primary.brain_metastases_count == 3
    services.update_primary(primary, brain_metastases_count=4)
    refused(lambda: services.update_primary(primary, brain_metastases_count=0), "brain_metastases_count")
    primary.refresh_from_db()
    assert primary.brain_metastases_count == 4


def test_scans_are_unaffected_by_another_patients_lesions(patient, make_patient):
    other = make_patient()
    mri(other, at(2026, 1, 5), [mm("L1", 18)])
    assert Scan.objects.filter(patient=patient).count() == 0
