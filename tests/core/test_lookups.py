"""bmtrack.core.lookups: ``__any_of`` finds what ``__in`` finds, as one array parameter on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bmtrack.core.lookups import Ids
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


def test_instances_and_strings_are_prepared_as_before(three):
    """Plain int ids skip the per-value preparation; anything else still gets it."""
    team = three[0].care_team
    by_instance = set(Patient.objects.filter(care_team__any_of=[team]).values_list("pk", flat=True))
    by_text = set(Patient.objects.filter(pk__any_of=[str(three[0].pk), None]).values_list("pk", flat=True))
    by_id = set(Patient.objects.filter(care_team_id__any_of=(team.pk,)).values_list("pk", flat=True))
    assert by_instance == by_id and three[0].pk in by_id
    assert by_text == {three[0].pk}


def test_plain_ids_travel_as_one_array_literal(three):
    """Negative and large ids included: the literal needs no quoting, whatever the ints."""
    ids = [three[2].pk, -1, 2**62, three[0].pk]
    query = Patient.objects.filter(pk__any_of=ids).values_list("pk", flat=True).query
    if connection.vendor == "postgresql":
        _sql, params = query.sql_with_params()
        assert params[-1] == "{" + f"{three[2].pk},-1,{2**62},{three[0].pk}" + "}"
    assert set(Patient.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == {three[0].pk, three[2].pk}


def test_ids_are_one_value_to_filter_and_find_what_a_list_finds(three):
    ids = Ids(p.pk for p in three[:2])
    assert set(Patient.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == set(ids)
    assert set(Patient.objects.filter(care_team__any_of=Ids({three[0].care_team_id}))) >= {three[0]}
    assert not Patient.objects.filter(pk__any_of=Ids()).exists()


@pytest.mark.parametrize("bad", [["1"], [1.0], [None], [True, "x"]])
def test_ids_hold_integers_only(bad):
    with pytest.raises(TypeError):
        Ids(bad)
