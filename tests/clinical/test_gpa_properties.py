"""Property tests of the GPA (shared/clinical/gpa.md): any valid input gives a sane score and band."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmtrack.clinical import gpa

# The maximum of each variant, from the tables of gpa.md (nsclc-nonadeno-2017 has no gene factor).
MAX_SCORE = {variant: Decimal(4) for variant in gpa.GPA_VARIANTS} | {"nsclc-nonadeno-2017": Decimal(3)}

# Any value the Conventions table of gpa.md allows, for every factor.
valid_factors = st.fixed_dictionaries(
    {
        "age": st.integers(18, 120),
        "kps": st.sampled_from(range(0, 101, 10)),
        "extracranial_metastases": st.booleans(),
        "brain_metastases": st.integers(1, 300),
        "egfr_alk": st.sampled_from(["positive", "negative", "unknown"]),
        "pd_l1_pct": st.none() | st.integers(0, 100) | st.floats(0, 100, allow_nan=False),
        "braf": st.sampled_from(["positive", "negative", "unknown"]),
        "subtype": st.sampled_from(["basal", "luminal_a", "her2", "luminal_b"]),
        "haemoglobin_g_dl": st.none() | st.floats(1.0, 25.0, allow_nan=False),
    }
)


def band_limits(label: str) -> tuple[Decimal, Decimal]:
    """``"1.5-2.5"`` -> (1.5, 2.5); ``"3.0"`` -> (3.0, 3.0): read from the label the reader sees."""
    low, _, high = label.partition("-")
    return Decimal(low), Decimal(high or low)


@pytest.mark.parametrize("variant", list(gpa.GPA_VARIANTS))
@settings(max_examples=150, deadline=None)
@given(factors=valid_factors)
def test_any_valid_factors_give_a_half_point_score_within_range_inside_its_band(variant, factors):
    result = gpa.score(variant, factors)
    score = result.score
    assert 0 <= score <= MAX_SCORE[variant]
    assert (score * 2) == int(score * 2)
    low, high = band_limits(result.band)
    assert low <= score <= high
    assert sum(result.points.values()) == score
    as_json = result.to_dict()
    assert as_json["score"] == float(score)
    assert all(points * 2 == int(points * 2) for points in as_json["points"].values())


@pytest.mark.parametrize("variant", list(gpa.GPA_VARIANTS))
@settings(max_examples=100, deadline=None)
@given(factors=valid_factors, better_kps=st.sampled_from(range(0, 101, 10)))
def test_a_better_kps_never_lowers_the_score(variant, factors, better_kps):
    better = {**factors, "kps": max(factors["kps"], better_kps)}
    assert gpa.score(variant, better).score >= gpa.score(variant, factors).score


@pytest.mark.parametrize("variant", list(gpa.GPA_VARIANTS))
@settings(max_examples=100, deadline=None)
@given(factors=valid_factors, more=st.integers(0, 20))
def test_more_brain_metastases_never_raise_the_score(variant, factors, more):
    worse = {**factors, "brain_metastases": factors["brain_metastases"] + more}
    assert gpa.score(variant, worse).score <= gpa.score(variant, factors).score


@pytest.mark.parametrize("variant", list(gpa.GPA_VARIANTS))
def test_every_reachable_total_lies_in_exactly_one_band(variant):
    table = gpa.GPA_VARIANTS[variant]
    for total in table.reachable_totals():
        assert sum(band.low <= total <= band.high for band in table.bands) == 1
    assert Decimal(table.max_half_points) / 2 == MAX_SCORE[variant]
