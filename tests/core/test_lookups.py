"""bmtrack.core.lookups: ``__any_of`` finds what ``__in`` finds, as one array parameter on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bmtrack.patients.models import Patient


@pytest.fixture
def three(make_patient):
    return [make_patient(birth_date=dt.date(1950 + i, 1, 1)) for i in range(3)]


@pytest.mark.parametrize("path", ["pk", "care_team", "care_team_id"])
def test_any_of_finds_what_in_finds(three, path):
    values = [getattr(three[0], "pk" if path == "pk" else "care_team_id"), 987654321]
    expected = set(Patient.objects.filter(**{f"{path}__in": values}).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = set(Patient.objects.filter(**{f"{path}__any_of": values}).values_list("pk", flat=True))
    assert found == expected and found
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]


def test_an_empty_list_finds_nothing_without_asking(three):
    with CaptureQueriesContext(connection) as queries:
        assert list(Patient.objects.filter(pk__any_of=[])) == []
    assert len(queries) == 0


def test_a_subquery_stays_a_subquery(three):
    inner = Patient.objects.filter(pk=three[1].pk).values("pk")
    assert list(Patient.objects.filter(pk__any_of=inner).values_list("pk", flat=True)) == [three[1].pk]
