"""The number of SQL queries per page does not grow with the data (select_related / prefetch)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support import histories as h
from tests.support.history import History

pytestmark = pytest.mark.django_db

MIXED = (h.postop_mri_overdue, h.tt_response_due, h.scan_awaiting_measurements, h.srs_followup_overdue,
         h.ici_unconfirmed_progression)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def physician(bob, teams):
    teams[1].members.add(bob)  # sees both teams: every scenario lands on his lists
    return bob


def add_patients(teams, alice, sets: int) -> None:
    for _ in range(sets):
        for history in MIXED:
            history(teams[0], alice)


def test_the_worklist_and_dashboard_cost_the_same_queries_for_3n_patients(client_for, physician, teams, alice):
    from bmtrack.surveillance import actions
    from bmtrack.surveillance.models import DueItem

    client = client_for(physician)
    add_patients(teams, alice, 1)
    for url in ("/", "/dashboard/"):
        queries(client, url)  # warm the caches (content types, permissions)
    few = {url: queries(client, url) for url in ("/", "/dashboard/")}
    add_patients(teams, alice, 2)
    for item in DueItem.objects.filter(state="overdue")[:3]:
        actions.record_contact(item, outcome="no_answer", user=physician)
    many = {url: queries(client, url) for url in ("/", "/dashboard/")}
    assert few == many, f"queries for 5 patients {few}, for 15 {many}"
    assert client.get("/").content.decode().count('class="wl-row wl-') >= 3 * 4


def test_the_patient_page_costs_the_same_queries_as_the_record_grows(client_for, alice, teams, now):
    from bmtrack.patients import services

    patient = h.srs_serial_response(teams[0], alice)
    client = client_for(alice)
    url = f"/patients/{patient.public_id}/"
    queries(client, url)
    few = queries(client, url)
    # More of everything, between the existing scans (the open follow-up item stays as it was).
    more = History(patient, now=now)
    for days, (l1, l2, l3) in ((300, (19, 14, 10)), (200, (15, 10, 7)), (120, (12, 8, 0))):
        more.mri(days_ago=days, lesions={"L1": l1, "L2": l2, "L3": l3, "L4": (8, {"location": "pons"})})
        more.status(days_ago=days, kps=80, dexamethasone_mg=Decimal("1"))
    more.srs(days_ago=190, lesions=["L4"], dose_gy=20)
    services.record_marker(patient.primaries.get(), marker="pd_l1", result="positive", value_pct=Decimal("5"),
                           tested_on=now.date() - dt.timedelta(days=30))
    assert patient.scans.count() == 9 and patient.treatments.count() == 2
    assert queries(client, url) == few
