"""The number of SQL queries per page does not grow with the data (select_related / prefetch)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

MIXED = ("postop_mri_overdue_nsclc_egfr", "tt_response_due", "scan_awaiting_measurements", "srs_followup_overdue",
         "ici_unconfirmed_progression")


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def physician(bob, teams):
    teams[1].members.add(bob)  # sees both teams: every scenario lands on his lists
    return bob


def add_patients(scenario, sets: int) -> None:
    for _ in range(sets):
        for name in MIXED:
            scenario(name)


def test_the_worklist_and_dashboard_cost_the_same_queries_for_3n_patients(client_for, physician, scenario):
    from bmtrack.surveillance import actions
    from bmtrack.surveillance.models import DueItem

    client = client_for(physician)
    add_patients(scenario, 1)
    for url in ("/", "/dashboard/"):
        queries(client, url)  # warm the caches (content types, permissions)
    few = {url: queries(client, url) for url in ("/", "/dashboard/")}
    add_patients(scenario, 2)
    for item in DueItem.objects.filter(state="overdue")[:3]:
        actions.record_contact(item, outcome="no_answer", user=physician)
    many = {url: queries(client, url) for url in ("/", "/dashboard/")}
    assert few == many, f"queries for 5 patients {few}, for 15 {many}"
    assert client.get("/").content.decode().count('class="wl-row wl-') >= 3 * 4


def test_the_patient_page_costs_the_same_queries_as_the_record_grows(client_for, alice, scenario, builder, now):
    from bmtrack.patients import services

    patient = scenario("srs_serial_response", team="a", nurse="nina")
    client = client_for(alice)
    url = f"/patients/{patient.public_id}/"
    queries(client, url)
    few = queries(client, url)
    # More of everything, between the existing scans (the open follow-up item stays as it was).
    for days, sizes in ((300, (19, 14, 10)), (200, (15, 10, 7)), (120, (12, 8, 0))):
        builder.mri(patient, days, {"L1": (sizes[0], ""), "L2": (sizes[1], ""), "L3": (sizes[2], ""),
                                    "L4": (8, "pons")})
        builder.status(patient, days, kps=80, dexamethasone_mg=Decimal("1"))
    builder.treat(patient, "srs", builder.ago(190, 9), builder.ago(190, 10), lesions=["L4"], dose_gy=Decimal("20"),
                  fractions=1)
    services.record_marker(patient.primaries.get(), marker="pd_l1", result="positive", value_pct=Decimal("5"),
                           tested_on=now.date() - dt.timedelta(days=30))
    assert patient.scans.count() == 9 and patient.treatments.count() == 2
    assert queries(client, url) == few
