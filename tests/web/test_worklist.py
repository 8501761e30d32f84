"""The worklist: what needs doing today, why, and for whom — and nothing of another team's."""

import datetime as dt
import re
from functools import partial

import pytest

from bmtrack.core.formatting import fmt_date
from tests.support import histories as h
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

WARD = {
    "postop": h.postop_mri_overdue,  # team A: overdue post-operative MRI
    "tt": h.tt_response_due,  # team A: response and follow-up MRI due, deadline in ~4 weeks
    "tt_soon": partial(h.tt_response_due, started_days_ago=86),  # team A: the same need, deadline within a week
    "tt_soon2": partial(h.tt_response_due, started_days_ago=88),  # team A: the same need, deadline within a week
    "gynae": h.gynae_srs_recent,  # team A: follow-up MRI upcoming; radiation-necrosis window
    "measuring": h.scan_awaiting_measurements,  # team A: an MRI waiting for measurements
    "followup": h.srs_followup_overdue,  # team A: follow-up MRI overdue
    "melanoma": (h.postop_mri_overdue_melanoma, "charlie"),  # team B
    "ici": (h.ici_unconfirmed_progression, "charlie"),  # team B: unconfirmed PD on immunotherapy
}


def section(html: str, anchor: str) -> str:
    """The HTML of one worklist section (from its id to the next section)."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="work-section', start + 1)
    return html[start:end if end != -1 else None]


def name(patient) -> str:
    return f"{patient.family_name}, {patient.given_name}"


def row_of(html: str, patient) -> str:
    """The table row (``<tr>``) of a patient in a worklist section's HTML."""
    at = html.index(name(patient))
    return html[html.rfind("<tr", 0, at):html.index("</tr>", at)]


def test_an_overdue_post_operative_mri_shows_its_rule_trigger_window_and_days_overdue(client_for, alice,
                                                                                      ward_patient):
    patient = ward_patient("postop")
    html = client_for(alice).get("/").content.decode()
    today = section(html, "today")
    row = row_of(today, patient)
    assert "Post-operative MRI" in row and "Urgent" in row
    assert "Surgery ended" in row  # the trigger, shown
    # The rule and its source behind an info toggle.
    why = row[row.index('<details class="why">'):row.index("</details>", row.index('<details class="why">'))]
    assert "within 48 h (at most 72 h) after surgery" in why
    assert "Derks et al., Br J Radiol 2022, reference 57" in why  # a human citation
    assert "h past the limit" in row  # time over
    assert "Not contacted" in row and "Log call" in row
    assert f'href="/patients/{patient.public_id}/"' in row
    assert today.index(name(patient)) < today.index(name(ward_patient("followup")))  # urgent kinds first


def test_sections_come_today_then_waiting_then_due_later_then_upcoming(client_for, alice, ward_patient):
    html = client_for(alice).get("/").content.decode()
    positions = [html.index(f'id="{anchor}"') for anchor in ("today", "waiting", "due-later", "upcoming")]
    assert positions == sorted(positions)
    today = section(html, "today")
    assert name(ward_patient("tt_soon")) in today and name(ward_patient("postop")) in today
    # Overdue before due this week: the most overdue first, then the nearest deadline.
    assert today.index(name(ward_patient("followup"))) < today.index(name(ward_patient("tt_soon")))
    assert name(ward_patient("gynae")) in section(html, "upcoming")
    assert name(ward_patient("postop")) not in section(html, "upcoming")


def test_due_this_week_counts_only_deadlines_within_seven_days(client_for, alice, ward_patient, now):
    """record.md: "due this week" = deadline within 7 days; the rest of an open window is "due"."""
    from bmtrack.core.clock import local_date

    html = client_for(alice).get("/").content.decode()
    tt = ward_patient("tt")
    deadline = tt.due_items.get(kind="response_mri").due_by
    assert (deadline - local_date(now)).days > 7  # some four weeks ahead, the window open
    assert name(tt) not in section(html, "today")
    assert name(tt) in section(html, "due-later")
    assert "<strong>2</strong> due this week" in html  # tt_soon and tt_soon2, one need each


def test_a_follow_up_and_response_mri_one_scan_answers_are_one_row_with_both_reasons(client_for, alice,
                                                                                    ward_patient):
    patient = ward_patient("tt_soon")
    assert patient.due_items.filter(kind__in=["followup_mri", "response_mri"], state="due").count() == 2
    html = client_for(alice).get("/").content.decode()
    week = section(html, "today")
    assert week.count(f'class="patient-link" href="/patients/{patient.public_id}/"') == 1  # one row
    row = row_of(week, patient)
    assert "MRI: follow-up and response evaluation" in row
    assert "Follow-up MRI" in row and "Response evaluation MRI" in row  # each keeps its own rule
    assert "references 7, 61" in row and "reference 43" in row


