"""GPA (shared/clinical/gpa.md): every variant, every named boundary, every error path. No database."""

from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from bmtrack.clinical import gpa
from bmtrack.clinical.errors import ClinicalInputError

ALL_VARIANTS = (
    "gpa-2008",
    "nsclc-2012",
    "melanoma-2012",
    "renal-2012",
    "gi-2012",
    "breast-2012",
    "nsclc-adeno-2017",
    "nsclc-nonadeno-2017",
    "nsclc-adeno-2022",
    "nsclc-nonadeno-2022",
    "sclc-2022",
    "breast-2020",
    "melanoma-2017",
    "renal-2018",
    "gi-2019",
)

# Every factor at a value that scores the maximum in every variant, and at one that scores 0.
BEST = {
    "age": 18,
    "kps": 100,
    "extracranial_metastases": False,
    "brain_metastases": 1,
    "egfr_alk": "positive",
    "pd_l1_pct": 100,
    "braf": "positive",
    "subtype": "luminal_b",
    "haemoglobin_g_dl": 14.0,
}
WORST = {
    "age": 120,
    "kps": 0,
    "extracranial_metastases": True,
    "brain_metastases": 60,
    "egfr_alk": "negative",
    "pd_l1_pct": 0,
    "braf": "negative",
    "subtype": "basal",
    "haemoglobin_g_dl": 8.0,
}


def with_factor(name, value, base=BEST):
    return {**base, name: value}


# --------------------------------------------------------------------------------------------------
# Worked examples of gpa.md
# --------------------------------------------------------------------------------------------------

WORKED_EXAMPLES = [
    (
        "nsclc-adeno-2017",
        {
            "age": 62,
            "kps": 90,
            "extracranial_metastases": False,
            "brain_metastases": 2,
            "egfr_alk": "positive",
        },
        4.0,
        "3.5-4.0",
        46.8,
    ),
    (
        "breast-2020",
        {"age": 52, "kps": 80, "subtype": "her2", "brain_metastases": 3, "extracranial_metastases": True},
        2.5,
        "2.5-3.0",
        23.5,
    ),
    (
        "renal-2018",
        {"kps": 100, "extracranial_metastases": False, "brain_metastases": 6, "haemoglobin_g_dl": 13.0},
        3.5,
        "3.5-4.0",
        35,
    ),
]


@pytest.mark.parametrize(("variant", "factors", "score", "band", "median"), WORKED_EXAMPLES)
def test_worked_examples_of_the_reference_give_their_score_band_and_median(variant, factors, score, band, median):
    result = gpa.score(variant, factors).to_dict()
    assert (result["score"], result["band"], result["median_survival_months"]) == (score, band, median)


def test_breast_2020_worked_example_adds_up_point_by_point():
    factors = {
        "age": 52,
        "kps": 80,
        "subtype": "her2",
        "brain_metastases": 3,
        "extracranial_metastases": True,
    }
    assert gpa.score("breast-2020", factors).to_dict()["points"] == {
        "kps": 0.5,
        "subtype": 1.5,
        "age": 0.5,
        "brain_metastases": 0,
        "extracranial_metastases": 0,
    }


# --------------------------------------------------------------------------------------------------
# Points per factor, every boundary of every table: (variant, factor, value, points)
# --------------------------------------------------------------------------------------------------

