"""The agenda email: owed once per attendee through the outbox, with no patient identifier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from bmtrack.boards import services
from bmtrack.boards.agenda import AGENDA_KIND, enqueue_agendas, render_agenda
from bmtrack.core.periodic import PERIODIC_TASKS
from bmtrack.surveillance import emails, outbox
from bmtrack.surveillance.models import NotificationLedger
from tests.conftest import at

pytestmark = pytest.mark.django_db

D = dt.date
TWO_DAYS_BEFORE = at(2026, 6, 8, 7)


@pytest.fixture
def agenda_case(meeting, dora, bob, make_patient):
    patient = make_patient(given_name="Wim", family_name="Scholten")
    return services.add_case(meeting, patient, question="Wim Scholten: SRS or surgery?", presenter=bob, user=dora,
                             reasons=[{"reason": "progression", "evidence": "S1", "text": "PD", "on": "2026-06-01"}])


@override_settings(BOARD_AGENDA_DAYS_BEFORE=2)
def test_the_agenda_is_owed_once_to_each_attendee_two_days_before(meeting, agenda_case, dora, bob):
    assert enqueue_agendas(now=at(2026, 6, 7, 7)) == {"meetings": 0, "enqueued": 0}  # three days before

    first = enqueue_agendas(now=TWO_DAYS_BEFORE)
    again = enqueue_agendas(now=TWO_DAYS_BEFORE + dt.timedelta(hours=1))

    assert first == {"meetings": 1, "enqueued": 2} and again == {"meetings": 1, "enqueued": 0}
    rows = NotificationLedger.objects.filter(kind=AGENDA_KIND)
    assert sorted(r.recipient.username for r in rows) == ["bob", "dora"]
    assert {r.key for r in rows} == {f"meeting{meeting.pk}"}
    assert all(r.context == {"meeting": meeting.pk} for r in rows)


@override_settings(BOARD_AGENDA_DAYS_BEFORE=2)
def test_a_meeting_without_cases_owes_no_agenda(meeting):
    assert enqueue_agendas(now=TWO_DAYS_BEFORE) == {"meetings": 0, "enqueued": 0}


def test_the_agenda_names_no_patient_in_subject_or_body(meeting, agenda_case, bob):
    row, _ = outbox.enqueue(recipient=bob, kind=AGENDA_KIND, key=f"meeting{meeting.pk}",
                            context={"meeting": meeting.pk}, now=TWO_DAYS_BEFORE)

    subject, text, html = render_agenda(row, TWO_DAYS_BEFORE)

    patient = agenda_case.patient
    assert subject == "Tumour board agenda: Neuro-oncology board, Wed 10 Jun 2026"
    assert emails.subject_is_safe(subject, [patient])
    for body in (text, html):
        for identifier in emails.identifiers(patient):
            assert identifier not in body
        assert "Progression (RANO-BM PD or iRANO unconfirmed PD)" in body
        assert f"/boards/meetings/{meeting.pk}/packet/" in body
    assert "1. Progression" in text and "presented by Bob" in text


@override_settings(BOARD_AGENDA_DAYS_BEFORE=2)
def test_the_outbox_sends_the_agenda(meeting, agenda_case, monkeypatch):
    monkeypatch.setattr(outbox, "kick_sender", lambda: None)
    enqueue_agendas(now=TWO_DAYS_BEFORE)

    counts = outbox.send_pending(now=TWO_DAYS_BEFORE)

    assert counts.get("sent") == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "dora@example.org"]
    assert {m.subject for m in mail.outbox} == {"Tumour board agenda: Neuro-oncology board, Wed 10 Jun 2026"}


def test_a_past_meeting_owes_no_agenda_any_more(meeting, agenda_case, bob):
    row, _ = outbox.enqueue(recipient=bob, kind=AGENDA_KIND, key=f"meeting{meeting.pk}",
                            context={"meeting": meeting.pk}, now=TWO_DAYS_BEFORE)

    assert render_agenda(row, at(2026, 6, 11, 9)) is None


def test_the_agenda_task_is_registered_with_beat():
    assert any(p.task == "boards.enqueue_agendas" for p in PERIODIC_TASKS)


@override_settings(BOARD_AGENDA_DAYS_BEFORE=2)
def test_a_presenter_who_does_not_attend_gets_the_agenda_too(meeting, dora, bob, alice, make_patient):
    patient = make_patient()
    services.add_case(meeting, patient, question="SRS or surgery?", presenter=alice, user=dora)

    assert enqueue_agendas(now=TWO_DAYS_BEFORE) == {"meetings": 1, "enqueued": 3}
    rows = NotificationLedger.objects.filter(kind=AGENDA_KIND)
    assert sorted(r.recipient.username for r in rows) == ["alice", "bob", "dora"]
    alice_row = rows.get(recipient=alice)
    subject, text, _ = render_agenda(alice_row, TWO_DAYS_BEFORE)
    assert "SRS or surgery" not in subject and "Alice" in text
