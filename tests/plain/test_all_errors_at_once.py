"""Issue 16: a service refuses with every wrong field at once, and the form shows them all, each linked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bmtrack.patients import services

pytestmark = pytest.mark.django_db


def test_a_treatment_is_refused_with_every_wrong_field_named(patient):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.record_treatment(patient, kind="surgery", status="given", start=now - dt.timedelta(days=2),
                                  end=now - dt.timedelta(days=3), line=2, dose_gy=20, now=now)
    assert set(refused.value.message_dict) == {"end", "line", "dose_gy"}
    assert patient.treatments.count() == 0  # and nothing was saved


def test_a_patient_with_several_impossible_dates_hears_of_each(make_patient):
    future = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        make_patient(birth_date=future, last_contact_on=future)
    assert set(refused.value.message_dict) == {"birth_date", "last_contact_on"}


def test_the_treatment_form_shows_every_service_error_in_its_summary(client, alice, patient):
    client.force_login(alice)
    start = timezone.localtime(timezone.now() - dt.timedelta(days=2))
    response = client.post(f"/patients/{patient.public_id}/treatments/new/", {
        "kind": "surgery", "status": "given", "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "line": "2", "dose_gy": "20",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved. 3 problems to fix:" in html
    for field in ("end", "line", "dose_gy"):
        assert f'href="#id_{field}"' in html
    assert patient.treatments.count() == 0
