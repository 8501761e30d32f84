"""bmtrack.clinical.rano against shared/clinical/rano-bm.md (RANO-BM, Lin 2015; iRANO, Okada 2015).

No database. Most tests go through ``run`` (the JSON contract of DESIGN.md); a few use the typed
API. Every table row is one rule or boundary of the reference.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bmtrack.clinical import cli
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.rano import CATEGORIES, FLAGS, Assessment, Timepoint, assess, run

BASE = dt.date(2026, 1, 5)
ICI = "2026-01-12"  # window ends 2026-07-12 (rano-bm.md)
ROOT = Path(__file__).resolve().parents[2]


def day(n: int) -> str:
    """The date n days after the baseline, as the CLI reads it."""
    return (BASE + dt.timedelta(days=n)).isoformat()


def tp(date, lesions, new="none", nt="none", steroid=0, clinical="stable"):
    if isinstance(date, int):
        date = day(date)
    return {
        "date": date,
        "lesions": lesions,
        "new_lesions": new,
        "non_target": nt,
        "steroid_mg": steroid,
        "clinical": clinical,
    }


def rano(*timepoints, ici=None, excluded=None):
    payload = {"timepoints": list(timepoints), "immunotherapy_start": ici}
    if excluded is not None:
        payload["excluded_targets"] = excluded
    result = run(payload)
    json.dumps(result)  # the contract: always plain JSON
    return result


def last(result):
    return result["assessments"][-1]


def baseline(lesions=None, **kwargs):
    return tp(0, {"L1": 20, "L2": 10} if lesions is None else lesions, **kwargs)


# --------------------------------------------------------------------------- thresholds

THRESHOLDS = [
    # name, baseline lesions, follow-up lesions, category, change from baseline %
    ("exactly -30 % from baseline is PR", {"L1": 20, "L2": 10}, {"L1": 14, "L2": 7}, "PR", -30.0),
    ("-29.9 % from baseline is SD", {"L1": 50, "L2": 50}, {"L1": 35.1, "L2": 35}, "SD", -29.9),
    (
        "exactly -30 % with decimal diameters is PR (no float error)",
        {"L1": 10.1, "L2": 10},
        {"L1": 7.07, "L2": 7},
        "PR",
        -30.0,
    ),
    ("no change is SD", {"L1": 20, "L2": 10}, {"L1": 20, "L2": 10}, "SD", 0.0),
    (
        "exactly +20 % from nadir with a target 5 mm larger is PD",
        {"L1": 15, "L2": 10},
        {"L1": 20, "L2": 10},
        "PD",
        20.0,
    ),
    ("+20 % with the largest target growth 4.9 mm is SD", {"L1": 15, "L2": 10}, {"L1": 19.9, "L2": 10.1}, "SD", 20.0),
    ("+19.9 % with a target 14.9 mm larger is SD", {"L1": 50, "L2": 50}, {"L1": 55, "L2": 64.9}, "SD", 19.9),
    (
        "three lesions each 2-3 mm larger pushing the sum +21 % are SD (5 mm rule per lesion)",
        {"L1": 10, "L2": 10, "L3": 10},
        {"L1": 12.3, "L2": 12, "L3": 12},
        "SD",
        21.0,
    ),
    ("a single target growing 5 mm and +50 % is PD", {"L1": 10}, {"L1": 15}, "PD", 50.0),
]


@pytest.mark.parametrize(
    ("name", "base", "follow", "category", "change"), THRESHOLDS, ids=[row[0] for row in THRESHOLDS]
)
def test_thresholds_are_inclusive_and_exact(name, base, follow, category, change):
    result = rano(baseline(base), tp(60, follow))
    assert last(result)["category"] == category
    assert last(result)["change_from_baseline_pct"] == change


def test_pd_reason_reads_like_the_reference_sentence():
    result = rano(baseline({"L1": 15, "L2": 10}), tp(60, {"L1": 20, "L2": 10}))
    assert "sum 30 mm is +20.0 % from nadir 25 mm and L1 grew 5 mm: PD" in last(result)["reasons"]


def test_plus_twenty_percent_without_a_5_mm_lesion_explains_why_it_is_not_pd():
    result = rano(baseline({"L1": 10, "L2": 10, "L3": 10}), tp(60, {"L1": 12.3, "L2": 12, "L3": 12}))
    assert any("no target grew 5 mm or more" in r for r in last(result)["reasons"])


ROUNDING = [
    # name, baseline sum lesions, follow-up lesions, change %
    ("a change of exactly +0.05 % rounds half up to +0.1", {"L1": 40}, {"L1": 40.02}, 0.1),
    ("a change of exactly -0.05 % rounds away from zero to -0.1", {"L1": 40}, {"L1": 39.98}, -0.1),
    ("-33.33... % rounds to -33.3", {"L1": 30}, {"L1": 20}, -33.3),
    ("+66.66... % rounds to +66.7", {"L1": 30}, {"L1": 50}, 66.7),
]


@pytest.mark.parametrize(("name", "base", "follow", "change"), ROUNDING, ids=[r[0] for r in ROUNDING])
def test_percentages_round_half_up_to_one_decimal(name, base, follow, change):
    assert last(rano(baseline(base), tp(60, follow)))["change_from_baseline_pct"] == change


def test_sums_are_integers_when_whole_and_decimals_otherwise():
    result = rano(baseline({"L1": 12.5, "L2": 10.5}), tp(60, {"L1": 12.5, "L2": 10.3}))
    first, second = result["assessments"]
    assert first["sum_mm"] == 23 and isinstance(first["sum_mm"], int)
    assert second["sum_mm"] == 22.8


# --------------------------------------------------------------------------- nadir


def test_the_nadir_scan_is_the_latest_with_the_smallest_sum_so_a_5_mm_growth_since_it_is_pd():
    # t1 and t2 both sum 30; only against t2 (the latest) did L1 grow >= 5 mm.
    result = rano(
        baseline({"L1": 25, "L2": 15}),
        tp(60, {"L1": 20, "L2": 10}),
        tp(120, {"L1": 15, "L2": 15}),
        tp(180, {"L1": 22, "L2": 14}),
    )
    assert last(result)["category"] == "PD"
    assert last(result)["nadir_sum_mm"] == 30
    assert "L1 grew 7 mm" in last(result)["reasons"][0]


def test_growth_is_measured_against_the_latest_nadir_scan_not_an_earlier_one_with_the_same_sum():
    # Against t1, L2 grew 7 mm (PD); against t2, the nadir scan, no target grew 5 mm: SD.
    result = rano(
        baseline({"L1": 25, "L2": 15}),
        tp(60, {"L1": 20, "L2": 10}),
        tp(120, {"L1": 15, "L2": 15}),
        tp(180, {"L1": 19, "L2": 17}),
    )
    assert last(result)["category"] == "SD"
    assert last(result)["change_from_nadir_pct"] == 20.0


def test_the_baseline_is_the_nadir_while_the_sum_only_grows():
    result = rano(baseline(), tp(60, {"L1": 22, "L2": 12}), tp(120, {"L1": 25, "L2": 11}))
    assert [a["nadir_sum_mm"] for a in result["assessments"]] == [None, 30, 30]
    assert last(result)["category"] == "PD"


def test_the_nadir_only_looks_at_earlier_timepoints():
    result = rano(baseline(), tp(60, {"L1": 10, "L2": 5}), tp(120, {"L1": 8, "L2": 4}))
    assert [a["nadir_sum_mm"] for a in result["assessments"]] == [None, 30, 15]
    assert [a["change_from_nadir_pct"] for a in result["assessments"]] == [None, -50.0, -20.0]


def test_a_not_evaluable_timepoint_is_never_the_nadir():
    result = rano(baseline(), tp(60, {"L1": 5}), tp(120, {"L1": 18, "L2": 10}))
    assert result["assessments"][1]["category"] == "NE"
    assert last(result)["nadir_sum_mm"] == 30


def test_the_baseline_assessment_has_no_nadir_and_no_change():
    first = rano(baseline(), tp(60, {"L1": 20, "L2": 10}))["assessments"][0]
    assert first["category"] == "baseline"
    assert (first["sum_mm"], first["baseline_sum_mm"]) == (30, 30)
    assert first["nadir_sum_mm"] is None
    assert first["change_from_baseline_pct"] is None and first["change_from_nadir_pct"] is None
    assert first["confirmed"] is None and first["pd_date"] is None


# --------------------------------------------------------------------------- targets

TARGETS = [
    ("lesions of exactly 10 mm are measurable and 9.9 mm are not", {"A": 9.9, "B": 10}, None, ["B"]),
    (
        "at most 5 targets, the largest first",
        {"A": 11, "B": 30, "C": 12, "D": 20, "E": 15, "F": 25, "G": 10},
        None,
        ["B", "F", "D", "E", "C"],
    ),
    (
        "equal diameters keep their input order",
        {"P": 20, "Q": 15, "R": 15, "S": 12, "T": 11, "U": 11},
        None,
        ["P", "Q", "R", "S", "T"],
    ),
    (
        "equal diameters keep their input order, whichever comes first",
        {"P": 20, "Q": 15, "R": 15, "S": 12, "U": 11, "T": 11},
        None,
        ["P", "Q", "R", "S", "U"],
    ),
    ("no lesion of 10 mm or more means no targets", {"A": 9, "B": 0}, None, []),
    ("a lesion excluded as treated before baseline is not a target", {"A": 30, "B": 20}, ["A"], ["B"]),
    ("an excluded id that is not a baseline lesion is ignored", {"A": 30}, ["Z"], ["A"]),
]


@pytest.mark.parametrize(("name", "lesions", "excluded", "targets"), TARGETS, ids=[r[0] for r in TARGETS])
def test_targets_are_chosen_at_baseline(name, lesions, excluded, targets):
    assert rano(baseline(lesions), excluded=excluded)["targets"] == targets


def test_the_baseline_says_why_each_other_lesion_is_a_non_target():
    lesions = {"A": 9, "B": 30, "C": 29, "D": 28, "E": 27, "F": 26, "G": 25, "H": 40}
    reasons = rano(baseline(lesions), excluded=["H"])["assessments"][0]["reasons"]
    assert "A 9 mm is below 10 mm: non-target" in reasons
    assert "G is not among the 5 largest lesions: non-target" in reasons
    assert "H was treated before baseline and is not a target: non-target" in reasons


def test_targets_stay_fixed_and_only_targets_are_summed():
    result = rano(baseline({"L1": 20, "L2": 10, "L3": 6}), tp(60, {"L1": 20, "L2": 10, "L3": 9}))
    assert result["targets"] == ["L1", "L2"]
    assert last(result)["sum_mm"] == 30


def test_a_target_shrinking_below_10_mm_is_still_measured():
    result = rano(baseline({"L1": 12}), tp(60, {"L1": 8}))
    assert (last(result)["sum_mm"], last(result)["category"]) == (8, "PR")


# --------------------------------------------------------------------------- CR, PR, SD

CR_RULES = [
    # name, follow-up overrides, baseline steroid, category, flags
    ("all gone, no steroids, stable is CR", {}, 4, "CR", []),
    ("all gone and clinically improved is CR", {"clinical": "improved"}, 4, "CR", []),
    ("CR needs no corticosteroids at all: a reduced dose is PR", {"steroid": 2}, 4, "PR", []),
    ("targets at 0 with non-targets present is PR", {"nt": "present"}, 0, "PR", []),
    ("an equivocal new lesion rules out CR", {"new": "equivocal"}, 0, "PR", ["equivocal_new_lesion"]),
    ("a non-target lesion still measured rules out CR", {"lesions": {"L3": 3}}, 0, "PR", []),
    ("a steroid increase with CR imaging is SD", {"steroid": 8}, 4, "SD", ["steroid_increase"]),
    ("any dose after none at baseline is an increase", {"steroid": 2}, 0, "SD", ["steroid_increase"]),
]


@pytest.mark.parametrize(
    ("name", "overrides", "base_steroid", "category", "flags"), CR_RULES, ids=[r[0] for r in CR_RULES]
)
def test_complete_response_needs_everything_gone_and_no_steroids(name, overrides, base_steroid, category, flags):
    overrides = dict(overrides)
    lesions = {"L1": 0, "L2": 0, **overrides.pop("lesions", {})}
    result = rano(baseline({"L1": 20, "L2": 10, "L3": 6}, steroid=base_steroid), tp(60, lesions, **overrides))
    assert last(result)["category"] == category
    assert last(result)["flags"] == flags


STEROIDS = [
    # name, follow-up lesions, dose (baseline 4), category
    ("PR imaging on the baseline dose stays PR", {"L1": 10, "L2": 5}, 4, "PR"),
    ("PR imaging on a lower dose stays PR", {"L1": 10, "L2": 5}, 1, "PR"),
    ("PR imaging on a higher dose is SD", {"L1": 10, "L2": 5}, 8, "SD"),
    ("SD imaging on a higher dose is SD", {"L1": 20, "L2": 10}, 8, "SD"),
    ("PD imaging on a higher dose is PD: steroids are not considered", {"L1": 30, "L2": 10}, 8, "PD"),
]


@pytest.mark.parametrize(("name", "lesions", "dose", "category"), STEROIDS, ids=[r[0] for r in STEROIDS])
def test_a_steroid_increase_alone_is_never_pd_and_caps_the_response_at_sd(name, lesions, dose, category):
    result = rano(baseline(steroid=4), tp(60, lesions, steroid=dose))
    assert last(result)["category"] == category
    assert ("steroid_increase" in last(result)["flags"]) == (dose > 4)


# --------------------------------------------------------------------------- PD

PD_CRITERIA = [
    # name, follow-up overrides (targets shrank by 50 %), flags
    ("clinical deterioration is PD even with shrinking targets", {"clinical": "worse"}, []),
    ("unequivocal non-target progression is PD", {"nt": "progression"}, []),
    ("a definite new lesion is PD", {"new": "definite"}, ["new_lesion"]),
]


@pytest.mark.parametrize(("name", "overrides", "flags"), PD_CRITERIA, ids=[r[0] for r in PD_CRITERIA])
def test_any_one_pd_criterion_suffices(name, overrides, flags):
    result = rano(baseline(), tp(60, {"L1": 10, "L2": 5}, **overrides))
    assert last(result)["category"] == "PD"
    assert last(result)["pd_date"] == day(60)
    assert last(result)["flags"] == flags
    assert last(result)["confirmed"] is None


# --------------------------------------------------------------------------- equivocal new lesions

SHRUNK = {"L1": 18, "L2": 9}  # -10 %: SD on the targets


def test_an_equivocal_new_lesion_is_not_pd_and_is_flagged():
    result = rano(baseline(), tp(60, SHRUNK, new="equivocal"))
    assert last(result)["category"] == "SD"
    assert last(result)["flags"] == ["equivocal_new_lesion"]


def test_an_equivocal_lesion_that_becomes_definite_is_pd_backdated_to_its_first_sight():
    result = rano(baseline(), tp(60, SHRUNK, new="equivocal"), tp(120, SHRUNK, new="definite"))
    assert last(result)["category"] == "PD"
    assert last(result)["pd_date"] == day(60)
    assert "the new lesion was first seen, as equivocal, on 2026-03-06: PD dated then" in last(result)["reasons"]


def test_a_run_of_equivocal_timepoints_backdates_to_the_first_of_the_run():
    result = rano(
        baseline(), tp(60, SHRUNK, new="equivocal"), tp(90, SHRUNK, new="equivocal"), tp(120, SHRUNK, new="definite")
    )
    assert last(result)["pd_date"] == day(60)


def test_an_equivocal_lesion_that_is_gone_at_the_next_scan_clears_the_flag():
    result = rano(baseline(), tp(60, SHRUNK, new="equivocal"), tp(90, SHRUNK), tp(120, SHRUNK, new="definite"))
    assert result["assessments"][2]["flags"] == []
    assert result["assessments"][2]["category"] == "SD"
    assert last(result)["pd_date"] == day(120)


def test_new_lesions_at_the_baseline_are_not_new():
    result = rano(baseline(new="equivocal"), tp(60, SHRUNK, new="definite"))
    assert last(result)["pd_date"] == day(60)


# --------------------------------------------------------------------------- confirmation

PR_LESIONS = {"L1": 10, "L2": 5}
CR_LESIONS = {"L1": 0, "L2": 0}
SD_LESIONS = {"L1": 20, "L2": 10}

CONFIRMATION = [
    # name, follow-ups (day, lesions, overrides), confirmed of the last
    ("PR again 28 days later is confirmed", [(60, PR_LESIONS, {}), (88, PR_LESIONS, {})], True),
    ("PR again 27 days later is not confirmed", [(60, PR_LESIONS, {}), (87, PR_LESIONS, {})], False),
    ("a first PR is not confirmed", [(60, PR_LESIONS, {})], False),
    ("CR again 28 days later is confirmed", [(60, CR_LESIONS, {}), (88, CR_LESIONS, {})], True),
    ("a CR is not confirmed by an earlier PR", [(60, PR_LESIONS, {}), (88, CR_LESIONS, {})], False),
    ("a PR is confirmed by an earlier CR", [(60, CR_LESIONS, {}), (88, CR_LESIONS, {"nt": "present"})], True),
    (
        "a PD between breaks the confirmation",
        [(60, PR_LESIONS, {}), (75, PR_LESIONS, {"clinical": "worse"}), (100, PR_LESIONS, {})],
        False,
    ),
    # rano-bm.md (corrected): confirmation means sustained; anything below the level breaks the run.
    ("an NE between breaks it", [(60, PR_LESIONS, {}), (75, {"L1": 10}, {}), (100, PR_LESIONS, {})], False),
    (
        "an SD between (a steroid increase) breaks it",
        [(60, PR_LESIONS, {}), (75, PR_LESIONS, {"steroid": 4}), (100, PR_LESIONS, {})],
        False,
    ),
    (
        "after a break the run restarts and confirms 28 days later",
        [(60, PR_LESIONS, {}), (75, PR_LESIONS, {"steroid": 4}), (100, PR_LESIONS, {}), (128, PR_LESIONS, {})],
        True,
    ),
    (
        "CR, PR, CR is not a confirmed CR",
        [(60, CR_LESIONS, {}), (75, PR_LESIONS, {}), (100, CR_LESIONS, {})],
        False,
    ),
    (
        "the earlier timepoint need not be the previous one",
        [(60, PR_LESIONS, {}), (75, PR_LESIONS, {}), (88, PR_LESIONS, {})],
        True,
    ),
]


@pytest.mark.parametrize(("name", "follow_ups", "confirmed"), CONFIRMATION, ids=[r[0] for r in CONFIRMATION])
def test_cr_and_pr_are_confirmed_by_the_same_level_28_days_or_more_earlier(name, follow_ups, confirmed):
    result = rano(baseline(), *(tp(d, lesions, **kw) for d, lesions, kw in follow_ups))
    assert last(result)["category"] in ("CR", "PR")
    assert last(result)["confirmed"] is confirmed


def test_confirmed_is_null_for_other_categories():
    result = rano(baseline(), tp(60, SD_LESIONS), tp(90, {"L1": 30, "L2": 10}), tp(120, {"L1": 10}))
    assert [a["confirmed"] for a in result["assessments"]] == [None, None, None, None]


# --------------------------------------------------------------------------- missing targets

MISSING = [
    # name, follow-up, category
    ("a missing target is NE", tp(60, {"L1": 10}), "NE"),
    ("a missing target with non-target progression is PD", tp(60, {"L1": 10}, nt="progression"), "PD"),
    ("a missing target with clinical deterioration is PD", tp(60, {"L1": 10}, clinical="worse"), "PD"),
    ("a missing target with a definite new lesion is PD", tp(60, {"L1": 10}, new="definite"), "PD"),
    ("the measured targets alone meeting PD is PD", tp(60, {"L1": 36}), "PD"),
    ("the measured targets alone short of PD is NE", tp(60, {"L1": 24}), "NE"),
]


@pytest.mark.parametrize(("name", "follow", "category"), MISSING, ids=[r[0] for r in MISSING])
def test_a_missing_target_is_not_evaluable_unless_pd_is_certain(name, follow, category):
    result = rano(baseline(), follow)
    assert last(result)["category"] == category
    assert "missing_target" in last(result)["flags"]
    assert "target L2 not measured" in last(result)["reasons"]
    assert last(result)["sum_mm"] is None and last(result)["change_from_baseline_pct"] is None


# --------------------------------------------------------------------------- no measurable disease

NON_MEASURABLE = [
    # name, baseline, follow-up, category
    (
        "non-target disease still there is non-CR/non-PD",
        baseline({"L1": 8}, nt="present"),
        tp(60, {"L1": 8}, nt="present"),
        "non-CR/non-PD",
    ),
    ("everything gone without steroids is CR", baseline({"L1": 8}, nt="present"), tp(60, {"L1": 0}), "CR"),
    (
        "everything gone on steroids is non-CR/non-PD",
        baseline({"L1": 8}, nt="present", steroid=4),
        tp(60, {"L1": 0}, steroid=2),
        "non-CR/non-PD",
    ),
    (
        "a steroid increase is non-CR/non-PD, never SD",
        baseline({"L1": 8}, nt="present"),
        tp(60, {"L1": 8}, nt="present", steroid=4),
        "non-CR/non-PD",
    ),
    ("non-target progression is PD", baseline({"L1": 8}, nt="present"), tp(60, {"L1": 8}, nt="progression"), "PD"),
    (
        "a definite new lesion is PD",
        baseline({"L1": 8}, nt="present"),
        tp(60, {"L1": 8}, nt="present", new="definite"),
        "PD",
    ),
    (
        "an equivocal new lesion rules out CR",
        baseline({"L1": 8}, nt="present"),
        tp(60, {"L1": 0}, new="equivocal"),
        "non-CR/non-PD",
    ),
    (
        "a lesion left unmeasured is judged by the reader's non-target status, never NE",
        baseline({"L1": 8}, nt="present"),
        tp(60, {}, nt="present"),
        "non-CR/non-PD",
    ),
    ("no disease at all at baseline can never be CR", baseline({}), tp(60, {}), "non-CR/non-PD"),
    ("no disease at all at baseline can still progress", baseline({}), tp(60, {}, new="definite"), "PD"),
]


@pytest.mark.parametrize(("name", "base", "follow", "category"), NON_MEASURABLE, ids=[r[0] for r in NON_MEASURABLE])
def test_without_measurable_disease_only_cr_non_cr_non_pd_or_pd(name, base, follow, category):
    result = rano(base, follow)
    assert result["targets"] == []
    assert last(result)["category"] == category
    assert last(result)["sum_mm"] is None and last(result)["nadir_sum_mm"] is None


def test_a_baseline_without_any_disease_is_flagged():
    result = rano(baseline({}), tp(60, {}))
    assert all("no_baseline_disease" in a["flags"] for a in result["assessments"])


# --------------------------------------------------------------------------- best overall response

BEST = [
    # name, follow-ups (day, lesions, overrides), best overall response
    ("a confirmed PR is PR", [(60, PR_LESIONS, {}), (90, PR_LESIONS, {})], "PR"),
    ("an unconfirmed PR counts as SD", [(60, PR_LESIONS, {}), (70, PR_LESIONS, {})], "SD"),
    ("a confirmed CR is CR", [(60, CR_LESIONS, {}), (90, CR_LESIONS, {})], "CR"),
    ("an unconfirmed CR counts as SD", [(60, CR_LESIONS, {})], "SD"),
    ("SD then PD is SD", [(60, SD_LESIONS, {}), (90, {"L1": 30, "L2": 10}, {})], "SD"),
    ("PD first is PD", [(60, {"L1": 30, "L2": 10}, {}), (90, PR_LESIONS, {})], "PD"),
    (
        "nothing after the first PD counts",
        [(60, SD_LESIONS, {}), (90, SD_LESIONS, {"clinical": "worse"}), (120, CR_LESIONS, {}), (150, CR_LESIONS, {})],
        "SD",
    ),
    ("only NE is NE", [(60, {"L1": 20}, {})], "NE"),
    ("SD beats NE", [(60, {"L1": 20}, {}), (90, SD_LESIONS, {})], "SD"),
    (
        "a response on the date a backdated PD started does not count",
        [(60, PR_LESIONS, {}), (90, PR_LESIONS, {"new": "equivocal"}), (120, PR_LESIONS, {"new": "definite"})],
        "SD",
    ),
]


@pytest.mark.parametrize(("name", "follow_ups", "best"), BEST, ids=[r[0] for r in BEST])
def test_best_overall_response_up_to_the_first_pd(name, follow_ups, best):
    result = rano(baseline(), *(tp(d, lesions, **kw) for d, lesions, kw in follow_ups))
    assert result["best_overall_response"] == best


def test_best_overall_response_is_null_with_only_a_baseline():
    assert rano(baseline())["best_overall_response"] is None


@pytest.mark.parametrize(
    ("follow_ups", "best"),
    [
        ([tp(60, {"L1": 0})], "non-CR/non-PD"),
        ([tp(60, {"L1": 0}), tp(90, {"L1": 0})], "CR"),
    ],
    ids=[
        "an unconfirmed CR without measurable disease counts as non-CR/non-PD",
        "a confirmed CR without measurable disease is CR",
    ],
)
def test_best_overall_response_without_measurable_disease(follow_ups, best):
    assert rano(baseline({"L1": 8}, nt="present"), *follow_ups)["best_overall_response"] == best


def test_an_unconfirmed_pd_alone_is_the_best_overall_response_of_unconfirmed_pd():
    assert rano(baseline(), tp(60, {"L1": 30, "L2": 10}), ici=ICI)["best_overall_response"] == "unconfirmed PD"


# --------------------------------------------------------------------------- iRANO

PD_IMAGING = {"L1": 30, "L2": 10}  # sum 40: +33.3 % from 30, L1 +10 mm

WINDOW = [
    # name, immunotherapy start, follow-up, category, confirmation due
    (
        "imaging PD on the last day of the 6-month window is unconfirmed",
        ICI,
        tp("2026-07-12", PD_IMAGING),
        "unconfirmed PD",
        "2026-10-12",
    ),
    ("imaging PD the day after the window is PD", ICI, tp("2026-07-13", PD_IMAGING), "PD", None),
    ("imaging PD on the start date is unconfirmed", ICI, tp("2026-01-12", PD_IMAGING), "unconfirmed PD", "2026-04-12"),
    ("imaging PD before immunotherapy starts is PD", "2026-03-01", tp("2026-02-15", PD_IMAGING), "PD", None),
    (
        "the window end is clamped to the month's end",
        "2025-08-31",
        tp("2026-02-28", PD_IMAGING),
        "unconfirmed PD",
        "2026-05-28",
    ),
    ("the day after a clamped window end is PD", "2025-08-31", tp("2026-03-01", PD_IMAGING), "PD", None),
    (
        "clinical deterioration on immunotherapy is PD at once",
        ICI,
        tp("2026-03-01", PD_IMAGING, clinical="worse"),
        "PD",
        None,
    ),
    (
        "non-target progression in the window is unconfirmed",
        ICI,
        tp("2026-03-01", SD_LESIONS, nt="progression"),
        "unconfirmed PD",
        "2026-06-01",
    ),
    (
        "a definite new lesion in the window is unconfirmed",
        ICI,
        tp("2026-03-01", SD_LESIONS, new="definite"),
        "unconfirmed PD",
        "2026-06-01",
    ),
    (
        "a definite new lesion alone after the window is not PD",
        ICI,
        tp("2026-08-01", SD_LESIONS, new="definite"),
        "SD",
        None,
    ),
    (
        "a definite new lesion with target PD after the window is PD",
        ICI,
        tp("2026-08-01", PD_IMAGING, new="definite"),
        "PD",
        None,
    ),
    (
        "a definite new lesion after the window rules out CR",
        ICI,
        tp("2026-08-01", CR_LESIONS, new="definite"),
        "PR",
        None,
    ),
    ("without immunotherapy imaging PD is PD", None, tp("2026-03-01", PD_IMAGING), "PD", None),
]


@pytest.mark.parametrize(("name", "start", "follow", "category", "due"), WINDOW, ids=[r[0] for r in WINDOW])
def test_irano_window_of_6_months_end_inclusive(name, start, follow, category, due):
    result = rano(baseline(), follow, ici=start)
    assert last(result)["category"] == category
    assert last(result)["confirmation_due"] == due
    assert last(result)["pd_date"] == (follow["date"] if category == "PD" else None)


def test_a_new_lesion_after_the_window_is_flagged_and_explained():
    result = rano(baseline(), tp("2026-08-01", SD_LESIONS, new="definite"), ici=ICI)
    assert last(result)["flags"] == ["new_lesion"]
    assert any("not PD by itself (iRANO)" in r for r in last(result)["reasons"])


UNCONFIRMED_AT = "2026-03-01"  # PD_IMAGING there: unconfirmed, due 2026-06-01

FOLLOW_UP_RULES = [
    # name, next timepoint, category, pd_date, confirmation_due, flags
    (
        "rule 1: clinical deterioration confirms PD, backdated",
        tp("2026-04-01", PD_IMAGING, clinical="worse"),
        "PD",
        UNCONFIRMED_AT,
        None,
        [],
    ),
    (
        "rule 1: a sum exactly 5 mm above the unconfirmed PD confirms it",
        tp("2026-04-01", {"L1": 35, "L2": 10}),
        "PD",
        UNCONFIRMED_AT,
        None,
        [],
    ),
    (
        "rule 1: non-target progression confirms PD",
        tp("2026-04-01", PD_IMAGING, nt="progression"),
        "PD",
        UNCONFIRMED_AT,
        None,
        [],
    ),
    (
        "rule 1: a definite new lesion confirms PD",
        tp("2026-04-01", PD_IMAGING, new="definite"),
        "PD",
        UNCONFIRMED_AT,
        None,
        ["new_lesion"],
    ),
    (
        "rule 2: back to the nadir is pseudoprogression scored SD",
        tp("2026-04-01", SD_LESIONS),
        "SD",
        None,
        None,
        ["pseudoprogression"],
    ),
    (
        "rule 2: still +16.7 % from the nadir is pseudoprogression",
        tp("2026-04-01", {"L1": 25, "L2": 10}),
        "SD",
        None,
        None,
        ["pseudoprogression"],
    ),
    (
        "rule 2: shrinking 50 % below baseline is pseudoprogression scored PR",
        tp("2026-04-01", PR_LESIONS),
        "PR",
        None,
        None,
        ["pseudoprogression"],
    ),
    (
        "rule 3: 4.9 mm more is still unconfirmed and the due date stays",
        tp("2026-04-01", {"L1": 34.9, "L2": 10}),
        "unconfirmed PD",
        None,
        "2026-06-01",
        [],
    ),
    (
        "rule 3: the due date stays before it is reached",
        tp("2026-05-31", PD_IMAGING),
        "unconfirmed PD",
        None,
        "2026-06-01",
        [],
    ),
    (
        "rule 3: on the due date it moves to this date + 3 months",
        tp("2026-06-01", PD_IMAGING),
        "unconfirmed PD",
        None,
        "2026-09-01",
        [],
    ),
    (
        "rule 3: once passed it moves to this date + 3 months",
        tp("2026-06-15", PD_IMAGING),
        "unconfirmed PD",
        None,
        "2026-09-15",
        [],
    ),
    (
        "a missing target while unconfirmed is NE and keeps the due date",
        tp("2026-04-01", {"L1": 30}),
        "NE",
        None,
        "2026-06-01",
        ["missing_target"],
    ),
]


@pytest.mark.parametrize(
    ("name", "follow", "category", "pd_date", "due", "flags"), FOLLOW_UP_RULES, ids=[r[0] for r in FOLLOW_UP_RULES]
)
def test_irano_rules_while_a_pd_is_unconfirmed(name, follow, category, pd_date, due, flags):
    result = rano(baseline(), tp(UNCONFIRMED_AT, PD_IMAGING), follow, ici=ICI)
    assert result["assessments"][1]["category"] == "unconfirmed PD"
    assert result["assessments"][1]["pd_date"] is None
    assert last(result)["category"] == category
    assert last(result)["pd_date"] == pd_date
    assert last(result)["confirmation_due"] == due
    assert last(result)["flags"] == flags


def test_pseudoprogression_keeps_the_nadir_from_before_the_unconfirmed_pd():
    result = rano(
        baseline(),
        tp("2026-02-01", {"L1": 12, "L2": 8}),
        tp("2026-03-01", {"L1": 20, "L2": 8}),
        tp("2026-04-01", {"L1": 14, "L2": 8}),
        ici=ICI,
    )
    assert [a["category"] for a in result["assessments"]] == ["baseline", "PR", "unconfirmed PD", "SD"]
    assert last(result)["nadir_sum_mm"] == 20
    assert last(result)["baseline_sum_mm"] == 30
    assert last(result)["flags"] == ["pseudoprogression"]


def test_further_growth_is_measured_from_the_first_unconfirmed_pd_so_slow_creep_confirms():
    result = rano(
        baseline(),
        tp("2026-03-01", PD_IMAGING),
        tp("2026-04-01", {"L1": 34, "L2": 10}),
        tp("2026-05-01", {"L1": 35, "L2": 10}),
        ici=ICI,
    )
    assert [a["category"] for a in result["assessments"][1:]] == ["unconfirmed PD", "unconfirmed PD", "PD"]
    assert last(result)["pd_date"] == UNCONFIRMED_AT


def test_an_unconfirmed_pd_is_never_the_nadir():
    # t1: targets shrank but a new lesion made PD unconfirmed; t3 would be PD against t1's sum.
    result = rano(
        baseline(),
        tp("2026-02-01", {"L1": 14, "L2": 7}, new="definite"),
        tp("2026-03-01", {"L1": 16, "L2": 7}),
        tp("2026-04-01", {"L1": 19.5, "L2": 7}),
        ici=ICI,
    )
    assert [a["category"] for a in result["assessments"][1:]] == ["unconfirmed PD", "SD", "SD"]
    assert last(result)["nadir_sum_mm"] == 23


def test_after_pd_on_immunotherapy_progression_needs_no_new_confirmation():
    result = rano(baseline(), tp("2026-02-01", SD_LESIONS, clinical="worse"), tp("2026-03-01", PD_IMAGING), ici=ICI)
    assert [a["category"] for a in result["assessments"][1:]] == ["PD", "PD"]


def test_an_equivocal_lesion_confirmed_on_immunotherapy_dates_pd_from_its_first_sight():
    result = rano(
        baseline(),
        tp("2026-02-01", SD_LESIONS, new="equivocal"),
        tp("2026-03-01", SD_LESIONS, new="definite"),
        tp("2026-04-01", SD_LESIONS, new="definite"),
        ici=ICI,
    )
    assert [a["category"] for a in result["assessments"][1:]] == ["SD", "unconfirmed PD", "PD"]
    assert last(result)["pd_date"] == "2026-02-01"


def test_without_immunotherapy_nothing_is_unconfirmed():
    result = rano(baseline(), tp(60, PD_IMAGING), tp(90, SD_LESIONS))
    assert [a["category"] for a in result["assessments"][1:]] == ["PD", "SD"]


# --------------------------------------------------------------------------- validation


def valid():
    return {
        "timepoints": [baseline(), tp(60, {"L1": 15, "L2": 10}), tp(90, {"L1": 15, "L2": 10})],
        "immunotherapy_start": None,
    }


def setting(path, value):
    """A mutation that sets payload[path...] (``None`` key path parts are list indexes)."""

    def mutate(payload):
        target = payload
        for part in path[:-1]:
            target = target[part]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


INVALID = [
    # name, mutation, field
    ("timepoints missing", setting(("timepoints",), KeyError), "timepoints"),
    ("timepoints not a list", setting(("timepoints",), "x"), "timepoints"),
    ("no timepoint at all", setting(("timepoints",), []), "timepoints"),
    ("a timepoint that is not an object", setting(("timepoints", 1), 3), "timepoints[1]"),
    ("a date missing", setting(("timepoints", 1, "date"), KeyError), "timepoints[1].date"),
    ("a date that is not ISO", setting(("timepoints", 1, "date"), "01/03/2026"), "timepoints[1].date"),
    ("a date equal to the previous one", setting(("timepoints", 2, "date"), day(60)), "timepoints[2].date"),
    ("a date before the previous one", setting(("timepoints", 2, "date"), day(30)), "timepoints[2].date"),
    ("lesions missing", setting(("timepoints", 0, "lesions"), KeyError), "timepoints[0].lesions"),
    ("lesions not an object", setting(("timepoints", 0, "lesions"), [20]), "timepoints[0].lesions"),
    ("a diameter above 150 mm", setting(("timepoints", 2, "lesions", "L1"), 150.5), "timepoints[2].lesions.L1"),
    ("a negative diameter", setting(("timepoints", 1, "lesions", "L2"), -1), "timepoints[1].lesions.L2"),
    ("a diameter as text", setting(("timepoints", 1, "lesions", "L1"), "12"), "timepoints[1].lesions.L1"),
    ("a diameter as a boolean", setting(("timepoints", 1, "lesions", "L1"), True), "timepoints[1].lesions.L1"),
    ("a diameter of null", setting(("timepoints", 0, "lesions", "L1"), None), "timepoints[0].lesions.L1"),
    (
        "new_lesions missing at a follow-up",
        setting(("timepoints", 1, "new_lesions"), KeyError),
        "timepoints[1].new_lesions",
    ),
    ("new_lesions unknown", setting(("timepoints", 1, "new_lesions"), "maybe"), "timepoints[1].new_lesions"),
    (
        "new_lesions unknown at the baseline",
        setting(("timepoints", 0, "new_lesions"), "yes"),
        "timepoints[0].new_lesions",
    ),
    (
        "non_target missing at the baseline",
        setting(("timepoints", 0, "non_target"), KeyError),
        "timepoints[0].non_target",
    ),
    ("non_target unknown", setting(("timepoints", 1, "non_target"), "stable"), "timepoints[1].non_target"),
    ("steroid_mg missing", setting(("timepoints", 1, "steroid_mg"), KeyError), "timepoints[1].steroid_mg"),
    ("steroid_mg negative", setting(("timepoints", 1, "steroid_mg"), -1), "timepoints[1].steroid_mg"),
    ("steroid_mg infinite", setting(("timepoints", 1, "steroid_mg"), float("inf")), "timepoints[1].steroid_mg"),
    ("steroid_mg as text", setting(("timepoints", 0, "steroid_mg"), "4"), "timepoints[0].steroid_mg"),
    ("clinical missing at a follow-up", setting(("timepoints", 2, "clinical"), KeyError), "timepoints[2].clinical"),
    ("clinical unknown", setting(("timepoints", 2, "clinical"), "better"), "timepoints[2].clinical"),
    ("immunotherapy_start not a date", setting(("immunotherapy_start",), "soon"), "immunotherapy_start"),
    ("immunotherapy_start a number", setting(("immunotherapy_start",), 20260112), "immunotherapy_start"),
    ("excluded_targets not a list", setting(("excluded_targets",), "L1"), "excluded_targets"),
    ("excluded_targets with a number", setting(("excluded_targets",), ["L1", 2]), "excluded_targets[1]"),
    (
        "a lesion not at baseline reported without a new lesion",
        setting(("timepoints", 1, "lesions", "L9"), 6),
        "timepoints[1].lesions.L9",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "field"), INVALID, ids=[r[0] for r in INVALID])
def test_every_invalid_input_names_its_field(name, mutate, field):
    payload = valid()
    mutate(payload)
    with pytest.raises(ClinicalInputError) as raised:
        run(payload)
    assert raised.value.field == field
    assert raised.value.message


LENIENT = [
    # name, mutation
    ("diameters of 0 and 150 mm are allowed", setting(("timepoints", 1, "lesions"), {"L1": 150, "L2": 0})),
    ("the baseline may leave out new_lesions", setting(("timepoints", 0, "new_lesions"), KeyError)),
    ("the baseline may leave out clinical", setting(("timepoints", 0, "clinical"), KeyError)),
    ("a baseline non-target progression is read as present", setting(("timepoints", 0, "non_target"), "progression")),
    (
        "a lesion not at baseline is accepted as the reported new lesion",
        lambda p: p["timepoints"][1].update(lesions={"L1": 15, "L2": 10, "L9": 6}, new_lesions="definite"),
    ),
    ("a lesion not at baseline measuring 0 mm is ignored", setting(("timepoints", 1, "lesions", "L9"), 0)),
    ("unknown keys are ignored", setting(("timepoints", 1, "scan"), "S-17")),
    ("immunotherapy_start may be left out", setting(("immunotherapy_start",), KeyError)),
    ("excluded_targets may be null", setting(("excluded_targets",), None)),
]


@pytest.mark.parametrize(("name", "mutate"), LENIENT, ids=[r[0] for r in LENIENT])
def test_it_accepts_what_is_safe_to_accept(name, mutate):
    payload = valid()
    mutate(payload)
    assert len(run(payload)["assessments"]) == 3


def test_the_typed_api_rejects_a_datetime_as_a_date():
    points = [Timepoint(dt.datetime(2026, 1, 5, 10, 0), {"L1": 20}, "none", "none", 0, "stable")]
    with pytest.raises(ClinicalInputError) as raised:
        assess(points)
    assert raised.value.field == "timepoints[0].date"


def test_the_typed_api_rejects_an_immunotherapy_start_that_is_not_a_date():
    points = [Timepoint(BASE, {"L1": 20}, "none", "none", 0, "stable")]
    with pytest.raises(ClinicalInputError) as raised:
        assess(points, immunotherapy_start="2026-01-12")
    assert raised.value.field == "immunotherapy_start"


# --------------------------------------------------------------------------- typed API and CLI


def test_the_typed_api_gives_the_same_result_as_the_json_contract():
    payload = valid()
    payload["immunotherapy_start"] = ICI
    points = [
        Timepoint(
            dt.date.fromisoformat(p["date"]),
            p["lesions"],
            p["new_lesions"],
            p["non_target"],
            p["steroid_mg"],
            p["clinical"],
        )
        for p in payload["timepoints"]
    ]
    result = assess(points, dt.date(2026, 1, 12), excluded_targets={"L2"})
    payload["excluded_targets"] = ["L2"]
    assert result.to_dict() == run(payload)
    assert result.targets == ("L1",)
    assert isinstance(result.assessments[1], Assessment)
    assert str(result.assessments[1].change_from_baseline_pct) == "-25.0"


def test_every_category_and_flag_produced_is_declared():
    result = rano(
        baseline(), tp("2026-03-01", PD_IMAGING, new="equivocal"), tp("2026-04-01", SD_LESIONS, steroid=2), ici=ICI
    )
    for a in result["assessments"]:
        assert a["category"] in CATEGORIES
        assert set(a["flags"]) <= set(FLAGS)


def test_the_output_has_exactly_the_contract_keys():
    result = rano(baseline(), tp(60, SD_LESIONS))
    assert set(result) == {"assessments", "targets", "best_overall_response"}
    assert set(last(result)) == {
        "date",
        "category",
        "sum_mm",
        "baseline_sum_mm",
        "nadir_sum_mm",
        "change_from_baseline_pct",
        "change_from_nadir_pct",
        "confirmed",
        "pd_date",
        "confirmation_due",
        "flags",
        "reasons",
    }


def test_the_cli_scores_a_series():
    stdout = io.StringIO()
    code = cli.main(["rano"], io.StringIO(json.dumps(valid())), stdout)
    assert code == 0
    assert json.loads(stdout.getvalue())["targets"] == ["L1", "L2"]


def test_the_cli_exits_2_naming_the_field():
    payload = valid()
    payload["timepoints"][2]["lesions"]["L1"] = 200
    stdout = io.StringIO()
    assert cli.main(["rano"], io.StringIO(json.dumps(payload)), stdout) == 2
    assert json.loads(stdout.getvalue())["field"] == "timepoints[2].lesions.L1"


def test_python_m_bmtrack_clinical_rano_runs_without_django():
    code = (
        "import sys, runpy; sys.argv = ['bmtrack.clinical', 'rano']; "
        "import bmtrack.clinical.rano; assert 'django' not in sys.modules; "
        "runpy.run_module('bmtrack.clinical', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(valid()), text=True, capture_output=True, cwd=ROOT, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["assessments"][1]["category"] == "SD"
