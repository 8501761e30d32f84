"""The daily digest: at the nurse's local hour, once a day, repeating overdue items until acted on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bmtrack.patients import services
from bmtrack.surveillance import digests, outbox
from bmtrack.surveillance.actions import book_item, record_contact
from bmtrack.surveillance.models import DueItem, NotificationLedger, NotificationLine
from bmtrack.surveillance.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_followup(patient, alice):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    sweep(at(2026, 4, 10, 1))
    return DueItem.objects.get(patient=patient, kind="followup_mri")


def send_digests(now):
    counts = digests.schedule_digests(now)
    outbox.send_pending(now=now)
    return counts


def test_the_digest_goes_out_at_the_nurses_local_hour_and_not_before(overdue_followup, alice):
    alice.digest_hour = 8
    alice.save()
    assert send_digests(at(2026, 4, 10, 7, 59))["owed"] == 0
    assert send_digests(at(2026, 4, 10, 8, 0))["owed"] == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "bmtrack: 1 item overdue today"
    assert "Follow-up MRI: overdue" in message.body
    send_digests(at(2026, 4, 10, 8, 15))
    send_digests(at(2026, 4, 10, 17, 0))
    assert len(mail.outbox) == 1


def test_an_overdue_item_is_repeated_every_day_until_it_is_booked(overdue_followup, alice):
    send_digests(at(2026, 4, 10, 7))
    send_digests(at(2026, 4, 11, 7))
    assert len(mail.outbox) == 2
    book_item(overdue_followup, booked_for=dt.date(2026, 4, 15), booking_reason="First free slot", user=alice,
              now=at(2026, 4, 11, 9))
    overdue_followup.refresh_from_db()
    assert overdue_followup.status_label == "booked"
    send_digests(at(2026, 4, 12, 7))
    assert len(mail.outbox) == 2
    # The booked date passes without a scan: the item comes back.
    send_digests(at(2026, 4, 16, 7))
    assert len(mail.outbox) == 3 and "was booked for 15 Apr 2026" in mail.outbox[-1].body


def test_a_call_back_later_hides_the_item_until_that_day(overdue_followup, alice):
    record_contact(overdue_followup, outcome="remind", remind_on=dt.date(2026, 4, 13), user=alice,
                   now=at(2026, 4, 10, 6))
    send_digests(at(2026, 4, 10, 7))
    send_digests(at(2026, 4, 12, 7))
    assert mail.outbox == []
    send_digests(at(2026, 4, 13, 7))
    assert len(mail.outbox) == 1


def test_the_digest_lists_only_the_nurses_own_patients(overdue_followup, alice, charlie):
    send_digests(at(2026, 4, 10, 7))
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert not NotificationLedger.objects.filter(recipient=charlie).exists()


def test_a_sent_digest_records_the_items_it_named_for_the_patients_log(overdue_followup):
    send_digests(at(2026, 4, 10, 7))
    [line] = NotificationLine.objects.all()
    assert line.item == overdue_followup and line.state == "overdue"


def test_a_digest_whose_items_were_all_done_before_sending_is_skipped(overdue_followup, patient, alice):
    now = at(2026, 4, 10, 7)
    digests.schedule_digests(now)
    services.record_scan(patient, at=at(2026, 4, 10, 7, 30), modality="mri", sequences=["t1_post_3d"],
                         now=at(2026, 4, 10, 8))
    outbox.send_pending(now=at(2026, 4, 10, 8))
    assert mail.outbox == []
    assert NotificationLedger.objects.get().status == "skipped"
