"""No patient data in logs: a whole day's work, logged at DEBUG, never names the patient."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bmtrack.patients import services

pytestmark = pytest.mark.django_db

SECRETS = ("Zebedee", "Quixotic-Vanderbilt", "MRN-SECRET-991", "1957-04-09")


def test_pages_services_and_the_sweep_log_no_patient_identifiers(client, caplog, make_patient, alice):
    caplog.set_level(logging.DEBUG)
    patient = make_patient(mrn="MRN-SECRET-991", given_name="Zebedee", family_name="Quixotic-Vanderbilt",
                           birth_date=dt.date(1957, 4, 9))
    now = timezone.now()
    services.record_treatment(patient, kind="surgery", status="given", start=now - dt.timedelta(days=4),
                              end=now - dt.timedelta(days=4) + dt.timedelta(hours=3))
    call_command("run_surveillance")
    client.force_login(alice)
    for url in (reverse("web:worklist"), reverse("web:patient", args=[patient.public_id]),
                reverse("web:patient", args=["00000000-0000-0000-0000-000000000000"])):
        client.get(url)
    logged = caplog.text
    assert logged, "the flow should have logged something (counts)"
    for secret in SECRETS:
        assert secret not in logged
