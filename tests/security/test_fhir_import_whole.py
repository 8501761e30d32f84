"""Finding 8 of issue 18: a FHIR import is whole or refused (400 naming the entry), never a 201 that
dropped part of the record."""

from __future__ import annotations

import copy

import pytest

from bmtrack.patients.models import Patient
from tests.api.conftest import client_for
from tests.security.conftest import write_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(alice, patient):
    write_record(patient)
    exported = client_for(alice).get(f"/api/v1/patients/{patient.public_id}/fhir").json()
    exported["entry"][0]["resource"]["identifier"][0]["value"] = "IMPORTED-8"
    return exported


def _entries(bundle, kind, test=lambda r: True):
    return [e for e in bundle["entry"] if e["resource"]["resourceType"] == kind and test(e["resource"])]


def _tumour_size(resource):
    return any(c.get("code") == "21889-1" for c in (resource.get("code") or {}).get("coding") or [])


def _drop_studies(b):
    b["entry"] = [e for e in b["entry"] if e["resource"]["resourceType"] != "ImagingStudy"]
    return b


def _orphan_size(b):
    _entries(b, "Observation", _tumour_size)[0]["resource"]["derivedFrom"] = [{"reference": "ImagingStudy/elsewhere"}]
    return b


def _duplicate_id(b):
    twin = copy.deepcopy(_entries(b, "Observation", _tumour_size)[0])
    twin.pop("fullUrl", None)
    b["entry"].append(twin)
    return b


def _mrn(value):
    def mutate(b):
        b["entry"][0]["resource"]["identifier"][0]["value"] = value
        return b
    return mutate


def _long_agent(b):
    request = _entries(b, "Procedure")[0]["resource"]
    request.setdefault("note", []).append({"text": "n" * 600})
    return b


@pytest.mark.parametrize(("mutate", "where"), [
    (_drop_studies, "derivedFrom"),
    (_orphan_size, "derivedFrom"),
    (_duplicate_id, ".resource.id"),
    (_mrn("   "), "identifier"),
    (_mrn("MRN\u202e123"), "identifier"),
    (lambda b: {k: v for k, v in b.items() if k != "resourceType"}, "resourceType"),
    (lambda b: {**b, "type": "nonsense"}, "type"),
    (_long_agent, ".Procedure.note"),
])
def test_a_bundle_that_cannot_be_imported_whole_is_refused(alice, bundle, mutate, where):
    before = Patient.objects.count()
    response = client_for(alice).post("/api/v1/fhir/import", mutate(bundle), format="json")
    assert response.status_code == 400, response.json()
    assert any(where in key for key in response.json()), response.json()
    assert Patient.objects.count() == before


def test_the_same_bundle_unchanged_imports_whole(alice, bundle):
    response = client_for(alice).post("/api/v1/fhir/import", bundle, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"]["measurements"] == 2
