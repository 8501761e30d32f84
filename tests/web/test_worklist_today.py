"""The worklist's "Today" and "Waiting" (issue 16): who to call first, the attempts so far, and the
needs that already wait on a date."""

import datetime as dt
from functools import partial

import pytest

from tests.support import histories as h

pytestmark = pytest.mark.django_db

WARD = {
    "postop": h.postop_mri_overdue,  # urgent, overdue by hours
    "followup": h.srs_followup_overdue,  # overdue by weeks
    "booked": h.srs_followup_overdue,
    "snoozed": h.srs_followup_overdue,
    "tt_soon": partial(h.tt_response_due, started_days_ago=86),  # follow-up + response MRI, deadline this week
}


def build(user, now):
    from bmtrack.web.queries.scope import Filters
    from bmtrack.web.queries.worklist import build_worklist

    return build_worklist(user, Filters(), now)


def patients_of(rows):
    return [row.item.patient_id for row in rows]


def in_days(now, days):
    from bmtrack.core.clock import today

    return today(now) + dt.timedelta(days=days)


def test_today_lists_urgent_first_then_the_most_overdue_then_the_nearest_deadline(alice, ward_patient, now):
    work = build(alice, now)
    order = patients_of(work.today)
    assert order[0] == ward_patient("postop").pk  # urgent, though overdue by hours only
    assert order[-1] == ward_patient("tt_soon").pk  # not overdue: its deadline is this week
    assert set(order[1:-1]) == {ward_patient(k).pk for k in ("followup", "booked", "snoozed")}
    assert [row.section for row in work.today] == ["overdue"] * 4 + ["this_week"]
    assert work.waiting == []


def test_booked_and_snoozed_needs_wait_with_their_date_not_in_today(alice, ward_patient, now):
    from bmtrack.surveillance import actions

    booked = ward_patient("booked").due_items.get(state="overdue")
    snoozed = ward_patient("snoozed").due_items.get(state="overdue")
    actions.book_item(booked, booked_for=in_days(now, 6), booking_reason="First free slot",
                      user=alice, now=now)
    actions.record_contact(snoozed, outcome="agreed", remind_on=in_days(now, 2), user=alice, now=now)
    work = build(alice, now)
    assert patients_of(work.waiting) == [snoozed.patient_id, booked.patient_id]  # by their date
    assert booked.patient_id not in patients_of(work.today) and snoozed.patient_id not in patients_of(work.today)
    call_back, booking = work.waiting
    assert call_back.waiting_until == in_days(now, 2) and call_back.deadline_text[0] == "state-booked"
    assert call_back.deadline_text[1].startswith("Agreed to come · check")
    assert booking.booked_on == in_days(now, 6) and booking.deadline_text[1].startswith("Booked for")
    assert call_back.last_contact.outcome == "agreed" and call_back.attempts == 1
    assert len(work.overdue) == 2  # the counts follow: waiting rows are not overdue work


def test_a_booking_whose_day_passed_without_the_scan_comes_back_to_today(alice, ward_patient, now):
    from bmtrack.surveillance.models import DueItem

    item = ward_patient("booked").due_items.get(state="overdue")
    # The service refuses a past date; the day simply passed since it was booked.
    DueItem.objects.filter(pk=item.pk).update(booked_for=in_days(now, -1))
    work = build(alice, now)
    assert item.patient_id in patients_of(work.today) and not work.waiting


def test_each_row_counts_the_attempts_on_its_need_and_shows_the_last(alice, ward_patient, now):
    from bmtrack.surveillance import actions

    patient = ward_patient("tt_soon")
    followup = patient.due_items.get(kind="followup_mri", state="due")
    response = patient.due_items.get(kind="response_mri", state="due")
    actions.record_contact(followup, outcome="no_answer", user=alice, now=now - dt.timedelta(days=2))
    actions.record_contact(response, outcome="voicemail", note="daughter's number", user=alice,
                           now=now - dt.timedelta(hours=1))
    actions.record_contact(ward_patient("followup").due_items.get(state="overdue"), outcome="unreachable",
                           user=alice, now=now)
    row = next(row for row in build(alice, now).today if row.item.patient_id == patient.pk)
    assert row.attempts == 2  # both items of the one MRI
    summary = row.contact_summary
    assert summary["outcome"] == "Voicemail left" and summary["attempts"] == "2 attempts"
    assert summary["note"] == "daughter's number" and summary["by"] == "Alice"