FACTOR_POINTS = [
    # gpa-2008: age < 50: 1.0; 50–59: 0.5; ≥ 60: 0
    ("gpa-2008", "age", 49, 1.0),
    ("gpa-2008", "age", 50, 0.5),
    ("gpa-2008", "age", 59, 0.5),
    ("gpa-2008", "age", 60, 0),
    ("gpa-2008", "kps", 60, 0),
    ("gpa-2008", "kps", 70, 0.5),
    ("gpa-2008", "kps", 80, 0.5),
    ("gpa-2008", "kps", 90, 1.0),
    ("gpa-2008", "kps", 100, 1.0),
    ("gpa-2008", "extracranial_metastases", True, 0),
    ("gpa-2008", "extracranial_metastases", False, 1.0),
    ("gpa-2008", "brain_metastases", 1, 1.0),
    ("gpa-2008", "brain_metastases", 2, 0.5),
    ("gpa-2008", "brain_metastases", 3, 0.5),
    ("gpa-2008", "brain_metastases", 4, 0),
    # nsclc-2012: age > 60: 0; 50–60: 0.5; < 50: 1.0
    ("nsclc-2012", "age", 49, 1.0),
    ("nsclc-2012", "age", 50, 0.5),
    ("nsclc-2012", "age", 60, 0.5),
    ("nsclc-2012", "age", 61, 0),
    ("nsclc-2012", "kps", 60, 0),
    ("nsclc-2012", "kps", 70, 0.5),
    ("nsclc-2012", "kps", 80, 0.5),
    ("nsclc-2012", "kps", 90, 1.0),
    ("nsclc-2012", "extracranial_metastases", True, 0),
    ("nsclc-2012", "extracranial_metastases", False, 1.0),
    ("nsclc-2012", "brain_metastases", 1, 1.0),
    ("nsclc-2012", "brain_metastases", 3, 0.5),
    ("nsclc-2012", "brain_metastases", 4, 0),
    # melanoma-2012 and renal-2012: KPS < 70: 0, 70–80: 1.0, 90–100: 2.0; BM > 3: 0, 2–3: 1.0, 1: 2.0
    *[
        (variant, factor, value, points)
        for variant in ("melanoma-2012", "renal-2012")
        for factor, value, points in (
            ("kps", 60, 0),
            ("kps", 70, 1.0),
            ("kps", 80, 1.0),
            ("kps", 90, 2.0),
            ("kps", 100, 2.0),
            ("brain_metastases", 1, 2.0),
            ("brain_metastases", 2, 1.0),
            ("brain_metastases", 3, 1.0),
            ("brain_metastases", 4, 0),
        )
    ],
    # gi-2012: KPS only: < 70: 0, 70: 1, 80: 2, 90: 3, 100: 4
    ("gi-2012", "kps", 0, 0),
    ("gi-2012", "kps", 60, 0),
    ("gi-2012", "kps", 70, 1),
    ("gi-2012", "kps", 80, 2),
    ("gi-2012", "kps", 90, 3),
    ("gi-2012", "kps", 100, 4),
    # breast-2012: KPS ≤ 50: 0; 60: 0.5; 70–80: 1.0; 90–100: 1.5
    ("breast-2012", "kps", 50, 0),
    ("breast-2012", "kps", 60, 0.5),
    ("breast-2012", "kps", 70, 1.0),
    ("breast-2012", "kps", 80, 1.0),
    ("breast-2012", "kps", 90, 1.5),
    ("breast-2012", "subtype", "basal", 0),
    ("breast-2012", "subtype", "luminal_a", 1.0),
    ("breast-2012", "subtype", "her2", 1.5),
    ("breast-2012", "subtype", "luminal_b", 2.0),
    ("breast-2012", "age", 59, 0.5),
    ("breast-2012", "age", 60, 0),
    # Lung-molGPA 2017 (adeno and non-adeno share every row but the gene)
    *[
        (variant, factor, value, points)
        for variant in ("nsclc-adeno-2017", "nsclc-nonadeno-2017")
        for factor, value, points in (
            ("age", 69, 0.5),
            ("age", 70, 0),
            ("kps", 60, 0),
            ("kps", 70, 0),
            ("kps", 80, 0.5),
            ("kps", 90, 1.0),
            ("extracranial_metastases", True, 0),
            ("extracranial_metastases", False, 1.0),
            ("brain_metastases", 1, 0.5),
            ("brain_metastases", 4, 0.5),
            ("brain_metastases", 5, 0),
        )
    ],
    ("nsclc-adeno-2017", "egfr_alk", "positive", 1.0),
    ("nsclc-adeno-2017", "egfr_alk", "negative", 0),
    ("nsclc-adeno-2017", "egfr_alk", "unknown", 0),
    # nsclc-adeno-2022
    ("nsclc-adeno-2022", "kps", 70, 0),
    ("nsclc-adeno-2022", "kps", 80, 0.5),
    ("nsclc-adeno-2022", "kps", 90, 1.0),
    ("nsclc-adeno-2022", "age", 69, 0.5),
    ("nsclc-adeno-2022", "age", 70, 0),
    ("nsclc-adeno-2022", "extracranial_metastases", True, 0),
    ("nsclc-adeno-2022", "extracranial_metastases", False, 1.0),
    ("nsclc-adeno-2022", "brain_metastases", 4, 0.5),
    ("nsclc-adeno-2022", "brain_metastases", 5, 0),
    ("nsclc-adeno-2022", "egfr_alk", "positive", 0.5),
    ("nsclc-adeno-2022", "egfr_alk", "negative", 0),
    ("nsclc-adeno-2022", "egfr_alk", "unknown", 0),
    ("nsclc-adeno-2022", "pd_l1_pct", 0, 0),
    ("nsclc-adeno-2022", "pd_l1_pct", 0.5, 0),
    ("nsclc-adeno-2022", "pd_l1_pct", 1, 0.5),
    ("nsclc-adeno-2022", "pd_l1_pct", 100, 0.5),
    ("nsclc-adeno-2022", "pd_l1_pct", None, 0),
    # nsclc-nonadeno-2022: KPS ≤ 60: 0; 70: 1.0; 80: 1.5; 90–100: 2.0
    ("nsclc-nonadeno-2022", "kps", 60, 0),
    ("nsclc-nonadeno-2022", "kps", 70, 1.0),
    ("nsclc-nonadeno-2022", "kps", 80, 1.5),
    ("nsclc-nonadeno-2022", "kps", 90, 2.0),
    ("nsclc-nonadeno-2022", "age", 69, 0.5),
    ("nsclc-nonadeno-2022", "age", 70, 0),
    ("nsclc-nonadeno-2022", "extracranial_metastases", False, 1.0),
    ("nsclc-nonadeno-2022", "brain_metastases", 4, 0.5),
    ("nsclc-nonadeno-2022", "brain_metastases", 5, 0),
    # sclc-2022
    ("sclc-2022", "kps", 60, 0),
    ("sclc-2022", "kps", 70, 0.5),
    ("sclc-2022", "kps", 80, 1.0),
    ("sclc-2022", "kps", 90, 1.5),
    ("sclc-2022", "kps", 100, 2.0),
    ("sclc-2022", "age", 74, 0.5),
    ("sclc-2022", "age", 75, 0),
    ("sclc-2022", "extracranial_metastases", True, 0),
    ("sclc-2022", "extracranial_metastases", False, 0.5),
    ("sclc-2022", "brain_metastases", 3, 1.0),
    ("sclc-2022", "brain_metastases", 4, 0.5),
    ("sclc-2022", "brain_metastases", 7, 0.5),
    ("sclc-2022", "brain_metastases", 8, 0),
    # breast-2020
    ("breast-2020", "kps", 60, 0),
    ("breast-2020", "kps", 70, 0.5),
    ("breast-2020", "kps", 80, 0.5),
    ("breast-2020", "kps", 90, 1.0),
    ("breast-2020", "subtype", "basal", 0),
    ("breast-2020", "subtype", "luminal_a", 0.5),
    ("breast-2020", "subtype", "her2", 1.5),
    ("breast-2020", "subtype", "luminal_b", 1.5),
    ("breast-2020", "age", 59, 0.5),
    ("breast-2020", "age", 60, 0),
    ("breast-2020", "brain_metastases", 1, 0.5),
    ("breast-2020", "brain_metastases", 2, 0),
    ("breast-2020", "extracranial_metastases", True, 0),
    ("breast-2020", "extracranial_metastases", False, 0.5),
    # melanoma-2017
    ("melanoma-2017", "age", 69, 0.5),
    ("melanoma-2017", "age", 70, 0),
    ("melanoma-2017", "kps", 70, 0),
    ("melanoma-2017", "kps", 80, 0.5),
    ("melanoma-2017", "kps", 90, 1.0),
    ("melanoma-2017", "extracranial_metastases", False, 1.0),
    ("melanoma-2017", "brain_metastases", 1, 1.0),
    ("melanoma-2017", "brain_metastases", 2, 0.5),
    ("melanoma-2017", "brain_metastases", 4, 0.5),
    ("melanoma-2017", "brain_metastases", 5, 0),
    ("melanoma-2017", "braf", "positive", 0.5),
    ("melanoma-2017", "braf", "negative", 0),
    ("melanoma-2017", "braf", "unknown", 0),
    # renal-2018: haemoglobin ≤ 11.1: 0; 11.2–12.5 or unknown: 0.5; ≥ 12.6: 1.0 (rounded to 0.1 first)
    ("renal-2018", "kps", 70, 0),
    ("renal-2018", "kps", 80, 1.0),
    ("renal-2018", "kps", 90, 2.0),
    ("renal-2018", "extracranial_metastases", True, 0),
    ("renal-2018", "extracranial_metastases", False, 0.5),
    ("renal-2018", "haemoglobin_g_dl", 11.1, 0),
    ("renal-2018", "haemoglobin_g_dl", 11.2, 0.5),
    ("renal-2018", "haemoglobin_g_dl", 12.5, 0.5),
    ("renal-2018", "haemoglobin_g_dl", 12.6, 1.0),
    ("renal-2018", "haemoglobin_g_dl", 11.15, 0.5),
    ("renal-2018", "haemoglobin_g_dl", 11.149, 0),
    ("renal-2018", "haemoglobin_g_dl", 12.55, 1.0),
    ("renal-2018", "haemoglobin_g_dl", 12.549, 0.5),
    ("renal-2018", "haemoglobin_g_dl", 11, 0),
    ("renal-2018", "haemoglobin_g_dl", None, 0.5),
    ("renal-2018", "brain_metastases", 4, 0.5),
    ("renal-2018", "brain_metastases", 5, 0),
    # gi-2019
    ("gi-2019", "kps", 70, 0),
    ("gi-2019", "kps", 80, 1.0),
    ("gi-2019", "kps", 90, 2.0),
    ("gi-2019", "age", 59, 0.5),
    ("gi-2019", "age", 60, 0),
    ("gi-2019", "extracranial_metastases", True, 0),
    ("gi-2019", "extracranial_metastases", False, 0.5),
    ("gi-2019", "brain_metastases", 1, 1.0),
    ("gi-2019", "brain_metastases", 2, 0.5),
    ("gi-2019", "brain_metastases", 3, 0.5),
    ("gi-2019", "brain_metastases", 4, 0),
]


