"""The one access layer, tested once and thoroughly with personas from two care teams.

The access log is checked here through real endpoints; ``test_access_log_walk.py`` walks every
patient-bearing URL."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework.test import APIClient

from bmtrack.accounts.access import access_patient, patients_for
from bmtrack.accounts.models import User
from bmtrack.core.models import AccessLog

pytestmark = pytest.mark.django_db


def test_a_nurse_sees_her_teams_patients_and_not_the_others(make_patient, teams, alice, bob, charlie):
    ours, theirs = make_patient(), make_patient(care_team=teams[1])
    assert list(patients_for(alice)) == [ours]
    assert list(patients_for(bob)) == [ours]
    assert list(patients_for(charlie)) == [theirs]


def test_another_teams_patient_is_a_404_not_a_403(make_patient, teams, charlie):
    ours = make_patient()
    with pytest.raises(Http404):
        access_patient(charlie, ours.public_id)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1", None, "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_id_is_a_404(patient, alice, bad_id):
    with pytest.raises(Http404):
        access_patient(alice, bad_id)


def test_anonymous_and_inactive_users_see_nothing(patient, alice):
    from django.contrib.auth.models import AnonymousUser

    assert not patients_for(AnonymousUser()).exists()
    alice.is_active = False
    alice.save()
    assert not patients_for(alice).exists()


def test_a_superuser_sees_every_patient(make_patient, teams):
    make_patient(), make_patient(care_team=teams[1])
    admin = User.objects.create_superuser("root", "root@example.org", "a long enough password")
    assert patients_for(admin).count() == 2


def _get(user, url, **extra):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="pytest", **extra)


def test_viewing_a_patient_writes_one_access_log_row_per_request(patient, alice):
    url = f"/api/v1/patients/{patient.public_id}"
    assert _get(alice, url).status_code == 200
    row = AccessLog.objects.get()
    assert (row.username, row.patient_id, row.action, row.ip_address, row.method, row.path) == (
        "alice", patient.pk, "view", "10.1.2.3", "GET", url)


def test_a_write_through_the_api_is_logged_as_an_edit(patient, alice):
    """(Two lookups of one patient in one request make one row: the walk's item actions reach the
    patient and then the item.)"""
    client = APIClient()
    client.force_authenticate(alice)
    response = client.post("/api/v1/observations", {"patient": str(patient.public_id), "observed_on": "2024-01-02",
                                                      "kps": 80}, format="json")
    assert response.status_code == 201, response.content
    assert AccessLog.objects.get().action == "edit"


def test_a_refused_request_writes_no_access_row(patient, alice):
    client = APIClient()
    client.force_authenticate(alice)
    response = client.patch(f"/api/v1/patients/{patient.public_id}", {"birth_date": "1800-01-01"}, format="json")
    assert response.status_code == 400
    assert not AccessLog.objects.exists()


def test_an_export_is_logged_as_an_export(patient, alice):
    assert _get(alice, f"/api/v1/patients/{patient.public_id}/fhir").status_code == 200
    assert AccessLog.objects.get().action == "export"


def test_a_lock_is_taken_inside_the_callers_transaction(patient, alice):
    from django.db import transaction

    with transaction.atomic():
        locked = access_patient(alice, patient.public_id, lock=True)
    assert locked == patient


def test_the_access_log_cannot_be_edited_or_deleted(patient, alice):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    assert _get(alice, f"/api/v1/patients/{patient.public_id}").status_code == 200
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(username="mallory")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().username == "alice"