def test_scans_waiting_for_measurements_are_listed_with_a_link_to_measure(client_for, alice, ward_patient):
    patient = ward_patient("measuring")
    listed = section(client_for(alice).get("/").content.decode(), "to-measure")
    scan = patient.scans.get(measurement_status="pending")
    assert name(patient) in listed
    assert f"/patients/{patient.public_id}/scans/{scan.pk}/measurements/" in listed


def test_unconfirmed_progression_awaiting_confirmation_is_listed(client_for, charlie, ward_patient):
    listed = section(client_for(charlie).get("/").content.decode(), "unconfirmed")
    patient = ward_patient("ici")
    assert name(patient) in listed
    assert "uPD" in listed and "iRANO" in listed
    # The confirmation MRI's window and state, next to the suspect MRI that triggered it.
    confirmation = patient.due_items.filter(kind="confirmation_mri").order_by("due_by").first()
    assert confirmation is not None
    assert f"{fmt_date(confirmation.due_from)} – {fmt_date(confirmation.due_by)}" in listed
    assert f'<span class="state state-{confirmation.state}">{confirmation.state}</span>' in listed


def test_patients_inside_a_watch_window_are_listed(client_for, alice, charlie, ward_patient):
    listed = section(client_for(alice).get("/").content.decode(), "watching")
    assert name(ward_patient("gynae")) in listed and "Radiation-necrosis watch" in listed
    listed = section(client_for(charlie).get("/").content.decode(), "watching")
    assert name(ward_patient("ici")) in listed and "Pseudoprogression watch" in listed


@pytest.mark.parametrize("status", ["deceased", "discharged", "supportive_care"])
def test_deceased_discharged_and_supportive_care_patients_leave_every_list(client_for, alice, ward_patient, status):
    from bmtrack.core.clock import today
    from bmtrack.patients import services

    patient = ward_patient("followup")
    services.set_patient_status(patient, status, deceased_on=today() if status == "deceased" else None)
    client = client_for(alice)
    assert name(patient) not in client.get("/").content.decode()
    assert f"/patients/{patient.public_id}/" not in client.post("/", {"q": patient.mrn}).content.decode()


def test_a_nurse_never_sees_another_teams_patients(client_for, charlie, alice, ward_patient):
    html = client_for(charlie).get("/").content.decode()
    for key in ("postop", "tt", "gynae", "measuring", "followup"):
        patient = ward_patient(key)
        assert name(patient) not in html and patient.mrn not in html
    assert name(ward_patient("melanoma")) in html
    assert name(ward_patient("melanoma")) not in client_for(alice).get("/").content.decode()


def test_filtering_by_kind_keeps_only_that_kind(client_for, alice):
    html = client_for(alice).post("/", {"kind": "response_mri"}).content.decode()
    body = html.split('id="worklist-body"')[1]
    assert "Response evaluation MRI" in body
    # A need holding a response MRI stays whole (its follow-up reason too); no other need is listed.
    assert "Post-operative MRI" not in body and "<strong>Follow-up MRI</strong>" not in body
    assert 'id="to-measure"' not in body  # the other lists are hidden, not shown empty
    only = client_for(alice).post("/", {"kind": "measurements"}).content.decode().split('id="worklist-body"')[1]
    assert 'id="to-measure"' in only and 'id="overdue"' not in only


def test_filtering_by_team_and_nurse(client_for, bob, alice, teams, ward_patient):
    teams[1].members.add(bob)
    mine, theirs = ward_patient("postop"), ward_patient("melanoma")  # nurse Alice (A), nurse Charlie (B)
    client = client_for(bob)
    both = client.get("/").content.decode()
    assert name(mine) in both and name(theirs) in both
    by_team = client.post("/", {"team": teams[1].pk}).content.decode()
    assert name(theirs) in by_team and name(mine) not in by_team
    by_nurse = client.post("/", {"nurse": alice.pk}).content.decode()
    assert name(mine) in by_nurse and name(theirs) not in by_nurse


