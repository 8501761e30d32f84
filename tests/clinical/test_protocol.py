"""MRI protocol check (shared/clinical/screening.md, "MRI protocol check"). No database."""

import pytest

from bmtrack.clinical import protocol
from bmtrack.clinical.errors import ClinicalInputError

CORE = ["t1_pre_3d", "t1_post_3d", "t2"]
FULL = [*CORE, "flair", "dwi"]
DETECTION = ["screening", "diagnosis", "post_operative", "surveillance"]


def check(purpose, sequences, field=3, scanner="Skyra", baseline=None):
    return protocol.check_protocol(purpose, sequences, field, scanner, baseline)


def texts(result):
    return [advice.text for advice in result.advice]


# (purpose, sequences) -> missing: the required column of the table
REQUIRED = [
    *[(purpose, FULL, []) for purpose in DETECTION],
    *[(purpose, ["t1_post_3d", "flair"], ["t1_pre_3d", "t2"]) for purpose in DETECTION],
    *[(purpose, [], CORE) for purpose in DETECTION],
    ("srs_planning", ["t1_post_3d"], []),
    ("srs_planning", ["t1_pre_3d", "t2"], ["t1_post_3d"]),
    ("problem_solving", CORE, []),
    ("problem_solving", ["t1_post_3d", "dsc"], ["t1_pre_3d", "t2"]),
]


@pytest.mark.parametrize(("purpose", "sequences", "missing"), REQUIRED)
def test_missing_lists_the_required_sequences_absent_and_decides_compliance(purpose, sequences, missing):
    result = check(purpose, sequences)
    assert list(result.missing) == missing
    assert result.compliant is (not missing)


@pytest.mark.parametrize("purpose", DETECTION)
def test_detection_scans_without_flair_and_dwi_get_advice_not_non_compliance(purpose):
    result = check(purpose, CORE)
    assert result.compliant
    assert any("FLAIR" in text for text in texts(result)) and any("DWI" in text for text in texts(result))


@pytest.mark.parametrize("purpose", DETECTION)
def test_detection_scans_at_1_5_tesla_get_the_3_tesla_advice(purpose):
    assert "3 T rather than 1.5 T" in texts(check(purpose, FULL, field=1.5))
    assert texts(check(purpose, FULL, field=3)) == []
    assert texts(check(purpose, FULL, field=7)) == []


def test_an_unrecorded_field_strength_is_allowed_and_gets_advice():
    assert any("not recorded" in text for text in texts(check("surveillance", FULL, field=None)))


@pytest.mark.parametrize("purpose", ["srs_planning", "problem_solving", "response", "confirmation"])
def test_the_3_tesla_advice_is_only_for_the_detection_purposes(purpose):
    assert "3 T rather than 1.5 T" not in texts(check(purpose, FULL, field=1.5, baseline={"sequences": FULL}))


def test_srs_planning_advises_pre_contrast_t1_t2_and_the_7_day_timing():
    result = check("srs_planning", ["t1_post_3d"])
    assert result.compliant
    advice = " | ".join(texts(result))
    assert "pre-contrast 3D T1W" in advice and "T2W" in advice and "7 days" in advice


def test_srs_planning_with_every_sequence_keeps_only_the_timing_advice():
    assert texts(check("srs_planning", CORE)) == [
        "acquire the planning MRI within 7 days (at most 14) before the start of SRS"
    ]


@pytest.mark.parametrize(
    ("sequences", "advised"),
    [
        (CORE, ["perfusion", "DWI", "spectroscopy"]),
        ([*CORE, "dsc"], ["DWI", "spectroscopy"]),
        ([*CORE, "dce"], ["DWI", "spectroscopy"]),
        ([*CORE, "asl", "dwi"], ["spectroscopy"]),
        ([*CORE, "asl", "dwi", "mrs"], []),
    ],
)
def test_problem_solving_advises_perfusion_any_of_dsc_dce_asl_then_dwi_then_mrs(sequences, advised):
    advice = texts(check("problem_solving", sequences))
    assert len(advice) == len(advised)
    assert all(word in text for word, text in zip(advised, advice, strict=True))


# --------------------------------------------------------------------------------------------------
# Response and confirmation: against the baseline
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["response", "confirmation"])
def test_response_requires_every_sequence_the_baseline_had(purpose):
    result = check(purpose, FULL, baseline={"sequences": [*FULL, "swi"], "field_strength_t": 3, "scanner": "Skyra"})
    assert list(result.missing) == ["swi"] and not result.compliant
    assert list(result.required) == [*FULL, "swi"]


