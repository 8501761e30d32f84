"""core.rows.loaded: an instance from plain values, as ``only()`` would load it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bmtrack.core.rows import loaded
from bmtrack.patients.models import Patient


def test_columns_in_any_order_make_the_instance_only_would(patient):
    columns = ("mrn", "id", "family_name")  # not the model's field order
    values = Patient.objects.filter(pk=patient.pk).values_list(*columns).get()
    made = loaded(Patient, "default", columns, values)
    assert (made.pk, made.mrn, made.family_name) == (patient.pk, patient.mrn, patient.family_name)
    assert made.get_deferred_fields() == Patient.objects.only(*columns).get(pk=patient.pk).get_deferred_fields()
    assert not made._state.adding and made._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        assert made.given_name == patient.given_name  # a deferred field loads as only()'s would
    assert len(queries) == 1
