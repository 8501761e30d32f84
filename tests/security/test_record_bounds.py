"""Finding 11 of issue 18 (validation gaps) on the API: a second measurement of a lesion with
"replace": false is a 400 naming it, not a generic 409; a scan takes at most 100 measurements and a
report of at most 20,000 characters."""

from __future__ import annotations

import pytest

from tests.api.conftest import client_for
from tests.security.conftest import write_record

pytestmark = pytest.mark.django_db


def test_adding_a_measurement_of_a_lesion_already_measured_names_it(alice, patient):
    scan = write_record(patient)["follow_up"]
    response = client_for(alice).post(f"/api/v1/scans/{scan.pk}/measurements",
                                      {"replace": False, "measurements": [{"lesion": "L1", "longest_diameter_mm": 9}]},
                                      format="json")
    assert response.status_code == 400, response.json()
    assert "already measured" in " ".join(response.json()["measurements[0].lesion"])


def test_a_scan_takes_at_most_100_measurements_and_a_bounded_report(alice, patient):
    scan = write_record(patient)["follow_up"]
    api = client_for(alice)
    rows = [{"lesion": f"N{i}", "longest_diameter_mm": 5} for i in range(101)]
    response = api.post(f"/api/v1/scans/{scan.pk}/measurements", {"measurements": rows}, format="json")
    assert response.status_code == 400 and "measurements" in response.json()
    assert not patient.lesions.filter(label="N0").exists()

    response = api.patch(f"/api/v1/scans/{scan.pk}", {"report": "r" * 20_001}, format="json")
    assert response.status_code == 400 and "report" in response.json()


def test_another_teams_username_reads_as_no_such_user(alice, charlie):
    """Finding 15: "must be a member of the care team" told that the username exists elsewhere."""
    api = client_for(alice)
    answers = []
    for username in ("charlie", "no-such-user"):
        response = api.post("/api/v1/patients", {"mrn": f"ORACLE-{username}", "given_name": "A", "family_name": "B",
                                                 "birth_date": "1960-01-01", "responsible_nurse": username},
                            format="json")
        assert response.status_code == 400
        answers.append(" ".join(response.json()["responsible_nurse"]).replace(username, "<name>"))
    assert answers[0] == answers[1]
