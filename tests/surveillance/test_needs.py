"""Items one MRI answers together are one need (record.md, "Due items"): listed once in the digest,
counted once, and booked or waived together; each item keeps its own rule and history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bmtrack.patients import services
from bmtrack.surveillance import digests, outbox
from bmtrack.surveillance.actions import book_item, record_contact, waive_item
from bmtrack.surveillance.models import DueItem, NotificationLine
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_tt(patient):
    """Targeted therapy started 5 January: the follow-up and the response MRI share 5 March – 5 April."""
    services.record_treatment(patient, kind="tt", status="given", start=at(2026, 1, 5, 9), agent="osimertinib",
                              now=at(2026, 1, 5, 10))
    items = {i.kind: i for i in DueItem.objects.filter(patient=patient)}
    assert (items["followup_mri"].due_from, items["followup_mri"].due_by) == (dt.date(2026, 3, 5), dt.date(2026, 4, 5))
    assert (items["response_mri"].due_from, items["response_mri"].due_by) == (dt.date(2026, 3, 5), dt.date(2026, 4, 5))
    return items


def send_digests(now):
    digests.schedule_digests(now)
    outbox.send_pending(now=now)


def test_the_digest_lists_the_follow_up_and_response_mri_as_one_need(on_tt, alice):
    send_digests(at(2026, 3, 31, 7))  # 5 days before the deadline: due this week
    [message] = mail.outbox
    assert message.subject == "bmtrack: 1 due today"
    assert "1 overdue" not in message.body and "0 overdue, 1 due (1 this week)" in message.body
    assert message.body.count("MRI: follow-up and response evaluation: due") == 1
    assert "Follow-up MRI" not in message.body and "Response evaluation MRI" not in message.body
    # Both items are in the patient's log, each as itself.
    assert {line.item.kind for line in NotificationLine.objects.all()} == {"followup_mri", "response_mri"}


def test_a_need_due_later_is_due_but_not_this_week(on_tt, alice):
    send_digests(at(2026, 3, 10, 7))  # the window is open, the deadline 26 days away
    [message] = mail.outbox
    assert "0 overdue, 1 due (0 this week)" in message.body


def test_an_overdue_need_is_counted_once(on_tt, alice):
    send_digests(at(2026, 4, 8, 7))
    [message] = mail.outbox
    assert message.subject == "bmtrack: 1 item overdue today"
    assert message.body.count("MRI: follow-up and response evaluation: overdue for 3 days") == 1


def test_booking_the_need_books_each_of_its_items(on_tt, alice):
    book_item(on_tt["response_mri"], booked_for=dt.date(2026, 3, 20), user=alice, now=at(2026, 3, 10, 9))
    booked = {i.kind: i.booked_for for i in DueItem.objects.filter(kind__in=["followup_mri", "response_mri"])}
    assert booked == {"followup_mri": dt.date(2026, 3, 20), "response_mri": dt.date(2026, 3, 20)}
    # Each item keeps its own history row of the booking.
    assert all(i.history.filter(history_change_reason="booked").exists() for i in DueItem.objects.all()
               if i.kind in ("followup_mri", "response_mri"))
    send_digests(at(2026, 3, 11, 7))
    assert mail.outbox == []


def test_waiving_or_snoozing_the_need_does_it_to_each_item(on_tt, alice, make_patient):
    record_contact(on_tt["followup_mri"], outcome="remind", remind_on=dt.date(2026, 3, 20), user=alice,
                   now=at(2026, 3, 10, 9))
    assert set(DueItem.objects.values_list("snoozed_until", flat=True)) == {dt.date(2026, 3, 20)}
    waive_item(on_tt["followup_mri"], reason="Scan done elsewhere", user=alice, now=at(2026, 3, 11, 9))
    assert set(DueItem.objects.values_list("state", flat=True)) == {"waived"}


def test_items_in_different_windows_stay_apart(patient, alice):
    services.record_treatment(patient, kind="tt", status="given", start=at(2026, 1, 5, 9), now=at(2026, 1, 5, 10))
    services.record_scan(patient, at=at(2026, 2, 20, 9), modality="mri", now=at(2026, 2, 20, 10))
    # The early MRI fulfils the follow-up (restarting it at 20 April – 20 May); the response MRI
    # (5 March – 5 April) shares no day with it.
    send_digests(at(2026, 3, 31, 7))
    [message] = mail.outbox
    assert "Response evaluation MRI: due" in message.body
    assert "MRI: follow-up" not in message.body


def test_the_calendar_feed_has_one_event_per_need(on_tt, alice):
    from icalendar import Calendar

    from bmtrack.surveillance.feeds import build_feed, feed_items, regenerate_token

    regenerate_token(alice)
    moment = at(2026, 3, 31, 7)
    events = Calendar.from_ical(build_feed(feed_items(alice, moment), now=moment)).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["MRI: follow-up and response evaluation (due)"]
