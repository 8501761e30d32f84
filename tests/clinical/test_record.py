"""bmtrack.clinical.record against docs/clinical/record.md: how a patient's record becomes the
rules' inputs. Pure: plain facts in, inputs and calls out. One test per rule and boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from bmtrack.clinical import record
from bmtrack.clinical.record import MeasurementFact as M
from bmtrack.clinical.record import ObservationFact as O
from bmtrack.clinical.record import ScanFact as S
from bmtrack.clinical.record import TreatmentFact as T

D = dt.date
BASE = D(2026, 1, 5)
SURGERY = T(1, "surgery", "given", D(2026, 1, 10))


def scan(i, day, lesions, call="", **kw):
    return S(i, day, measurements=tuple(lesions), new_lesion_call=call, **kw)


def series(scans, treatments=(SURGERY,), observations=(), workups=()):
    return record.rano_series(scans, treatments, observations, workups)


def rows(scans, treatments=(SURGERY,), observations=(), workups=()):
    return record.assess_series(series(scans, treatments, observations, workups))


# --- baseline ---------------------------------------------------------------------------------

def test_no_measured_mri_gives_no_series():
    assert series([S(1, BASE, measured=False), S(2, BASE, modality="ct")]) is None


def test_the_baseline_is_the_latest_measured_mri_in_the_28_days_up_to_a_treatment():
    s = series([scan(1, D(2025, 12, 1), [M("L1", 20)]), scan(2, BASE, [M("L1", 20)])])
    assert s.scan_ids == (2,) and s.flags[2] == ()


def test_a_baseline_outside_the_window_is_flagged_in_words():
    s = series([scan(1, D(2025, 11, 1), [M("L1", 20)]), scan(2, D(2026, 3, 1), [M("L1", 20)])])
    assert s.scan_ids == (1, 2) and s.flags[1] == ("baseline_outside_window",)
    assert s.notes[1] == ("baseline MRI of 2025-11-01 is not within 4 weeks before a treatment",)


def test_a_pinned_baseline_is_not_flagged():
    s = series([scan(1, D(2025, 11, 1), [M("L1", 20)], pinned_baseline=True)])
    assert s.flags[1] == ()


# --- targets --------------------------------------------------------------------------------

TARGETS = [
    ("not measurable", M("L1", 30, measurable=False), frozenset({"L1"}), {}),
    ("not enhancing", M("L1", 30, enhancing=False), frozenset({"L1"}), {}),
    ("role non-target", M("L1", 30, role="non-target"), frozenset(), {"L1": "non-target"}),
    ("role target", M("L1", 30, role="target"), frozenset(), {"L1": "target"}),
]


@pytest.mark.parametrize(("name", "measurement", "non_measurable", "roles"), TARGETS, ids=[t[0] for t in TARGETS])
def test_targets_follow_the_baseline_measurement(name, measurement, non_measurable, roles):
    s = series([scan(1, BASE, [measurement, M("L2", 12)])])
    assert (s.non_measurable, s.lesion_roles) == (non_measurable, roles)


def test_a_role_the_core_would_refuse_is_not_passed_and_is_flagged():
    s = series([scan(1, BASE, [M("L1", 8, role="target"), M("L2", 30, measurable=False, role="target")])])
    assert s.lesion_roles == {} and s.flags[1] == ("role_ignored",)
    assert series([scan(1, BASE, [M("L1", 8, role="target")])]).assess().targets == ()


def test_every_given_srs_is_passed_with_its_end_day_and_treated_lesions():
    srs = T(2, "srs", "given", D(2026, 1, 12), D(2026, 1, 13), ("L1",))
    planned = T(3, "srs", "planned", D(2026, 6, 1), None, ("L2",))
    s = series([scan(1, BASE, [M("L1", 20)])], treatments=(srs, planned))
    assert [(c.date, c.lesions) for c in s.srs] == [(D(2026, 1, 13), frozenset({"L1"}))]


# --- lesions and new lesions ------------------------------------------------------------------

def test_disappeared_lesions_are_zero_and_new_lesions_are_not_target_diameters():
    s = series([scan(1, BASE, [M("L1", 20)]), scan(2, D(2026, 3, 5), [M("L1", 0), M("L2", 6)], call="definite")])
    assert s.timepoints[1].lesions == {"L1": 0} and s.timepoints[1].new_lesions == "definite"


NEW = [
    ("a new lesion and no call: equivocal, flagged", [M("L2", 6)], "", "equivocal", ("new_lesion_call_needed",)),
    ("the reader's none counts", [M("L2", 6)], "none", "none", ()),
    ("the reader's definite counts", [M("L2", 6)], "definite", "definite", ()),
    ("no new lesion and no call: none", [], "", "none", ()),
    ("a call without a measured lesion is passed as made", [], "equivocal", "equivocal", ()),
    ("a new lesion marked gone needs no call", [M("L2", 0)], "", "none", ()),
]


@pytest.mark.parametrize(("name", "extra", "call", "new_lesions", "flags"), NEW, ids=[n[0] for n in NEW])
def test_the_readers_new_lesion_call(name, extra, call, new_lesions, flags):
    s = series([scan(1, BASE, [M("L1", 20)]), scan(2, D(2026, 3, 5), [M("L1", 18), *extra], call=call)])
    assert s.timepoints[1].new_lesions == new_lesions and s.flags[2] == flags


def test_a_call_needed_stays_equivocal_not_pd_and_says_why():
    (_, follow_up) = rows([scan(1, BASE, [M("L1", 20)]), scan(2, D(2026, 3, 5), [M("L1", 14), M("L2", 6)])])
    assert follow_up["category"] == "PR" and follow_up["flags"] == ["equivocal_new_lesion", "new_lesion_call_needed"]
    assert follow_up["reasons"][0].startswith("a new lesion was measured and nobody has called it yet")


# --- steroids and clinical status ---------------------------------------------------------------

def test_the_steroid_dose_in_effect_on_the_scans_day():
    obs = [O("dexamethasone_mg", D(2025, 12, 20), 4), O("dexamethasone_mg", D(2026, 3, 5), 8)]
    s = series([scan(1, BASE, [M("L1", 20)]), scan(2, D(2026, 3, 5), [M("L1", 20)]),
                scan(3, D(2026, 5, 5), [M("L1", 20)])], observations=obs)
    assert [tp.steroid_mg for tp in s.timepoints] == [4, 8, 8]
    assert series([scan(1, BASE, [M("L1", 20)])]).timepoints[0].steroid_mg == 0


CLINICAL = [
    ("worse the day before the baseline never counts", D(2026, 1, 4), "stable"),
    ("worse on the baseline day does not count", BASE, "stable"),
    ("worse the day after the baseline counts", D(2026, 1, 6), None),
    ("worse 14 days before the scan counts", D(2026, 2, 19), "worse"),
    ("worse 15 days before the scan does not", D(2026, 2, 18), "stable"),
    ("worse on the scan's day counts", D(2026, 3, 5), "worse"),
    ("worse after the scan does not", D(2026, 3, 6), "stable"),
]


@pytest.mark.parametrize(("name", "day", "expected"), CLINICAL, ids=[c[0] for c in CLINICAL])
def test_clinical_status_after_baseline_and_within_14_days(name, day, expected):
    scan_day = D(2026, 3, 5) if expected is not None else D(2026, 1, 20)
    s = series([scan(1, BASE, [M("L1", 20)]), scan(2, scan_day, [M("L1", 15)])],
               observations=[O("neuro_status", day, "worse")])
    assert s.timepoints[1].clinical == (expected or "worse")


def test_a_symptom_before_baseline_does_not_make_a_shrinking_scan_pd():
    # The defect of issue 14: neuro status "worse" the day before the baseline MRI.
    baseline = scan(1, BASE, [M("L1", 20), M("L2", 12)])
    shrunk = scan(2, D(2026, 1, 30), [M("L1", 17), M("L2", 9.2)])  # -18 %
    (_, follow_up) = rows([baseline, shrunk], observations=[O("neuro_status", D(2026, 1, 4), "worse")])
    assert follow_up["category"] == "SD"


# --- immunotherapy and work-up ----------------------------------------------------------------

def test_every_given_ici_course_is_passed():
    courses = (T(2, "ici", "given", D(2026, 1, 12)), T(3, "ici", "stopped", D(2026, 4, 1)),
               T(4, "ici", "planned", D(2026, 9, 1)), T(5, "tt", "given", D(2026, 2, 1)))
    s = series([scan(1, BASE, [M("L1", 20)])], treatments=courses)
    assert s.immunotherapy_starts == (D(2026, 1, 12), D(2026, 4, 1))


def test_workup_results_are_passed_in_date_order():
    s = series([scan(1, BASE, [M("L1", 20)])], workups=[record.WorkupFact(D(2026, 5, 2), "progression"),
                                                     record.WorkupFact(D(2026, 4, 2), "treatment_effect")])
    assert [(w.date, w.result) for w in s.workup] == [(D(2026, 4, 2), "treatment_effect"),
                                                      (D(2026, 5, 2), "progression")]


# --- GPA --------------------------------------------------------------------------------------

BIRTH = D(1960, 5, 17)
LUNG = record.PrimaryFact("nsclc_nonadeno", D(2026, 1, 2))


TODAY = D(2026, 12, 4)


def gpa(primary=LUNG, observations=(), scans=(), today=TODAY):
    return {o.moment: o for o in record.gpa_outcomes(BIRTH, primary, observations, scans, today)}


FACTS = [O("kps", D(2026, 1, 20), 90), O("extracranial_metastases", D(2025, 12, 10), False),
         O("kps", D(2026, 11, 1), 60)]
MRIS = [scan(1, D(2026, 1, 3), [M("L1", 20), M("L2", 8), M("L3", 5)]), scan(2, D(2026, 6, 1), [M("L1", 9)])]


def test_gpa_at_diagnosis_takes_facts_near_the_diagnosis_and_the_first_mri():
    at_dx = gpa(observations=FACTS, scans=MRIS)["diagnosis"]
    assert at_dx.status == "scored" and at_dx.on == D(2026, 1, 2)
    assert at_dx.factors["age"] == 65 and at_dx.factors["kps"] == 90 and at_dx.factors["brain_metastases"] == 3
    assert at_dx.taken_from["kps"] == "2026-01-20" and at_dx.taken_from["brain_metastases"] == "2026-01-03"


def test_current_gpa_takes_the_latest_facts_and_the_latest_mri():
    now = gpa(observations=FACTS, scans=MRIS)["current"]
    assert now.status == "scored" and now.factors["kps"] == 60 and now.factors["brain_metastases"] == 1
    assert now.factors["age"] == 66 and now.taken_from["brain_metastases"] == "2026-06-01"


def test_a_count_entered_with_the_diagnosis_wins():
    primary = record.PrimaryFact("nsclc_nonadeno", D(2026, 1, 2), brain_metastases_count=5)
    assert gpa(primary, FACTS, MRIS)["diagnosis"].factors["brain_metastases"] == 5


def test_facts_more_than_30_days_from_the_diagnosis_make_it_not_scorable_in_words():
    far = [O("kps", D(2026, 2, 2), 90), O("extracranial_metastases", D(2026, 1, 2), False)]
    at_dx = gpa(observations=far, scans=MRIS)["diagnosis"]
    assert at_dx.status == "not_scorable"
    assert at_dx.message == "not scorable: Karnofsky performance status not recorded near 2 Jan 2026"


def test_the_nearest_fact_wins_and_a_tie_goes_to_the_earlier():
    both = [O("kps", D(2025, 12, 30), 70), O("kps", D(2026, 1, 5), 90),
            O("extracranial_metastases", D(2026, 1, 2), True)]
    assert gpa(observations=both, scans=MRIS)["diagnosis"].factors["kps"] == 70


def test_no_visible_lesion_makes_the_current_gpa_not_applicable_in_words():
    gone = [*MRIS, scan(3, D(2026, 9, 1), [M("L1", 0)])]
    now = gpa(observations=FACTS, scans=gone)["current"]
    assert now.status == "not_applicable"
    assert now.message == "not applicable: no visible brain metastasis on the MRI of 1 Sep 2026"


def test_no_diagnosis_date_gives_only_the_current_gpa_and_no_primary_gives_none():
    undated = record.PrimaryFact("nsclc_nonadeno")
    assert set(gpa(undated, FACTS, MRIS)) == {"current"}
    assert record.gpa_outcomes(BIRTH, None, FACTS, MRIS, D(2026, 12, 4)) == []


def test_no_developer_message_ever():
    for primary in (LUNG, record.PrimaryFact("breast", D(2026, 1, 2)), record.PrimaryFact("melanoma", D(2026, 1, 2))):
        for outcome in record.gpa_outcomes(BIRTH, primary, (), (), D(2026, 12, 4)):
            assert outcome.status == "not_scorable" and "required by" not in outcome.message
            assert "factors." not in outcome.message and outcome.message.startswith("not scorable: ")