@pytest.mark.parametrize(
    ("variant", "factor", "value", "points"),
    FACTOR_POINTS,
    ids=[f"{v}-{f}-{x}" for v, f, x, _ in FACTOR_POINTS],
)
def test_each_factor_value_scores_the_points_of_its_table_row(variant, factor, value, points):
    result = gpa.score(variant, with_factor(factor, value))
    assert result.to_dict()["points"][factor] == points


def test_every_factor_of_every_variant_has_its_boundaries_tested():
    tested = {(variant, factor) for variant, factor, _, _ in FACTOR_POINTS}
    used = {(variant, factor) for variant in ALL_VARIANTS for factor in gpa.factors_for(variant)}
    assert used <= tested


def test_kps_70_scores_zero_in_lung_molgpa_and_80_scores_half():
    assert gpa.score("nsclc-adeno-2017", with_factor("kps", 70)).points["kps"] == 0
    assert gpa.score("nsclc-adeno-2017", with_factor("kps", 80)).points["kps"] == Decimal("0.5")


def test_age_60_scores_half_in_nsclc_2012_but_zero_in_gpa_2008():
    assert gpa.score("nsclc-2012", with_factor("age", 60)).points["age"] == Decimal("0.5")
    assert gpa.score("gpa-2008", with_factor("age", 60)).points["age"] == 0


