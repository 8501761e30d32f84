"""Findings 3 and 7 of issue 18 on the API: every JSON write endpoint (taken from the OpenAPI schema, so
a new one is covered too) answers a body nested too deep, too large or holding a NUL with a 4xx
that says so, never a 500."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from bmtrack.patients import services
from tests.api.conftest import client_for
from tests.security.conftest import write_record

pytestmark = pytest.mark.django_db


def _write_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method, path) for path, operations in schema["paths"].items() for method in operations
            if method in ("post", "patch", "put")]


@pytest.fixture
def physician_api(bob):
    return client_for(bob)


@pytest.fixture
def url_for(patient):
    record = write_record(patient)
    item = patient.due_items.first()
    ids = {"patients": patient.public_id, "primaries": record["primary"].pk, "scans": record["follow_up"].pk,
           "treatments": record["treatment"].pk, "lesions": patient.lesions.first().pk,
           "observations": patient.observations.first().pk, "due-items": item.pk,
           "workups": services.record_workup(patient, performed_on=timezone.localdate(), method="histology",
                                             result="progression").pk}

    def url(path):
        resource = path.split("/")[3]
        return path.replace("{id}", str(ids.get(resource))).replace("{public_id}", str(ids.get(resource)))

    return url


def _nested(depth):
    return "[" * depth + "]" * depth


def test_json_nested_too_deep_is_a_400_on_every_write_endpoint(physician_api, url_for):
    operations = _write_operations()
    assert len(operations) >= 20
    answers = {}
    for method, path in operations:
        for depth in (40, 5000):
            body = '{"a": ' + _nested(depth) + "}"
            response = getattr(physician_api, method)(url_for(path), body, content_type="application/json")
            answers[(method, path, depth)] = response.status_code
            if response.status_code == 400:
                assert "nested too deeply" in json.dumps(response.json())
    assert {code for code in answers.values()} <= {400, 403}, answers
    assert list(answers.values()).count(400) >= len(operations)


def test_a_nul_character_or_an_oversized_body_is_refused_with_a_message(physician_api, patient, settings):
    response = physician_api.post("/api/v1/patients/lookup", {"mrn": "MRN\x00001"}, format="json")
    assert response.status_code == 400 and "NUL" in json.dumps(response.json())

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = physician_api.post("/api/v1/observations", json.dumps({"note": "x" * 20_000}),
                                  content_type="application/json")
    assert response.status_code == 413 and "larger than 10000 bytes" in response.json()["detail"]


def test_the_fhir_media_type_has_the_same_bounds(physician_api):
    response = physician_api.post("/api/v1/fhir/import", '{"resourceType": "Bundle", "entry": ' + _nested(3000) + "}",
                                  content_type="application/fhir+json")
    assert response.status_code == 400 and "nested too deeply" in json.dumps(response.json())
