"""Calculators: the clinical core over HTTP, no stored patient; errors name the field as the CLI does."""

from __future__ import annotations

import pytest

from bmtrack.clinical.cli import run_command

pytestmark = pytest.mark.django_db

GPA = {"variant": "auto", "primary": "nsclc_adeno",
       "factors": {"age": 60, "kps": 90, "extracranial_metastases": False, "brain_metastases": 2,
                   "egfr_alk": "positive", "pd_l1_pct": None}}
RANO = {"timepoints": [
    {"date": "2026-01-05", "lesions": {"L1": 20, "L2": 12}, "non_target": "none", "steroid_mg": 0},
    {"date": "2026-03-05", "lesions": {"L1": 10, "L2": 6}, "new_lesions": "none", "non_target": "none",
     "steroid_mg": 0, "clinical": "stable"}]}
SCREENING = {"type": "nsclc_adeno", "stage": "IV", "seer_stage": "metastatic", "neuro_symptoms": False}
PROTOCOL = {"purpose": "surveillance", "sequences": ["t1_pre_3d", "t1_post_3d"], "field_strength_t": 3,
            "scanner": "MR2", "baseline": None}
SCHEDULE = {"now": "2026-06-01T10:00:00+02:00", "patient": {"status": "active"},
            "treatments": [{"id": "T1", "kind": "srs", "status": "given", "start": "2026-05-01T09:00:00+02:00",
                            "end": None}],
            "scans": []}


@pytest.mark.parametrize(("command", "payload"), [("gpa", GPA), ("rano", RANO), ("screening", SCREENING),
                                                  ("protocol", PROTOCOL), ("schedule", SCHEDULE)])
def test_a_calculator_answers_exactly_as_the_clinical_core(command, payload, alice_api):
    response = alice_api.post(f"/api/v1/calculators/{command}", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == run_command(command, payload)


def test_the_gpa_calculator_gives_the_score_and_band(alice_api):
    body = alice_api.post("/api/v1/calculators/gpa", GPA, format="json").json()
    assert body["variant"] == "nsclc-adeno-2022" and body["score"] == 3.5 and body["band"] == "3.5-4.0"
    assert body["companion"]["variant"] == "nsclc-adeno-2017"


def test_the_rano_calculator_gives_each_timepoint_a_category(alice_api):
    body = alice_api.post("/api/v1/calculators/rano", RANO, format="json").json()
    assert [a["category"] for a in body["assessments"]] == ["baseline", "PR"]


@pytest.mark.parametrize(("command", "payload", "field"), [
    ("gpa", {**GPA, "factors": {**GPA["factors"], "kps": 85}}, "factors.kps"),
    ("gpa", {"variant": "gpa-1999", "factors": {}}, "variant"),
    ("rano", {"timepoints": [{**RANO["timepoints"][0], "lesions": {"L1": 151}}]}, "timepoints[0].lesions.L1"),
    ("rano", [], "input"),
    ("screening", {"type": "brain", "neuro_symptoms": False}, "type"),
])
def test_a_calculator_error_is_a_400_naming_the_field(command, payload, field, alice_api):
    response = alice_api.post(f"/api/v1/calculators/{command}", payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_calculators_need_authentication_and_json(anon, alice_api):
    assert anon.post("/api/v1/calculators/gpa", GPA, format="json").status_code == 401
    assert alice_api.post("/api/v1/calculators/gpa", "not json", content_type="application/json").status_code == 400
    assert alice_api.post("/api/v1/calculators/gpa", {"variant": "auto"}).status_code == 415
    assert alice_api.get("/api/v1/calculators/gpa").status_code == 405