def test_haemoglobin_11_15_rounds_half_up_to_11_2_and_is_stored_as_used():
    result = gpa.score("renal-2018", with_factor("haemoglobin_g_dl", 11.15)).to_dict()
    assert result["inputs"]["haemoglobin_g_dl"] == 11.2
    assert result["points"]["haemoglobin_g_dl"] == 0.5


def test_unknown_haemoglobin_scores_half_in_renal_2018_unlike_unknown_markers():
    assert gpa.score("renal-2018", with_factor("haemoglobin_g_dl", None)).points["haemoglobin_g_dl"] == Decimal("0.5")
    assert gpa.score("melanoma-2017", with_factor("braf", "unknown")).points["braf"] == 0
    assert gpa.score("nsclc-adeno-2022", with_factor("pd_l1_pct", None)).points["pd_l1_pct"] == 0


# --------------------------------------------------------------------------------------------------
# Bands and medians, as printed in gpa.md: (label, median, iqr)
# --------------------------------------------------------------------------------------------------

STANDARD = ("0-1.0", "1.5-2.0", "2.5-3.0", "3.5-4.0")


def standard(*rows):
    return [(label, median, iqr) for label, (median, iqr) in zip(STANDARD, rows, strict=False)]


BANDS = {
    "gpa-2008": [("0-1.0", 2.6, None), ("1.5-2.5", 3.8, None), ("3.0", 6.9, None), ("3.5-4.0", 11.0, None)],
    "nsclc-2012": standard((3.0, (1.6, 8.9)), (5.5, (2.2, 14.3)), (9.4, (4.1, 20.6)), (14.8, (7.4, 28.5))),
    "melanoma-2012": standard((3.4, (1.6, 6.0)), (4.7, (2.5, 11.0)), (8.8, (4.6, 14.6)), (13.2, (7.1, 25.8))),
    "renal-2012": standard((3.3, (1.3, 7.5)), (7.3, (2.9, 15.8)), (11.3, (5.0, 18.9)), (14.8, (6.6, 32.2))),
    "gi-2012": [
        ("0-1", 3.1, (1.8, 6.2)),
        ("2", 4.4, (2.4, 10.4)),
        ("3", 6.9, (4.1, 15.2)),
        ("4", 13.5, (9.9, 27.1)),
    ],
    "breast-2012": standard((3.4, (1.4, 7.3)), (7.7, (3.0, 15.2)), (15.1, (5.9, 27.4)), (25.3, (12.8, 45.8))),
    "nsclc-adeno-2017": standard((6.9, (2.6, 15.3)), (13.7, (5.5, 24.6)), (26.5, (10.7, 53.8)), (46.8, (25.8, None))),
    "nsclc-nonadeno-2017": standard((5.3, (1.9, 11.1)), (9.8, (3.9, 20.3)), (12.8, (7.0, 30.1))),
    "nsclc-adeno-2022": standard((6, (2, 13)), (15, (5, 38)), (30, (12, None)), (52, (25, 69))),
    "nsclc-nonadeno-2022": standard((2, (1, 4)), (5, (3, 12)), (10, (4, 21)), (19, (8, 33))),
    "sclc-2022": standard((4, (2, 8)), (8, (4, 15)), (13, (7, 23)), (23, (11, None))),
    "breast-2020": standard((6.0, (2.5, 12.3)), (12.9, (5.6, 27)), (23.5, (11.1, 47)), (36.3, (18.5, 78.1))),
    "melanoma-2017": standard((4.9, (2.3, 10.7)), (8.3, (3.9, 18.2)), (15.8, (8.2, 49.3)), (34.1, (15.1, None))),
    "renal-2018": standard((4, (2, 8)), (12, (5, 24)), (17, (8, 36)), (35, (13, 61))),
    "gi-2019": standard((3.4, (1.6, 8.3)), (6.5, (2.7, 16.9)), (10.8, (4.2, 21.4)), (17, (8.8, 29.7))),
}


