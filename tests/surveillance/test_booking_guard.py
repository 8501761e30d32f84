"""Bookings carry a date and a time and are checked against the limits the scan is owed by: the
window, the planned treatment and the 72 h after surgery. Outside them a booking needs a reason and
stays flagged (clinical.booking, surveillance.actions.book_item)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bmtrack.patients import services
from bmtrack.surveillance.actions import book_item, record_contact
from bmtrack.surveillance.models import ContactAttempt, DueItem
from tests.conftest import at

pytestmark = pytest.mark.django_db


def refused(call) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        call()
    return excinfo.value.message_dict


@pytest.fixture
def followup(patient):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    return DueItem.objects.get(patient=patient, kind="followup_mri")  # 9 Mar .. 9 Apr 2026


@pytest.fixture
def planning(patient):
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9), now=at(2026, 3, 20))
    return DueItem.objects.get(patient=patient, kind="srs_planning_mri")  # 27 Mar .. 10 Apr 2026


@pytest.fixture
def postop(patient):
    services.record_treatment(patient, kind="surgery", status="given", start=at(2026, 3, 10, 8),
                              end=at(2026, 3, 10, 12), now=at(2026, 3, 10, 13))
    return DueItem.objects.get(patient=patient, kind="postop_mri")  # by 13 Mar 2026, 12:00


def test_a_booking_inside_the_window_keeps_its_time_and_is_not_flagged(followup, alice):
    item = book_item(followup, booked_at=at(2026, 3, 20, 14, 30), user=alice, now=at(2026, 3, 10))
    item.refresh_from_db()
    assert item.booked_for == dt.date(2026, 3, 20) and item.booked_at == at(2026, 3, 20, 14, 30)
    assert not item.booking_flagged and item.booking_breach == "" and item.booking_reason == ""


def test_a_booking_after_the_window_is_refused_naming_the_limit_then_kept_flagged_with_a_reason(followup, alice):
    errors = refused(lambda: book_item(followup, booked_at=at(2026, 4, 14, 9), user=alice, now=at(2026, 3, 10)))
    assert set(errors) == {"booked_at", "booking_reason"}
    assert "after the window closes on 9 Apr 2026" in errors["booked_at"][0]
    followup.refresh_from_db()
    assert followup.booked_for is None  # nothing saved

    item = book_item(followup, booked_at=at(2026, 4, 14, 9), booking_reason="First slot the patient can come",
                     user=alice, now=at(2026, 3, 10))
    item.refresh_from_db()
    assert item.booking_flagged
    assert item.booking_breach == "after the window closes on 9 Apr 2026"
    assert item.booking_reason == "First slot the patient can come"
    assert item.history.first().history_change_reason == "booked outside the limit"


def test_a_planning_mri_booked_after_the_planned_radiosurgery_is_refused(planning, alice):
    errors = refused(lambda: book_item(planning, booked_at=at(2026, 4, 13, 9), user=alice, now=at(2026, 3, 25)))
    assert "after the radiosurgery planned for 10 Apr 2026" in errors["booked_at"][0]
    # the same day as the radiosurgery is in time (frame-based SRS)
    item = book_item(planning, booked_at=at(2026, 4, 10, 7), user=alice, now=at(2026, 3, 25))
    assert not item.booking_flagged


def test_the_post_operative_mri_is_checked_by_the_hour(postop, alice):
    now = at(2026, 3, 10, 13)
    assert "booked_at" in refused(lambda: book_item(postop, booked_for=dt.date(2026, 3, 13), user=alice, now=now))
    errors = refused(lambda: book_item(postop, booked_at=at(2026, 3, 13, 13), user=alice, now=now))
    assert "after the 72-hour limit after surgery (13 Mar 2026, 12:00)" in errors["booked_at"][0]
    item = book_item(postop, booked_at=at(2026, 3, 13, 11), user=alice, now=now)
    item.refresh_from_db()
    assert item.booked_at == at(2026, 3, 13, 11) and not item.booking_flagged


def test_a_reason_without_a_breach_is_not_kept(followup, alice):
    item = book_item(followup, booked_at=at(2026, 3, 20, 9), booking_reason="just in case", user=alice,
                     now=at(2026, 3, 10))
    item.refresh_from_db()
    assert item.booking_reason == "" and not item.booking_flagged


def test_rebooking_inside_the_window_clears_the_flag(followup, alice):
    book_item(followup, booked_at=at(2026, 4, 14, 9), booking_reason="Patient away", user=alice, now=at(2026, 3, 10))
    item = book_item(followup, booked_at=at(2026, 4, 2, 9), user=alice, now=at(2026, 3, 11))
    item.refresh_from_db()
    assert not item.booking_flagged and item.booking_reason == ""


def test_a_booking_reached_by_a_contact_is_checked_the_same_way(followup, alice):
    now = at(2026, 3, 10)
    errors = refused(lambda: record_contact(followup, outcome="booked", booked_at=at(2026, 4, 20, 9), user=alice,
                                            now=now))
    assert "after the window closes" in errors["booked_at"][0]
    assert not ContactAttempt.objects.exists()
    record_contact(followup, outcome="booked", booked_at=at(2026, 4, 20, 9), booking_reason="Holiday", user=alice,
                   now=now)
    followup.refresh_from_db()
    assert followup.booking_flagged and followup.booking_reason == "Holiday"
    assert ContactAttempt.objects.get().booked_for == dt.date(2026, 4, 20)


def test_undoing_a_waiver_reopens_the_item_through_the_plan(followup, alice):
    from bmtrack.surveillance.actions import unwaive_item, waive_item

    waive_item(followup, reason="Scanned elsewhere", user=alice, now=at(2026, 3, 10))
    followup.refresh_from_db()
    assert followup.state == "waived"
    item = unwaive_item(followup, user=alice, now=at(2026, 3, 10, 10, 5))
    assert item.state == "due" and item.waived_reason == "" and item.next_transition_at is not None
    assert item.history.filter(history_change_reason="waiver undone").exists()
    assert "__all__" in refused(lambda: unwaive_item(item, user=alice, now=at(2026, 3, 10, 11)))


def test_a_waiver_cannot_be_undone_once_a_scan_fulfilled_the_item(followup, alice, patient):
    from bmtrack.surveillance.actions import unwaive_item, waive_item

    waive_item(followup, reason="Scanned elsewhere", user=alice, now=at(2026, 3, 10))
    services.record_scan(patient, modality="mri", at=at(2026, 3, 12, 9), purpose="surveillance",
                         now=at(2026, 3, 12, 10))
    followup.refresh_from_db()
    assert followup.state == "done"
    assert "__all__" in refused(lambda: unwaive_item(followup, user=alice, now=at(2026, 3, 13)))
