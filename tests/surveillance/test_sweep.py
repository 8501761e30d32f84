"""The sweep moves items with time alone, and each urgent rule alerts exactly once, at its moment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bmtrack.patients import services
from bmtrack.surveillance.models import DueItem, NotificationLedger
from bmtrack.surveillance.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


def ledger(kind=None):
    rows = NotificationLedger.objects.all()
    return list(rows.filter(kind=kind) if kind else rows)


def operated(patient, end):
    services.record_treatment(patient, kind="surgery", status="given", start=end - dt.timedelta(hours=4), end=end,
                              now=end + dt.timedelta(hours=1))
    return DueItem.objects.get(patient=patient, kind="postop_mri")


def test_it_alerts_the_nurse_once_when_the_postop_mri_is_not_done_72_hours_after_surgery(patient, alice, bob):
    item = operated(patient, at(2026, 3, 2, 13))
    assert item.state == "due" and item.urgent
    assert sweep(at(2026, 3, 5, 12, 59)) == {} or not ledger()
    assert not ledger()
    counts = sweep(at(2026, 3, 5, 13, 1))
    assert counts["overdue"] == 1 and counts["alert"] == 1
    [alert] = ledger("urgent_alert")
    assert alert.recipient == alice and alert.item_id == item.pk
    # Urgent items escalate at once (0 days) to the team's responsible physician.
    [escalation] = ledger("escalation")
    assert escalation.recipient == bob
    sweep(at(2026, 3, 5, 13, 6))
    sweep(at(2026, 3, 9, 8))
    assert len(ledger("urgent_alert")) == 1 and len(ledger("escalation")) == 1
    item.refresh_from_db()
    assert item.state == "overdue" and item.next_transition_at is None


def test_an_mri_recorded_in_the_postop_window_closes_the_item_and_no_alert_follows(patient, alice, bob):
    item = operated(patient, at(2026, 3, 2, 13))
    services.record_scan(patient, at=at(2026, 3, 3, 18), modality="mri", sequences=["t1_post_3d"],
                         now=at(2026, 3, 3, 19))
    item.refresh_from_db()
    assert item.state == "done" and item.next_transition_at is None
    sweep(at(2026, 3, 5, 14))
    sweep(at(2026, 4, 5, 14))
    assert not ledger("urgent_alert") and not ledger("escalation")


def test_it_alerts_48_hours_before_an_srs_without_a_planning_mri_and_not_before(patient, alice):
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9), now=at(2026, 3, 20))
    item = DueItem.objects.get(patient=patient, kind="srs_planning_mri")
    assert item.state == "upcoming"
    sweep(at(2026, 3, 27, 0, 5))
    item.refresh_from_db()
    assert item.state == "due" and not ledger()
    sweep(at(2026, 4, 8, 8, 59))
    assert not ledger("urgent_alert")
    sweep(at(2026, 4, 8, 9, 1))
    [alert] = ledger("urgent_alert")
    assert alert.recipient == alice
    sweep(at(2026, 4, 9, 9))
    assert len(ledger("urgent_alert")) == 1


def test_a_planning_mri_in_the_window_means_no_srs_alert(patient, alice):
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9), now=at(2026, 3, 20))
    services.record_scan(patient, at=at(2026, 4, 1, 11), modality="mri", sequences=["t1_pre_3d", "t1_post_3d"],
                         now=at(2026, 4, 1, 12))
    assert DueItem.objects.get(patient=patient, kind="srs_planning_mri").state == "done"
    sweep(at(2026, 4, 8, 10))
    sweep(at(2026, 4, 11, 10))
    assert not ledger("urgent_alert")


def test_an_srs_recorded_less_than_48_hours_ahead_alerts_in_the_same_transaction(patient, alice):
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9), now=at(2026, 4, 9, 8))
    [alert] = ledger("urgent_alert")
    assert alert.item.kind == "srs_planning_mri"


def _unconfirmed_progression(patient):
    services.record_scan(patient, at=at(2026, 1, 5, 11), modality="mri", sequences=["t1_post_3d"], is_baseline=True,
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("16")},
                                       {"lesion": "L2", "longest_diameter_mm": Decimal("12")}],
                         now=at(2026, 1, 5, 12))
    services.record_treatment(patient, kind="ici", status="given", start=at(2026, 1, 12, 9), now=at(2026, 1, 12, 10))
    services.record_scan(patient, at=at(2026, 3, 20, 11), modality="mri", sequences=["t1_post_3d"],
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("24")},
                                       {"lesion": "L2", "longest_diameter_mm": Decimal("15")}],
                         now=at(2026, 3, 20, 12))
    return DueItem.objects.get(patient=patient, kind="confirmation_mri")


def test_it_alerts_once_when_the_irano_confirmation_scan_is_overdue(patient, alice):
    item = _unconfirmed_progression(patient)
    assert item.urgent and item.state == "upcoming"
    end_of_window = item.due_by
    sweep(at(end_of_window.year, end_of_window.month, end_of_window.day, 23, 59))
    assert not ledger("urgent_alert")
    next_day = end_of_window + dt.timedelta(days=1)
    sweep(at(next_day.year, next_day.month, next_day.day, 0, 1))
    [alert] = ledger("urgent_alert")
    assert alert.item_id == item.pk
    sweep(at(next_day.year, next_day.month, next_day.day, 9))
    assert len(ledger("urgent_alert")) == 1


def test_a_routine_item_escalates_to_the_physician_after_the_team_escalation_days(patient, alice, bob):
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    item = DueItem.objects.get(patient=patient, kind="followup_mri")
    assert (item.due_from, item.due_by) == (dt.date(2026, 3, 9), dt.date(2026, 4, 9))
    sweep(at(2026, 4, 10, 8))
    item.refresh_from_db()
    assert item.state == "overdue" and not ledger()
    sweep(at(2026, 4, 23, 23, 59))
    assert not ledger("escalation")
    sweep(at(2026, 4, 24, 0, 1))
    [escalation] = ledger("escalation")
    assert escalation.recipient == bob
    sweep(at(2026, 4, 30))
    assert len(ledger("escalation")) == 1


def test_a_booked_item_does_not_escalate_until_its_booked_date_has_passed(patient, alice, bob):
    from bmtrack.surveillance.actions import book_item

    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    item = DueItem.objects.get(patient=patient, kind="followup_mri")
    sweep(at(2026, 4, 20))
    book_item(item, booked_for=dt.date(2026, 4, 28), booking_reason="First free slot", user=alice,
              now=at(2026, 4, 20, 9))
    sweep(at(2026, 4, 24, 1))
    sweep(at(2026, 4, 28, 20))
    assert not ledger("escalation")
    sweep(at(2026, 4, 29, 0, 5))
    assert len(ledger("escalation")) == 1


def test_the_sweep_touches_only_items_whose_time_has_come(make_patient, alice, django_assert_max_num_queries):
    for _ in range(5):
        services.record_treatment(make_patient(), kind="wbrt", status="given", start=at(2026, 1, 5, 9),
                                  end=at(2026, 1, 9, 10), now=at(2026, 1, 9, 11))
    with django_assert_max_num_queries(3):
        assert sweep(at(2026, 2, 1)) == {}
    counts = sweep(at(2026, 3, 9, 0, 1))
    assert counts == {"items": 5, "due": 5}