@pytest.mark.parametrize("purpose", ["response", "confirmation"])
def test_same_protocol_as_baseline_is_compliant_without_advice(purpose):
    result = check(purpose, FULL, baseline={"sequences": FULL, "field_strength_t": 3, "scanner": " skyra "})
    assert result.compliant and texts(result) == []


def test_a_different_field_strength_or_scanner_is_advice_never_non_compliance():
    result = check(
        "response",
        FULL,
        field=1.5,
        scanner="Prisma",
        baseline={"sequences": CORE, "field_strength_t": 3, "scanner": "Skyra"},
    )
    assert result.compliant
    advice = " | ".join(texts(result))
    assert "field strength 1.5 T differs from the baseline's 3 T" in advice
    assert "scanner Prisma differs from the baseline's Skyra" in advice


def test_an_unknown_baseline_is_advice_and_only_the_surveillance_set_is_required():
    result = check("confirmation", CORE, baseline=None)
    assert result.compliant and list(result.required) == CORE
    assert any("baseline protocol unknown" in text for text in texts(result))


def test_an_unrecorded_scanner_on_either_side_cannot_be_compared():
    result = check("response", FULL, scanner=None, baseline={"sequences": FULL, "field_strength_t": 3})
    assert texts(result) == ["scanner not recorded for this scan or the baseline: cannot compare"]


def test_a_typed_baseline_is_accepted():
    baseline = protocol.ScanProtocol(frozenset({"t1_pre_3d", "t1_post_3d", "t2", "dwi"}), 3, "Skyra")
    assert list(check("response", CORE, baseline=baseline).missing) == ["dwi"]


def test_the_baseline_is_ignored_for_purposes_that_do_not_compare():
    assert check("surveillance", FULL, baseline={"sequences": ["bogus"]}).compliant


# --------------------------------------------------------------------------------------------------
# Sources, output, errors
# --------------------------------------------------------------------------------------------------


def test_every_advice_entry_carries_its_source():
    payload = {"purpose": "surveillance", "sequences": ["t1_post_3d"], "field_strength_t": 1.5, "scanner": None}
    result = protocol.run(payload)
    assert result["advice"] and all("seed review" in text for text in result["advice"])
    assert all(detail["source"] and detail["text"] for detail in result["advice_detail"])
    assert any("3 Tesla is much more sensitive" in text for text in result["advice"])


def test_cli_output_has_the_contract_fields():
    result = protocol.run(
        {"purpose": "response", "sequences": CORE, "field_strength_t": 3, "scanner": "A", "baseline": None}
    )
    assert set(result) >= {"compliant", "missing", "advice"}
    assert result["compliant"] is True and result["missing"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sequences": CORE}, "purpose"),
        ({"purpose": "follow_up", "sequences": CORE}, "purpose"),
        ({"purpose": "surveillance"}, "sequences"),
        ({"purpose": "surveillance", "sequences": "t1_post_3d"}, "sequences"),
        ({"purpose": "surveillance", "sequences": ["t1_post_3d", "t1w"]}, "sequences[1]"),
        ({"purpose": "surveillance", "sequences": CORE, "field_strength_t": 2}, "field_strength_t"),
        ({"purpose": "surveillance", "sequences": CORE, "field_strength_t": "3"}, "field_strength_t"),
        ({"purpose": "surveillance", "sequences": CORE, "field_strength_t": True}, "field_strength_t"),
        ({"purpose": "surveillance", "sequences": CORE, "scanner": 7}, "scanner"),
        ({"purpose": "response", "sequences": CORE, "baseline": []}, "baseline"),
        ({"purpose": "response", "sequences": CORE, "baseline": {}}, "baseline.sequences"),
        ({"purpose": "response", "sequences": CORE, "baseline": {"sequences": ["t3"]}}, "baseline.sequences[0]"),
        (
            {"purpose": "response", "sequences": CORE, "baseline": {"sequences": CORE, "field_strength_t": 9.4}},
            "baseline.field_strength_t",
        ),
    ],
)
def test_bad_input_is_an_error_naming_the_field(payload, field):
    with pytest.raises(ClinicalInputError) as caught:
        protocol.run(payload)
    assert caught.value.field == field