@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_band_labels_and_medians_are_those_of_the_reference(variant):
    bands = [(b.label, b.median_months, b.iqr_months) for b in gpa.GPA_VARIANTS[variant].bands]
    assert bands == BANDS[variant]


@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_worst_factors_score_zero_in_the_lowest_band(variant):
    result = gpa.score(variant, WORST).to_dict()
    label, median, iqr = BANDS[variant][0]
    assert (result["score"], result["band"], result["median_survival_months"]) == (0, label, median)
    assert result["iqr_months"] == (list(iqr) if iqr else None)


@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_best_factors_score_the_maximum_in_the_highest_band(variant):
    result = gpa.score(variant, BEST).to_dict()
    label, median, _ = BANDS[variant][-1]
    expected_max = 3.0 if variant == "nsclc-nonadeno-2017" else 4.0
    assert (result["score"], result["band"], result["median_survival_months"]) == (
        expected_max,
        label,
        median,
    )


GPA_2008_BANDS = [  # (age, kps, extracranial, bm) -> score, band: every total of the non-standard bands
    ((60, 60, True, 4), 0, "0-1.0"),
    ((60, 60, False, 4), 1.0, "0-1.0"),
    ((55, 60, False, 4), 1.5, "1.5-2.5"),
    ((55, 70, False, 3), 2.5, "1.5-2.5"),
    ((40, 70, False, 3), 3.0, "3.0"),
    ((40, 90, False, 3), 3.5, "3.5-4.0"),
]


@pytest.mark.parametrize(("values", "score", "band"), GPA_2008_BANDS)
def test_gpa_2008_uses_its_own_bands_with_3_0_alone(values, score, band):
    factors = dict(zip(("age", "kps", "extracranial_metastases", "brain_metastases"), values, strict=True))
    result = gpa.score("gpa-2008", factors).to_dict()
    assert (result["score"], result["band"]) == (score, band)


