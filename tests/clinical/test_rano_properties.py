"""Properties of bmtrack.clinical.rano over generated series (hypothesis; no database).

rano-bm.md: "A timepoint's category depends only on the data up to it", and the thresholds of the
summary table (Lin 2015) hold for every series, not only for the hand-picked ones of test_rano.py.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bmtrack.clinical.dates import add_months
from bmtrack.clinical.rano import CATEGORIES, FLAGS, Timepoint, assess, run

IDS = ("L1", "L2", "L3", "L4", "L5", "L6", "L7")
START = dt.date(2026, 1, 5)

diameters = st.one_of(
    st.integers(0, 40),
    st.sampled_from([0.5, 4.9, 5.1, 9.9, 10.0, 12.5, 19.9, 20.1, 35.1]),
)
new_lesions = st.sampled_from(["none"] * 6 + ["equivocal", "definite"])
non_target = st.sampled_from(["none", "none", "present", "present", "progression"])
clinical = st.sampled_from(["stable", "stable", "stable", "improved", "worse"])
steroids = st.sampled_from([0, 0, 2, 4, 8])


@st.composite
def series(draw):
    """(timepoints, immunotherapy_start, excluded_targets): a valid input of random shape."""
    n_lesions = draw(st.integers(0, len(IDS)))
    base_lesions = {lesion_id: draw(diameters) for lesion_id in IDS[:n_lesions]}
    day = START
    timepoints = []
    for i in range(draw(st.integers(1, 7))):
        # after the baseline, about one lesion in ten is left unmeasured
        lesions = base_lesions if i == 0 else {k: draw(diameters) for k in base_lesions if draw(st.integers(0, 9))}
        timepoints.append(Timepoint(day, lesions, draw(new_lesions), draw(non_target), draw(steroids), draw(clinical)))
        day += dt.timedelta(days=draw(st.integers(1, 120)))
    offset = draw(st.none() | st.integers(-60, 400))
    ici = None if offset is None else START + dt.timedelta(days=offset)
    excluded = frozenset(draw(st.sets(st.sampled_from(IDS[:3]))))
    return timepoints, ici, excluded


@settings(max_examples=400, deadline=None)
@given(series())
def test_a_timepoint_is_scored_from_the_data_up_to_it_only(case):
    timepoints, ici, excluded = case
    full = assess(timepoints, ici, excluded)
    for k in range(1, len(timepoints)):
        prefix = assess(timepoints[:k], ici, excluded)
        assert prefix.assessments == full.assessments[:k]
        assert prefix.targets == full.targets


@settings(max_examples=400, deadline=None)
@given(series())
def test_there_is_one_assessment_per_timepoint_and_the_first_is_the_baseline(case):
    timepoints, ici, excluded = case
    result = assess(timepoints, ici, excluded)
    assert [a.date for a in result.assessments] == [tp.date for tp in timepoints]
    assert [a.category == "baseline" for a in result.assessments] == [i == 0 for i in range(len(timepoints))]
    assert all(a.category in CATEGORIES for a in result.assessments)
    assert all(set(a.flags) <= set(FLAGS) for a in result.assessments)


@settings(max_examples=400, deadline=None)
@given(series())
def test_the_summary_table_holds_at_every_timepoint(case):
    timepoints, ici, excluded = case
    result = assess(timepoints, ici, excluded)
    base_steroid = Decimal(str(timepoints[0].steroid_mg))
    assert len(result.targets) <= 5
    assert all(timepoints[0].lesions[t] >= 10 and t not in excluded for t in result.targets)
    for tp, a in zip(timepoints[1:], result.assessments[1:], strict=True):
        steroid = Decimal(str(tp.steroid_mg))
        if a.category == "PR":  # never above baseline x 0.7
            assert 10 * a.sum_mm <= 7 * a.baseline_sum_mm
        if a.category == "CR":
            assert a.sum_mm in (None, 0)
            assert steroid == 0 and tp.new_lesions == "none" and tp.non_target == "none"
            assert tp.clinical != "worse"
        if a.category in ("CR", "PR"):
            assert steroid <= base_steroid and a.confirmed is not None
        else:
            assert a.confirmed is None
        if tp.clinical == "worse":  # clinical deterioration is PD, on immunotherapy too
            assert a.category == "PD"
        if tp.non_target == "progression" and ici is None:
            assert a.category == "PD"
        if a.category == "PD":
            assert a.pd_date is not None and a.pd_date <= a.date
        else:
            assert a.pd_date is None
        if a.confirmation_due is not None:
            assert a.category in ("unconfirmed PD", "NE") and a.confirmation_due > a.date
        if ici is None or tp.date < ici:
            assert a.category != "unconfirmed PD" and "pseudoprogression" not in a.flags
        if not result.targets:
            assert a.category in ("CR", "non-CR/non-PD", "PD", "unconfirmed PD")
            assert a.sum_mm is None
        if a.category == "NE":
            assert "missing_target" in a.flags and a.sum_mm is None


@settings(max_examples=400, deadline=None)
@given(series())
def test_an_unconfirmed_pd_starts_within_6_months_of_immunotherapy_and_ends_in_pd_or_pseudoprogression(case):
    timepoints, ici, excluded = case
    result = assess(timepoints, ici, excluded)
    pending = False
    for a in result.assessments[1:]:
        if a.category == "unconfirmed PD" and not pending:
            assert ici <= a.date <= add_months(ici, 6)
        if "pseudoprogression" in a.flags:
            assert pending and a.category not in ("PD", "unconfirmed PD", "NE")
        if pending and a.category not in ("unconfirmed PD", "NE"):
            pending = False
        else:
            pending = pending or a.category == "unconfirmed PD"


@settings(max_examples=200, deadline=None)
@given(series())
def test_the_best_overall_response_is_a_category_seen_before_the_first_pd(case):
    timepoints, ici, excluded = case
    result = assess(timepoints, ici, excluded)
    follow_ups = result.assessments[1:]
    if not follow_ups:
        assert result.best_overall_response is None
        return
    assert result.best_overall_response in CATEGORIES[1:]
    first_pd = next((i for i, a in enumerate(follow_ups) if a.category == "PD"), len(follow_ups))
    seen = {a.category for a in follow_ups[: first_pd + 1]} | {"SD", "non-CR/non-PD"}
    assert result.best_overall_response in seen


@settings(max_examples=200, deadline=None)
@given(series())
def test_the_json_contract_gives_the_typed_result_as_plain_json(case):
    timepoints, ici, excluded = case
    payload = {
        "timepoints": [
            {
                "date": tp.date.isoformat(),
                "lesions": tp.lesions,
                "new_lesions": tp.new_lesions,
                "non_target": tp.non_target,
                "steroid_mg": tp.steroid_mg,
                "clinical": tp.clinical,
            }
            for tp in timepoints
        ],
        "immunotherapy_start": None if ici is None else ici.isoformat(),
        "excluded_targets": sorted(excluded),
    }
    result = run(payload)
    assert json.loads(json.dumps(result)) == result
    assert result == assess(timepoints, ici, excluded).to_dict()