def test_the_page_shows_the_attempts_the_phone_and_the_waiting_band(client_for, alice, ward_patient, now):
    from bmtrack.patients import services
    from bmtrack.surveillance import actions

    patient = ward_patient("followup")
    services.update_patient(patient, phones="07700 900123", user=alice)
    item = patient.due_items.get(state="overdue")
    for _ in range(2):
        actions.record_contact(item, outcome="no_answer", user=alice)
    actions.record_contact(ward_patient("snoozed").due_items.get(state="overdue"), outcome="remind",
                           remind_on=in_days(now, 3), user=alice)
    html = client_for(alice).get("/").content.decode()
    today = html[html.index('id="today"'):html.index('id="waiting"')]
    waiting = html[html.index('id="waiting"'):html.index('id="due-later"')]
    at = today.index(f'href="/patients/{patient.public_id}/"')
    row = today[today.rfind("<tr", 0, at):today.index("</tr>", at)]
    assert '<a class="tel" href="tel:07700900123">07700 900123</a>' in row
    assert "2 attempts" in row and "No answer" in row
    snoozed = ward_patient("snoozed")
    assert snoozed.family_name in waiting and snoozed.family_name not in today
    assert "Call back" in waiting


@pytest.mark.parametrize(("data", "field"), [
    ({"outcome": "agreed"}, "booked_for"),
    ({"outcome": "declined"}, "reason"),
    ({"outcome": "elsewhere", "reason": " "}, "reason"),
    ({"outcome": "died"}, "deceased_on"),
    ({"outcome": "remind", "remind_on": "2026-03-10"}, "remind_on"),
])
def test_the_contact_form_asks_for_what_each_outcome_needs(data, field):
    from bmtrack.web.forms.items import ContactForm

    form = ContactForm(data, today=dt.date(2026, 3, 10))
    assert not form.is_valid() and field in form.errors


def test_died_from_the_worklist_sets_the_patient_deceased_and_clears_the_row(client_for, alice, ward_patient, now):
    from tests.web.conftest import HTMX

    patient = ward_patient("followup")
    item = patient.due_items.get(state="overdue")
    url = f"/patients/{patient.public_id}/items/{item.pk}/contact/"
    client = client_for(alice)
    refused = client.post(url, {"outcome": "died"}, **HTMX).content.decode()
    assert "Give the date of death." in refused
    data = {"outcome": "died", "deceased_on": in_days(now, -3).isoformat(), "note": "GP letter"}
    # First a confirmation that lists every open item the death cancels, with what was entered carried.
    asked = client.post(url, data, **HTMX).content.decode()
    patient.refresh_from_db()
    assert patient.status == "active" and not item.contacts.exists()
    assert f"Record {patient.given_name} {patient.family_name} as deceased on" in asked
    assert asked.count("<li") == patient.due_items.open().count()
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in asked
    html = client.post(url, {**data, "confirm": "1"}, **HTMX).content.decode()
    assert "Recorded as deceased" in html and "wl-cleared" in html
    patient.refresh_from_db()
    assert patient.status == "deceased" and patient.deceased_on == in_days(now, -3)
    assert patient.family_name not in client.get("/").content.decode()
    # The row offers the undo: back to active care, which plans surveillance again.
    assert f'action="/patients/{patient.public_id}/care-status/"' in html and "Undo: return to active care" in html
    client.post(f"/patients/{patient.public_id}/care-status/", {"status": "active", "confirm": "1"})
    patient.refresh_from_db()
    assert patient.status == "active" and patient.deceased_on is None
    assert patient.family_name in client.get("/").content.decode()


def test_a_death_dated_before_a_scan_on_record_is_refused_before_the_confirmation(client_for, alice, ward_patient):
    from tests.web.conftest import HTMX

    patient = ward_patient("followup")
    item = patient.due_items.get(state="overdue")
    last_scan = patient.scans.order_by("-at").first()
    before = (last_scan.at - dt.timedelta(days=2)).date().isoformat()
    html = client_for(alice).post(f"/patients/{patient.public_id}/items/{item.pk}/contact/",
                                  {"outcome": "died", "deceased_on": before}, **HTMX).content.decode()
    assert "The date of death cannot be before the" in html and "as deceased on" not in html
    patient.refresh_from_db()
    assert patient.status == "active" and not item.contacts.exists()


def test_a_long_waiting_band_shows_the_soonest_dates_and_loads_the_rest_on_request(client_for, alice, ward_patient,
                                                                                   monkeypatch, now):
    from bmtrack.surveillance import actions
    from bmtrack.web.views import worklist
    from tests.web.conftest import HTMX

    for days, key in ((3, "booked"), (2, "snoozed")):
        actions.record_contact(ward_patient(key).due_items.get(state="overdue"), outcome="remind",
                               remind_on=in_days(now, days), user=alice, now=now)
    monkeypatch.setattr(worklist, "PREVIEW_ROWS", 1)
    client = client_for(alice)
    html = client.get("/").content.decode()
    waiting = html[html.index('id="waiting"'):html.index('id="due-later"')]
    assert ward_patient("snoozed").family_name in waiting and ward_patient("booked").family_name not in waiting
    assert "<strong>2</strong> waiting" in html and "Show all 2 waiting" in waiting
    part = client.get("/worklist/waiting/", **HTMX).content.decode()
    assert ward_patient("booked").family_name in part and "Show all" not in part
