"""Records entered through the API, read back through the API, the patient page and the board
packet: the same call in all three (issue 14; record.md). Each scenario is one defect class."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import at

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=alice)[0].key}")
    return client


def post(api, url, body):
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def mri(api, patient, when, lesions, **extra):
    return post(api, "/api/v1/scans", {
        "patient": str(patient.public_id), "at": when.isoformat(), "modality": "mri", "purpose": "surveillance",
        "sequences": ["t1_pre_3d", "t1_post_3d", "t2", "flair"],
        "measurements": [{"lesion": k, "longest_diameter_mm": v} for k, v in lesions.items()], **extra})


def calls(api, patient):
    rows = api.get(f"/api/v1/response-assessments?patient={patient.public_id}").json()["results"]
    return [(row["category"], row["flags"]) for row in sorted(rows, key=lambda row: row["scan"])]


def shown_everywhere(dora, patient, category, words):
    """The call on the patient page and in the packet, as the API gives it."""
    from django.test import Client

    from bmtrack.boards import services as boards
    from bmtrack.boards.models import Board

    web = Client()
    web.force_login(patient.responsible_nurse)
    page = web.get(f"/patients/{patient.public_id}/").content.decode()
    assert '<span class="cat cat-lg' in page and f">{category}</span>" in page
    for word in words:
        assert word in page
    board = Board.objects.create(name="Neuro-oncology board")
    board.care_teams.add(patient.care_team)
    board.members.add(dora)
    meeting = boards.create_meeting(board, date=MEETING_DAY, starts_at=dt.time(16, 0), location="Room 4", user=dora)
    boards.add_case(meeting, patient, question="Next step?", user=dora)
    web.force_login(dora)
    packet = web.get(reverse("boards:packet", args=[meeting.pk])).content.decode()
    assert f">{category}</span>" in packet
    for word in words:
        assert word in packet


def test_a_symptom_before_baseline_does_not_make_a_shrinking_scan_pd(api, make_patient, dora):
    patient = make_patient()
    post(api, "/api/v1/primaries", {"patient": str(patient.public_id), "type": "melanoma",
                                    "diagnosed_on": "2025-06-01", "brain_metastases_diagnosed_on": "2026-09-01"})
    post(api, "/api/v1/observations", {"patient": str(patient.public_id), "observed_on": "2026-09-01",
                                       "neuro_status": "worse", "kps": 80, "extracranial_metastases": False})
    mri(api, patient, at(2026, 9, 2), {"L1": 30, "L2": 15}, purpose="diagnosis")
    post(api, "/api/v1/treatments", {"patient": str(patient.public_id), "kind": "surgery", "status": "given",
                                     "start": at(2026, 9, 5, 8).isoformat(), "end": at(2026, 9, 5, 12).isoformat(),
                                     "lesions": ["L1"]})
    mri(api, patient, at(2026, 9, 7), {"L1": 25, "L2": 12}, purpose="post_operative")  # -18 %
    assert calls(api, patient) == [("baseline", []), ("SD", [])]
    shown_everywhere(dora, patient, "SD", [])


def test_an_srs_treated_lesion_growing_in_its_window_is_unconfirmed_pd_everywhere(api, make_patient, dora):
    patient = make_patient()
    post(api, "/api/v1/primaries", {"patient": str(patient.public_id), "type": "nsclc_adeno",
                                    "diagnosed_on": "2025-06-01", "brain_metastases_diagnosed_on": "2026-02-01"})
    mri(api, patient, at(2026, 2, 2), {"L1": 18, "L2": 12}, purpose="srs_planning")
    post(api, "/api/v1/treatments", {"patient": str(patient.public_id), "kind": "srs", "status": "given",
                                     "start": at(2026, 2, 5, 9).isoformat(), "end": at(2026, 2, 5, 10).isoformat(),
                                     "lesions": ["L1", "L2"], "dose_gy": 21, "fractions": 1})
    mri(api, patient, at(2026, 5, 5), {"L1": 14, "L2": 10})
    mri(api, patient, at(2026, 11, 5), {"L1": 22, "L2": 10})
    assert calls(api, patient)[-1] == ("unconfirmed PD", ["possible_radiation_necrosis"])
    shown_everywhere(dora, patient, "unconfirmed PD", ["radiation necrosis: a treated lesion grew inside"])


def test_an_earlier_ici_courses_window_holds_when_a_later_course_is_recorded(api, make_patient, dora):
    patient = make_patient()
    post(api, "/api/v1/primaries", {"patient": str(patient.public_id), "type": "melanoma",
                                    "diagnosed_on": "2025-06-01", "brain_metastases_diagnosed_on": "2026-03-01"})
    mri(api, patient, at(2026, 3, 2), {"L1": 20}, purpose="diagnosis")
    post(api, "/api/v1/treatments", {"patient": str(patient.public_id), "kind": "ici", "status": "given",
                                     "start": at(2026, 3, 10, 9).isoformat(), "agent": "nivolumab", "line": 1})
    mri(api, patient, at(2026, 6, 1), {"L1": 26}, purpose="response")
    post(api, "/api/v1/treatments", {"patient": str(patient.public_id), "kind": "ici", "status": "given",
                                     "start": at(2026, 7, 1, 9).isoformat(), "agent": "ipilimumab", "line": 2})
    assert calls(api, patient) == [("baseline", []), ("unconfirmed PD", [])]
    shown_everywhere(dora, patient, "unconfirmed PD", [])
