"""Tumour boards, read-only: boards and meetings by role, cases only of patients the user may see."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(teams, coordinator, patient):
    from bmtrack.boards import services
    from bmtrack.boards.models import Board

    board = Board.objects.create(name="Neuro-oncology board")
    board.care_teams.add(teams[0])
    meeting = services.create_meeting(board, date=dt.date(2026, 12, 2), location="Room 4", user=coordinator)
    case = services.add_case(meeting, patient, question="SRS or surgery for L1?", presenter=coordinator)
    return board, meeting, case


@pytest.fixture
def team_b_coordinator(erik):
    return erik


def test_a_coordinator_reads_boards_meetings_and_cases(coordinator, agenda, patient):
    board, meeting, case = agenda
    api = client_for(coordinator)
    assert [b["name"] for b in api.get("/api/v1/boards").json()["results"]] == ["Neuro-oncology board"]
    meetings = api.get(f"/api/v1/meetings?board={board.pk}").json()["results"]
    assert [m["id"] for m in meetings] == [meeting.pk]
    cases = api.get(f"/api/v1/board-cases?meeting={meeting.pk}").json()["results"]
    assert cases[0]["patient"] == str(patient.public_id) and cases[0]["presenter"] == "dora"
    assert api.get(f"/api/v1/board-cases/{case.pk}").json()["question"] == "SRS or surgery for L1?"
    assert api.get("/api/v1/board-cases?decided=false").json()["results"][0]["id"] == case.pk


def test_another_teams_board_case_is_a_404(team_b_coordinator, agenda):
    _board, _meeting, case = agenda
    api = client_for(team_b_coordinator)
    assert api.get("/api/v1/board-cases").json()["results"] == []
    assert api.get(f"/api/v1/board-cases/{case.pk}").status_code == 404


def test_boards_refuse_anonymous_bad_filters_writes_and_roles_without_access(anon, charlie_api, coordinator, agenda):
    assert anon.get("/api/v1/boards").status_code == 401
    assert anon.get("/api/v1/board-cases").status_code == 401
    api = client_for(coordinator)
    assert api.get("/api/v1/meetings?date_after=soon").status_code == 400
    assert api.get("/api/v1/board-cases?patient=123").status_code == 400
    assert api.post("/api/v1/boards", {"name": "x"}, format="json").status_code == 405
    # A nurse's role carries no board permissions.
    assert charlie_api.get("/api/v1/boards").status_code == 403
