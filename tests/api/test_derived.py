"""Derived state through the API: due items (and the nurse's book/waive), watch windows, GPA, RANO-BM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bmtrack.surveillance.models import DueItem

pytestmark = pytest.mark.django_db

DERIVED = ["due-items", "watch-windows", "gpa-assessments", "response-assessments"]


@pytest.mark.parametrize("resource", DERIVED)
def test_derived_lists_show_the_teams_rows_only(resource, alice_api, charlie_api, record):
    mine = alice_api.get(f"/api/v1/{resource}?patient={record['patient'].public_id}")
    assert mine.status_code == 200
    assert mine.json()["results"], f"the record should have {resource}"
    row = mine.json()["results"][0]
    assert row["patient"] == str(record["patient"].public_id)
    assert alice_api.get(f"/api/v1/{resource}/{row['id']}").status_code == 200
    assert charlie_api.get(f"/api/v1/{resource}").json()["results"] == []
    assert charlie_api.get(f"/api/v1/{resource}/{row['id']}").status_code == 404


@pytest.mark.parametrize("resource", DERIVED)
def test_derived_lists_refuse_anonymous_and_bad_filters(resource, anon, alice_api, record):
    assert anon.get(f"/api/v1/{resource}").status_code == 401
    assert alice_api.get(f"/api/v1/{resource}?patient=nope").status_code == 400
    assert alice_api.post(f"/api/v1/{resource}", {}, format="json").status_code == 405


def test_the_gpa_shows_its_inputs_and_the_response_its_numbers(alice_api, record):
    gpa = alice_api.get(f"/api/v1/gpa-assessments?patient={record['patient'].public_id}").json()["results"][0]
    assert gpa["variant"] == "nsclc-adeno-2022" and gpa["inputs"]["factors"]["kps"] == 80
    assert isinstance(gpa["score"], float | int)
    responses = alice_api.get(f"/api/v1/response-assessments?patient={record['patient'].public_id}").json()
    categories = {row["scan"]: row["category"] for row in responses["results"]}
    assert categories[record["baseline"].pk] == "baseline"
    assert categories[record["followup"].pk] == "PR"


def test_due_items_filter_by_state_and_openness(alice_api, record):
    items = alice_api.get("/api/v1/due-items?open=true").json()["results"]
    assert items and all(item["state"] in ("upcoming", "due", "overdue") for item in items)
    state = items[0]["state"]
    assert all(row["state"] == state for row in alice_api.get(f"/api/v1/due-items?state={state}").json()["results"])
    assert alice_api.get("/api/v1/due-items?state=sleeping").status_code == 400


def test_watch_windows_filter_by_day(alice_api, record):
    windows = alice_api.get("/api/v1/watch-windows").json()["results"]
    window = windows[0]
    inside = alice_api.get(f"/api/v1/watch-windows?active_on={window['starts_on']}").json()["results"]
    assert window["id"] in [row["id"] for row in inside]
    assert alice_api.get("/api/v1/watch-windows?active_on=1900-01-01").json()["results"] == []


def open_item(record) -> DueItem:
    return DueItem.objects.filter(patient=record["patient"], state__in=["upcoming", "due", "overdue"]).first()


def test_a_nurse_books_a_due_item(alice_api, charlie_api, record):
    item = open_item(record)
    day = max(item.due_from, timezone.localdate() + dt.timedelta(days=1)).isoformat()  # inside the window
    assert charlie_api.post(f"/api/v1/due-items/{item.pk}/book", {"booked_for": day}, format="json").status_code == 404
    response = alice_api.post(f"/api/v1/due-items/{item.pk}/book", {"booked_for": day}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["booked_for"] == day and response.json()["acted_by"] == "alice"
    past = (timezone.now() - dt.timedelta(days=7)).date().isoformat()
    response = alice_api.post(f"/api/v1/due-items/{item.pk}/book", {"booked_for": past}, format="json")
    assert response.status_code == 400 and "booked_for" in response.json()
    assert alice_api.post(f"/api/v1/due-items/{item.pk}/book", {}, format="json").status_code == 400


def test_a_nurse_waives_a_due_item_with_a_reason(alice_api, anon, record):
    item = open_item(record)
    url = f"/api/v1/due-items/{item.pk}/waive"
    assert anon.post(url, {"reason": "x"}, format="json").status_code == 401
    assert "reason" in alice_api.post(url, {"reason": "   "}, format="json").json()
    response = alice_api.post(url, {"reason": "Scan done at the referring hospital"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "waived"
    response = alice_api.post(url, {"reason": "again"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_booking_outside_the_window_needs_a_reason_and_shows_flagged(alice_api, record):
    item = open_item(record)
    url = f"/api/v1/due-items/{item.pk}/book"
    after = max(item.due_by, timezone.localdate()) + dt.timedelta(days=5)
    late = dt.datetime.combine(after, dt.time(10, 0), tzinfo=dt.UTC)
    response = alice_api.post(url, {"booked_at": late.isoformat()}, format="json")
    assert response.status_code == 400
    assert "after the window closes" in response.json()["booked_at"][0]
    assert "booking_reason" in response.json()
    response = alice_api.post(url, {"booked_at": late.isoformat(), "booking_reason": "Scanner closed"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["booking_flagged"] is True and body["booking_reason"] == "Scanner closed"
    assert body["booking_breach"].startswith("after the window closes")
    assert body["booked_at"] is not None


def test_a_waiver_is_undone_through_the_api(alice_api, record):
    item = open_item(record)
    alice_api.post(f"/api/v1/due-items/{item.pk}/waive", {"reason": "Done elsewhere"}, format="json")
    response = alice_api.post(f"/api/v1/due-items/{item.pk}/unwaive", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] in ("upcoming", "due", "overdue") and response.json()["waived_reason"] == ""
    assert alice_api.post(f"/api/v1/due-items/{item.pk}/unwaive", {}, format="json").status_code == 400
