"""bmtrack.clinical.workup against schedule.md "Work-up hint" (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.clinical.workup import find_enlargements, lesion_enlarging_in_window, workup_hint

D = dt.date
TREATED = D(2026, 1, 10)
NECROSIS = WatchWindowOut("radiation_necrosis", "T1", D(2026, 1, 10), D(2029, 1, 10))
PSEUDO = WatchWindowOut("pseudoprogression", "T2", D(2026, 2, 1), D(2026, 8, 1))


@pytest.mark.parametrize("kind", ["pseudoprogression", "radiation_necrosis"])
def test_it_suggests_the_work_up_in_the_order_of_the_reference(kind):
    hint = workup_hint(kind)
    assert [s.id for s in hint.suggestions] == ["perfusion_mri", "dwi", "mrs", "amino_acid_pet", "repeat_mri"]
    assert [s.source for s in hint.suggestions] == [
        "seed review, refs 68–72, 48",
        "seed review, ref 73",
        "seed review, ref 74",
        "seed review, refs 10, 75, 76",
        "seed review, refs 8, 66",
    ]
    assert hint.window_kind == kind
    assert hint.source == 'seed review, "Treatment-related effects"'


@pytest.mark.parametrize(
    ("suggestion", "favours_tumour"),
    [
        ("perfusion_mri", "DSC rCBV higher in tumour; DCE Ktrans; ASL CBF higher in tumour"),
        ("dwi", "ADC usually lower in tumour"),
        ("mrs", "Cho/Cr and Cho/NAA higher in tumour"),
        ("amino_acid_pet", "MET uptake higher in progression; FET and FDOPA promising"),
    ],
)
def test_it_says_what_favours_tumour_for_each_suggestion(suggestion, favours_tumour):
    by_id = {s.id: s for s in workup_hint("radiation_necrosis").suggestions}
    assert by_id[suggestion].favours_tumour == favours_tumour


def test_it_explains_the_repeat_mri_course_of_pseudoprogression_and_true_progression():
    repeat = workup_hint("pseudoprogression").suggestions[-1]
    assert "further increase is true progression" in repeat.favours_tumour
    assert "decrease over 3–6 months is pseudoprogression" in repeat.favours_tumour


def test_it_names_irano_confirmation_in_the_pseudoprogression_summary_only():
    assert "iRANO" in workup_hint("pseudoprogression").summary
    assert "iRANO" not in workup_hint("radiation_necrosis").summary
    assert "radiation necrosis" in workup_hint("radiation_necrosis").summary


def test_it_serialises_the_hint():
    data = workup_hint("pseudoprogression").to_dict()
    assert list(data) == ["window_kind", "summary", "suggestions", "source"]
    assert data["suggestions"][0]["what"] == ["dsc", "dce", "asl"]


@pytest.mark.parametrize("kind", ["pseudo", "", None, "postop_mri"])
def test_it_refuses_an_unknown_window_kind_naming_the_field(kind):
    with pytest.raises(ClinicalInputError) as raised:
        workup_hint(kind)
    assert raised.value.field == "window_kind"


@pytest.mark.parametrize(
    ("series", "enlarged_on"),
    [
        ([(D(2026, 1, 5), 10), (D(2026, 3, 10), 15)], D(2026, 3, 10)),
        ([(D(2026, 1, 5), 10), (D(2026, 3, 10), 14.9)], None),
        ([(D(2026, 1, 5), 30), (D(2026, 3, 10), 35)], None),
        ([(D(2026, 1, 5), 30), (D(2026, 3, 10), 36)], D(2026, 3, 10)),
        ([(D(2026, 1, 5), 20), (D(2026, 3, 10), 12), (D(2026, 5, 10), 17)], D(2026, 5, 10)),
        ([(D(2026, 1, 5), 20), (D(2026, 3, 10), 12), (D(2026, 5, 10), 16.9)], None),
        ([(D(2026, 1, 5), 20), (D(2026, 3, 10), 0), (D(2026, 5, 10), 5)], D(2026, 5, 10)),
        ([(D(2025, 10, 1), 5), (D(2026, 1, 5), 20), (D(2026, 3, 10), 22)], None),
        ([(D(2026, 3, 10), 15), (D(2026, 1, 5), 10)], D(2026, 3, 10)),
        ([(D(2026, 1, 5), 12.3), (D(2026, 3, 10), 17.3)], D(2026, 3, 10)),
    ],
    ids=[
        "+5 mm and +50 % from baseline",
        "+4.9 mm is not enough",
        "+5 mm but only +16.7 % is not enough",
        "+6 mm and exactly +20 %",
        "+5 mm from the post-treatment nadir",
        "+4.9 mm from the nadir is not enough",
        "reappearing at 5 mm after disappearing",
        "measurements before the baseline do not count as nadir",
        "measurements in any order",
        "exact decimal arithmetic",
    ],
)
def test_it_calls_an_enlargement_at_20_percent_and_5_mm_above_the_nadir(series, enlarged_on):
    found = find_enlargements(series, TREATED)
    assert (found[0].date if found else None) == enlarged_on


def test_it_reports_the_nadir_behind_an_enlargement():
    series = [(D(2026, 1, 5), 20), (D(2026, 3, 10), 12), (D(2026, 4, 10), 12), (D(2026, 6, 10), 18)]
    (enlargement,) = find_enlargements(series, TREATED)
    assert (enlargement.mm, enlargement.nadir_mm, enlargement.nadir_date) == (18, 12, D(2026, 4, 10))


def test_it_does_not_call_the_baseline_itself_an_enlargement():
    series = [(D(2025, 12, 1), 5), (D(2026, 1, 10), 20)]
    assert find_enlargements(series, TREATED) == []


@pytest.mark.parametrize(
    ("enlarged_on", "windows", "expected"),
    [
        (D(2026, 3, 10), [NECROSIS], NECROSIS),
        (D(2026, 3, 10), [PSEUDO, NECROSIS], PSEUDO),
        (D(2026, 8, 1), [PSEUDO], PSEUDO),
        (D(2026, 8, 2), [PSEUDO], None),
        (D(2026, 8, 2), [PSEUDO, NECROSIS], NECROSIS),
        (D(2026, 3, 10), [], None),
    ],
    ids=[
        "inside the necrosis window",
        "inside both: the first given",
        "on the window's last day",
        "the day after the window",
        "after one window, inside another",
        "no window",
    ],
)
def test_it_returns_the_window_in_which_the_lesion_enlarged(enlarged_on, windows, expected):
    series = [(D(2026, 1, 5), 10), (enlarged_on, 16)]
    assert lesion_enlarging_in_window(series, TREATED, windows) == expected


def test_it_returns_no_window_when_the_lesion_did_not_enlarge():
    series = [(D(2026, 1, 5), 10), (D(2026, 3, 10), 12)]
    assert lesion_enlarging_in_window(series, TREATED, [NECROSIS]) is None


def test_it_looks_past_an_enlargement_outside_every_window():
    window = WatchWindowOut("pseudoprogression", "T2", D(2026, 6, 1), D(2026, 12, 1))
    series = [(D(2026, 1, 5), 10), (D(2026, 3, 10), 16), (D(2026, 7, 10), 22)]
    assert lesion_enlarging_in_window(series, TREATED, [window]) == window


@pytest.mark.parametrize(
    ("series", "treated_on", "windows", "field"),
    [
        ([(D(2026, 1, 5), -1)], TREATED, [], "measurements[0].mm"),
        ([(D(2026, 1, 5), 10), (D(2026, 3, 1), 151)], TREATED, [], "measurements[1].mm"),
        ([(D(2026, 1, 5), "10")], TREATED, [], "measurements[0].mm"),
        ([("2026-01-05", 10)], TREATED, [], "measurements[0].date"),
        ([(D(2026, 1, 5),)], TREATED, [], "measurements[0]"),
        ([], "2026-01-10", [], "treated_on"),
        ([], TREATED, [{"kind": "pseudoprogression"}], "windows[0]"),
    ],
)
def test_it_names_the_field_of_bad_lesion_input(series, treated_on, windows, field):
    with pytest.raises(ClinicalInputError) as raised:
        lesion_enlarging_in_window(series, treated_on, windows)
    assert raised.value.field == field