@pytest.mark.parametrize(
    ("kps", "band", "median"),
    [(60, "0-1", 3.1), (70, "0-1", 3.1), (80, "2", 4.4), (90, "3", 6.9), (100, "4", 13.5)],
)
def test_gi_2012_bands_follow_kps_alone(kps, band, median):
    result = gpa.score("gi-2012", {"kps": kps}).to_dict()
    assert (result["band"], result["median_survival_months"]) == (band, median)


def test_nsclc_nonadeno_2017_tops_out_at_3_0_in_the_2_5_to_3_0_band():
    result = gpa.score("nsclc-nonadeno-2017", BEST).to_dict()
    assert (result["score"], result["band"], result["median_survival_months"]) == (3.0, "2.5-3.0", 12.8)
    assert "3.0" in result["note"]


@pytest.mark.parametrize(
    ("variant", "factors", "score", "band"),
    [
        (
            "nsclc-2012",
            {"age": 55, "kps": 80, "extracranial_metastases": True, "brain_metastases": 2},
            1.5,
            "1.5-2.0",
        ),
        (
            "nsclc-2012",
            {"age": 55, "kps": 90, "extracranial_metastases": True, "brain_metastases": 2},
            2.0,
            "1.5-2.0",
        ),
        (
            "nsclc-2012",
            {"age": 55, "kps": 90, "extracranial_metastases": False, "brain_metastases": 4},
            2.5,
            "2.5-3.0",
        ),
        ("breast-2012", {"age": 65, "kps": 60, "subtype": "basal"}, 0.5, "0-1.0"),
        ("breast-2012", {"age": 55, "kps": 90, "subtype": "luminal_a"}, 3.0, "2.5-3.0"),
        ("melanoma-2012", {"kps": 80, "brain_metastases": 3}, 2.0, "1.5-2.0"),
        ("melanoma-2012", {"kps": 90, "brain_metastases": 3}, 3.0, "2.5-3.0"),
    ],
)
def test_scores_at_band_edges_fall_in_the_right_standard_band(variant, factors, score, band):
    result = gpa.score(variant, factors).to_dict()
    assert (result["score"], result["band"]) == (score, band)


# --------------------------------------------------------------------------------------------------
# Output shape, notes, sources
# --------------------------------------------------------------------------------------------------


def test_output_carries_every_contract_field():
    result = gpa.score("gi-2019", BEST).to_dict()
    assert set(result) >= {
        "variant",
        "score",
        "points",
        "band",
        "median_survival_months",
        "iqr_months",
        "source",
        "note",
    }
    assert list(result["points"]) == list(gpa.factors_for("gi-2019"))


@pytest.mark.parametrize("variant", ["nsclc-adeno-2022", "nsclc-nonadeno-2022", "sclc-2022"])
def test_2022_lung_tables_say_they_rest_on_a_single_secondary_source(variant):
    assert "single secondary source" in gpa.score(variant, BEST).note.lower()


def test_gpa_2008_says_its_medians_were_not_re_checked():
    assert "not re-checked" in gpa.score("gpa-2008", BEST).note


@pytest.mark.parametrize(
    ("variant", "cited"),
    [
        ("gpa-2008", "IJROBP 2008;70:510"),
        ("nsclc-2012", "J Clin Oncol 2012;30:419"),
        ("breast-2012", "IJROBP 2012;82:2111"),
        ("nsclc-adeno-2017", "JAMA Oncol 2017;3:827"),
        ("sclc-2022", "IJROBP 2022;114:60"),
        ("breast-2020", "IJROBP 2020;107:334"),
        ("melanoma-2017", "IJROBP 2017;99:812"),
        ("renal-2018", "IJROBP 2017;99(2S):S169"),
        ("gi-2019", "Clin Transl Radiat Oncol 2019;18:39"),
    ],
)
def test_every_result_cites_its_paper_and_the_reference_page(variant, cited):
    source = gpa.score(variant, BEST).source
    assert cited in source and "gpa.md" in source


def test_result_is_frozen_and_exact():
    result = gpa.score("breast-2020", BEST)
    assert result.score == Decimal("4.0") and result.half_points == 8
    with pytest.raises(FrozenInstanceError):
        result.half_points = 1


