"""Agenda upkeep: a patient is on a meeting's agenda once, and the agenda closes up when a case leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bmtrack.boards import services
from bmtrack.boards.decisions import record_decision
from bmtrack.boards.suggestions import suggestions_for_meeting
from tests.boards.conftest import History
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_a_patient_is_on_a_meetings_agenda_once(meeting, dora, patient):
    services.add_case(meeting, patient, question="SRS?", user=dora)

    with pytest.raises(ValidationError) as error:
        services.add_case(meeting, patient, question="Again?", user=dora)
    assert "already on the agenda" in str(error.value)


def test_a_case_needs_a_question(meeting, dora, patient):
    with pytest.raises(ValidationError) as error:
        services.add_case(meeting, patient, question="   ", user=dora)
    assert "question" in error.value.message_dict


def test_taking_a_case_off_closes_up_the_agenda_and_its_suggestion_returns(meeting, dora, make_patient):
    first, second, third = make_patient(), make_patient(), make_patient()
    History(second).primary(dt.date(2025, 1, 5), bm=dt.date(2026, 5, 28))
    services.add_case(meeting, first, question="Q1", user=dora)
    (suggested,) = suggestions_for_meeting(meeting, dora)
    accepted = services.accept_suggestion(meeting, suggested, user=dora)
    services.add_case(meeting, third, question="Q3", user=dora)

    services.remove_case(accepted)

    assert list(meeting.cases.order_by("order").values_list("patient", "order")) == [(first.pk, 1), (third.pk, 2)]
    assert [ps.patient for ps in suggestions_for_meeting(meeting, dora)] == [second]


def test_a_decided_case_stays_on_the_record(meeting, dora, patient):
    case = services.add_case(meeting, patient, question="Q", user=dora)
    record_decision(case, "continue_surveillance", user=dora, now=at(2026, 6, 10, 17))

    with pytest.raises(ValidationError):
        services.remove_case(case)
    assert meeting.cases.count() == 1


def test_a_board_meets_once_a_day(board, meeting, dora):
    with pytest.raises(ValidationError) as error:
        services.create_meeting(board, date=meeting.date, user=dora)
    assert "date" in error.value.message_dict


def test_the_demo_board_meets_next_wednesday_with_coordinators_and_physicians(dora, bob, alice):
    from bmtrack.boards.demo import load_demo_board

    meeting = load_demo_board(at(2026, 6, 8, 9))  # a Monday

    assert meeting.date == dt.date(2026, 6, 10)
    assert set(meeting.attendees.all()) == {dora, bob}
    assert load_demo_board(at(2026, 6, 8, 10)) == meeting
