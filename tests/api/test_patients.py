"""Patients through the API: the care team scopes every read and write; the services do the writes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from bmtrack.patients.models import Patient
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"mrn": "API0001", "given_name": "Iris", "family_name": "de Jong", "birth_date": "1961-04-02",
               "sex": "female"}


def test_a_nurse_lists_only_her_teams_patients_by_public_id(alice_api, make_patient, teams, charlie):
    mine = make_patient()
    make_patient(care_team=teams[1], responsible_nurse=charlie)
    response = alice_api.get("/api/v1/patients")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(mine.public_id)]
    assert "pk" not in response.json()["results"][0]


def test_anonymous_requests_are_refused_with_401(anon, patient):
    assert anon.get("/api/v1/patients").status_code == 401
    assert anon.get(f"/api/v1/patients/{patient.public_id}").status_code == 401
    assert anon.post("/api/v1/patients", NEW_PATIENT, format="json").status_code == 401


def test_another_teams_patient_is_a_404_never_a_403(charlie_api, patient):
    assert charlie_api.get(f"/api/v1/patients/{patient.public_id}").status_code == 404
    assert charlie_api.patch(f"/api/v1/patients/{patient.public_id}", {"given_name": "X"},
                             format="json").status_code == 404
    assert charlie_api.get(f"/api/v1/patients/{uuid.uuid4()}").status_code == 404
    assert charlie_api.get("/api/v1/patients/not-a-uuid").status_code == 404


def test_a_nurse_creates_a_patient_in_her_only_team_through_the_service(alice_api, alice, teams):
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "responsible_nurse": "alice"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    patient = Patient.objects.get(public_id=body["id"])
    assert patient.care_team == teams[0] and patient.responsible_nurse == alice
    assert body["care_team"] == teams[0].pk and body["status"] == "active"
    assert patient.history.first().history_user == alice


def test_creating_a_patient_names_each_invalid_field(alice_api):
    future = (timezone.now() + dt.timedelta(days=30)).date().isoformat()
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "birth_date": future}, format="json")
    assert response.status_code == 400
    assert "birth_date" in response.json()
    response = alice_api.post("/api/v1/patients", {"mrn": "", "sex": "robot"}, format="json")
    assert response.status_code == 400
    assert {"mrn", "sex", "given_name", "family_name", "birth_date"} <= set(response.json())
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "birth_date": "1850-01-01"}, format="json")
    assert response.status_code == 400 and "birth_date" in response.json()


def test_a_patient_cannot_be_put_in_a_team_or_with_a_nurse_outside_ones_own(alice_api, teams, charlie):
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "care_team": teams[1].pk}, format="json")
    assert response.status_code == 400 and "care_team" in response.json()
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "responsible_nurse": "charlie"}, format="json")
    assert response.status_code == 400 and "responsible_nurse" in response.json()


def test_a_duplicate_mrn_is_a_field_error(alice_api, patient):
    response = alice_api.post("/api/v1/patients", {**NEW_PATIENT, "mrn": patient.mrn}, format="json")
    assert response.status_code == 400 and "mrn" in response.json()


def test_another_teams_mrn_is_refused_saying_it_is_taken_and_nothing_about_whose(charlie_api, patient):
    """The MRN is hospital-wide unique, so a second registration must be refused and explained; the
    refusal names neither the team nor the patient that holds the number."""
    from bmtrack.patients.models.patient import MRN_TAKEN

    response = charlie_api.post("/api/v1/patients", {**NEW_PATIENT, "mrn": patient.mrn}, format="json")
    assert response.status_code == 400 and response.json()["mrn"] == [MRN_TAKEN]
    assert patient.family_name not in response.content.decode()
    assert patient.care_team.name not in response.content.decode()


def test_a_patch_changes_only_the_fields_given(alice_api, patient):
    response = alice_api.patch(f"/api/v1/patients/{patient.public_id}", {"given_name": "Annemarie"}, format="json")
    assert response.status_code == 200, response.json()
    patient.refresh_from_db()
    assert patient.given_name == "Annemarie" and patient.family_name.startswith("Jansen")


def test_a_patient_dies_through_set_patient_status_and_needs_the_date(alice_api, patient):
    url = f"/api/v1/patients/{patient.public_id}"
    response = alice_api.patch(url, {"status": "deceased"}, format="json")
    assert response.status_code == 400 and "deceased_on" in response.json()
    day = (timezone.now() - dt.timedelta(days=2)).date().isoformat()
    response = alice_api.patch(url, {"status": "deceased", "deceased_on": day}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "deceased" and response.json()["deceased_on"] == day
    response = alice_api.patch(url, {"status": "active"}, format="json")
    assert response.json()["deceased_on"] is None


def test_put_is_not_offered(alice_api, patient):
    assert alice_api.put(f"/api/v1/patients/{patient.public_id}", NEW_PATIENT, format="json").status_code == 405


def test_a_board_coordinator_reads_patients_but_cannot_create_them(coordinator, patient):
    api = client_for(coordinator)
    assert api.get(f"/api/v1/patients/{patient.public_id}").status_code == 200
    assert api.post("/api/v1/patients", NEW_PATIENT, format="json").status_code == 403


def test_lookup_by_mrn_keeps_the_mrn_out_of_the_url(alice_api, charlie_api, patient):
    response = alice_api.post("/api/v1/patients/lookup", {"mrn": patient.mrn}, format="json")
    assert response.status_code == 200 and response.json()["id"] == str(patient.public_id)
    assert charlie_api.post("/api/v1/patients/lookup", {"mrn": patient.mrn}, format="json").status_code == 404
    assert alice_api.post("/api/v1/patients/lookup", {}, format="json").status_code == 400


def test_the_list_filters_by_status_and_rejects_a_bad_value(alice_api, make_patient):
    from bmtrack.patients import services

    gone = make_patient()
    services.set_patient_status(gone, "discharged")
    make_patient()
    response = alice_api.get("/api/v1/patients?status=discharged")
    assert [row["id"] for row in response.json()["results"]] == [str(gone.public_id)]
    response = alice_api.get("/api/v1/patients?status=asleep")
    assert response.status_code == 400 and "status" in response.json()


def test_session_authentication_works_and_enforces_csrf(alice, patient):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(f"/api/v1/patients/{patient.public_id}").status_code == 200
    response = client.patch(f"/api/v1/patients/{patient.public_id}", {"given_name": "X"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_the_api_reads_and_writes_phone_numbers_and_refuses_a_bad_one(alice_api, patient):
    url = f"/api/v1/patients/{patient.public_id}"
    response = alice_api.patch(url, {"phones": "07700 900123;+31 20 555 1234"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phones"] == "07700 900123; +31 20 555 1234"
    response = alice_api.patch(url, {"phones": "her daughter"}, format="json")
    assert response.status_code == 400 and "phones" in response.json()
    patient.refresh_from_db()
    assert patient.phones == "07700 900123; +31 20 555 1234"