@pytest.mark.parametrize(
    ("variant", "factors"),
    [
        ("gpa-2008", ("age", "kps", "extracranial_metastases", "brain_metastases")),
        ("gi-2012", ("kps",)),
        ("breast-2012", ("kps", "subtype", "age")),
        ("nsclc-nonadeno-2017", ("age", "kps", "extracranial_metastases", "brain_metastases")),
        (
            "nsclc-adeno-2022",
            ("kps", "age", "extracranial_metastases", "brain_metastases", "egfr_alk", "pd_l1_pct"),
        ),
        ("renal-2018", ("kps", "extracranial_metastases", "haemoglobin_g_dl", "brain_metastases")),
    ],
)
def test_factors_for_lists_the_factors_a_variant_uses(variant, factors):
    assert gpa.factors_for(variant) == factors


def test_the_registry_holds_exactly_the_variants_of_the_reference():
    assert tuple(gpa.GPA_VARIANTS) == ALL_VARIANTS


def test_factors_a_variant_does_not_use_are_ignored_even_when_malformed():
    result = gpa.score("gi-2012", {"kps": 90, "age": "old", "braf": 3, "subtype": None})
    assert result.to_dict()["score"] == 3


# --------------------------------------------------------------------------------------------------
# Errors name the field and the allowed values
# --------------------------------------------------------------------------------------------------

BAD_VALUES = [
    ("gpa-2008", "age", 17, "18–120"),
    ("gpa-2008", "age", 121, "18–120"),
    ("gpa-2008", "age", 50.5, "18–120"),
    ("gpa-2008", "age", "50", "18–120"),
    ("gpa-2008", "age", True, "18–120"),
    ("gpa-2008", "kps", 75, "steps of 10"),
    ("gpa-2008", "kps", 110, "steps of 10"),
    ("gpa-2008", "kps", -10, "steps of 10"),
    ("gpa-2008", "kps", "80", "steps of 10"),
    ("gpa-2008", "kps", None, "steps of 10"),
    ("gpa-2008", "extracranial_metastases", "yes", "true or false"),
    ("gpa-2008", "extracranial_metastases", 1, "true or false"),
    ("gpa-2008", "extracranial_metastases", None, "true or false"),
    ("gpa-2008", "brain_metastases", 0, "≥ 1"),
    ("gpa-2008", "brain_metastases", 1.5, "≥ 1"),
    ("nsclc-adeno-2017", "egfr_alk", "pos", "positive, negative, unknown"),
    ("nsclc-adeno-2017", "egfr_alk", None, "positive, negative, unknown"),
    ("nsclc-adeno-2022", "pd_l1_pct", -1, "0–100"),
    ("nsclc-adeno-2022", "pd_l1_pct", 101, "0–100"),
    ("nsclc-adeno-2022", "pd_l1_pct", "5", "0–100"),
    ("melanoma-2017", "braf", "V600E", "positive, negative, unknown"),
    ("breast-2020", "subtype", "triple_negative", "basal, luminal_a, her2, luminal_b"),
    ("breast-2012", "subtype", None, "basal, luminal_a, her2, luminal_b"),
    ("renal-2018", "haemoglobin_g_dl", 130, "1.0–25.0"),
    ("renal-2018", "haemoglobin_g_dl", 0.5, "1.0–25.0"),
    ("renal-2018", "haemoglobin_g_dl", "12.0", "1.0–25.0"),
]


@pytest.mark.parametrize(
    ("variant", "factor", "value", "allowed"),
    BAD_VALUES,
    ids=[f"{v}-{f}-{x!r}" for v, f, x, _ in BAD_VALUES],
)
def test_out_of_range_factor_is_an_error_naming_the_field_and_allowed_values(variant, factor, value, allowed):
    with pytest.raises(ClinicalInputError) as caught:
        gpa.score(variant, with_factor(factor, value))
    assert caught.value.field == f"factors.{factor}"
    assert allowed in caught.value.message


@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_every_missing_factor_is_an_error_naming_it_and_its_allowed_values(variant):
    for factor in gpa.factors_for(variant):
        factors = dict(BEST)
        del factors[factor]
        with pytest.raises(ClinicalInputError) as caught:
            gpa.score(variant, factors)
        assert caught.value.field == f"factors.{factor}"
        assert "required" in caught.value.message and gpa.FACTORS[factor].allowed in caught.value.message


