"""Invariants that only the web form used to hold are now the service's and the model's: the API
(and so the FHIR import and the admin, which reach the same services and validators) enforce them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bmtrack.patients.models import Measurement, Scan
from tests.api.conftest import days_ago

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.isoformat()


@pytest.mark.parametrize("uid", ["1.2.abc", "1..2", "1.02.3", ".1.2", "1.2.", "1 2", "1" * 65])
def test_the_api_refuses_a_study_uid_that_is_not_a_dicom_uid(alice_api, record, uid):
    body = {"patient": str(record["patient"].public_id), "at": iso(days_ago(1)), "modality": "ct", "study_uid": uid}
    response = alice_api.post("/api/v1/scans", body, format="json")
    assert response.status_code == 400 and "study_uid" in response.json(), response.json()
    assert not Scan.objects.filter(study_uid=uid).exists()


def test_the_api_accepts_a_dicom_uid_and_a_patch_cannot_break_it(alice_api, record):
    body = {"patient": str(record["patient"].public_id), "at": iso(days_ago(1)), "modality": "ct",
            "study_uid": "1.2.826.0.1.3680043.8.498.10"}
    response = alice_api.post("/api/v1/scans", body, format="json")
    assert response.status_code == 201, response.json()
    url = f"/api/v1/scans/{response.json()['id']}"
    assert "study_uid" in alice_api.patch(url, {"study_uid": "1.2.x"}, format="json").json()
    assert Scan.objects.get(pk=response.json()["id"]).study_uid == "1.2.826.0.1.3680043.8.498.10"


def test_the_database_refuses_a_study_uid_written_around_the_services(record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(patient=record["patient"], at=days_ago(1), modality="ct", study_uid="1.2.abc")


def test_a_full_clean_as_the_admin_does_names_the_study_uid(record):
    scan = Scan(patient=record["patient"], at=days_ago(1), modality="ct", study_uid="1.02")
    with pytest.raises(ValidationError) as error:
        scan.full_clean()
    assert "study_uid" in error.value.message_dict


def test_the_api_refuses_a_follow_up_mri_that_leaves_a_carried_lesion_unmeasured(alice_api, record):
    body = {"patient": str(record["patient"].public_id), "at": iso(days_ago(2)), "modality": "mri",
            "measurements": [{"lesion": "L1", "longest_diameter_mm": 9}]}
    response = alice_api.post("/api/v1/scans", body, format="json")
    assert response.status_code == 400
    assert "L2" in " ".join(response.json()["measurements"]), response.json()
    assert not Scan.objects.filter(at=days_ago(2)).exists()


def test_a_carried_lesion_marked_gone_or_measured_again_is_accepted(alice_api, record):
    body = {"patient": str(record["patient"].public_id), "at": iso(days_ago(2)), "modality": "mri",
            "measurements": [{"lesion": "L1", "longest_diameter_mm": 9}, {"lesion": "L2", "disappeared": True},
                             {"lesion": "L3", "longest_diameter_mm": 6}], "new_lesions": "definite"}
    response = alice_api.post("/api/v1/scans", body, format="json")
    assert response.status_code == 201, response.json()


def test_measurements_added_later_through_the_api_must_complete_the_carried_lesions(alice_api, record):
    scan = alice_api.post("/api/v1/scans", {"patient": str(record["patient"].public_id), "at": iso(days_ago(2)),
                                            "modality": "mri"}, format="json").json()
    url = f"/api/v1/scans/{scan['id']}/measurements"
    response = alice_api.post(url, {"measurements": [{"lesion": "L2", "longest_diameter_mm": 7}]}, format="json")
    assert response.status_code == 400 and "L1" in " ".join(response.json()["measurements"])
    assert not Measurement.objects.filter(scan_id=scan["id"]).exists()
    # A partial entry is completed by a second one that adds the rest (replace: false).
    response = alice_api.post(url, {"measurements": [{"lesion": "L1", "longest_diameter_mm": 9},
                                                     {"lesion": "L2", "longest_diameter_mm": 7}]}, format="json")
    assert response.status_code == 200, response.json()
