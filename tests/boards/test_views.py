"""Board pages: the coordinator's flow, and access through the care-team layer (404, never a leak)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bmtrack.boards import services
from bmtrack.boards.models import BoardCase, CaseSuggestion
from bmtrack.patients.models import Treatment
from tests.boards.conftest import History

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def new_bm_patient(make_patient):
    patient = make_patient(given_name="Sanne", family_name="Kok")
    History(patient).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    return patient


@pytest.fixture
def team_b_patient(make_patient, teams, charlie):
    patient = make_patient(given_name="Bert", family_name="Hidden", care_team=teams[1], responsible_nurse=charlie)
    History(patient).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    return patient


def test_the_coordinator_accepts_a_suggestion_and_it_becomes_the_first_case(client, dora, meeting, new_bm_patient):
    client.force_login(dora)
    page = client.get(reverse("boards:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Kok, Sanne" in page.text and "New brain metastasis diagnosis" in page.text

    response = client.post(reverse("boards:suggestion_accept", args=[meeting.pk]),
                           {"patient": str(new_bm_patient.public_id), "presenter": dora.pk})

    assert response.status_code == 302
    case = BoardCase.objects.get(meeting=meeting)
    assert (case.patient, case.order, case.presenter) == (new_bm_patient, 1, dora)
    page = client.get(reverse("boards:meeting", args=[meeting.pk]))
    assert "Nothing new to suggest." in page.text


def test_the_coordinator_dismisses_a_suggestion_after_confirming_and_can_undo_it(client, dora, meeting,
                                                                                  new_bm_patient):
    client.force_login(dora)
    url = reverse("boards:suggestion_dismiss", args=[meeting.pk])
    asked = client.post(url, {"patient": str(new_bm_patient.public_id)})
    assert asked.status_code == 200 and "Yes, dismiss" in asked.text and "New brain metastasis diagnosis" in asked.text
    assert not CaseSuggestion.objects.exists()  # nothing changes before the confirmation
    client.post(url, {"patient": str(new_bm_patient.public_id), "confirm": "1"})

    page = client.get(reverse("boards:meeting", args=[meeting.pk])).text
    suggestions = page.split('id="suggestions"', 1)[1].split('id="dismissed"', 1)[0]
    assert "Kok, Sanne" not in suggestions and "Nothing new to suggest." in suggestions
    dismissed = page.split('id="dismissed"', 1)[1].split('id="add-title"', 1)[0]
    assert "Kok, Sanne" in dismissed and "Undo" in dismissed
    assert not BoardCase.objects.exists()

    client.post(reverse("boards:suggestion_undismiss", args=[meeting.pk]), {"patient": str(new_bm_patient.public_id)})
    page = client.get(reverse("boards:meeting", args=[meeting.pk])).text
    assert 'id="dismissed"' not in page
    assert "Kok, Sanne" in page.split('id="suggestions"', 1)[1].split('id="add-title"', 1)[0]
    history = CaseSuggestion.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"] and history.last().history_user == dora


def test_cases_are_added_by_hand_and_reordered(client, dora, meeting, make_patient):
    first, second = make_patient(), make_patient()
    client.force_login(dora)
    for patient in (first, second):
        client.post(reverse("boards:case_add", args=[meeting.pk]),
                    {"patient": str(patient.public_id), "question": "Follow-up policy?"})
    second_case = BoardCase.objects.get(patient=second)

    client.post(reverse("boards:case_move", args=[second_case.pk]), {"direction": "up"})

    assert list(BoardCase.objects.order_by("order").values_list("patient", flat=True)) == [second.pk, first.pk]


def test_the_decision_form_records_the_decision_and_its_follow_up(client, dora, meeting, new_bm_patient):
    case = services.add_case(meeting, new_bm_patient, question="SRS?", user=dora)
    client.force_login(dora)

    response = client.post(reverse("boards:case", args=[case.pk]),
                           {"decision": "switch_systemic", "planned_on": "2026-12-20", "systemic_kind": "tt",
                            "agent": "osimertinib", "line": "1", "note": ""})

    assert response.status_code == 302
    treatment = Treatment.objects.get(patient=new_bm_patient)
    assert (treatment.kind, treatment.status, treatment.agent) == ("tt", "planned", "osimertinib")
    page = client.get(reverse("boards:case", args=[case.pk]))
    assert "Switch systemic therapy" in page.text and "Not decided yet" not in page.text


def test_the_packet_is_a_web_page_and_an_a4_pdf_download(client, dora, meeting, new_bm_patient):
    services.add_case(meeting, new_bm_patient, question="SRS?", user=dora)
    client.force_login(dora)

    page = client.get(reverse("boards:packet", args=[meeting.pk]))
    pdf = client.get(reverse("boards:packet_pdf", args=[meeting.pk]))

    assert page.status_code == 200 and "Case 1 of 1" in page.text and "<svg" in page.text
    assert "style=" not in page.text.split("<main", 1)[1]  # the CSP forbids inline styles
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="tumour-board-2026-06-10.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_a_case_of_another_teams_patient_is_not_found(client, erik, charlie, meeting, dora, new_bm_patient):
    case = services.add_case(meeting, new_bm_patient, question="SRS?", user=dora)
    meeting.attendees.add(charlie)

    for outsider in (erik, charlie):
        client.force_login(outsider)
        assert client.get(reverse("boards:case", args=[case.pk])).status_code == 404
        assert client.post(reverse("boards:case", args=[case.pk]), {"decision": "other", "note": "x"}).status_code in (
            403, 404)
    assert BoardCase.objects.get(pk=case.pk).decision == ""


def test_a_meeting_page_lists_only_the_cases_the_user_may_see(client, erik, meeting, dora, new_bm_patient,
                                                              team_b_patient):
    services.add_case(meeting, new_bm_patient, question="SRS for team A's patient?", user=dora)
    services.add_case(meeting, team_b_patient, question="SRS for team B's patient?", user=erik)

    client.force_login(erik)
    page = client.get(reverse("boards:meeting", args=[meeting.pk])).text
    packet = client.get(reverse("boards:packet", args=[meeting.pk])).text

    assert "Hidden, Bert" in page and "Kok, Sanne" not in page
    assert "Hidden, Bert" in packet and "Kok, Sanne" not in packet
    assert new_bm_patient.mrn not in packet


def test_a_suggestion_for_another_teams_patient_cannot_be_accepted(client, dora, meeting, team_b_patient):
    client.force_login(dora)

    response = client.post(reverse("boards:suggestion_accept", args=[meeting.pk]),
                           {"patient": str(team_b_patient.public_id)})

    assert response.status_code == 404
    assert not BoardCase.objects.exists()


def test_a_nurse_who_does_not_attend_cannot_open_the_meeting(client, alice, meeting):
    client.force_login(alice)

    assert client.get(reverse("boards:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("boards:packet_pdf", args=[meeting.pk])).status_code == 404
    meeting.attendees.add(alice)
    page = client.get(reverse("boards:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "Suggested cases" not in page.text


def test_the_coordinator_plans_a_meeting_with_the_boards_members_invited(client, dora, bob, board):
    client.force_login(dora)

    response = client.post(reverse("boards:meetings"), {"board": board.pk, "date": "2026-12-02", "location": "4.12"})

    assert response.status_code == 302
    meeting = board.meetings.get(date=D(2026, 12, 2))
    assert set(meeting.attendees.all()) == {dora, bob}


@pytest.fixture
def operated_today(make_patient):
    """Operated yesterday: the urgent post-operative MRI is open."""
    from bmtrack.core.clock import today

    patient = make_patient(given_name="Mira", family_name="Smit")
    h = History(patient)
    h.primary(D(2025, 1, 5), bm=today() - dt.timedelta(days=20))
    h.mri(today() - dt.timedelta(days=20), {"L1": 31}, purpose="diagnosis")
    h.treat("surgery", today() - dt.timedelta(days=1))
    return patient


def test_a_decision_before_the_meeting_is_refused_on_the_page(client, dora, board, operated_today):
    from bmtrack.core.clock import today

    ahead = services.create_meeting(board, date=today() + dt.timedelta(days=7), user=dora)
    case = services.add_case(ahead, operated_today, question="Next step?", user=dora)
    client.force_login(dora)
    page = client.get(reverse("boards:case", args=[case.pk])).text
    assert "its decision can be recorded from that day" in page
    response = client.post(reverse("boards:case", args=[case.pk]), {"decision": "continue_surveillance"})
    assert response.status_code == 200 and "recorded on or after that day, not before" in response.text
    case.refresh_from_db()
    assert case.decision == ""


def test_ending_surveillance_on_the_page_lists_the_urgent_items_before_cancelling(client, dora, meeting,
                                                                                 operated_today):
    case = services.add_case(meeting, operated_today, question="Next step?", user=dora)
    client.force_login(dora)
    url = reverse("boards:case", args=[case.pk])
    asked = client.post(url, {"decision": "best_supportive_care", "note": "patient's wish"})
    assert asked.status_code == 200
    box = asked.text.split('id="confirm-cancel"', 1)[1]
    assert "Urgent" in box and "Post-operative MRI" in box and "Yes, end surveillance and cancel" in box
    assert operated_today.due_items.open().exists()
    done = client.post(url, {"decision": "best_supportive_care", "note": "patient's wish", "confirm": "1"})
    assert done.status_code == 302
    operated_today.refresh_from_db()
    assert operated_today.status == "supportive_care" and not operated_today.due_items.open().exists()

    amended = client.post(url, {"decision": "continue_surveillance", "amend_reason": "Wrong case"}, follow=True)
    assert "Decision amended" in amended.text and "History of the decision" in amended.text
    assert "Wrong case" in amended.text
    operated_today.refresh_from_db()
    assert operated_today.status == "active" and operated_today.due_items.open().filter(kind="postop_mri").exists()


def test_the_presenter_of_a_case_sees_the_meeting_and_its_packet_without_being_an_attendee(client, alice, dora,
                                                                                           meeting, new_bm_patient):
    from bmtrack.accounts.access import may_open_meeting, meetings_for

    assert not meeting.attendees.filter(pk=alice.pk).exists()
    services.add_case(meeting, new_bm_patient, question="Which local treatment?", presenter=alice, user=dora)
    assert may_open_meeting(alice, meeting) and list(meetings_for(alice)) == [meeting]
    client.force_login(alice)
    page = client.get(reverse("boards:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and "Kok, Sanne" in page.text and "Suggested cases" not in page.text
    assert client.get(reverse("boards:packet", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("boards:packet_pdf", args=[meeting.pk])).status_code == 200
    assert str(meeting.board.name) in client.get(reverse("boards:meetings")).text


def test_presenting_at_one_meeting_opens_no_other(client, alice, dora, board, meeting, new_bm_patient):
    other = services.create_meeting(board, date=D(2026, 7, 1), user=dora)
    services.add_case(meeting, new_bm_patient, question="Which local treatment?", presenter=alice, user=dora)
    client.force_login(alice)
    assert client.get(reverse("boards:meeting", args=[other.pk])).status_code == 404


def test_suggested_patients_link_to_their_page_and_say_why_now(client, dora, meeting, new_bm_patient):
    client.force_login(dora)
    page = client.get(reverse("boards:meeting", args=[meeting.pk])).text
    assert f'href="/patients/{new_bm_patient.public_id}/">Kok, Sanne</a>' in page
    assert "Why now:" in page and "New brain metastasis diagnosis on 28 May 2026" in page
