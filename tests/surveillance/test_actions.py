"""A nurse's work on due items: book, waive, record contacts, add tumour-board follow-ups; and the
re-planner keeps stored items in line with every write without undoing that work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bmtrack.patients import services
from bmtrack.surveillance.actions import add_manual_item, book_item, record_contact, waive_item
from bmtrack.surveillance.models import ContactAttempt, DueItem
from bmtrack.surveillance.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(patient):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    return DueItem.objects.get(patient=patient, kind="followup_mri")


def field_of(call):
    with pytest.raises(ValidationError) as excinfo:
        call()
    return set(excinfo.value.message_dict)


def test_every_write_replans_the_patient_in_the_same_transaction(patient):
    treatment = services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9),
                                          now=at(2026, 3, 20))
    assert set(DueItem.objects.filter(patient=patient).values_list("kind", flat=True)) == {
        "srs_planning_mri", "srs_planning_ct"}
    services.update_treatment(treatment, status="cancelled", now=at(2026, 3, 21))
    assert set(DueItem.objects.filter(patient=patient).values_list("state", flat=True)) == {"cancelled"}


def test_booking_needs_a_date_today_or_later_and_keeps_history(followup, alice):
    assert field_of(lambda: book_item(followup, booked_for=dt.date(2026, 3, 1), user=alice,
                                      now=at(2026, 3, 10))) == {"booked_for"}
    item = book_item(followup, booked_for=dt.date(2026, 3, 20), user=alice, now=at(2026, 3, 10))
    assert item.booked_for == dt.date(2026, 3, 20) and item.status_label == "booked" and item.acted_by == alice
    latest = item.history.first()
    assert latest.history_user == alice and latest.booked_for == dt.date(2026, 3, 20)


def test_waiving_needs_a_reason_and_survives_a_replan(followup, patient, alice):
    assert field_of(lambda: waive_item(followup, reason="  ", user=alice, now=at(2026, 3, 10))) == {"reason"}
    waive_item(followup, reason="Moved to another hospital's follow-up", user=alice, now=at(2026, 3, 10))
    services.record_observation(patient, observed_on=dt.date(2026, 3, 11), kps=80, now=at(2026, 3, 11))
    followup.refresh_from_db()
    assert followup.state == "waived" and followup.next_transition_at is None


def test_record_contact_validates_each_outcome_by_field(followup, alice):
    now = at(2026, 3, 10)
    assert field_of(lambda: record_contact(followup, outcome="maybe", user=alice, now=now)) == {"outcome"}
    assert field_of(lambda: record_contact(followup, outcome="booked", user=alice, now=now)) == {"booked_for"}
    assert field_of(lambda: record_contact(followup, outcome="remind", user=alice, now=now)) == {"remind_on"}
    assert field_of(lambda: record_contact(followup, outcome="not_needed", user=alice, now=now)) == {"reason"}
    assert ContactAttempt.objects.count() == 0


def test_record_contact_books_snoozes_or_waives_the_item(followup, alice):
    record_contact(followup, outcome="no_answer", user=alice, now=at(2026, 3, 10, 9))
    record_contact(followup, outcome="remind", remind_on=dt.date(2026, 3, 12), user=alice, now=at(2026, 3, 10, 10))
    followup.refresh_from_db()
    assert followup.snoozed_until == dt.date(2026, 3, 12)
    record_contact(followup, outcome="booked", booked_for=dt.date(2026, 3, 20), user=alice, now=at(2026, 3, 12))
    followup.refresh_from_db()
    assert followup.booked_for == dt.date(2026, 3, 20) and followup.snoozed_until is None
    attempt = record_contact(followup, outcome="not_needed", reason="Patient moved to hospice", user=alice,
                             now=at(2026, 3, 13))
    followup.refresh_from_db()
    assert followup.state == "waived" and followup.waived_reason == "Patient moved to hospice"
    assert attempt.outcome == "not_needed"
    assert list(followup.contacts.values_list("outcome", flat=True)) == ["not_needed", "booked", "remind", "no_answer"]


def test_a_user_of_another_team_cannot_act_on_the_item(followup, charlie):
    with pytest.raises(PermissionDenied):
        book_item(followup, booked_for=dt.date(2026, 3, 20), user=charlie, now=at(2026, 3, 10))


def test_a_board_followup_moves_with_time_survives_replans_and_is_done_by_the_next_mri(patient, alice):
    item = add_manual_item(patient, due_from=dt.date(2026, 5, 1), due_by=dt.date(2026, 5, 15),
                           reason="Board 2026-04-20: MRI in 2 weeks", user=alice, now=at(2026, 4, 20))
    assert item.trigger == f"B{item.pk}" and item.state == "upcoming" and item.kind == "board_followup"
    services.record_observation(patient, observed_on=dt.date(2026, 4, 21), kps=90, now=at(2026, 4, 21))
    item.refresh_from_db()
    assert item.state == "upcoming"
    sweep(at(2026, 5, 1, 0, 1))
    item.refresh_from_db()
    assert item.state == "due"
    services.record_scan(patient, at=at(2026, 4, 30, 9), modality="mri", now=at(2026, 5, 2))
    item.refresh_from_db()
    assert item.state == "due"  # before due_from: not the follow-up the board asked for
    scan = services.record_scan(patient, at=at(2026, 5, 3, 9), modality="mri", now=at(2026, 5, 3, 10))
    item.refresh_from_db()
    assert item.state == "done" and item.fulfilled_by_id == scan.pk


def test_a_board_followup_window_must_be_ordered_and_have_a_reason(patient, alice):
    assert field_of(lambda: add_manual_item(patient, due_from=dt.date(2026, 5, 15), due_by=dt.date(2026, 5, 1),
                                            reason="x", user=alice, now=at(2026, 4, 20))) == {"due_by"}
    assert field_of(lambda: add_manual_item(patient, due_from=dt.date(2026, 5, 1), due_by=dt.date(2026, 5, 15),
                                            reason="", user=alice, now=at(2026, 4, 20))) == {"reason"}


def test_the_new_outcomes_are_checked_field_by_field(followup, alice):
    now = at(2026, 3, 10)
    assert field_of(lambda: record_contact(followup, outcome="agreed", user=alice, now=now)) == {"booked_for"}
    for outcome in ("declined", "elsewhere", "moved"):
        with pytest.raises(ValidationError) as excinfo:
            record_contact(followup, outcome=outcome, user=alice, now=now)
        assert set(excinfo.value.message_dict) == {"reason"}
    assert field_of(lambda: record_contact(followup, outcome="died", user=alice, now=now)) == {"deceased_on"}
    assert field_of(lambda: record_contact(followup, outcome="died", deceased_on=dt.date(2026, 3, 12), user=alice,
                                           now=now)) == {"deceased_on"}
    assert not ContactAttempt.objects.exists()  # nothing saved


@pytest.mark.parametrize("outcome", ["no_answer", "voicemail", "unreachable"])
def test_an_unanswered_call_is_counted_and_leaves_the_item_as_it_was(followup, alice, outcome):
    attempt = record_contact(followup, outcome=outcome, user=alice, now=at(2026, 3, 10))
    followup.refresh_from_db()
    assert attempt.outcome == outcome and followup.is_open
    assert followup.snoozed_until is None and followup.booked_for is None


def test_agreed_to_come_books_with_a_date_or_waits_until_the_day_to_check_back(followup, alice):
    record_contact(followup, outcome="agreed", remind_on=dt.date(2026, 3, 17), user=alice, now=at(2026, 3, 10))
    followup.refresh_from_db()
    assert followup.snoozed_until == dt.date(2026, 3, 17) and followup.booked_for is None
    record_contact(followup, outcome="agreed", booked_for=dt.date(2026, 3, 20), user=alice, now=at(2026, 3, 11))
    followup.refresh_from_db()
    assert followup.booked_for == dt.date(2026, 3, 20) and followup.snoozed_until is None
    assert list(followup.contacts.values_list("outcome", "booked_for")) == [
        ("agreed", dt.date(2026, 3, 20)), ("agreed", None)]


@pytest.mark.parametrize("outcome", ["declined", "elsewhere", "moved"])
def test_an_outcome_that_takes_the_patient_off_the_list_waives_the_need_with_its_reason(followup, alice, outcome):
    record_contact(followup, outcome=outcome, reason="MRI done at the regional hospital on 2 March", user=alice,
                   now=at(2026, 3, 10))
    followup.refresh_from_db()
    assert followup.state == "waived" and followup.waived_reason == "MRI done at the regional hospital on 2 March"
    assert followup.contacts.get().reason == "MRI done at the regional hospital on 2 March"


def test_died_sets_the_patient_deceased_through_the_patient_service(followup, patient, alice):
    attempt = record_contact(followup, outcome="died", deceased_on=dt.date(2026, 3, 8), note="Told by her husband",
                             user=alice, now=at(2026, 3, 10))
    patient.refresh_from_db()
    followup.refresh_from_db()
    assert patient.status == "deceased" and patient.deceased_on == dt.date(2026, 3, 8)
    assert patient.history.first().history_user == alice
    assert followup.state == "cancelled"  # every open item of a deceased patient is cancelled
    assert attempt.outcome == "died" and attempt.reason == "Died on 8 Mar 2026"
    assert attempt.note == "Told by her husband"


def test_died_before_the_birth_date_is_refused_and_nothing_is_saved(followup, patient, alice):
    assert field_of(lambda: record_contact(followup, outcome="died", deceased_on=dt.date(1950, 1, 1), user=alice,
                                           now=at(2026, 3, 10))) == {"deceased_on"}
    patient.refresh_from_db()
    assert patient.status == "active" and not ContactAttempt.objects.exists()
