"""The adherence grid: patients by expected scans, each cell what became of the scan; its CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_patient, teams, alice, charlie, now):
    """Team A: post-op MRI on time, late, missed, booked; a waived one; team B: one missed."""
    from bmtrack.patients import services
    from bmtrack.surveillance import actions

    def operated(days_ago, mri_after_hours=None, **fields):
        patient = make_patient(**fields)
        end = now - dt.timedelta(days=days_ago)
        services.record_treatment(patient, kind="surgery", start=end - dt.timedelta(hours=3), end=end, now=now)
        if mri_after_hours is not None:
            services.record_scan(patient, at=end + dt.timedelta(hours=mri_after_hours), modality="mri",
                                 purpose="post_operative", now=now)
        return patient

    patients = {
        "on_time": operated(20, 24, family_name="Aalbers"),
        "late": operated(20, 24 * 5, family_name="Bakker"),
        "missed": operated(10, family_name="Claes"),
        "booked": operated(0, family_name="Dekker"),
        "waived": operated(0, family_name="Evers"),
        "other_team": operated(10, family_name="Zwart", care_team=teams[1], responsible_nurse=charlie),
    }
    booked = patients["booked"].due_items.get(kind="postop_mri")
    # A post-operative MRI is booked by the hour, within its 72 h.
    actions.book_item(booked, booked_at=booked.due_by_at - dt.timedelta(hours=2), user=alice, now=now)
    waived = patients["waived"].due_items.get(kind="postop_mri")
    actions.waive_item(waived, reason="Patient transferred to another hospital", user=alice, now=now)
    return patients


def _postop_cells(grid):
    column = next(c for c in grid.columns if c.kind == "postop_mri" and c.number == 1)
    return {row.patient.family_name: row.cells[column] for row in grid.rows}


def test_each_cell_is_the_items_adherence_with_its_dates_in_words(alice, history, now):
    from bmtrack.web.queries.adherence import build_grid, grid_patients

    grid = build_grid(grid_patients(alice), now)
    cells = _postop_cells(grid)
    assert {name: cell.state for name, cell in cells.items()} == {
        "Aalbers": "on_time", "Bakker": "late", "Claes": "missed", "Dekker": "booked", "Evers": "waived",
    }
    assert "Zwart" not in cells  # another team's patient
    assert cells["Aalbers"].words == "done on time" and cells["Bakker"].words == "done late"
    assert "scan " in cells["Bakker"].title and "window " in cells["Bakker"].title
    assert "booked for" in cells["Dekker"].title
    assert [c.label for c in grid.columns][0] == "Post-op MRI"


def test_columns_follow_the_kind_order_and_number_the_follow_ups(alice, history, now):
    from bmtrack.web.queries.adherence import Column

    columns = sorted([Column("followup_mri", 2), Column("response_mri", 1), Column("postop_mri", 1),
                      Column("followup_mri", 1), Column("srs_planning_mri", 1), Column("postop_mri", 2)],
                     key=lambda c: c.key)
    assert [c.label for c in columns] == ["Post-op MRI", "Post-op MRI 2", "SRS planning MRI", "Follow-up 1",
                                          "Follow-up 2", "Response MRI"]


def test_the_page_lists_the_team_links_each_cell_and_filters(client_for, alice, bob, teams, history):
    client = client_for(alice)
    html = client.get("/adherence/").content.decode()
    assert "Aalbers" in html and "Zwart" not in html
    assert f'href="/patients/{history["on_time"].public_id}/"' in html
    assert 'class="ad-cell ad-missed"' in html and 'class="ad-cell ad-late"' in html
    assert ">Adherence</a>" in html  # in the navigation
    teams[1].members.add(bob)
    team_b = client_for(bob).get("/adherence/", {"team": teams[1].pk}).content.decode()
    assert "Zwart" in team_b and "Aalbers" not in team_b


def test_the_grid_is_paged_and_costs_the_same_queries_however_many_patients(client_for, alice, make_patient,
                                                                              history, now, monkeypatch):
    from bmtrack.patients import services
    from bmtrack.web.views import adherence as view

    client = client_for(alice)
    client.get("/adherence/")  # the first request of a session writes it

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/adherence/").status_code == 200
        return len(captured)

    before = count()
    for n in range(4):
        patient = make_patient(family_name=f"Extra{n}")
        services.record_treatment(patient, kind="surgery", start=now - dt.timedelta(days=3, hours=3),
                                  end=now - dt.timedelta(days=3), now=now)
    assert count() == before
    monkeypatch.setattr(view, "PAGE_SIZE", 3)
    html = client.get("/adherence/", {"page": 2}).content.decode()
    assert "page 2 of 3" in html and "Dekker" in html and "Aalbers" not in html


def test_the_csv_has_the_same_grid_by_public_id_and_mrn_without_names(client_for, alice, history):
    from bmtrack.core.models import AccessLog

    response = client_for(alice).get("/adherence/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:6] == ["patient_public_id", "mrn", "care_team", "status", "Post-op MRI", "Post-op MRI date"]
    by_id = {row[0]: row for row in rows[1:]}
    missed = by_id[str(history["missed"].public_id)]
    assert missed[1] == history["missed"].mrn and missed[4] == "missed"
    assert dt.date.fromisoformat(missed[5])
    assert by_id[str(history["late"].public_id)][4] == "done late"
    assert str(history["other_team"].public_id) not in by_id
    assert "Aalbers" not in body and "Anna" not in body  # no names in a file that leaves the app
    logged = set(AccessLog.objects.filter(action="export").values_list("patient_public_id", flat=True))
    assert str(history["missed"].public_id) in {str(v) for v in logged}


def test_the_csv_cannot_carry_a_formula(client_for, alice, make_patient, now):
    from bmtrack.patients import services

    patient = make_patient(mrn="=HYPERLINK(1)")
    services.record_treatment(patient, kind="surgery", start=now - dt.timedelta(days=3, hours=3),
                              end=now - dt.timedelta(days=3), now=now)
    body = b"".join(client_for(alice).get("/adherence/export/").streaming_content).decode()
    assert "'=HYPERLINK(1)" in body and ",=HYPERLINK" not in body


def test_the_export_streams_in_chunks_with_every_column(client_for, alice, history, monkeypatch):
    from bmtrack.web.queries import adherence

    monkeypatch.setattr(adherence, "EXPORT_CHUNK", 2)
    body = b"".join(client_for(alice).get("/adherence/export/").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 5 and all(len(row) == len(rows[0]) for row in rows)
    assert [row[0] for row in rows[1:]] == [str(history[k].public_id)
                                            for k in ("on_time", "late", "missed", "booked", "waived")]
