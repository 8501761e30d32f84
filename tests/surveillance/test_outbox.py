"""The outbox: a unique key per email, content rendered at send time, retries with backoff, one bad
address never stalls the others, and no subject names a patient."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from bmtrack.patients import services
from bmtrack.surveillance import digests, outbox
from bmtrack.surveillance.actions import book_item, waive_item
from bmtrack.surveillance.models import DueItem, NotificationLedger
from bmtrack.surveillance.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


@outbox.register_renderer("test_notice")
def render_test_notice(row, now):
    return "bmtrack: test notice", f"sent at {now:%Y-%m-%d %H:%M}", ""


def overdue_postop(patient, end=None):
    end = end or at(2026, 3, 2, 13)
    services.record_treatment(patient, kind="surgery", status="given", start=end - dt.timedelta(hours=4), end=end,
                              now=end + dt.timedelta(hours=1))
    sweep(end + dt.timedelta(hours=73))
    return DueItem.objects.get(patient=patient, kind="postop_mri")


def test_enqueueing_the_same_key_twice_owes_one_email(alice):
    first, created = outbox.enqueue(recipient=alice, kind="board_agenda", key="meeting1", now=at(2026, 3, 1))
    again, created_again = outbox.enqueue(recipient=alice, kind="board_agenda", key="meeting1", now=at(2026, 3, 2))
    assert created and not created_again and first.pk == again.pk
    assert NotificationLedger.objects.count() == 1


def test_a_registered_renderer_is_called_at_send_time_and_may_skip(alice):
    calls = []

    @outbox.register_renderer("test_kind")
    def render(row, now):
        calls.append(row.context["n"])
        return None if row.context["n"] == 2 else (f"bmtrack: test {row.context['n']}", "text", "<p>html</p>")

    outbox.enqueue(recipient=alice, kind="test_kind", key="1", context={"n": 1}, now=at(2026, 3, 1, 8))
    outbox.enqueue(recipient=alice, kind="test_kind", key="2", context={"n": 2}, now=at(2026, 3, 1, 8))
    assert calls == []
    counts = outbox.send_pending(now=at(2026, 3, 1, 8, 1))
    assert counts["sent"] == 1 and counts["skipped"] == 1
    [message] = mail.outbox
    assert message.subject == "bmtrack: test 1" and message.alternatives[0][0] == "<p>html</p>"
    assert message.extra_headers["Message-ID"].startswith("<bmtrack.test_kind.")
    assert outbox.send_pending(now=at(2026, 3, 2)) == {}


def test_an_alert_for_an_item_done_before_it_is_sent_is_not_sent(patient, alice, bob):
    item = overdue_postop(patient)
    services.record_scan(patient, at=at(2026, 3, 5, 15), modality="mri", sequences=["t1_post_3d"],
                         now=at(2026, 3, 5, 16))
    item.refresh_from_db()
    assert item.state == "done"
    counts = outbox.send_pending(now=at(2026, 3, 5, 16))
    assert counts == {"handled": 2, "skipped": 2}
    assert mail.outbox == []
    assert set(NotificationLedger.objects.values_list("status", flat=True)) == {"skipped"}


def test_a_waived_item_sends_nothing_more(patient, alice, bob):
    item = overdue_postop(patient)
    waive_item(item, reason="Patient declined further imaging", user=alice, now=at(2026, 3, 5, 14))
    assert outbox.send_pending(now=at(2026, 3, 5, 15)).get("sent", 0) == 0


def test_a_failed_send_is_retried_with_exponential_backoff(settings, alice, smtp_settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    smtp_settings.refusing = True
    outbox.enqueue(recipient=alice, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    row = NotificationLedger.objects.get()
    delays = []
    now = at(2026, 3, 1, 8)
    for _ in range(3):
        assert outbox.send_pending(now=now).get("retry") == 1
        row.refresh_from_db()
        delays.append((row.next_attempt_at - now).total_seconds())
        assert outbox.send_pending(now=row.next_attempt_at - dt.timedelta(seconds=1)) == {}
        now = row.next_attempt_at
    assert delays == [60, 120, 240]
    smtp_settings.refusing = False
    assert outbox.send_pending(now=now)["sent"] == 1
    assert len(smtp_settings.to("alice@example.org")) == 1


def test_one_refused_address_does_not_stall_the_others(alice, bob, charlie, smtp_settings):
    smtp_settings.bad_addresses = {"bob@example.org"}
    for user in (bob, alice, charlie):
        outbox.enqueue(recipient=user, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    counts = outbox.send_pending(now=at(2026, 3, 1, 8))
    assert counts["sent"] == 2 and counts["failed"] == 1
    assert NotificationLedger.objects.get(recipient=bob).status == "failed"
    assert {m["To"] for m in smtp_settings.messages} == {"alice@example.org", "charlie@example.org"}


def test_a_user_without_an_email_address_fails_alone(alice, bob):
    alice.email = ""
    alice.save()
    for user in (alice, bob):
        outbox.enqueue(recipient=user, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    counts = outbox.send_pending(now=at(2026, 3, 1, 8))
    assert counts["failed"] == 1 and counts["sent"] == 1


def test_no_subject_of_any_kind_carries_a_patient_identifier(make_patient, alice, bob, smtp_settings):
    patient = make_patient(given_name="Wilhelmina", family_name="Zonneveld", mrn="Z9876543",
                           birth_date=dt.date(1955, 7, 14))
    overdue_postop(patient)
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 3, 6, 9), now=at(2026, 3, 5, 14))
    digests.schedule_digests(at(2026, 3, 6, 7, 1))
    outbox.send_pending(now=at(2026, 3, 6, 7, 2))
    kinds = {m["Subject"]: m for m in smtp_settings.messages}
    assert {row.kind for row in NotificationLedger.objects.filter(status="sent")} == {
        "urgent_alert", "escalation", "digest"}
    forbidden = ["Wilhelmina", "Zonneveld", "Z9876543", "1955", "14-07", "14/07", "July"]
    kinds = {str(subject).strip(): message for subject, message in kinds.items()}
    for subject, message in kinds.items():
        assert subject.startswith("bmtrack: ")
        assert not any(word.lower() in subject.lower() for word in forbidden), subject
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "Zonneveld" not in body and "Z9876543" not in body
        assert str(patient.public_id) in body
    assert "bmtrack: urgent — post-operative MRI overdue" in kinds


def test_an_identifying_subject_is_replaced_before_sending(patient, alice):
    outbox.register_renderer("leaky", lambda row, now: (f"About {row.patient.family_name}", "text", ""))
    outbox.enqueue(recipient=alice, kind="leaky", key="1", patient=patient, now=at(2026, 3, 1))
    outbox.send_pending(now=at(2026, 3, 1))
    assert mail.outbox[0].subject == "bmtrack: notification"


def test_two_senders_at_once_send_each_email_once(transactional_db, smtp_settings):
    from bmtrack.accounts.models import User

    users = [User.objects.create_user(f"nurse{i}", f"nurse{i}@example.org", "x" * 12) for i in range(12)]
    for user in users:
        outbox.enqueue(recipient=user, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    barrier = threading.Barrier(3)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(outbox.send_pending(now=at(2026, 3, 1, 8)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r.get("sent", 0) for r in results) == 12
    assert sorted(m["To"] for m in smtp_settings.messages) == sorted(u.email for u in users)


def test_a_row_left_sending_by_a_dead_sender_is_sent_after_its_lease(settings, alice):
    settings.OUTBOX_LEASE_SECONDS = 60
    outbox.enqueue(recipient=alice, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    row = outbox.claim_next(at(2026, 3, 1, 8))  # ... and the sender dies here
    assert row.status == "sending"
    assert outbox.send_pending(now=at(2026, 3, 1, 8)) == {}
    NotificationLedger.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at - dt.timedelta(seconds=61))
    assert outbox.send_pending(now=at(2026, 3, 1, 8))["sent"] == 1
    assert len(mail.outbox) == 1


def test_booking_an_overdue_item_stops_its_escalation_email(patient, alice, bob):
    from bmtrack.core.clock import today

    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    sweep(at(2026, 4, 24, 1))
    item = DueItem.objects.get(patient=patient, kind="followup_mri")
    book_item(item, booked_for=today() + dt.timedelta(days=2), booking_reason="First free slot", user=alice)
    counts = outbox.send_pending(now=at(2026, 4, 24, 2))
    assert counts.get("skipped") == 1 and not mail.outbox


def test_an_alert_owed_by_recording_a_late_history_waits_for_the_rest_of_it(settings, patient, alice, bob):
    settings.SURVEILLANCE_WRITE_GRACE_SECONDS = 300
    now = at(2026, 3, 10, 9)
    end = at(2026, 3, 2, 13)
    services.record_treatment(patient, kind="surgery", status="given", start=end - dt.timedelta(hours=4), end=end,
                              now=now)
    assert {row.next_attempt_at for row in NotificationLedger.objects.all()} == {now + dt.timedelta(minutes=5)}
    assert outbox.send_pending(now=now + dt.timedelta(minutes=1)) == {}
    services.record_scan(patient, at=at(2026, 3, 4, 9), modality="mri", now=now + dt.timedelta(minutes=2))
    assert outbox.send_pending(now=now + dt.timedelta(minutes=6)) == {"handled": 2, "skipped": 2}
    assert mail.outbox == []


def test_a_kind_without_a_renderer_is_refused_when_owed_and_fails_when_sent(alice):
    with pytest.raises(outbox.UnknownKind):
        outbox.enqueue(recipient=alice, kind="no_such_kind", key="1", now=at(2026, 3, 1, 8))
    assert not NotificationLedger.objects.exists()
    # A row left by an older version whose kind no longer has a renderer: failed, never a bare email.
    NotificationLedger.objects.create(recipient=alice, kind="retired_kind", key="1", created_at=at(2026, 3, 1, 8),
                                      next_attempt_at=at(2026, 3, 1, 8))
    assert outbox.send_pending(now=at(2026, 3, 1, 8, 1)) == {"handled": 1, "failed": 1}
    assert mail.outbox == [] and NotificationLedger.objects.get().last_error == "no renderer for this kind"


def test_a_renderer_gets_the_senders_moment_and_reads_no_clock(alice):
    outbox.enqueue(recipient=alice, kind="test_notice", key="m1", now=at(2026, 3, 1, 8))
    outbox.send_pending(now=at(2026, 3, 1, 8, 30))
    assert mail.outbox[0].body == "sent at 2026-03-01 08:30"  # the sender's now, not the wall clock


def test_the_surveillance_modules_import_each_other_without_a_cycle():
    """outbox, tasks, digests, notifications, sweep...: module-level imports form no cycle; the
    outbox queues the sender by task name instead of importing the tasks."""
    import ast
    from pathlib import Path

    package = Path(outbox.__file__).parent
    graph = {}
    for path in package.glob("*.py"):
        name = f"bmtrack.surveillance.{path.stem}"
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bmtrack.surveillance"):
                edges.add(node.module)
                edges.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names)
        graph[name] = {e for e in edges if e in {f"bmtrack.surveillance.{p.stem}" for p in package.glob("*.py")}}

    def cycle_from(start, node, seen):
        return any(nxt == start or (nxt not in seen and cycle_from(start, nxt, seen | {nxt})) for nxt in graph[node])

    assert [name for name in graph if cycle_from(name, name, {name})] == []
    assert "bmtrack.surveillance.tasks" not in graph["bmtrack.surveillance.outbox"]


def test_the_escalation_subject_counts_whole_days_overdue_in_the_sites_calendar(patient, alice, bob):
    end = at(2026, 3, 2, 13)  # post-op MRI due by 5 Mar 13:00
    services.record_treatment(patient, kind="surgery", status="given", start=end - dt.timedelta(hours=4), end=end,
                              now=end + dt.timedelta(hours=1))
    sweep(at(2026, 3, 8, 9))
    outbox.send_pending(now=at(2026, 3, 8, 9, 1))
    subjects = sorted({m.subject for m in mail.outbox})
    assert "bmtrack: escalation — Post-operative MRI still open, 3 days overdue" in subjects, subjects
