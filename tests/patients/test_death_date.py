"""A death date is checked against the record, in the service (web, API, admin and FHIR all go through it):
not before a recorded scan or given treatment, not before birth, not in the future; and nothing is recorded
after it. Setting a patient deceased is undone by setting them active again, which re-plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bmtrack.patients import services
from bmtrack.surveillance.models import DueItem
from tests.conftest import at

pytestmark = pytest.mark.django_db


def refused(call) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict


@pytest.fixture
def treated(patient):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    services.record_scan(patient, modality="mri", at=at(2026, 3, 12, 9), purpose="surveillance",
                         now=at(2026, 3, 12, 10))
    return patient


def test_a_death_before_a_recorded_scan_is_refused_naming_the_scan(treated):
    errors = refused(lambda: services.set_patient_status(treated, "deceased", deceased_on=dt.date(2026, 3, 1),
                                                          now=at(2026, 4, 1)))
    assert errors == {"deceased_on": ["The date of death cannot be before the MRI of 12 Mar 2026 on record."]}
    treated.refresh_from_db()
    assert treated.status == "active" and treated.deceased_on is None


def test_a_death_before_a_given_treatment_is_refused(patient):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), now=at(2026, 1, 9))
    errors = refused(lambda: services.set_patient_status(patient, "deceased", deceased_on=dt.date(2026, 1, 2),
                                                          now=at(2026, 4, 1)))
    assert errors["deceased_on"][0].endswith("given on 5 Jan 2026.")


@pytest.mark.parametrize(("day", "words"), [(dt.date(2026, 4, 2), "future"), (dt.date(1900, 1, 2), "before birth")])
def test_a_death_in_the_future_or_before_birth_is_refused(treated, day, words):
    errors = refused(lambda: services.set_patient_status(treated, "deceased", deceased_on=day, now=at(2026, 4, 1)))
    assert words in errors["deceased_on"][0]


def test_a_death_on_the_day_of_the_last_scan_is_accepted_and_nothing_is_recorded_after_it(treated):
    services.set_patient_status(treated, "deceased", deceased_on=dt.date(2026, 3, 12), now=at(2026, 4, 1))
    errors = refused(lambda: services.record_scan(treated, modality="mri", at=at(2026, 3, 20, 9),
                                                  purpose="surveillance", now=at(2026, 4, 1)))
    assert errors == {"at": ["A scan cannot be after the patient's death (12 Mar 2026)."]}
    errors = refused(lambda: services.record_treatment(treated, kind="srs", status="given", start=at(2026, 3, 25, 9),
                                                       now=at(2026, 4, 1)))
    assert "after the patient's death" in errors["start"][0]


def test_undoing_deceased_returns_the_patient_to_active_and_replans(treated):
    followup = DueItem.objects.get(patient=treated, kind="followup_mri", state__in=["upcoming", "due", "overdue"])
    services.set_patient_status(treated, "deceased", deceased_on=dt.date(2026, 3, 30), now=at(2026, 4, 1))
    followup.refresh_from_db()
    assert followup.state == "cancelled"
    services.set_patient_status(treated, "active", now=at(2026, 4, 1, 10, 5))
    followup.refresh_from_db()
    treated.refresh_from_db()
    assert treated.status == "active" and treated.deceased_on is None
    assert followup.state in ("upcoming", "due", "overdue")
