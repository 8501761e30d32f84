"""FHIR R4 (mCODE) on every named test history (tests/support/histories.py): each patient's export is a
Bundle fhir.resources parses, and export → import → export gives the same Bundle up to ids."""

from __future__ import annotations

import copy
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from rest_framework.test import APIClient

from bmtrack.accounts.models import User
from bmtrack.patients.models import Patient
from tests.conftest import verified_client
from tests.support import histories
from tests.support.history import fixed_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(teams, alice):
    """Every named history, and a deceased patient, at the fixed clock; returns a verified admin client."""
    with fixed_clock():
        for history in (*histories.EVERY, histories.deceased):
            history(teams[0], alice)
        root = User.objects.create_superuser("root", "root@example.org", "a long enough password")
        yield verified_client(APIClient(), root)

def normalize(bundle: dict) -> dict:
    """The bundle without its timestamp and with every resource id replaced by its position."""
    bundle = copy.deepcopy(bundle)
    bundle.pop("timestamp", None)
    text = json.dumps(bundle, sort_keys=True)
    for position, entry in enumerate(bundle["entry"]):
        text = text.replace(entry["resource"]["id"], f"id-{position}")
    return json.loads(text)


def test_every_patient_exports_a_bundle_that_fhir_resources_parses(records):
    api = records
    patients = list(Patient.objects.order_by("mrn"))
    assert len(patients) == len(histories.EVERY) + 1
    kinds = set()
    for patient in patients:
        response = api.get(f"/api/v1/patients/{patient.public_id}/fhir")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/fhir+json")
        bundle = Bundle.model_validate_json(response.content)
        assert bundle.type == "collection"
        kinds |= {entry.resource.get_resource_type() for entry in bundle.entry}
        kinds |= {profile.rsplit("/", 1)[-1] for entry in bundle.entry
                  for profile in ((entry.resource.meta and entry.resource.meta.profile) or [])}
    assert {"Patient", "Condition", "BodyStructure", "ImagingStudy", "Procedure", "MedicationRequest",
            "MedicationAdministration", "Observation"} <= kinds
    assert {"mcode-cancer-patient", "mcode-primary-cancer-condition", "mcode-secondary-cancer-condition",
            "mcode-cancer-related-surgical-procedure", "mcode-radiotherapy-course-summary",
            "mcode-cancer-related-medication-request", "mcode-cancer-related-medication-administration",
            "mcode-tumor-size", "mcode-tumor-marker-test", "mcode-cancer-disease-status"} <= kinds


def features(patient: Patient) -> set[str]:
    """What a patient's record holds, to choose patients that together exercise every mapping."""
    return (
        {f"status:{patient.status}"}
        | {f"treatment:{kind}:{status}" for kind, status in patient.treatments.values_list("kind", "status")}
        | {f"scan:{modality}:{status}" for modality, status in patient.scans.values_list("modality",
                                                                                       "measurement_status")}
        | {f"response:{category}" for category in patient.responses.values_list("category", flat=True)}
        | {f"marker:{marker}" for marker in patient.primaries.values_list("markers__marker", flat=True) if marker}
        | ({"disappeared"} if patient.lesions.filter(measurements__disappeared=True).exists() else set())
    )


def test_export_import_export_is_stable_for_patients_covering_every_mapping(records):
    api = records
    chosen, seen = [], set()
    for patient in Patient.objects.order_by("mrn"):
        new = features(patient) - seen
        if new:
            chosen.append(patient)
            seen |= new
    assert len(chosen) >= 8
    for patient in chosen:
        first = api.get(f"/api/v1/patients/{patient.public_id}/fhir").json()
        team = patient.care_team
        patient.delete()
        response = api.post(f"/api/v1/fhir/import?care_team={team.pk}", first, format="json")
        assert response.status_code == 201, (patient.mrn, response.json())
        second = api.get(f"/api/v1/patients/{response.json()['patient']['id']}/fhir").json()
        assert normalize(second) == normalize(first), patient.mrn


