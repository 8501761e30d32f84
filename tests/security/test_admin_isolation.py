"""Finding 1 and 12 of issue 18: the admin keeps care-team isolation like the web and the API, and its
writes go through the services.

Every scoped admin (found from the admin site, so a new one is covered too) answers 404 to another
team's row on change, history, history version and delete, for GET and POST, and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from bmtrack.accounts.scoped_admin import ScopedAdmin, ScopedHistoryAdmin
from tests.security.conftest import write_record

pytestmark = pytest.mark.django_db


def _scoped_admins():
    return [model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, ScopedAdmin)]


def _rows_of(model_admin, patient):
    return model_admin.model.objects.filter(**{model_admin.patient_path: patient.pk})


def _url(model_admin, view, *args):
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_every_admin_url_answers_404_to_another_teams_row(admin_client, patient_b, case_b):
    checked, leaks = [], []
    for model_admin in _scoped_admins():
        row = _rows_of(model_admin, patient_b).first()
        if row is None:  # e.g. no email was owed for team B's patient
            continue
        urls = [_url(model_admin, "change", row.pk), _url(model_admin, "history", row.pk),
                _url(model_admin, "delete", row.pk)]
        if isinstance(model_admin, ScopedHistoryAdmin):
            version = row.history.order_by("history_id").first()
            urls.append(_url(model_admin, "simple_history", row.pk, version.history_id))
        for url in urls:
            for method in ("get", "post"):
                response = getattr(admin_client, method)(url, {"post": "yes"} if method == "post" else None)
                checked.append(url)
                if response.status_code != 404:
                    leaks.append((method, url, response.status_code))
        assert model_admin.model.objects.filter(pk=row.pk).exists(), model_admin
    assert not leaks
    names = {url.split("/")[3] for url in checked}
    assert {"patient", "primarytumour", "markerresult", "statusobservation", "treatment", "scan", "lesion",
            "measurement", "gpaassessment", "responseassessment", "dueitem", "watchwindow", "boardcase"} <= names


def test_a_history_version_post_cannot_overwrite_another_teams_patient(admin_client, patient_b):
    version = patient_b.history.earliest("history_date")
    url = _url(admin.site._registry[type(patient_b)], "simple_history", patient_b.pk, version.history_id)
    response = admin_client.post(url, {"mrn": "HIJACKED", "given_name": "X", "family_name": "Y",
                                       "birth_date": "1960-01-01", "sex": "female", "care_team": patient_b.care_team_id,
                                       "status": "active"})
    assert response.status_code == 404
    patient_b.refresh_from_db()
    assert patient_b.mrn != "HIJACKED"


def test_an_old_version_of_an_own_row_is_shown_but_never_written_back(admin_client, patient):
    version = patient.history.earliest("history_date")
    url = _url(admin.site._registry[type(patient)], "simple_history", patient.pk, version.history_id)
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"mrn": "REVERTED"}).status_code == 405
    patient.refresh_from_db()
    assert patient.mrn != "REVERTED"


def test_add_forms_refuse_another_teams_patient_and_primary(admin_client, patient_b):
    from bmtrack.patients.models import MarkerResult, StatusObservation

    before = StatusObservation.objects.filter(patient=patient_b).count()
    response = admin_client.post(reverse("admin:patients_statusobservation_add"),
                                 {"patient": patient_b.pk, "observed_on": "2026-01-02", "kps": "40"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert StatusObservation.objects.filter(patient=patient_b).count() == before

    primary = patient_b.primaries.get()
    response = admin_client.post(reverse("admin:patients_markerresult_add"),
                                 {"primary": primary.pk, "marker": "alk", "result": "positive",
                                  "tested_on": "2026-01-02"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not MarkerResult.objects.filter(primary=primary, marker="alk").exists()


def test_foreign_key_choices_and_autocomplete_list_only_own_rows(admin_client, patient, patient_b):
    write_record(patient)
    page = admin_client.get(reverse("admin:patients_measurement_add")).content.decode()
    own_scan, other_scan = patient.scans.first(), patient_b.scans.first()
    assert f'value="{own_scan.pk}"' in page and f'value="{other_scan.pk}"' not in page
    other_lesion = patient_b.lesions.get()
    assert f'value="{other_lesion.pk}"' not in page or other_lesion.pk == patient.lesions.get().pk

    found = admin_client.get("/admin/autocomplete/", {"app_label": "patients", "model_name": "statusobservation",
                                                      "field_name": "patient", "term": ""}).json()
    assert {row["id"] for row in found["results"]} == {str(patient.pk)}


def test_there_is_no_bulk_delete_of_clinical_rows(admin_client, patient):
    from bmtrack.patients.models import Scan

    write_record(patient)
    page = admin_client.get(reverse("admin:patients_scan_changelist")).content.decode()
    assert "delete_selected" not in page
    admin_client.post(reverse("admin:patients_scan_changelist"),
                      {"action": "delete_selected", "_selected_action": [s.pk for s in patient.scans.all()],
                       "post": "yes"})
    assert Scan.objects.filter(patient=patient).count() == 2


def test_deleting_a_scan_in_the_admin_reopens_the_item_it_fulfilled(admin_client, patient):
    from bmtrack.surveillance.models import DueItem, DueState

    record = write_record(patient)
    follow_up = record["follow_up"]
    fulfilled = DueItem.objects.filter(patient=patient, fulfilled_by=follow_up)
    assert fulfilled.filter(state=DueState.DONE).exists()
    item_ids = list(fulfilled.values_list("pk", flat=True))

    response = admin_client.post(_url(admin.site._registry[type(follow_up)], "delete", follow_up.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not patient.scans.filter(pk=follow_up.pk).exists()
    assert not DueItem.objects.filter(pk__in=item_ids, state=DueState.DONE).exists()
    assert not patient.responses.filter(scan=follow_up.pk).exists()


def test_an_admin_add_goes_through_the_service_and_its_checks(admin_client, patient, dm_a):
    from bmtrack.patients.models import StatusObservation

    response = admin_client.post(reverse("admin:patients_statusobservation_add"),
                                 {"patient": patient.pk, "observed_on": "2199-01-01", "kps": "70"})
    assert response.status_code == 302
    assert not StatusObservation.objects.filter(patient=patient).exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "bserved on: Observation date cannot be in the future." in page

    response = admin_client.post(reverse("admin:patients_statusobservation_add"),
                                 {"patient": patient.pk, "observed_on": "2026-01-02", "kps": "70"})
    assert response.status_code == 302
    observation = StatusObservation.objects.get(patient=patient)
    assert observation.history.get().history_user == dm_a and observation.recorded_by == dm_a


def test_a_measurement_of_a_lesion_and_a_scan_of_different_patients_is_refused_with_a_message(
        admin_client, patient, make_patient):
    from bmtrack.patients.models import Measurement

    write_record(patient)
    other = make_patient()
    write_record(other, start=dt.date(2025, 10, 1))
    scan, lesion = patient.scans.first(), other.lesions.get()
    count = Measurement.objects.count()

    response = admin_client.post(reverse("admin:patients_measurement_add"),
                                 {"scan": scan.pk, "lesion": lesion.pk, "longest_diameter_mm": "9",
                                  "enhancing": "on", "measurable": "on"}, follow=True)

    assert response.status_code == 200
    assert "belongs to another patient" in response.content.decode()
    assert Measurement.objects.count() == count


def test_a_data_manager_cannot_move_a_patient_to_another_team(admin_client, patient, teams):
    url = _url(admin.site._registry[type(patient)], "change", patient.pk)
    data = {"mrn": patient.mrn, "given_name": patient.given_name, "family_name": patient.family_name,
            "birth_date": patient.birth_date.isoformat(), "sex": patient.sex, "care_team": teams[1].pk,
            "status": "active"}
    for prefix in ("primaries", "observations", "treatments", "scans", "lesions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    patient.refresh_from_db()
    assert patient.care_team == teams[0]


def test_a_superuser_still_reaches_every_team(client, patient_b):
    from bmtrack.accounts.models import User
    from tests.conftest import verified_client

    root = User.objects.create_superuser("root", "root@example.org", "a long enough password")
    verified_client(client, root)
    assert client.get(_url(admin.site._registry[type(patient_b)], "change", patient_b.pk)).status_code == 200
    version = patient_b.history.earliest("history_date")
    assert client.get(_url(admin.site._registry[type(patient_b)], "simple_history", patient_b.pk,
                           version.history_id)).status_code == 200


