"""Screening advice and lifetime risk (shared/clinical/screening.md). No database."""

import pytest

from bmtrack.clinical import screening
from bmtrack.clinical.errors import ClinicalInputError

# (type, stage, neuro_symptoms) -> recommendation: every row of screening.md's advice table.
ADVICE = [
    # any primary with neurological symptoms
    *[(primary, "I", True, "image_now") for primary in screening.PRIMARY_TYPES],
    ("melanoma", None, True, "image_now"),
    ("other", None, True, "image_now"),
    # SCLC, any stage
    ("sclc", "I", False, "screen"),
    ("sclc", "IIIA", False, "screen"),
    ("sclc", "IV", False, "screen"),
    ("sclc", None, False, "screen"),
    # NSCLC stage II–IV screen; stage I guidelines differ
    ("nsclc_adeno", "IA", False, "guidelines_differ"),
    ("nsclc_adeno", "IA2", False, "guidelines_differ"),
    ("nsclc_nonadeno", "IB", False, "guidelines_differ"),
    ("nsclc_adeno", "I", False, "guidelines_differ"),
    ("nsclc_adeno", "IIA", False, "screen"),
    ("nsclc_nonadeno", "II", False, "screen"),
    ("nsclc_adeno", "IIIB", False, "screen"),
    ("nsclc_nonadeno", "IVA", False, "screen"),
    # melanoma IIIC, IIID, IV screen; below IIIC symptoms only
    ("melanoma", "IIIC", False, "screen"),
    ("melanoma", "IIID", False, "screen"),
    ("melanoma", "IV", False, "screen"),
    ("melanoma", "IIIB", False, "symptoms_only"),
    ("melanoma", "IIIA", False, "symptoms_only"),
    ("melanoma", "IIC", False, "symptoms_only"),
    ("melanoma", "I", False, "symptoms_only"),
    # breast, any stage
    ("breast", "IV", False, "symptoms_only"),
    ("breast", "I", False, "symptoms_only"),
    ("breast", None, False, "symptoms_only"),
    # cancers that rarely metastasise to the brain, even when metastatic
    ("renal", "IV", False, "symptoms_only"),
    ("colorectal", "IV", False, "symptoms_only"),
    ("gynaecological", "IVB", False, "symptoms_only"),
    ("colorectal", None, False, "symptoms_only"),
    # any other primary, metastatic: consider; otherwise symptoms only
    ("gi_other", "IV", False, "consider"),
    ("other", "IVB", False, "consider"),
    ("gi_other", "III", False, "symptoms_only"),
    ("other", "I", False, "symptoms_only"),
]


@pytest.mark.parametrize(("primary", "stage", "symptoms", "recommendation"), ADVICE)
def test_each_row_of_the_advice_table_gives_its_recommendation(primary, stage, symptoms, recommendation):
    assert screening.advise(primary, stage, neuro_symptoms=symptoms).recommendation == recommendation


def test_stage_i_nsclc_without_symptoms_shows_both_esmo_and_nccn():
    advice = screening.advise("nsclc_adeno", "IB").to_dict()
    assert advice["recommendation"] == "guidelines_differ"
    assert {(g["guideline"], g["recommendation"]) for g in advice["guidelines"]} == {
        ("ESMO", "screen"),
        ("NCCN", "symptoms_only"),
    }
    assert "NCCN" in advice["reasons"][0] and "ESMO" in advice["reasons"][0]


def test_guidelines_are_shown_only_where_they_differ():
    assert screening.advise("nsclc_adeno", "IIA").to_dict()["guidelines"] is None
    assert screening.advise("nsclc_adeno", "IA", neuro_symptoms=True).to_dict()["guidelines"] is None


@pytest.mark.parametrize(
    ("primary", "stage", "symptoms", "cited"),
    [
        ("breast", "I", True, "increased intracranial pressure"),
        ("sclc", "I", False, "ref 35"),
        ("nsclc_adeno", "IV", False, "ref 20"),
        ("melanoma", "IIIC", False, "ref 36"),
        ("breast", "II", False, "only recommended for symptomatic patients"),
        ("renal", "IV", False, "rarely metastasise"),
        ("other", "IV", False, "change the treatment plan"),
        ("other", "II", False, "otherwise"),
    ],
)
def test_every_recommendation_names_the_source_line_it_used(primary, stage, symptoms, cited):
    reasons = screening.advise(primary, stage, neuro_symptoms=symptoms).to_dict()["reasons"]
    assert cited in reasons[0]


# --------------------------------------------------------------------------------------------------
# Lifetime risk (seed Table 1, ref 16)
# --------------------------------------------------------------------------------------------------

LIFETIME_RISK = [
    *[
        (lung, seer, pct)
        for lung in ("nsclc_adeno", "nsclc_nonadeno", "sclc")
        for seer, pct in ((None, 19.9), ("local", 9.2), ("regional", 14.6), ("metastatic", 29.9))
    ],
    ("breast", None, 5.1),
    ("breast", "local", 2.5),
    ("breast", "regional", 6.8),
    ("breast", "metastatic", 14.2),
    ("melanoma", None, 6.9),
    ("melanoma", "local", 4.1),
    ("melanoma", "regional", 18.5),
    ("melanoma", "metastatic", 36.8),
    ("renal", None, 6.5),
    ("renal", "local", 2.5),
    ("renal", "regional", 7.6),
    ("renal", "metastatic", 13.4),
    ("colorectal", None, 1.8),
    ("colorectal", "local", 0.8),
    ("colorectal", "regional", 2.0),
    ("colorectal", "metastatic", 2.9),
]


