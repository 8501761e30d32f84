"""FHIR R4 (mCODE) import and export: scoped like every read and write, and a bad Bundle is a 400 naming
where it is wrong, with nothing saved. (The named histories' round trips are in test_fhir_histories.py.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from bmtrack.patients.models import Patient
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_import_is_made_in_the_users_team_and_reports_what_it_created(alice_api, charlie_api, charlie, teams,
                                                                          record):
    bundle = alice_api.get(f"/api/v1/patients/{record['patient'].public_id}/fhir").json()
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = "IMPORTED1"
    response = charlie_api.post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == {"patients": 1, "primaries": 1, "markers": 2, "lesions": 2, "observations": 1,
                               "scans": 2, "measurements": 4, "treatments": 2}
    imported = Patient.objects.get(public_id=body["patient"]["id"])
    assert imported.care_team == teams[1] and imported.mrn == "IMPORTED1"
    assert imported.history.first().history_user == charlie


def test_the_fhir_media_type_is_accepted_both_ways(alice_api, record):
    url = f"/api/v1/patients/{record['patient'].public_id}/fhir"
    response = alice_api.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    bundle = response.json()
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = "IMPORTED2"
    response = alice_api.post("/api/v1/fhir/import", json.dumps(bundle), content_type="application/fhir+json")
    assert response.status_code == 201, response.json()


def test_another_teams_patient_cannot_be_exported_and_roles_are_checked(anon, charlie_api, coordinator, record):
    url = f"/api/v1/patients/{record['patient'].public_id}/fhir"
    assert charlie_api.get(url).status_code == 404
    assert anon.get(url).status_code == 401
    assert anon.post("/api/v1/fhir/import", {}, format="json").status_code == 401
    bundle = client_for(coordinator).get(url).json()
    assert client_for(coordinator).post("/api/v1/fhir/import", bundle, format="json").status_code == 403


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda b: [], "bundle"),
    (lambda b: {"resourceType": "Patient"}, "resourceType"),
    (lambda b: {**b, "entry": [e for e in b["entry"] if e["resource"]["resourceType"] != "Patient"]}, "entry"),
    (lambda b: {**b, "entry": [{"resource": {"resourceType": "Frobnicator"}}]}, "bundle"),
    (lambda b: _set(b, 0, "birthDate", "1960-13-01"), "entry[0].resource.birthDate"),
    (lambda b: _set(b, 0, "birthDate", "2099-01-01"), "entry[0].Patient.birth_date"),
    (lambda b: _set(b, 0, "identifier", []), "entry[0].resource.identifier"),
    (lambda b: _set(b, "ImagingStudy", "started", (timezone.now() + dt.timedelta(days=30)).isoformat()),
     ".ImagingStudy.at"),
    (lambda b: _set(b, "ImagingStudy", "started", "1899-01-01T10:00:00+01:00"), ".resource.started"),
])
def test_a_bad_bundle_is_a_400_naming_the_place_and_saves_nothing(mutate, path, alice_api, record):
    bundle = alice_api.get(f"/api/v1/patients/{record['patient'].public_id}/fhir").json()
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = "NEW-MRN"
    before = Patient.objects.count()
    response = alice_api.post("/api/v1/fhir/import", mutate(bundle), format="json")
    assert response.status_code == 400
    assert any(path in key for key in response.json()), response.json()
    assert Patient.objects.count() == before


def test_an_existing_mrn_is_a_400_on_the_patient_entry(alice_api, record):
    bundle = alice_api.get(f"/api/v1/patients/{record['patient'].public_id}/fhir").json()
    response = alice_api.post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 400 and "entry[0].Patient.mrn" in response.json()


def _set(bundle, which, field, value):
    entries = bundle["entry"]
    index = which if isinstance(which, int) else next(
        i for i, e in enumerate(entries) if e["resource"]["resourceType"] == which)
    entries[index]["resource"][field] = value
    return bundle


def test_a_plain_mcode_bundle_from_another_system_is_read_by_its_standard_codes(alice_api):
    """No bmtrack codings: SNOMED CT, LOINC and DICOM codes, relative references, centimetres."""
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1958-03-09",
                      "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                                           "code": "MR"}]},
                                      "system": "urn:oid:2.16.840.1.113883.19.5", "value": "EXT-77"}],
                      "name": [{"family": "Visser", "given": ["Marieke", "J."]}]}},
        {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "372244006"}]},
                      "onsetDateTime": "2024-02-01"}},
        {"resource": {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/p1"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94225005"}]},
                      "onsetDateTime": "2025-01-15"}},
        {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
                      "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2025-01-14",
                      "code": {"coding": [{"system": "http://loinc.org", "code": "89243-0"}]}, "valueInteger": 90}},
        {"resource": {"resourceType": "BodyStructure", "id": "b1", "patient": {"reference": "Patient/p1"},
                      "identifier": [{"value": "T1"}], "location": {"text": "left occipital"}}},
        {"resource": {"resourceType": "ImagingStudy", "id": "i1", "status": "available",
                      "subject": {"reference": "Patient/p1"}, "started": "2025-01-15T09:30:00+01:00",
                      "modality": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"}]}},
        {"resource": {"resourceType": "Observation", "id": "o2", "status": "final",
                      "subject": {"reference": "Patient/p1"}, "focus": [{"reference": "BodyStructure/b1"}],
                      "derivedFrom": [{"reference": "ImagingStudy/i1"}],
                      "code": {"coding": [{"system": "http://loinc.org", "code": "21889-1"}]},
                      "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": "33728-7"}]},
                                     "valueQuantity": {"value": 1.4, "unit": "cm", "code": "cm"}}]}},
        {"resource": {"resourceType": "Procedure", "id": "x1", "status": "completed",
                      "subject": {"reference": "Patient/p1"},
                      "meta": {"profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/"
                                           "mcode-radiotherapy-course-summary"]},
                      "performedPeriod": {"start": "2025-01-20T09:00:00+01:00"}}},
    ]}
    response = alice_api.post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 201, response.json()
    patient = Patient.objects.get(public_id=response.json()["patient"]["id"])
    assert (patient.mrn, patient.given_name, patient.family_name) == ("EXT-77", "Marieke J.", "Visser")
    primary = patient.primaries.get()
    assert primary.type == "melanoma" and str(primary.brain_metastases_diagnosed_on) == "2025-01-15"
    assert patient.observations.get().kps == 90
    measurement = patient.scans.get().measurements.get()
    assert measurement.lesion.label == "T1" and measurement.longest_diameter_mm == 14
    assert patient.treatments.get().kind == "srs"
    assert response.json()["ignored"] == {}
