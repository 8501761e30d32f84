"""The one access layer, tested once and thoroughly with personas from two care teams."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from bmtrack.accounts.access import get_patient_for_user, patients_for
from bmtrack.accounts.models import User
from bmtrack.core.audit import AccessLogMiddleware
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
        get_patient_for_user(charlie, ours.public_id)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1", None, "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_id_is_a_404(patient, alice, bad_id):
    with pytest.raises(Http404):
        get_patient_for_user(alice, bad_id)


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


def _request(user, path="/patients/x/", method="get"):
    request = getattr(RequestFactory(), method)(path, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="pytest")
    request.user = user
    return request


def test_viewing_a_patient_writes_one_access_log_row_per_request(patient, alice):
    def view(request):
        get_patient_for_user(request.user, patient.public_id)
        get_patient_for_user(request.user, patient.public_id)  # a second lookup in the same request
        return HttpResponse("ok")

    AccessLogMiddleware(view)(_request(alice))
    row = AccessLog.objects.get()
    assert (row.username, row.patient_id, row.action, row.ip_address, row.method) == (
        "alice", patient.pk, "view", "10.1.2.3", "GET")
    assert row.path == "/patients/x/"


def test_a_refused_request_writes_no_access_row(patient, alice):
    def view(request):
        get_patient_for_user(request.user, patient.public_id)
        return HttpResponse("nope", status=400)

    AccessLogMiddleware(view)(_request(alice))
    assert not AccessLog.objects.exists()


def test_an_export_path_is_logged_as_an_export(patient, alice):
    def view(request):
        get_patient_for_user(request.user, patient.public_id)
        return HttpResponse("{}")

    AccessLogMiddleware(view)(_request(alice, path=f"/api/v1/patients/{patient.public_id}/fhir"))
    assert AccessLog.objects.get().action == "export"


def test_the_access_log_cannot_be_edited_or_deleted(patient, alice):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    def view(request):
        get_patient_for_user(request.user, patient.public_id)
        return HttpResponse("ok")

    AccessLogMiddleware(view)(_request(alice))
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(username="mallory")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().username == "alice"
