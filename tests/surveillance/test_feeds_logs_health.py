"""The calendar feed behind a revocable token, the notification logs, the health view, the command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from bmtrack.core.heartbeat import beat
from bmtrack.core.models import Heartbeat
from bmtrack.patients import services
from bmtrack.surveillance import feeds, log, outbox
from bmtrack.surveillance.models import DueItem, NotificationLedger
from bmtrack.surveillance.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_srs(make_patient):
    patient = make_patient(given_name="Wilhelmina", family_name="Zonneveld", mrn="Z9876543")
    services.record_treatment(patient, kind="srs", status="planned", start=at(2026, 4, 10, 9), now=at(2026, 3, 20))
    return patient


def test_the_calendar_feed_lists_the_nurses_scans_without_identifiers(client, planned_srs, alice):
    token = feeds.regenerate_token(alice)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    # The state at the moment the feed is read (the SRS of April 2026 has passed on today's clock),
    # as the worklist shows it: not the "upcoming" stored when it was recorded.
    assert sorted(str(e["summary"]) for e in events) == ["SRS planning CT (overdue)",
                                                         "Urgent: SRS planning MRI (overdue)"]
    assert all(e["dtstart"].dt == dt.date(2026, 3, 27) and e["dtend"].dt == dt.date(2026, 4, 11) for e in events)
    body = response.content.decode()
    assert "Zonneveld" not in body and "Z9876543" not in body and "Wilhelmina" not in body
    assert str(planned_srs.public_id) in body


def test_a_revoked_or_regenerated_token_no_longer_opens_the_feed(client, planned_srs, alice):
    old = feeds.regenerate_token(alice)
    new = feeds.regenerate_token(alice)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    feeds.revoke_token(alice)
    assert client.get(f"/calendar/{new}.ics").status_code == 404


def test_another_teams_nurse_sees_an_empty_feed(client, planned_srs, charlie):
    token = feeds.regenerate_token(charlie)
    assert Calendar.from_ical(client.get(f"/calendar/{token}.ics").content).walk("VEVENT") == []


def test_the_patient_log_shows_what_was_sent_and_what_comes_next(planned_srs, alice, bob):
    sweep(at(2026, 4, 8, 9, 1))
    outbox.send_pending(now=at(2026, 4, 8, 9, 2))
    entries = log.for_patient(planned_srs, now=at(2026, 4, 8, 9, 3))
    sent = [(e["kind"], e["to"], e["status"]) for e in entries if e["status"] != "planned"]
    assert sorted(sent) == [("escalation", "Bob", "sent"), ("urgent_alert", "Alice", "sent")]
    # The ledger rows are read with the columns the log shows, in one query: no row loads more later.
    with CaptureQueriesContext(connection) as queries:
        again = log.for_patient(planned_srs, now=at(2026, 4, 8, 9, 3))
        shown = [(e["item_kind"], e["subject"], e["to_email"], e["when"]) for e in again if e["status"] == "sent"]
    assert len(shown) == 2 and all(kind and subject and email and when for kind, subject, email, when in shown)
    assert sum("notificationledger" in q["sql"] for q in queries.captured_queries) == 1
    planned = [e for e in entries if e["status"] == "planned"]
    assert {e["kind"] for e in planned} == {"digest", "escalation"}  # the CT escalates 14 days after the SRS date
    assert all(e["when"] >= at(2026, 4, 8, 9, 3) for e in planned)


def test_the_nurse_log_lists_her_emails_and_her_next_digest(planned_srs, alice):
    entries = log.for_user(alice, now=at(2026, 4, 1, 12))
    assert [(e["kind"], e["status"]) for e in entries] == [("digest", "planned"), ("urgent_alert", "planned")]
    assert entries[0]["when"] == at(2026, 4, 2, 7, 0)
    assert entries[1]["when"] == at(2026, 4, 8, 9, 0)


def test_the_health_view_reports_the_last_sweep_and_503s_when_it_goes_quiet(client, alice):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json()["checks"]["sweep"]["status"] == "never"
    beat("sweep")
    beat("outbox")
    beat("worker")
    assert client.get("/health/").status_code == 200
    Heartbeat.objects.filter(name="sweep").update(seen_at=at(2026, 1, 1))
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["sweep"]["status"] == "stale"


def test_the_health_view_503s_when_an_email_has_waited_too_long(client, alice):
    outbox.enqueue(recipient=alice, kind="digest", key="2026-01-01", now=at(2026, 1, 1))
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["oldest_unsent"]["status"] == "stale"


def test_anyone_reads_the_health_statuses_but_only_staff_read_the_figures(client, admin_client, alice):
    outbox.enqueue(recipient=alice, kind="digest", key="2026-01-01", now=at(2026, 1, 1))
    public = client.get("/health/").json()
    assert public["status"] == "stale"
    assert all(set(check) == {"status"} for check in public["checks"].values())
    client.force_login(alice)  # a nurse is not staff
    assert client.get("/health/").json() == public
    staff = admin_client.get("/health/").json()["checks"]
    assert staff["oldest_unsent"]["age_seconds"] > 0 and staff["failed_emails"]["count"] == 0


def test_the_command_runs_the_sweep_the_digests_and_the_sender(planned_srs, alice, capsys):
    DueItem.objects.update(next_transition_at=at(2026, 1, 1))
    call_command("run_surveillance")
    out = capsys.readouterr().out
    assert "sweep:" in out and "digests:" in out and "outbox:" in out
    assert NotificationLedger.objects.filter(kind="urgent_alert").exists()


def test_the_beat_schedule_is_registered_for_setup_periodic_tasks(db):
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks")
    tasks = dict(PeriodicTask.objects.values_list("task", "interval__every"))
    assert tasks["surveillance.sweep"] == 300
    assert tasks["surveillance.schedule_digests"] == 900
    assert tasks["surveillance.send_outbox"] == 60