@pytest.mark.parametrize(("primary", "seer_stage", "pct"), LIFETIME_RISK)
def test_lifetime_risk_is_the_table_1_figure_for_primary_and_seer_stage(primary, seer_stage, pct):
    assert screening.lifetime_risk(primary, seer_stage).pct == pct
    advice = screening.advise(primary, "IV", seer_stage, neuro_symptoms=True).to_dict()
    assert advice["lifetime_risk_pct"] == pct
    assert f"{pct} %" in advice["reasons"][1] and "Table 1" in advice["reasons"][1]


@pytest.mark.parametrize("seer_stage", [None, "local", "metastatic"])
def test_gynaecological_has_no_figure_but_says_incidence_is_below_1_percent(seer_stage):
    advice = screening.advise("gynaecological", "IV", seer_stage).to_dict()
    assert advice["lifetime_risk_pct"] is None
    assert "incidence < 1 % (no per-stage figures)" in advice["reasons"][1]


@pytest.mark.parametrize("primary", ["gi_other", "other"])
def test_other_gi_and_other_primaries_have_no_figure_and_say_so(primary):
    advice = screening.advise(primary, "IV", "metastatic").to_dict()
    assert advice["lifetime_risk_pct"] is None
    assert "no lifetime-risk figure" in advice["reasons"][1]


@pytest.mark.parametrize(
    ("primary", "words"),
    [
        ("nsclc_adeno", "EGFR"),
        ("breast", "triple-negative"),
        ("melanoma", "ulceration"),
        ("renal", "clear cell"),
        ("colorectal", "RAS"),
    ],
)
def test_table_1_risk_factors_are_shown_beside_the_figure(primary, words):
    assert words in screening.advise(primary, "IV", neuro_symptoms=True).to_dict()["risk_factors"]


# --------------------------------------------------------------------------------------------------
# Stage parsing and errors
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("I", "I"), ("iv", "IV"), (" IIIc ", "IIIC"), ("IIID", "IIID"), ("IVB", "IVB"), ("ia2", "IA2"), ("IIA", "IIA")],
)
def test_stages_are_read_case_insensitively_with_sub_stages(text, normalised):
    assert screening.parse_stage(text).text == normalised


@pytest.mark.parametrize("bad", ["V", "0", "IIIE", "stage IV", "4", "", "IIII", "IV B", 4, None, ["IV"]])
def test_an_invalid_stage_is_an_error_naming_stage(bad):
    with pytest.raises(ClinicalInputError) as caught:
        screening.parse_stage(bad)
    assert caught.value.field == "stage"


def test_an_invalid_stage_is_an_error_even_where_the_rule_does_not_need_it():
    with pytest.raises(ClinicalInputError) as caught:
        screening.advise("breast", "IIIE")
    assert caught.value.field == "stage"


@pytest.mark.parametrize("primary", ["nsclc_adeno", "nsclc_nonadeno", "melanoma", "gi_other", "other"])
def test_stage_is_required_where_the_rule_depends_on_it(primary):
    with pytest.raises(ClinicalInputError) as caught:
        screening.advise(primary, None)
    assert caught.value.field == "stage" and "required" in caught.value.message


def test_melanoma_stage_iii_without_its_letter_is_an_error_not_a_guess():
    with pytest.raises(ClinicalInputError) as caught:
        screening.advise("melanoma", "III")
    assert caught.value.field == "stage" and "IIIC" in caught.value.message


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stage": "IV", "neuro_symptoms": False}, "type"),
        ({"type": "lung", "stage": "IV", "neuro_symptoms": False}, "type"),
        ({"type": "breast", "stage": "IV"}, "neuro_symptoms"),
        ({"type": "breast", "stage": "IV", "neuro_symptoms": "no"}, "neuro_symptoms"),
        ({"type": "breast", "stage": "IV", "neuro_symptoms": None}, "neuro_symptoms"),
        ({"type": "breast", "stage": "IV", "seer_stage": "distant", "neuro_symptoms": False}, "seer_stage"),
        ({"type": "breast", "stage": "V", "neuro_symptoms": False}, "stage"),
        ({"type": "other", "neuro_symptoms": False}, "stage"),
    ],
)
def test_bad_cli_input_is_an_error_naming_the_field(payload, field):
    with pytest.raises(ClinicalInputError) as caught:
        screening.run(payload)
    assert caught.value.field == field


def test_cli_output_has_the_contract_fields():
    result = screening.run({"type": "melanoma", "stage": "IIIC", "seer_stage": "regional", "neuro_symptoms": False})
    assert result["recommendation"] == "screen"
    assert result["lifetime_risk_pct"] == 18.5
    assert all(isinstance(reason, str) for reason in result["reasons"]) and len(result["reasons"]) == 2
    assert result["recommendation"] in screening.RECOMMENDATIONS
