"""The number of SQL queries of the worklist, the patient page and the main API endpoints does not
grow with the data: the same count for a nurse with N patients and with 3N, and for a patient
with a short and a long history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.scale.conftest import make_cohort

pytestmark = pytest.mark.django_db

N = 8


class CountQueries:
    """SQL statements run inside the block (Django clears ``queries_log`` at each request start)."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def queries_for(client, path: str) -> int:
    client.get(path)  # warm: sessions, caches and lazy imports are not what is counted
    with CountQueries() as counted:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(counted.statements)


def url_or_skip(name: str, *args) -> str:
    # Every page measured here exists now: a missing name is a failure, not a skip.
    return reverse(name, args=args)


@pytest.fixture
def growing_cohort(db, client):
    """A nurse with N patients; ``grow()`` gives her 2N more (3N in all)."""
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with COPY: run tests/scale on PostgreSQL")
    from bmtrack.accounts.models import User
    from bmtrack.patients.models import Patient

    spec, _ = make_cohort(N, seed=21, nurses=1, teams=1)
    nurse = User.objects.get(username="syn21-nurse-0001")
    client.force_login(nurse)
    team = nurse.care_teams.get()

    def grow():
        make_cohort(2 * N, seed=22, nurses=1, teams=1)
        Patient.objects.filter(mrn__startswith="SYN22-").update(care_team=team, responsible_nurse=nurse)
        assert Patient.objects.filter(care_team=team).count() == 3 * N

    return client, nurse, grow


ENDPOINTS = (
    "/api/v1/patients",
    "/api/v1/due-items?open=true",
    "/api/v1/due-items",
    "/api/v1/scans",
    "/api/v1/watch-windows",
    "/api/v1/response-assessments",
    "/api/v1/gpa-assessments",
)


def test_the_worklist_page_costs_the_same_queries_for_n_and_3n_patients(growing_cohort):
    client, _, grow = growing_cohort
    path = url_or_skip("web:worklist")
    before = queries_for(client, path)
    grow()
    assert queries_for(client, path) == before


@pytest.mark.parametrize("path", ENDPOINTS)
def test_the_main_api_lists_cost_the_same_queries_for_n_and_3n_patients(growing_cohort, path):
    client, _, grow = growing_cohort
    before = queries_for(client, path)
    grow()
    assert queries_for(client, path) == before


def short_and_long_history(nurse):
    """The nurse's patients with the fewest and the most scans, both treated (so no prefetch is skipped)."""
    from django.db.models import Count

    from bmtrack.patients.models import Patient

    patients = list(Patient.objects.filter(responsible_nurse=nurse).annotate(
        scan_count=Count("scans", distinct=True), treatment_count=Count("treatments", distinct=True))
        .filter(treatment_count__gt=0).order_by("scan_count", "pk"))
    short, long = patients[0], patients[-1]
    assert long.scan_count >= short.scan_count + 5, "the cohort should hold short and long histories"
    return short, long


def test_the_patient_api_costs_the_same_queries_for_a_short_and_a_long_history(growing_cohort):
    client, nurse, grow = growing_cohort
    grow()
    counts = {}
    for patient in short_and_long_history(nurse):
        counts[patient.pk] = (
            queries_for(client, f"/api/v1/patients/{patient.public_id}"),
            queries_for(client, f"/api/v1/due-items?patient={patient.public_id}"),
            queries_for(client, f"/api/v1/scans?patient={patient.public_id}"),
            queries_for(client, f"/api/v1/response-assessments?patient={patient.public_id}"),
        )
    short, long = counts.values()
    assert short == long, counts


def test_the_patient_page_costs_the_same_queries_for_a_short_and_a_long_history(growing_cohort):
    client, nurse, grow = growing_cohort
    grow()
    counts = [queries_for(client, url_or_skip("web:patient", patient.public_id))
              for patient in short_and_long_history(nurse)]
    # More history of the same patient: three new systemic lines, each opening a response MRI item.
    _, patient = short_and_long_history(nurse)
    open_before = patient.due_items.filter(state__in=("upcoming", "due", "overdue")).count()
    add_systemic_lines(patient, 3)
    assert patient.due_items.filter(state__in=("upcoming", "due", "overdue")).count() >= open_before + 3
    counts.append(queries_for(client, url_or_skip("web:patient", patient.public_id)))
    assert len(set(counts)) == 1, counts


def add_systemic_lines(patient, lines: int) -> None:
    import datetime as dt

    from bmtrack.patients import services
    from tests.scale.conftest import NOW

    for k in range(lines):
        services.record_treatment(patient, kind="tt", status="given", start=NOW - dt.timedelta(days=50 + k),
                                  agent="osimertinib", line=10 + k, now=NOW)
