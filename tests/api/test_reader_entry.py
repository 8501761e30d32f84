"""The reader's inputs through the API (record.md 3, 5 and 9): the new-lesion call, roles, work-up
results and the count of brain metastases at diagnosis. A refused write is a 400 naming the field
and saves nothing; the scenario enters a record and reads the derived call back."""

from __future__ import annotations

import pytest

from bmtrack.patients.models import Scan, WorkupResult
from tests.api.conftest import days_ago

pytestmark = pytest.mark.django_db


def day(days: int) -> str:
    return days_ago(days).date().isoformat()


def moment(days: int, hour: int = 11) -> str:
    return days_ago(days, hour).isoformat()


def scan_body(patient, days: int, measurements: list, **fields) -> dict:
    return {"patient": str(patient.public_id), "at": moment(days), "modality": "mri", "purpose": "surveillance",
            "measurements": measurements, **fields}


def lesion(label: str, mm, **fields) -> dict:
    return {"lesion": label, "longest_diameter_mm": mm, **fields}


def responses(client, patient) -> dict:
    rows = client.get(f"/api/v1/response-assessments?patient={patient.public_id}").json()["results"]
    return {row["scan"]: row for row in rows}


# --- the new-lesion call -------------------------------------------------------------------------


def test_a_new_lesion_without_the_call_is_a_400_naming_new_lesions(alice_api, record):
    patient = record["patient"]
    before = Scan.objects.filter(patient=patient).count()
    rows = [lesion("L1", 9), lesion("L2", 6), lesion("L3", 5)]
    response = alice_api.post("/api/v1/scans", scan_body(patient, 10, rows), format="json")
    assert response.status_code == 400 and "new_lesions" in response.json(), response.json()
    assert Scan.objects.filter(patient=patient).count() == before
    assert not patient.lesions.filter(label="L3").exists()
    response = alice_api.post("/api/v1/scans", scan_body(patient, 10, rows, new_lesions="equivocal"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["new_lesions"] == "equivocal"


def test_measurements_of_a_waiting_scan_take_the_call(alice_api, record):
    patient = record["patient"]
    created = alice_api.post("/api/v1/scans", scan_body(patient, 10, []), format="json").json()
    url = f"/api/v1/scans/{created['id']}/measurements"
    rows = [lesion("L1", 9), lesion("L2", 6), lesion("L3", 5)]
    response = alice_api.post(url, {"measurements": rows}, format="json")
    assert response.status_code == 400 and "new_lesions" in response.json()
    assert alice_api.get(f"/api/v1/scans/{created['id']}").json()["measurement_status"] == "pending"
    response = alice_api.post(url, {"measurements": rows, "new_lesions": "perhaps"}, format="json")
    assert response.status_code == 400 and "new_lesions" in response.json()
    response = alice_api.post(url, {"measurements": rows, "new_lesions": "none"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["new_lesions"], response.json()["measurement_status"]) == ("none", "complete")


def test_the_call_is_corrected_with_patch_and_kept_in_history(alice_api, bob_api, bob, record):
    patient = record["patient"]
    rows = [lesion("L1", 9), lesion("L2", 6), lesion("L3", 5)]
    created = alice_api.post("/api/v1/scans", scan_body(patient, 10, rows, new_lesions="equivocal"),
                             format="json").json()
    url = f"/api/v1/scans/{created['id']}"
    response = bob_api.patch(url, {"new_lesions": "definite"}, format="json")
    assert response.status_code == 200 and response.json()["new_lesions"] == "definite"
    scan = Scan.objects.get(pk=created["id"])
    assert [h.new_lesions for h in scan.history.order_by("history_id")][-2:] == ["equivocal", "definite"]
    assert scan.history.first().history_user == bob
    response = bob_api.patch(url, {"new_lesions": ""}, format="json")
    assert response.status_code == 400 and "new_lesions" in response.json()
    assert alice_api.get(url).json()["new_lesions"] == "definite"


# --- roles -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [{"measurable": False}, {"enhancing": False}, {"longest_diameter_mm": 8}])
def test_a_baseline_target_that_is_not_measurable_is_a_400_naming_its_row(alice_api, patient, bad):
    rows = [lesion("L1", 18, role="target"), {**lesion("L2", 12, role="target"), **bad}]
    response = alice_api.post("/api/v1/scans", scan_body(patient, 30, rows), format="json")
    assert response.status_code == 400 and "measurements[1].role" in response.json(), response.json()
    assert not patient.scans.exists()


def test_six_targets_are_a_400_and_roles_pass_through(alice_api, patient):
    rows = [lesion(f"L{n}", 10 + n, role="target") for n in range(1, 7)]
    response = alice_api.post("/api/v1/scans", scan_body(patient, 30, rows), format="json")
    assert response.status_code == 400 and "measurements[5].role" in response.json()
    rows[5] = lesion("L6", 16, role="non_target", measurable=False, enhancing=False)
    response = alice_api.post("/api/v1/scans", scan_body(patient, 30, rows), format="json")
    assert response.status_code == 201, response.json()
    stored = {m["lesion"]: (m["role"], m["measurable"], m["enhancing"]) for m in response.json()["measurements"]}
    assert stored["L1"] == ("target", True, True) and stored["L6"] == ("non_target", False, False)


# --- work-up results ---------------------------------------------------------------------------------


def test_workup_results_are_written_read_and_corrected_in_the_care_team(alice_api, bob_api, charlie_api,
                                                                        coordinator, record):
    from tests.api.conftest import client_for

    patient = record["patient"]
    body = {"patient": str(patient.public_id), "performed_on": day(5), "method": "amino_acid_pet",
            "result": "treatment_effect", "lesion": "L1", "note": "FET-PET: low uptake"}
    assert charlie_api.post("/api/v1/workups", body, format="json").status_code == 404
    assert client_for(coordinator).post("/api/v1/workups", body, format="json").status_code == 403
    response = alice_api.post("/api/v1/workups", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["lesion"], created["recorded_by"], created["method"]) == ("L1", "alice", "amino_acid_pet")
    url = f"/api/v1/workups/{created['id']}"
    listed = bob_api.get(f"/api/v1/workups?patient={patient.public_id}").json()["results"]
    assert [row["id"] for row in listed] == [created["id"]]
    assert charlie_api.get(url).status_code == 404
    assert charlie_api.get("/api/v1/workups").json()["results"] == []
    response = bob_api.patch(url, {"result": "progression", "lesion": None}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["result"], response.json()["lesion"], response.json()["recorded_by"]) == (
        "progression", None, "alice")
    assert WorkupResult.objects.get().history.count() == 2
    assert charlie_api.patch(url, {"result": "treatment_effect"}, format="json").status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"performed_on": "2999-01-01"}, "performed_on"),
    ({"performed_on": "1900-01-01"}, "performed_on"),
    ({"method": "biopsy"}, "method"),
    ({"result": "unclear"}, "result"),
    ({"lesion": "L9"}, "lesion"),
])
def test_a_bad_workup_is_a_400_naming_the_field_and_saves_nothing(alice_api, record, change, field):
    body = {"patient": str(record["patient"].public_id), "performed_on": day(5), "method": "histology",
            "result": "progression", **change}
    response = alice_api.post("/api/v1/workups", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not WorkupResult.objects.exists()


def test_workups_are_in_the_openapi_schema(client, alice):
    client.force_login(alice)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/workups"])
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/workups/{id}"])
    assert "brain_metastases_count" in schema["components"]["schemas"]["Primary"]["properties"]
    assert "new_lesions" in schema["components"]["schemas"]["MeasurementsInputRequest"]["properties"]


# --- primary -----------------------------------------------------------------------------------------


def test_the_count_of_brain_metastases_at_diagnosis_goes_through_the_primary(alice_api, patient):
    body = {"patient": str(patient.public_id), "type": "melanoma", "diagnosed_on": day(300),
            "brain_metastases_diagnosed_on": day(100), "brain_metastases_count": 3}
    response = alice_api.post("/api/v1/primaries", body, format="json")
    assert response.status_code == 201 and response.json()["brain_metastases_count"] == 3
    url = f"/api/v1/primaries/{response.json()['id']}"
    assert alice_api.patch(url, {"brain_metastases_count": 0}, format="json").json().keys() == {
        "brain_metastases_count"}
    assert alice_api.patch(url, {"brain_metastases_count": 5}, format="json").json()["brain_metastases_count"] == 5


# --- scenario ----------------------------------------------------------------------------------------


def test_a_record_entered_through_the_api_shows_the_uncalled_new_lesion_then_pd_once_called(alice_api, teams):
    """The planning MRI is measured after the follow-up was (it waited on the worklist): once it
    is, the follow-up's L3 is new against it and nobody has called it. The API shows the flag;
    the call "definite" makes the follow-up PD."""
    created = alice_api.post("/api/v1/patients", {"mrn": "SCN0001", "given_name": "Iris", "family_name": "de Jong",
                                                  "birth_date": "1961-04-02", "sex": "female"}, format="json")
    assert created.status_code == 201, created.json()
    ref = created.json()["id"]
    from bmtrack.patients.models import Patient

    patient = Patient.objects.get(public_id=ref)
    primary = alice_api.post("/api/v1/primaries", {"patient": ref, "type": "nsclc_adeno", "diagnosed_on": day(200),
                                                   "brain_metastases_diagnosed_on": day(131),
                                                   "brain_metastases_count": 2}, format="json")
    assert primary.status_code == 201, primary.json()
    for label in ("L1", "L2"):
        assert alice_api.post("/api/v1/lesions", {"patient": ref, "label": label}, format="json").status_code == 201
    srs = alice_api.post("/api/v1/treatments", {"patient": ref, "kind": "srs", "status": "given",
                                                "start": moment(125, 9), "end": moment(125, 10), "dose_gy": 20,
                                                "fractions": 1, "lesions": ["L1", "L2"]}, format="json")
    assert srs.status_code == 201, srs.json()
    planning = alice_api.post("/api/v1/scans", {"patient": ref, "at": moment(130), "modality": "mri",
                                                "purpose": "srs_planning"}, format="json").json()
    follow = alice_api.post("/api/v1/scans", scan_body(
        patient, 40, [lesion("L1", 16), lesion("L2", 10), lesion("L3", 8, location="left occipital")]),
        format="json")
    assert follow.status_code == 201, follow.json()  # the only measured MRI so far: its own baseline
    follow = follow.json()
    measured = alice_api.post(f"/api/v1/scans/{planning['id']}/measurements", {"measurements": [
        lesion("L1", 18, role="target"), lesion("L2", 12, role="target")]}, format="json")
    assert measured.status_code == 200, measured.json()

    rows = responses(alice_api, patient)
    assert rows[planning["id"]]["category"] == "baseline"
    assert "new_lesion_call_needed" in rows[follow["id"]]["flags"]
    assert rows[follow["id"]]["category"] != "PD"
    assert rows[follow["id"]]["targets"] == ["L1", "L2"]

    response = alice_api.patch(f"/api/v1/scans/{follow['id']}", {"new_lesions": "definite"}, format="json")
    assert response.status_code == 200, response.json()
    row = responses(alice_api, patient)[follow["id"]]
    assert row["category"] == "PD" and "new_lesion_call_needed" not in row["flags"]


# --- FHIR --------------------------------------------------------------------------------------------


def test_workups_and_the_count_at_diagnosis_go_through_a_fhir_round_trip(alice_api, charlie_api, record):
    from bmtrack.patients import services
    from bmtrack.patients.models import Patient

    patient = record["patient"]
    services.update_primary(record["primary"], brain_metastases_count=2)
    services.record_workup(patient, performed_on=days_ago(20).date(), method="histology", result="progression",
                           lesion=patient.lesions.get(label="L1"), note="viable tumour")
    services.record_workup(patient, performed_on=days_ago(10).date(), method="perfusion_mri",
                           result="treatment_effect")
    bundle = alice_api.get(f"/api/v1/patients/{patient.public_id}/fhir").json()
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = "IMPORTED9"
    response = charlie_api.post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"]["workups"] == 2
    imported = Patient.objects.get(public_id=response.json()["patient"]["id"])
    assert imported.primaries.get().brain_metastases_count == 2
    assert [(w.performed_on, w.method, w.result, w.lesion.label if w.lesion else None, w.note)
            for w in imported.workups.order_by("performed_on")] == [
        (days_ago(20).date(), "histology", "progression", "L1", "viable tumour"),
        (days_ago(10).date(), "perfusion_mri", "treatment_effect", None, "")]

    for entry in bundle["entry"]:
        if entry["resource"].get("method"):
            entry["resource"]["method"]["coding"][0]["code"] = "biopsy"
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = "IMPORTED10"
    response = charlie_api.post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 400
    assert any(key.endswith(".Observation.method") for key in response.json()), response.json()
    assert not Patient.objects.filter(mrn="IMPORTED10").exists()
