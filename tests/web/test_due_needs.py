"""Due items as record.md says they are shown (issue 14): a post-operative MRI after its limit is
"done late" with the delay in hours on the page, in the API and on the dashboard; a follow-up and a
response MRI one scan answers are one need on the worklist, the dashboard and in the API."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_postop(make_patient, now):
    """Surgery ended 20 days ago; the post-operative MRI came 92 h later (20 h past the 72 h limit)."""
    from bmtrack.patients import services

    patient = make_patient()
    end = now - dt.timedelta(days=20)
    services.record_treatment(patient, kind="surgery", start=end - dt.timedelta(hours=3), end=end, now=now)
    services.record_scan(patient, at=end + dt.timedelta(hours=92), modality="mri", purpose="post_operative", now=now)
    return patient


@pytest.fixture
def missed_need(make_patient, now):
    """Targeted therapy started 100 days ago, no MRI since: follow-up and response MRI both missed."""
    from bmtrack.patients import services

    patient = make_patient()
    services.record_treatment(patient, kind="tt", start=now - dt.timedelta(days=100), agent="osimertinib", now=now)
    return patient


def api_items(user, patient):
    from tests.api.conftest import client_for

    response = client_for(user).get(f"/api/v1/due-items?patient={patient.public_id}")
    assert response.status_code == 200
    return {row["kind"]: row for row in response.json()["results"]}


def test_a_post_operative_mri_92_hours_after_surgery_is_done_late_on_the_page(client_for, alice, late_postop):
    html = client_for(alice).get(f"/patients/{late_postop.public_id}/").content.decode()
    assert "Done late (20 h after the limit)" in html
    assert "post-operative MRI done late (20 h after the limit)".lower() in html.lower()  # the timeline's scan


def test_the_api_gives_the_delay_of_a_late_item(alice, late_postop):
    postop = api_items(alice, late_postop)["postop_mri"]
    assert postop["state"] == postop["phase"] == "done"
    assert postop["late"] is True and postop["late_by_hours"] == 20
    assert postop["late_text"] == "done late (20 h after the limit)"
    assert postop["need"] is None  # a closed item has no open need


def test_the_dashboard_counts_a_late_post_operative_mri_as_late_never_on_time(alice, late_postop, now):
    from bmtrack.web.queries.dashboard import build_dashboard

    board = build_dashboard(alice, now)
    assert (board.fulfilment.on_time, board.fulfilment.late, board.fulfilment.missed) == (0, 1, 0)


def test_a_missed_follow_up_and_response_mri_count_as_one_need_on_the_dashboard(client_for, alice, missed_need, now):
    from bmtrack.web.queries.dashboard import build_dashboard

    assert missed_need.due_items.filter(kind__in=["followup_mri", "response_mri"]).count() == 2
    board = build_dashboard(alice, now)
    assert board.overdue_total == 1
    assert [(c.label, c.count) for c in board.overdue_by_kind] == [("MRI: follow-up and response evaluation", 1)]
    assert (board.fulfilment.total, board.fulfilment.missed) == (1, 1)
    html = client_for(alice).get("/").content.decode()
    overdue = html[html.index('id="today"'):html.index('id="waiting"')]
    assert overdue.count(f'class="patient-link" href="/patients/{missed_need.public_id}/"') == 1
    assert "MRI: follow-up and response evaluation" in overdue


def test_the_api_gives_each_item_its_need(alice, missed_need):
    items = api_items(alice, missed_need)
    followup, response = items["followup_mri"], items["response_mri"]
    assert followup["need"] == response["need"]
    need = followup["need"]
    assert need["label"] == "MRI: follow-up and response evaluation" and need["merged"] is True
    assert sorted(need["items"]) == sorted([followup["id"], response["id"]])
    assert need["phase"] == "overdue" and need["due_this_week"] is False