def test_filters_are_remembered_but_the_search_term_is_not(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    client = client_for(alice)
    client.post("/", {"kind": "followup_mri", "q": patient.mrn})
    again = client.get("/").content.decode()
    assert 'value="followup_mri" selected' in again
    assert patient.mrn not in again.split('id="worklist-body"')[0]  # the search box is empty again
    client.post("/", {"reset": "1"})
    assert 'value="followup_mri" selected' not in client.get("/").content.decode()


def test_search_by_mrn_or_name_travels_in_the_post_body(client_for, alice, ward_patient):
    wanted, other = ward_patient("postop"), ward_patient("tt")
    client = client_for(alice)
    by_mrn = client.post("/", {"q": wanted.mrn}).content.decode()
    assert name(wanted) in by_mrn and name(other) not in by_mrn
    by_name = client.post("/", {"q": f"{wanted.given_name} {wanted.family_name}"}).content.decode()
    assert name(wanted) in by_name and name(other) not in by_name
    assert "Patients matching your search" in by_name
    # A search term in the URL is ignored: the form never puts one there.
    assert name(other) in client.get("/", {"q": wanted.mrn}).content.decode()
    assert 'method="post"' in by_mrn and 'role="search"' in by_mrn


def test_an_htmx_filter_returns_only_the_list(client_for, alice):
    html = client_for(alice).post("/", {"kind": ""}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="worklist-body"')
    assert "<html" not in html


def test_a_snoozed_item_waits_with_its_date_until_it_comes(client_for, alice, ward_patient, now):
    from bmtrack.core.clock import today
    from bmtrack.surveillance import actions

    patient = ward_patient("followup")
    item = patient.due_items.get(state="overdue")
    actions.record_contact(item, outcome="remind", remind_on=today(now) + dt.timedelta(days=3), user=alice)
    html = client_for(alice).get("/").content.decode()
    assert name(patient) not in section(html, "today")
    row = row_of(section(html, "waiting"), patient)
    assert "Call back" in row and "state-overdue" not in row and "Call back later" in row  # the date, the outcome
    assert "<strong>1</strong> waiting" in html
    item.refresh_from_db()
    item.snoozed_until = today(now)  # the date has come
    item.save()
    assert name(patient) in section(client_for(alice).get("/").content.decode(), "today")


def test_urls_carry_only_opaque_ids(client_for, alice, ward_patient):
    patients = [ward_patient(key) for key in ("postop", "tt", "gynae", "measuring", "followup")]
    html = client_for(alice).get("/").content.decode()
    for href in re.findall(r'(?:href|action|hx-post)="([^"]+)"', html):
        for patient in patients:
            assert patient.mrn not in href and patient.family_name not in href
            assert str(patient.birth_date) not in href


def test_long_sections_show_their_first_rows_and_load_the_rest_on_request(client_for, alice, ward_patient,
                                                                          monkeypatch):
    from bmtrack.web.views import worklist

    monkeypatch.setattr(worklist, "PREVIEW_ROWS", 0)
    client = client_for(alice)
    html = client.get("/").content.decode()
    upcoming, watching = section(html, "upcoming"), section(html, "watching")
    assert name(ward_patient("gynae")) not in upcoming and name(ward_patient("gynae")) not in watching
    assert 'hx-get="/worklist/upcoming/"' in upcoming and 'href="/?show=upcoming#upcoming"' in upcoming
    assert 'hx-get="/worklist/watching/"' in watching and re.search(r"Show all \d+ patients", watching)
    # htmx: the whole section, to replace the short one.
    part = client.get("/worklist/upcoming/", **HTMX).content.decode()
    assert 'id="upcoming"' in part and "<html" not in part
    assert name(ward_patient("gynae")) in part and "Show all" not in part
    part = client.get("/worklist/watching/", **HTMX).content.decode()
    assert name(ward_patient("gynae")) in part and "Radiation-necrosis watch" in part
    # Without JavaScript: the page with that section in full.
    response = client.get("/worklist/upcoming/")
    assert response.status_code == 302 and response["Location"] == "/?show=upcoming#upcoming"
    assert name(ward_patient("gynae")) in section(client.get("/?show=upcoming").content.decode(), "upcoming")
    assert client.get("/worklist/overdue/", **HTMX).status_code == 404
    # A search shows everything it found.
    found = client.post("/", {"q": ward_patient("gynae").family_name}).content.decode()
    assert name(ward_patient("gynae")) in section(found, "upcoming")


def test_due_this_week_shows_the_soonest_deadlines_and_loads_the_rest_on_request(client_for, alice, ward_patient,
                                                                               monkeypatch, now):
    from bmtrack.web.queries.scope import Filters
    from bmtrack.web.queries.worklist import build_worklist
    from bmtrack.web.views import worklist

    client = client_for(alice)
    full = build_worklist(alice, Filters(), now)
    assert len(full.this_week) >= 2
    monkeypatch.setattr(worklist, "DUE_PREVIEW_ROWS", 1)
    html = client.get("/").content.decode()
    due = section(html, "today")
    shown = [row.item.pk for row in full.this_week if f'id="item-{row.item.pk}"' in due]
    assert shown == [full.this_week[0].item.pk]  # the soonest deadline
    assert all(f'id="item-{row.item.pk}"' in due for row in full.overdue)  # overdue rows are never cut
    total = len(full.this_week)
    assert f"<strong>{total}</strong> due this week" in html and f"Show all {total} items due this week" in due
    assert 'hx-get="/worklist/today/"' in due and 'href="/?show=today#today"' in due
    part = client.get("/worklist/today/", **HTMX).content.decode()
    assert 'id="today"' in part and "<html" not in part and "Show all" not in part
    assert all(f'id="item-{row.item.pk}"' in part for row in full.this_week + full.overdue)
    every = section(client.get("/?show=today").content.decode(), "today")
    assert all(f'id="item-{row.item.pk}"' in every for row in full.this_week)
    response = client.get("/worklist/today/")
    assert response.status_code == 302 and response["Location"] == "/?show=today#today"
    # Rows past the preview are counted, not built; overdue rows are never cut.
    short = build_worklist(alice, Filters(), now, due_limit=0)
    assert short.this_week == [] and short.this_week_count == total and not short.empty
    assert [r.item.pk for r in short.overdue] == [r.item.pk for r in full.overdue]


def test_other_teams_rows_never_show_in_a_loaded_section(client_for, charlie, ward_patient):
    part = client_for(charlie).get("/worklist/watching/", **HTMX).content.decode()
    assert name(ward_patient("gynae")) not in part and name(ward_patient("ici")) in part


def test_upcoming_rows_past_the_preview_are_counted_but_not_built(alice, ward_patient, now):
    from bmtrack.web.queries.scope import Filters
    from bmtrack.web.queries.worklist import build_worklist

    full = build_worklist(alice, Filters(), now)
    short = build_worklist(alice, Filters(), now, upcoming_limit=0)
    assert full.upcoming and short.upcoming == []
    assert short.upcoming_count == full.upcoming_count == len(full.upcoming)
    assert [r.item.pk for r in short.overdue + short.this_week] == [r.item.pk for r in full.overdue + full.this_week]
    assert not short.empty


def test_the_counts_and_show_all_link_count_the_upcoming_rows_not_shown(client_for, alice, monkeypatch):
    from bmtrack.web.views import worklist

    client = client_for(alice)
    total = int(re.search(r"<strong>(\d+)</strong> upcoming", client.get("/").content.decode())[1])
    monkeypatch.setattr(worklist, "PREVIEW_ROWS", 0)
    html = client.get("/").content.decode()
    assert f"<strong>{total}</strong> upcoming" in html and f"Show all {total} upcoming items" in html


@pytest.mark.parametrize("many", [False, True], ids=["ids listed", "too many to list"])
def test_the_watch_preview_is_the_first_patients_of_the_full_list_with_their_count(alice, teams, ward_patient, now,
                                                                                   many, monkeypatch):
    """The preview reads the windows of the patients it shows only (the others are counted): the same
    patients, windows and order as the head of the full list, whether the lists filter by the user's
    patients' ids or (very many patients) by the scoping query itself."""
    from bmtrack.core.lookups import Ids
    from bmtrack.patients import scoping
    from bmtrack.web.queries.scope import Filters
    from bmtrack.web.queries.worklist import build_worklist

    if many:
        monkeypatch.setattr(scoping, "MAX_LISTED_PATIENTS", 1)
    for _ in range(3):
        h.gynae_srs_recent(teams[0], alice)
    full = build_worklist(alice, Filters(), now)
    assert isinstance(full.patients, Ids) is not many
    assert len(full.watching) >= 4 and full.watching_total is None
    names = [(r.patient.family_name, r.patient.given_name, r.patient.pk) for r in full.watching]
    assert names == sorted(names)
    for limit in (0, 1, 3):
        short = build_worklist(alice, Filters(), now, watch_limit=limit)
        assert short.watching_count == len(full.watching)
        assert ([(r.patient.pk, [w.pk for w in r.windows]) for r in short.watching]
                == [(r.patient.pk, [w.pk for w in r.windows]) for r in full.watching][:limit])
    assert ward_patient("ici").pk not in {r.patient.pk for r in full.watching}  # another team's
