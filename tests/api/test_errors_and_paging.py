"""Errors are JSON naming the field; pagination is by cursor and refuses bad input; every list needs auth."""

from __future__ import annotations

from base64 import b64encode

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from rest_framework.exceptions import ValidationError as DRFValidationError

from bmtrack.api.errors import exception_handler
from bmtrack.clinical.errors import ClinicalInputError
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

LISTS = ["patients", "primaries", "treatments", "scans", "lesions", "measurements", "observations", "due-items",
         "watch-windows", "gpa-assessments", "response-assessments", "boards", "meetings", "board-cases"]


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_refuses_anonymous_with_401(resource, anon):
    response = anon.get(f"/api/v1/{resource}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert anon.get("/api/v1/patients").status_code == 401


def test_an_unknown_path_is_a_json_404(alice_api):
    response = alice_api.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert alice_api.get("/api/v1/patients/").status_code == 404


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_refuses_an_unknown_query_parameter_naming_it(resource, coordinator):
    # A misspelt filter must not answer another question with a 200 (security review #11).
    response = client_for(coordinator).get(f"/api/v1/{resource}?stauts=overdue&page_size=5")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["stauts"] and "Unknown query parameter" in body["stauts"][0]
    assert "page_size" in body["stauts"][0]


def test_known_filters_and_paging_parameters_are_still_accepted(alice_api, patient):
    response = alice_api.get(f"/api/v1/due-items?patient={patient.public_id}&state=overdue&page_size=5")
    assert response.status_code == 200


def test_pages_are_cursors_and_a_bad_page_size_or_cursor_is_a_400(alice_api, make_patient):
    for _ in range(3):
        make_patient()
    first = alice_api.get("/api/v1/patients?page_size=2").json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = alice_api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    for bad in ("0", "201", "ten"):
        response = alice_api.get(f"/api/v1/patients?page_size={bad}")
        assert response.status_code == 400 and "page_size" in response.json()
    for cursor in ("A", b64encode(b"p=not-a-date").decode(), b64encode(b"o=x").decode()):
        response = alice_api.get(f"/api/v1/patients?cursor={cursor}")
        assert response.status_code == 400 and "cursor" in response.json()
    forged = b64encode(b"p=99999999999999999999999").decode()
    assert alice_api.get(f"/api/v1/treatments?cursor={forged}").status_code == 400


def test_the_handler_maps_service_core_and_database_errors():
    response = exception_handler(ValidationError({"measurements[2].longest_diameter_mm": "too big"}), {})
    assert response.status_code == 400 and response.data == {"measurements[2].longest_diameter_mm": ["too big"]}
    response = exception_handler(ValidationError("A deceased patient needs a date of death."), {})
    assert response.status_code == 400 and "non_field_errors" in response.data
    response = exception_handler(ValidationError({"__all__": ["clash"]}), {})
    assert response.data == {"non_field_errors": ["clash"]}
    response = exception_handler(ClinicalInputError("factors.kps", "must be 0-100 in steps of 10"), {})
    assert response.status_code == 400 and response.data == {"factors.kps": ["must be 0-100 in steps of 10"]}
    assert exception_handler(IntegrityError("duplicate"), {}).status_code == 409
    assert exception_handler(DataError("out of range"), {}).status_code == 400
    assert exception_handler(OverflowError("date value out of range"), {}).status_code == 400
    assert exception_handler(DRFValidationError({"x": ["y"]}), {}).status_code == 400


def test_nul_characters_and_out_of_range_dates_are_400_not_500(alice_api, patient):
    body = {"mrn": "A\x00B", "given_name": "A", "family_name": "B", "birth_date": "1960-01-01"}
    assert alice_api.post("/api/v1/patients", body, format="json").status_code == 400
    assert alice_api.get("/api/v1/patients?responsible_nurse=a%00b").status_code == 400
    # Ids are whole numbers of a sane size.
    assert alice_api.get("/api/v1/patients?care_team=1E%2B1000000").status_code == 400
    assert alice_api.get("/api/v1/measurements?scan=1.5").status_code == 400
    assert alice_api.get("/api/v1/measurements?scan=" + "9" * 4000).status_code == 400
    response = alice_api.post("/api/v1/treatments", {"patient": str(patient.public_id), "kind": "srs",
                                                     "status": "planned", "start": "9999-12-31T23:00:00Z"},
                              format="json")
    assert response.status_code == 400 and "start" in response.json()
