"""Every URL of the API, checked once for scoping: anonymous is a 401, another team's row a 404."""

from __future__ import annotations

import pytest

from bmtrack.patients.models import Measurement, StatusObservation
from bmtrack.surveillance.models import DueItem, WatchWindow

pytestmark = pytest.mark.django_db


def urls_of(record) -> dict[str, list[tuple[str, str, dict]]]:
    """(method, url, body) of every operation on rows of the record's patient."""
    patient = record["patient"]
    ids = {
        "primaries": record["primary"].pk, "treatments": record["srs"].pk, "scans": record["followup"].pk,
        "lesions": patient.lesions.first().pk,
        "measurements": Measurement.objects.filter(scan__patient=patient).first().pk,
        "observations": StatusObservation.objects.filter(patient=patient).first().pk,
        "due-items": DueItem.objects.filter(patient=patient).first().pk,
        "watch-windows": WatchWindow.objects.filter(patient=patient).first().pk,
        "gpa-assessments": patient.gpa_assessments.first().pk,
        "response-assessments": patient.responses.first().pk,
    }
    reads = [("get", f"/api/v1/{resource}/{pk}", {}) for resource, pk in ids.items()]
    reads += [("get", f"/api/v1/patients/{patient.public_id}", {}),
              ("get", f"/api/v1/patients/{patient.public_id}/fhir", {})]
    ref = str(patient.public_id)
    writes = [
        ("patch", f"/api/v1/patients/{patient.public_id}", {"given_name": "X"}),
        ("post", "/api/v1/primaries", {"patient": ref, "type": "breast", "diagnosed_on": "2025-01-01"}),
        ("post", f"/api/v1/primaries/{ids['primaries']}/markers",
         {"marker": "alk", "result": "negative", "tested_on": "2025-01-01"}),
        ("post", "/api/v1/treatments", {"patient": ref, "kind": "wbrt", "start": "2025-01-01T10:00:00Z"}),
        ("patch", f"/api/v1/treatments/{ids['treatments']}", {"note": "x"}),
        ("post", "/api/v1/scans", {"patient": ref, "at": "2025-01-01T10:00:00Z"}),
        ("patch", f"/api/v1/scans/{ids['scans']}", {"report": "x"}),
        ("post", f"/api/v1/scans/{ids['scans']}/measurements", {"measurements": []}),
        ("post", "/api/v1/lesions", {"patient": ref, "label": "L9"}),
        ("post", "/api/v1/observations", {"patient": ref, "observed_on": "2025-01-01", "kps": 70}),
        ("post", f"/api/v1/due-items/{ids['due-items']}/book", {"booked_for": "2099-01-01"}),
        ("post", f"/api/v1/due-items/{ids['due-items']}/waive", {"reason": "x"}),
    ]
    return {"reads": reads, "writes": writes}


def test_every_url_of_another_teams_patient_is_a_404(charlie_api, alice_api, record):
    urls = urls_of(record)
    for _method, url, _body in urls["reads"]:
        assert alice_api.get(url).status_code == 200, url
        assert charlie_api.get(url).status_code == 404, url
    for method, url, body in urls["writes"]:
        response = getattr(charlie_api, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.json())


def test_every_url_refuses_anonymous_with_401(anon, record):
    urls = urls_of(record)
    for method, url, body in urls["reads"] + urls["writes"]:
        assert getattr(anon, method)(url, body, format="json").status_code == 401, (method, url)
    for command in ("gpa", "rano", "screening", "protocol", "schedule"):
        assert anon.post(f"/api/v1/calculators/{command}", {}, format="json").status_code == 401
    assert anon.post("/api/v1/fhir/import", {}, format="json").status_code == 401
    assert anon.post("/api/v1/patients/lookup", {"mrn": "x"}, format="json").status_code == 401
