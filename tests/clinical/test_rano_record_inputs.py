"""rano-bm.md (corrected and extended): sustained confirmation and best overall response, the
reader's roles and non-measurable lesions, SRS-treated targets and their radiation-necrosis
windows, work-up results, iRANO per immunotherapy course, and the CLI's new inputs. No database;
through ``run`` (the JSON contract of DESIGN.md) and the CLI itself."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from bmtrack.clinical import cli
from bmtrack.clinical.rano import run

BASE = dt.date(2026, 1, 5)


def day(n: int) -> str:
    return (BASE + dt.timedelta(days=n)).isoformat()


def tp(n, lesions, new="none", nt="none", steroid=0, clinical="stable"):
    return {"date": day(n), "lesions": lesions, "new_lesions": new, "non_target": nt,
            "steroid_mg": steroid, "clinical": clinical}


def rano(*timepoints, **inputs):
    return run({"timepoints": list(timepoints), **inputs})


def categories(result):
    return [a["category"] for a in result["assessments"]]


# --------------------------------------------------------------------------- best overall response

BEST = [
    # name, follow-up lesions (day, L1) with baseline L1 = 20, best overall response
    ("CR, PR, CR spanning 28 days is a PR", [(30, 0), (45, 4), (60, 0)], "PR"),
    ("CR, CR 28 days apart is a CR", [(30, 0), (58, 0)], "CR"),
    ("CR, PR, CR spanning less than 28 days is SD", [(30, 0), (40, 4), (50, 0)], "SD"),
    ("PR, SD, PR is not a confirmed PR: SD", [(30, 10), (45, 14.5), (60, 10)], "SD"),
    ("PR, PR 28 days apart is a PR", [(30, 10), (58, 10)], "PR"),
    ("a lone unconfirmed CR is SD", [(30, 0)], "SD"),
]


@pytest.mark.parametrize(("name", "follow_ups", "best"), BEST, ids=[r[0] for r in BEST])
def test_best_overall_response_needs_a_sustained_run(name, follow_ups, best):
    result = rano(tp(0, {"L1": 20}), *(tp(n, {"L1": mm}) for n, mm in follow_ups))
    assert result["best_overall_response"] == best


def test_cr_pr_cr_last_cr_is_unconfirmed_but_the_run_confirms_pr_level():
    result = rano(tp(0, {"L1": 20}), tp(30, {"L1": 0}), tp(45, {"L1": 4}), tp(60, {"L1": 0}))
    assert [a["confirmed"] for a in result["assessments"][1:]] == [False, False, False]


# --------------------------------------------------------------------------- targets

TARGETS = [
    # name, baseline lesions, extra inputs, targets
    ("non-target role keeps the largest out", {"A": 30, "B": 20}, {"lesion_roles": {"A": "non-target"}}, ["B"]),
    ("target role puts a lesion in first",
     {"A": 30, "B": 20, "C": 25, "D": 40, "E": 35, "F": 11},
     {"lesion_roles": {"F": "target"}}, ["F", "D", "E", "A", "C"]),
    ("a lesion marked not measurable is never a target", {"A": 30, "B": 20}, {"non_measurable": ["A"]}, ["B"]),
    ("SRS before baseline keeps a lesion out",
     {"A": 30, "B": 20}, {"srs": [{"date": day(-10), "lesions": ["A"]}]}, ["B"]),
    ("SRS on the baseline day is the treatment assessed: still a target",
     {"A": 30, "B": 20}, {"srs": [{"date": day(0), "lesions": ["A"]}]}, ["A", "B"]),
    ("the reader's target role overrides SRS before baseline",
     {"A": 30, "B": 20}, {"srs": [{"date": day(-10), "lesions": ["A"]}], "lesion_roles": {"A": "target"}},
     ["A", "B"]),
    ("non_measurable ids that are not baseline lesions are ignored", {"A": 30}, {"non_measurable": ["Z"]}, ["A"]),
]


@pytest.mark.parametrize(("name", "lesions", "inputs", "targets"), TARGETS, ids=[r[0] for r in TARGETS])
def test_targets_follow_the_readers_roles(name, lesions, inputs, targets):
    assert rano(tp(0, lesions), **inputs)["targets"] == targets


INVALID_ROLES = [
    ("target on a lesion marked not measurable", {"lesion_roles": {"A": "target"}, "non_measurable": ["A"]},
     "lesion_roles.A"),
    ("target on a lesion below 10 mm", {"lesion_roles": {"C": "target"}}, "lesion_roles.C"),
    ("a role that is not target or non-target", {"lesion_roles": {"A": "main"}}, "lesion_roles.A"),
    ("a role for a lesion not at baseline", {"lesion_roles": {"Z": "target"}}, "lesion_roles.Z"),
    ("lesion_roles not an object", {"lesion_roles": ["A"]}, "lesion_roles"),
    ("non_measurable with a number", {"non_measurable": [1]}, "non_measurable[0]"),
    ("srs without a date", {"srs": [{"lesions": ["A"]}]}, "srs[0].date"),
    ("srs lesions not a list", {"srs": [{"date": day(-3), "lesions": "A"}]}, "srs[0].lesions"),
    ("srs date a date-time", {"srs": [{"date": day(-3) + "T10:00:00Z", "lesions": ["A"]}]}, "srs[0].date"),
    ("workup result unknown", {"workup": [{"date": day(3), "result": "necrosis"}]}, "workup[0].result"),
    ("workup without a date", {"workup": [{"result": "progression"}]}, "workup[0].date"),
    ("immunotherapy_starts not a list", {"immunotherapy_starts": "2026-01-12"}, "immunotherapy_starts"),
    ("immunotherapy_starts with a date-time", {"immunotherapy_starts": ["2026-01-12T09:00:00Z"]},
     "immunotherapy_starts[0]"),
]


@pytest.mark.parametrize(("name", "inputs", "field"), INVALID_ROLES, ids=[r[0] for r in INVALID_ROLES])
def test_bad_new_inputs_exit_2_naming_the_field(name, inputs, field):
    payload = {"timepoints": [tp(0, {"A": 30, "B": 20, "C": 8})], **inputs}
    out = io.StringIO()
    assert cli.main(["rano"], io.StringIO(json.dumps(payload)), out) == 2
    assert json.loads(out.getvalue())["field"] == field


def test_more_than_five_target_roles_is_an_error():
    lesions = {f"L{i}": 20 for i in range(6)}
    payload = {"timepoints": [tp(0, lesions)], "lesion_roles": {k: "target" for k in lesions}}
    out = io.StringIO()
    assert cli.main(["rano"], io.StringIO(json.dumps(payload)), out) == 2
    assert json.loads(out.getvalue())["field"] == "lesion_roles"


# --------------------------------------------------------------------------- radiation necrosis

SRS_L1 = {"srs": [{"date": day(0), "lesions": ["L1"]}]}  # the SRS assessed, right after baseline
GROWN = {"L1": 26, "L2": 10}  # baseline L1 20 + L2 10 = 30 -> 36 (+20 %), L1 +6 mm


def test_growth_of_an_srs_target_inside_its_window_is_unconfirmed_pd():
    result = rano(tp(0, {"L1": 20, "L2": 10}), tp(90, GROWN), **SRS_L1)
    a = result["assessments"][-1]
    assert a["category"] == "unconfirmed PD"
    assert a["flags"] == ["possible_radiation_necrosis"]
    assert a["confirmation_due"] == "2026-07-05"  # 2026-04-05 + 3 months
    assert a["pd_date"] is None


NECROSIS = [
    # name, extra inputs, follow-up overrides, category
    ("growth of an untreated target is PD", {"srs": [{"date": day(0), "lesions": ["L2"]}]}, {}, "PD"),
    ("window start is exclusive: SRS end on the scan's day is outside",
     {"srs": [{"date": day(90), "lesions": ["L1"]}]}, {}, "PD"),
    ("window end is inclusive: 36 months after the SRS end",
     {"srs": [{"date": "2023-04-05", "lesions": ["L1"]}], "lesion_roles": {"L1": "target"}}, {}, "unconfirmed PD"),
    ("a day after 36 months is outside",
     {"srs": [{"date": "2023-04-04", "lesions": ["L1"]}], "lesion_roles": {"L1": "target"}}, {}, "PD"),
    ("clinically worse is PD at once", SRS_L1, {"clinical": "worse"}, "PD"),
    ("non-target progression is PD at once", SRS_L1, {"nt": "progression"}, "PD"),
    ("a definite new lesion off immunotherapy is PD", SRS_L1, {"new": "definite"}, "PD"),
]


@pytest.mark.parametrize(("name", "inputs", "overrides", "category"), NECROSIS, ids=[r[0] for r in NECROSIS])
def test_the_radiation_necrosis_window_rule(name, inputs, overrides, category):
    lesions = dict(GROWN)
    if overrides.get("new") == "definite":
        lesions["L9"] = 6
    result = rano(tp(0, {"L1": 20, "L2": 10}), tp(90, lesions, **overrides), **inputs)
    assert result["assessments"][-1]["category"] == category


def test_growth_of_a_treated_and_an_untreated_target_is_pd():
    result = rano(tp(0, {"L1": 20, "L2": 20}), tp(90, {"L1": 26, "L2": 26}), **SRS_L1)
    assert result["assessments"][-1]["category"] == "PD"


def test_necrosis_resolved_by_later_scans_like_irano():
    base = tp(0, {"L1": 20, "L2": 10})
    # rule 1: 5 mm more than at the unconfirmed PD -> PD dated back
    confirmed = rano(base, tp(90, GROWN), tp(180, {"L1": 31, "L2": 10}), **SRS_L1)
    assert categories(confirmed)[1:] == ["unconfirmed PD", "PD"]
    assert confirmed["assessments"][-1]["pd_date"] == day(90)
    # rule 2: back under the PD rule -> scored normally, flag treatment_effect
    shrunk = rano(base, tp(90, GROWN), tp(180, {"L1": 20, "L2": 10}), **SRS_L1)
    assert categories(shrunk)[1:] == ["unconfirmed PD", "SD"]
    assert shrunk["assessments"][-1]["flags"] == ["treatment_effect"]
    # rule 3: still unconfirmed, flag kept
    still = rano(base, tp(90, GROWN), tp(120, {"L1": 27, "L2": 10}), **SRS_L1)
    assert categories(still)[1:] == ["unconfirmed PD", "unconfirmed PD"]
    assert still["assessments"][-1]["flags"] == ["possible_radiation_necrosis"]


def test_a_workup_showing_progression_makes_the_next_scan_pd_dated_back():
    result = rano(tp(0, {"L1": 20, "L2": 10}), tp(90, GROWN), tp(120, GROWN),
                  workup=[{"date": day(100), "result": "progression"}], **SRS_L1)
    assert categories(result)[1:] == ["unconfirmed PD", "PD"]
    assert result["assessments"][-1]["pd_date"] == day(90)


def test_a_workup_showing_treatment_effect_makes_the_size_the_new_floor():
    result = rano(tp(0, {"L1": 20, "L2": 10}), tp(90, GROWN), tp(120, {"L1": 28, "L2": 10}),
                  tp(150, {"L1": 29, "L2": 10}), tp(180, {"L1": 36, "L2": 10}),
                  workup=[{"date": day(100), "result": "treatment_effect"}], **SRS_L1)
    a = result["assessments"]
    assert categories(result)[1:] == ["unconfirmed PD", "SD", "SD", "unconfirmed PD"]
    assert a[2]["flags"] == ["treatment_effect"]
    assert a[2]["nadir_sum_mm"] == 38  # its own size is the reference
    assert a[3]["nadir_sum_mm"] == 38
    # 46 is +21 % of 38 and L1 grew 8 mm against the floor scan: still in the window.
    assert a[4]["flags"] == ["possible_radiation_necrosis"]


def test_a_workup_on_the_day_of_the_growth_decides_at_once():
    result = rano(tp(0, {"L1": 20, "L2": 10}), tp(90, GROWN),
                  workup=[{"date": day(90), "result": "progression"}], **SRS_L1)
    assert result["assessments"][-1]["category"] == "PD"
    assert result["assessments"][-1]["pd_date"] == day(90)


def test_a_workup_with_nothing_to_resolve_changes_nothing():
    with_workup = rano(tp(0, {"L1": 20}), tp(60, {"L1": 12}), workup=[{"date": day(30), "result": "progression"}])
    assert categories(with_workup)[1:] == ["PR"]


# --------------------------------------------------------------------------- iRANO per course

def test_a_later_course_does_not_erase_an_earlier_courses_window():
    # Courses started day 7 and day 120; the scan at day 90 is inside the first course's window.
    result = rano(tp(0, {"L1": 20}), tp(90, {"L1": 26}),
                  immunotherapy_starts=[day(7), day(120)])
    assert result["assessments"][-1]["category"] == "unconfirmed PD"


def test_each_timepoint_is_judged_against_the_latest_course_on_or_before_it():
    # First course long ago (window over): PD; a new course then opens a new window.
    result = rano(tp(0, {"L1": 20}), tp(30, {"L1": 26}), tp(60, {"L1": 20}), tp(120, {"L1": 32}),
                  immunotherapy_starts=["2024-01-01", day(40)])
    assert categories(result)[1:] == ["PD", "SD", "unconfirmed PD"]


def test_immunotherapy_start_is_a_one_element_list():
    one = rano(tp(0, {"L1": 20}), tp(90, {"L1": 26}), immunotherapy_start=day(7))
    many = rano(tp(0, {"L1": 20}), tp(90, {"L1": 26}), immunotherapy_starts=[day(7)])
    assert one == many


# --------------------------------------------------------------------------- CLI strictness

NON_FINITE = [
    ("rano", '{"timepoints": [{"date": "2026-01-05", "lesions": {"L1": NaN}, "non_target": "none", '
             '"steroid_mg": 0}]}', "timepoints[0].lesions.L1"),
    ("rano", '{"timepoints": [{"date": "2026-01-05", "lesions": {"L1": 10}, "non_target": "none", '
             '"steroid_mg": 1e400}]}', "timepoints[0].steroid_mg"),
    ("rano", '{"timepoints": [{"date": "2026-01-05T10:00:00", "lesions": {"L1": 10}, "non_target": "none", '
             '"steroid_mg": 0}]}', "timepoints[0].date"),
    ("gpa", '{"variant": "gpa-2008", "factors": {"age": NaN, "kps": 90, "extracranial_metastases": false, '
            '"brain_metastases": 1}}', "factors.age"),
    ("gpa", '{"variant": "gpa-2008", "factors": {"age": 60, "kps": 1e400, "extracranial_metastases": false, '
            '"brain_metastases": 1}}', "factors.kps"),
    ("gpa", '{"variant": "gpa-2008", "factors": {"age": 60, "kps": 90, "extracranial_metastases": false, '
            '"brain_metastases": Infinity}}', "factors.brain_metastases"),
    ("gpa", '{"variant": "gpa-2008", "factors": {"age": -Infinity, "kps": 90, "extracranial_metastases": false, '
            '"brain_metastases": 2}}', "factors.age"),
]


@pytest.mark.parametrize(("command", "text", "field"), NON_FINITE, ids=[r[2] + " " + r[1][-30:] for r in NON_FINITE])
def test_non_finite_numbers_and_date_times_exit_2_naming_the_field(command, text, field):
    out = io.StringIO()
    assert cli.main([command], io.StringIO(text), out) == 2
    assert json.loads(out.getvalue())["field"] == field
