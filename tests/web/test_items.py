"""Acting on a due item in place: book, waive, record a contact attempt (htmx rows)."""

import datetime as dt

import pytest

from tests.support import histories as h
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

WARD = {"followup": h.srs_followup_overdue, "postop": h.postop_mri_overdue}


@pytest.fixture
def overdue(ward_patient):
    patient = ward_patient("followup")
    return patient, patient.due_items.get(state="overdue")


def url(patient, item, action):
    return f"/patients/{patient.public_id}/items/{item.pk}/{action}/"


def in_days(now, days):
    from bmtrack.core.clock import today

    return today(now) + dt.timedelta(days=days)


def booking(now, days, **extra):
    """A booking of the overdue item: any day from today is after its window, so it needs a reason."""
    return {"booked_for": in_days(now, days), "booked_time": "10:00", "booking_reason": "First free slot", **extra}


def test_booking_updates_the_row_in_place(client_for, alice, overdue, now):
    patient, item = overdue
    response = client_for(alice).post(url(patient, item, "book"), booking(now, 5), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    # The worklist's row is a table row; booked for a later day, it waits (not red overdue).
    assert html.lstrip().startswith('<tr class="wl-row wl-overdue wl-waiting"') and f'id="item-{item.pk}"' in html
    assert "booked for" in html and "Booked for" in html and 'role="status"' in html
    item.refresh_from_db()
    assert item.booked_for == in_days(now, 5) and item.state == "overdue"


def test_booking_without_a_date_shows_the_error_in_the_open_panel(client_for, alice, overdue):
    patient, item = overdue
    html = client_for(alice).post(url(patient, item, "book"), {"booked_for": ""}, **HTMX).content.decode()
    assert "This field is required." in html
    assert '<details class="action" open>' in html and 'aria-invalid="true"' in html
    item.refresh_from_db()
    assert item.booked_for is None


def test_a_booking_date_in_the_past_is_refused_by_the_service(client_for, alice, overdue, now):
    patient, item = overdue
    html = client_for(alice).post(url(patient, item, "book"), booking(now, -2), **HTMX)
    assert "This date has passed." in html.content.decode()
    item.refresh_from_db()
    assert item.booked_for is None


def test_waiving_needs_a_reason_a_confirmation_and_then_clears_the_row_with_an_undo(client_for, alice, overdue):
    patient, item = overdue
    client = client_for(alice)
    refused = client.post(url(patient, item, "waive"), {"reason": ""}, **HTMX).content.decode()
    assert "This field is required." in refused
    asked = client.post(url(patient, item, "waive"), {"reason": "decided at the tumour board"}, **HTMX).content.decode()
    assert "Waive this item?" in asked and "Yes, waive" in asked and item.get_kind_display() in asked
    item.refresh_from_db()
    assert item.state == "overdue"  # nothing changes before the confirmation
    done = client.post(url(patient, item, "waive"), {"reason": "decided at the tumour board", "confirm": "1"},
                       **HTMX).content.decode()
    assert "off the list: decided at the tumour board" in done and "wl-cleared" in done and ">Undo</button>" in done
    item.refresh_from_db()
    assert item.state == "waived" and item.waived_reason == "decided at the tumour board"
    assert patient.family_name not in client.get("/").content.decode().split('id="today"')[1].split("</section>")[0]

    undone = client.post(url(patient, item, "unwaive"), {}, **HTMX).content.decode()
    assert "Waiver undone" in undone
    item.refresh_from_db()
    assert item.state == "overdue" and item.waived_reason == ""


def test_a_waiver_is_undone_later_from_the_patient_page(client_for, alice, overdue):
    patient, item = overdue
    client = client_for(alice)
    client.post(url(patient, item, "waive"), {"reason": "scanned elsewhere", "confirm": "1"}, **HTMX)
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert url(patient, item, "unwaive") in page and "Undo waiver" in page
    response = client.post(url(patient, item, "unwaive"), {"next": f"/patients/{patient.public_id}/"}, follow=True)
    assert b"Waiver undone" in response.content
    item.refresh_from_db()
    assert item.state == "overdue"


def test_a_contact_without_answer_is_recorded_and_the_item_stays(client_for, alice, overdue):
    patient, item = overdue
    html = client_for(alice).post(url(patient, item, "contact"), {"outcome": "no_answer", "note": "voicemail"},
                                  **HTMX).content.decode()
    assert "No answer recorded." in html and "1 attempt" in html and "voicemail" in html
    assert item.contacts.get().outcome == "no_answer"
    item.refresh_from_db()
    assert item.state == "overdue"


def test_a_contact_that_booked_books_the_item(client_for, alice, overdue, now):
    patient, item = overdue
    client_for(alice).post(url(patient, item, "contact"), {"outcome": "booked", **booking(now, 2)},
                           **HTMX)
    item.refresh_from_db()
    assert item.booked_for == in_days(now, 2)


def test_remind_me_snoozes_the_item_until_its_date(client_for, alice, overdue, now):
    patient, item = overdue
    client = client_for(alice)
    missing = client.post(url(patient, item, "contact"), {"outcome": "remind"}, **HTMX).content.decode()
    assert "Give the date to be reminded on." in missing
    html = client.post(url(patient, item, "contact"), {"outcome": "remind", "remind_on": in_days(now, 4)},
                       **HTMX).content.decode()
    assert "Waiting: back on the worklist on" in html and "Call back" in html and "wl-waiting" in html
    item.refresh_from_db()
    assert item.snoozed_until == in_days(now, 4)


def test_not_needed_waives_with_its_reason(client_for, alice, overdue):
    patient, item = overdue
    client = client_for(alice)
    missing = client.post(url(patient, item, "contact"), {"outcome": "not_needed"}, **HTMX).content.decode()
    assert "Say why the scan is not needed." in missing
    done = client.post(url(patient, item, "contact"), {"outcome": "not_needed", "reason": "moved abroad",
                                                       "confirm": "1"}, **HTMX).content.decode()
    item.refresh_from_db()
    assert item.state == "waived" and item.waived_reason == "moved abroad"
    assert url(patient, item, "unwaive") in done  # undone right after, as a waiver is


@pytest.mark.parametrize("outcome", ["declined", "elsewhere", "moved", "not_needed"])
def test_an_outcome_that_takes_the_patient_off_the_list_is_confirmed_then_can_be_undone(client_for, alice, overdue,
                                                                                        outcome):
    patient, item = overdue
    client = client_for(alice)
    data = {"outcome": outcome, "reason": "said so on the phone", "note": "daughter answered"}
    asked = client.post(url(patient, item, "contact"), data, **HTMX).content.decode()
    item.refresh_from_db()
    assert item.is_open and not item.contacts.exists()  # nothing changed yet
    assert "off the list?" in asked and 'class="confirm-list"' in asked and item.get_kind_display() in asked
    assert '<input type="hidden" name="confirm" value="1">' in asked
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in asked
    done = client.post(url(patient, item, "contact"), {**data, "confirm": "1"}, **HTMX).content.decode()
    item.refresh_from_db()
    assert item.state == "waived" and item.contacts.get().outcome == outcome
    assert url(patient, item, "unwaive") in done
    client.post(url(patient, item, "unwaive"), {}, **HTMX)
    item.refresh_from_db()
    assert item.is_open


def test_without_htmx_an_action_redirects_back_with_a_message(client_for, alice, overdue, now):
    patient, item = overdue
    response = client_for(alice).post(url(patient, item, "book"), {**booking(now, 1), "next": "/"},
                                      follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"booked for" in response.content


def test_on_the_patient_page_the_row_comes_back_without_the_patient_column(client_for, alice, overdue, now):
    patient, item = overdue
    html = client_for(alice).post(url(patient, item, "book"), {**booking(now, 1), "context": "patient"},
                                  **HTMX).content.decode()
    assert "row-grid-nopatient" in html and "patient-link" not in html


@pytest.mark.parametrize("action", ["book", "waive", "contact"])
def test_a_nurse_of_another_team_gets_404(client_for, charlie, overdue, now, action):
    patient, item = overdue
    data = {**booking(now, 1), "reason": "x", "outcome": "no_answer"}
    assert client_for(charlie).post(url(patient, item, action), data, **HTMX).status_code == 404
    item.refresh_from_db()
    assert item.booked_for is None and item.state == "overdue" and not item.contacts.exists()


def test_an_item_of_another_patient_is_404(client_for, alice, overdue, ward_patient):
    patient, _ = overdue
    foreign = ward_patient("postop").due_items.first()
    assert client_for(alice).post(url(patient, foreign, "waive"), {"reason": "x"}).status_code == 404


def test_a_board_coordinator_may_not_act_on_items(client_for, coordinator, overdue):
    patient, item = overdue
    assert client_for(coordinator).post(url(patient, item, "waive"), {"reason": "x"}).status_code == 403


def test_actions_only_accept_post(client_for, alice, overdue):
    patient, item = overdue
    assert client_for(alice).get(url(patient, item, "book")).status_code == 405


# Action panels load on first open: the worklist carries no form; the panel endpoint does.

def actions_url(patient, item, panel="", context=""):
    query = "&".join(part for part in (f"panel={panel}" if panel else "", f"context={context}" if context else "")
                     if part)
    return f"/patients/{patient.public_id}/items/{item.pk}/actions/" + (f"?{query}" if query else "")


def test_the_worklist_links_each_panel_instead_of_inlining_its_form(client_for, alice, overdue):
    patient, item = overdue
    html = client_for(alice).get("/").content.decode()
    assert f'hx-get="/patients/{patient.public_id}/items/{item.pk}/actions/?panel=contact"' in html
    assert 'hx-trigger="toggle once"' in html
    assert f'href="/patients/{patient.public_id}/items/{item.pk}/actions/?panel=book"' in html  # without JS
    assert "<form class=\"panel" not in html and 'name="booked_for"' not in html


@pytest.mark.parametrize(("panel", "title", "posts_to"), [
    ("book", "Mark the scan booked", "book"), ("contact", "Log a call", "contact"),
    ("waive", "Waive this item", "waive")])
def test_a_panel_fetched_with_htmx_is_its_form_alone(client_for, alice, overdue, panel, title, posts_to):
    patient, item = overdue
    response = client_for(alice).get(actions_url(patient, item, panel), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form class="panel') and title in html and "<html" not in html
    assert f'hx-post="/patients/{patient.public_id}/items/{item.pk}/{posts_to}/"' in html
    assert f'hx-target="#item-{item.pk}"' in html and "csrfmiddlewaretoken" in html
    assert 'name="context" value="worklist"' in html and 'name="next" value="/"' in html
    assert f'id="it{item.pk}-{panel}-' in html


def test_without_javascript_the_panel_link_opens_a_page_whose_form_comes_back(client_for, alice, overdue, now):
    patient, item = overdue
    client = client_for(alice)
    html = client.get(actions_url(patient, item, "book")).content.decode()
    assert "<html" in html and "Mark the scan booked" in html and patient.family_name in html
    assert f'action="/patients/{patient.public_id}/items/{item.pk}/book/"' in html
    every = client.get(actions_url(patient, item)).content.decode()
    assert "Mark the scan booked" in every and "Log a call" in every and "Waive this item" in every
    response = client.post(url(patient, item, "book"), {**booking(now, 3), "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/" and b"booked for" in response.content


def test_a_panel_from_the_patient_page_comes_back_to_the_patient_page(client_for, alice, overdue):
    patient, item = overdue
    html = client_for(alice).get(actions_url(patient, item, "waive", "patient"), **HTMX).content.decode()
    assert 'name="context" value="patient"' in html and f'name="next" value="/patients/{patient.public_id}/"' in html


def test_panels_of_another_team_an_unknown_panel_and_a_coordinator_are_refused(client_for, alice, charlie,
                                                                              coordinator, overdue, ward_patient):
    patient, item = overdue
    assert client_for(charlie).get(actions_url(patient, item, "book"), **HTMX).status_code == 404
    assert client_for(charlie).get(actions_url(patient, item)).status_code == 404
    assert client_for(alice).get(actions_url(patient, item, "delete"), **HTMX).status_code == 404
    foreign = ward_patient("postop").due_items.first()
    assert client_for(alice).get(actions_url(patient, foreign, "book"), **HTMX).status_code == 404
    assert client_for(coordinator).get(actions_url(patient, item, "book"), **HTMX).status_code == 403
    assert client_for(alice).post(actions_url(patient, item, "book")).status_code == 405


def test_after_an_action_the_row_comes_back_with_its_panels_closed_and_lazy(client_for, alice, overdue, now):
    patient, item = overdue
    html = client_for(alice).post(url(patient, item, "contact"), {"outcome": "no_answer"}, **HTMX).content.decode()
    assert "<details class=\"action\" open>" not in html and 'name="outcome"' not in html
    assert f"/items/{item.pk}/actions/?panel=book" in html


def test_a_booking_outside_the_window_is_refused_naming_the_limit_then_kept_flagged(client_for, alice, overdue, now):
    patient, item = overdue
    client = client_for(alice)
    html = client.post(url(patient, item, "book"), booking(now, 3, booking_reason=""), **HTMX).content.decode()
    assert f"after the window closes on {item.due_by.day} {item.due_by:%b %Y}" in html
    assert "A booking outside the limit needs a reason." in html
    item.refresh_from_db()
    assert item.booked_for is None
    html = client.post(url(patient, item, "book"), booking(now, 3), **HTMX).content.decode()
    # The worklist's narrow cell: the flag, its words in the tooltip and for screen readers.
    assert "Outside the limit" in html and "after the window closes" in html and "Reason: First free slot" in html
    item.refresh_from_db()
    assert item.booking_flagged and item.booked_at.astimezone(patient_zone()).strftime("%H:%M") == "10:00"
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert "Outside the limit: after the window closes" in page


def patient_zone():
    from bmtrack.core.clock import site_zone

    return site_zone()
