"""bmtrack.clinical.purposes: the scan an item asks for, and the purpose an MRI is checked as (no database)."""

from __future__ import annotations

import pytest

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.purposes import protocol_purpose, purpose_for_fulfilled, purpose_for_item


@pytest.mark.parametrize(("kind", "scan"), [
    ("postop_mri", ("mri", "post_operative")),
    ("srs_planning_mri", ("mri", "srs_planning")),
    ("srs_planning_ct", ("ct", "srs_planning")),
    ("followup_mri", ("mri", "surveillance")),
    ("response_mri", ("mri", "response")),
    ("confirmation_mri", ("mri", "confirmation")),
    ("board_followup", ("mri", "surveillance")),
])
def test_each_due_item_asks_for_a_scan_of_one_modality_and_purpose(kind, scan):
    assert purpose_for_item(kind) == scan


def test_an_unknown_item_kind_is_refused_naming_the_field():
    with pytest.raises(ClinicalInputError) as error:
        purpose_for_item("mystery_scan")
    assert error.value.field == "kind"


@pytest.mark.parametrize(("purpose", "scored", "checked_as"), [
    ("surveillance", True, "response"),
    ("surveillance", False, "surveillance"),
    ("screening", True, "response"),
    ("diagnosis", True, "response"),
    ("post_operative", True, "response"),
    ("response", True, "response"),
    ("response", False, "response"),
    ("confirmation", True, "confirmation"),
    ("srs_planning", True, "srs_planning"),
    ("problem_solving", True, "problem_solving"),
])
def test_a_scored_detection_scan_is_checked_as_a_response_scan(purpose, scored, checked_as):
    assert protocol_purpose(purpose, scored=scored) == checked_as


def test_an_unknown_purpose_is_refused_naming_the_field():
    with pytest.raises(ClinicalInputError) as error:
        protocol_purpose("curiosity", scored=False)
    assert error.value.field == "purpose"


@pytest.mark.parametrize(("kinds", "purpose"), [
    ([], None),
    (["followup_mri"], "surveillance"),
    (["board_followup"], "surveillance"),
    (["followup_mri", "response_mri"], "response"),
    (["response_mri", "confirmation_mri"], "confirmation"),
    (["followup_mri", "srs_planning_mri"], "srs_planning"),
    (["srs_planning_ct"], "srs_planning"),
    (["postop_mri", "followup_mri", "response_mri"], "post_operative"),
])
def test_a_scan_without_a_purpose_takes_the_most_specific_of_the_items_it_fulfils(kinds, purpose):
    assert purpose_for_fulfilled(kinds) == purpose