@pytest.mark.parametrize("variant", ["gpa-2013", "GPA-2008", "", None, 2008])
def test_unknown_variant_is_an_error_naming_variant_and_listing_the_ids(variant):
    with pytest.raises(ClinicalInputError) as caught:
        gpa.run({"variant": variant, "factors": BEST})
    assert caught.value.field == "variant"
    assert "auto" in caught.value.message and "gi-2019" in caught.value.message


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"factors": BEST}, "variant"),
        ({"variant": "gi-2019"}, "factors"),
        ({"variant": "gi-2019", "factors": [1, 2]}, "factors"),
        ({"variant": "auto", "factors": BEST}, "primary"),
        ({"variant": "auto", "factors": BEST, "primary": {}}, "primary.type"),
        ({"variant": "auto", "factors": BEST, "primary": {"type": "lung"}}, "primary.type"),
        ({"variant": "auto", "factors": BEST, "primary": "lung"}, "primary"),
        ({"variant": "auto", "factors": BEST, "primary": 3}, "primary"),
    ],
)
def test_malformed_payload_is_an_error_naming_the_field(payload, field):
    with pytest.raises(ClinicalInputError) as caught:
        gpa.run(payload)
    assert caught.value.field == field


# --------------------------------------------------------------------------------------------------
# "variant": "auto"
# --------------------------------------------------------------------------------------------------

AUTO = [
    ("nsclc_adeno", "nsclc-adeno-2022", "nsclc-adeno-2017"),
    ("nsclc_nonadeno", "nsclc-nonadeno-2022", "nsclc-nonadeno-2017"),
    ("sclc", "sclc-2022", None),
    ("breast", "breast-2020", None),
    ("melanoma", "melanoma-2017", None),
    ("renal", "renal-2018", None),
    ("colorectal", "gi-2019", None),
    ("gi_other", "gi-2019", None),
    ("gynaecological", "gpa-2008", None),
    ("other", "gpa-2008", None),
]


@pytest.mark.parametrize(("primary", "variant", "companion"), AUTO)
def test_auto_chooses_the_variant_of_the_reference_table(primary, variant, companion):
    assert gpa.choose_variant(primary) == variant
    assert gpa.companion_variant(primary) == companion
    assert gpa.run({"variant": "auto", "primary": {"type": primary}, "factors": BEST})["variant"] == variant


@pytest.mark.parametrize("primary", ["nsclc_adeno", {"type": "nsclc_adeno"}])
def test_auto_accepts_the_primary_as_object_or_as_type_text(primary):
    assert gpa.run({"variant": "auto", "primary": primary, "factors": BEST})["variant"] == "nsclc-adeno-2022"


@pytest.mark.parametrize(("primary", "variant", "companion"), AUTO)
def test_auto_adds_the_lung_molgpa_2017_companion_for_lung_primaries_only(primary, variant, companion):
    result = gpa.run({"variant": "auto", "primary": primary, "factors": BEST})
    if primary in ("nsclc_adeno", "nsclc_nonadeno"):
        assert result["companion"] == gpa.score(companion, BEST).to_dict()
    elif primary == "sclc":
        assert result["companion"] is None
    else:
        assert "companion" not in result


def test_auto_lung_companion_needs_no_factor_beyond_those_of_the_2022_variant():
    for primary in ("nsclc_adeno", "nsclc_nonadeno"):
        main, companion = gpa.choose_variant(primary), gpa.companion_variant(primary)
        assert set(gpa.factors_for(companion)) <= set(gpa.factors_for(main))


def test_auto_adeno_example_shows_2022_and_2017_side_by_side():
    factors = {
        "age": 62,
        "kps": 90,
        "extracranial_metastases": False,
        "brain_metastases": 2,
        "egfr_alk": "positive",
        "pd_l1_pct": None,
    }
    result = gpa.run({"variant": "auto", "primary": {"type": "nsclc_adeno"}, "factors": factors})
    assert (result["score"], result["median_survival_months"]) == (3.5, 52)
    assert (result["companion"]["score"], result["companion"]["median_survival_months"]) == (4.0, 46.8)


def test_choose_variant_rejects_an_unknown_primary_type_listing_the_types():
    with pytest.raises(ClinicalInputError) as caught:
        gpa.choose_variant("lung")
    assert caught.value.field == "primary.type" and "gynaecological" in caught.value.message


def test_auto_table_covers_exactly_the_primary_types_of_screening():
    from bmtrack.clinical.screening import PRIMARY_TYPES

    assert set(gpa.AUTO_VARIANT) == set(PRIMARY_TYPES)
