"""The OpenAPI schema matches the API, and nothing a client sends gives a server error.

schemathesis reads /api/v1/schema/ from the live server (PostgreSQL) and sends every operation a
bounded number of generated requests, valid and invalid, with a token. About half of the detail
URLs and patient references name real rows of a seeded record, so the services' validation is
reached too.
Each response must not be a 5xx, and its status, content type and body must be those the schema
documents.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from _pytest import nodes
from _pytest.nodeid import coerce_node_id
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bmtrack.patients.models import Measurement, StatusObservation
from bmtrack.surveillance.models import DueItem, WatchWindow

# Bounded for the suite; BMTRACK_FUZZ_EXAMPLES=100 BMTRACK_FUZZ_COVERAGE=1 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("BMTRACK_FUZZ_EXAMPLES", "12"))
COVERAGE_PHASE = os.environ.get("BMTRACK_FUZZ_COVERAGE", "") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def test_the_schema_is_served_and_describes_every_resource(client, db, alice):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    client.force_login(alice)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/patients", "/api/v1/patients/{public_id}/fhir", "/api/v1/fhir/import",
                 "/api/v1/calculators/gpa", "/api/v1/calculators/rano", "/api/v1/scans/{id}/measurements",
                 "/api/v1/due-items/{id}/book", "/api/v1/due-items/{id}/waive", "/api/v1/board-cases"):
        assert path in paths, path
    create = paths["/api/v1/treatments"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(create)


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client, db, alice):
    client.force_login(alice)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html  # the start-up script is a separate file (strict policy)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"/api/v1/schema/" in script.content
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


@pytest.fixture
def seeded(record):
    """The record of tests/api/conftest.py plus a board case: a real row for each resource's detail URL."""
    from bmtrack.boards import services as boards
    from bmtrack.boards.models import Board
    from bmtrack.patients import services as patient_services

    patient = record["patient"]
    board = Board.objects.create(name="Fuzzed board")
    meeting = boards.create_meeting(board, date=dt.date(2026, 12, 2))
    case = boards.add_case(meeting, patient, question="Next step?")
    rows = {
        "primaries": record["primary"], "treatments": record["srs"], "scans": record["followup"],
        "lesions": patient.lesions.first(), "observations": StatusObservation.objects.filter(patient=patient).first(),
        "measurements": Measurement.objects.filter(scan__patient=patient).first(),
        "due-items": DueItem.objects.filter(patient=patient, state__in=["upcoming", "due", "overdue"]).first(),
        "watch-windows": WatchWindow.objects.filter(patient=patient).first(),
        "gpa-assessments": patient.gpa_assessments.first(), "response-assessments": patient.responses.last(),
        "boards": board, "meetings": meeting, "board-cases": case,
        "workups": patient_services.record_workup(patient, performed_on=dt.date(2026, 11, 1), method="histology",
                                                  result="progression"),
    }
    return {"patient": patient, "ids": {resource: row.pk for resource, row in rows.items()}}


@pytest.fixture
def fuzzed_api(live_server, seeded, teams, settings):
    from bmtrack.accounts.models import User

    # The fuzzer is a superuser with a token; while the admin requires two steps such tokens are refused.
    settings.BMTRACK_ADMIN_REQUIRES_2FA = False

    fuzzer = User.objects.create_superuser("fuzzer", "fuzzer@example.org", "correct horse battery staple")
    teams[0].members.add(fuzzer)
    token = Token.objects.create(user=fuzzer)
    config = schemathesis.Config.from_dict({
        "seed": 20261125,
        "headers": {"Authorization": f"Token {token.key}"},
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": COVERAGE_PHASE}},
        "dictionaries": {"patients": {"values": [str(seeded["patient"].public_id)]}},
        "parameters": {
            "path.public_id": {"dictionary": "patients", "probability": 0.5},
            "query.patient": {"dictionary": "patients", "probability": 0.5},
            "body.patient": {"dictionary": "patients", "probability": 0.7},
        },
    })
    # The schema itself is behind authentication, like everything under /api/v1/.
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/", config=config,
                                         headers={"Authorization": f"Token {token.key}"})


# schemathesis 4.32's lazy loader (``from_fixture``) reads and rewrites ``node._nodeid`` to name each
# operation's subtest; pytest 9.2 keeps a structured ``_id`` instead. This restores the old name.
if not hasattr(nodes.Node, "_nodeid"):
    nodes.Node._nodeid = property(lambda node: node.nodeid,
                                  lambda node, value: setattr(node, "_id", coerce_node_id(value)))

schema = schemathesis.pytest.from_fixture("fuzzed_api")


@schema.parametrize()
@schema.given(real_id=st.booleans())
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error_and_every_response_matches_the_schema(case, real_id, seeded):
    if real_id and "id" in (case.path_parameters or {}):
        # Half the detail URLs name a real row of their resource, so the write paths are reached.
        resource = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        case.path_parameters["id"] = seeded["ids"][resource]
    case.call_and_validate(checks=CHECKS)
