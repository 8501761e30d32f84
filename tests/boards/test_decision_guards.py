"""Guard rails on the board's decision: not before the meeting; a decision that ends surveillance lists
the items it cancels (urgent first) and cancels them only once confirmed; a decision is amended with its
history kept, and amending back re-opens what the first one cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bmtrack.boards import services
from bmtrack.boards.decisions import amend_decision, cancelled_by, record_decision
from bmtrack.patients.models import Treatment
from bmtrack.surveillance.models import DueItem
from tests.boards.conftest import History
from tests.conftest import at

pytestmark = pytest.mark.django_db

D = dt.date
MEETING_EVENING = at(2026, 6, 10, 17)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict


@pytest.fixture
def operated_case(meeting, dora, make_patient):
    """Surgery on 9 Jun 2026: the urgent post-operative MRI (72 h) and nothing else open yet."""
    patient = make_patient()
    h = History(patient)
    h.primary(D(2025, 3, 1), bm=D(2026, 5, 30))
    h.mri(D(2026, 5, 30), {"L1": 31}, purpose="diagnosis")
    h.treat("surgery", D(2026, 6, 9))
    return services.add_case(meeting, patient, question="Resected: what next?", user=dora)


def open_items(patient):
    return DueItem.objects.filter(patient=patient).open()


def test_a_decision_before_the_meeting_day_is_refused(operated_case, dora):
    errors = refused(lambda: record_decision(operated_case, "continue_surveillance", user=dora,
                                             now=at(2026, 6, 9, 17)))
    assert errors == {"decision": ["The board meets on 10 Jun 2026: its decision can be recorded on or after "
                                   "that day, not before."]}
    operated_case.refresh_from_db()
    assert operated_case.decision == ""
    assert record_decision(operated_case, "continue_surveillance", user=dora, now=at(2026, 6, 10, 8)).is_decided


def test_ending_surveillance_lists_the_items_it_cancels_and_needs_a_confirmation(operated_case, dora):
    patient = operated_case.patient
    listed = cancelled_by(operated_case, "best_supportive_care")
    assert [item.kind for item in listed][0] == "postop_mri" and listed[0].urgent
    assert cancelled_by(operated_case, "continue_surveillance") == []

    errors = refused(lambda: record_decision(operated_case, "best_supportive_care", user=dora, now=MEETING_EVENING))
    assert "cancels" in errors["confirm"][0] and "urgent" in errors["confirm"][0]
    patient.refresh_from_db()
    assert patient.status == "active" and open_items(patient).filter(kind="postop_mri").exists()

    record_decision(operated_case, "best_supportive_care", confirmed=True, user=dora, now=MEETING_EVENING)
    patient.refresh_from_db()
    assert patient.status == "supportive_care" and not open_items(patient).exists()
    assert DueItem.objects.get(patient=patient, kind="postop_mri").state == "cancelled"


def test_amending_back_from_supportive_care_reopens_what_it_cancelled_and_keeps_the_history(operated_case, dora):
    patient = operated_case.patient
    record_decision(operated_case, "best_supportive_care", confirmed=True, user=dora, now=MEETING_EVENING)
    assert "amend_reason" in refused(lambda: amend_decision(operated_case, "continue_surveillance", reason=" ",
                                                            user=dora, now=MEETING_EVENING))

    case = amend_decision(operated_case, "continue_surveillance", reason="Recorded on the wrong patient",
                          user=dora, now=at(2026, 6, 10, 17, 30))

    patient.refresh_from_db()
    assert case.decision == "continue_surveillance" and patient.status == "active"
    postop = DueItem.objects.get(patient=patient, kind="postop_mri")
    assert postop.state in ("due", "overdue")  # re-opened by the re-plan: the rules still call for it
    decisions = [row.decision for row in case.history.order_by("history_date")]
    assert decisions[-2:] == ["best_supportive_care", "continue_surveillance"]
    latest = case.history.order_by("-history_date").first()
    assert latest.history_change_reason == "amended: Recorded on the wrong patient" and latest.history_user == dora


def test_amending_a_treatment_decision_cancels_the_planned_treatment_and_sets_the_new_one_in_motion(
        operated_case, dora):
    patient = operated_case.patient
    case = record_decision(operated_case, "srs_planned", planned_on=D(2026, 6, 24), user=dora, now=MEETING_EVENING)
    planned = case.planned_treatment
    assert open_items(patient).filter(kind="srs_planning_mri").exists()

    listed = cancelled_by(case, "repeat_mri_3_months")
    assert {item.kind for item in listed} == {"srs_planning_mri", "srs_planning_ct"}
    errors = refused(lambda: amend_decision(case, "repeat_mri_3_months", reason="SRS was not agreed", user=dora,
                                            now=at(2026, 6, 11, 9)))
    assert errors["confirm"][0].startswith("Amending the decision cancels 2 open items")
    assert Treatment.objects.get(pk=planned.pk).status == "planned"  # nothing changed

    case = amend_decision(case, "repeat_mri_3_months", reason="SRS was not agreed", confirmed=True, user=dora,
                          now=at(2026, 6, 11, 9))

    assert Treatment.objects.get(pk=planned.pk).status == "cancelled"
    assert not open_items(patient).filter(kind="srs_planning_mri").exists()
    assert case.planned_treatment is None and case.followup_item.kind == "board_followup"
    assert case.followup_item.is_open


def test_amending_to_an_end_of_surveillance_also_needs_the_confirmation(operated_case, dora):
    case = record_decision(operated_case, "continue_surveillance", user=dora, now=MEETING_EVENING)
    assert "confirm" in refused(lambda: amend_decision(case, "best_supportive_care", reason="Patient's wish",
                                                       user=dora, now=MEETING_EVENING))
    amend_decision(case, "best_supportive_care", reason="Patient's wish", confirmed=True, user=dora,
                   now=MEETING_EVENING)
    assert not open_items(case.patient).exists()


def test_only_a_decided_case_is_amended_and_a_decided_one_is_not_decided_again(operated_case, dora):
    assert "decision" in refused(lambda: amend_decision(operated_case, "continue_surveillance", reason="x",
                                                        user=dora, now=MEETING_EVENING))
    record_decision(operated_case, "continue_surveillance", user=dora, now=MEETING_EVENING)
    errors = refused(lambda: record_decision(operated_case, "other", note="x", user=dora, now=MEETING_EVENING))
    assert "amend" in errors["decision"][0]
