"""A small generated cohort on PostgreSQL (the generator writes with COPY)."""

from __future__ import annotations

import datetime as dt

import pytest

# Fixed and in the past, so the histories (and the database's "no scan in the future" trigger) agree.
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def make_cohort(patients: int, seed: int, **options):
    from bmtrack.patients.synthetic.cohort import CohortSpec, generate

    spec = CohortSpec(patients=patients, seed=seed, now=NOW, workers=1, chunk_size=max(patients, 1), **options)
    return spec, generate(spec, log=lambda line: None)


@pytest.fixture
def cohort(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with COPY: run tests/scale on PostgreSQL")
    return make_cohort(30, seed=7)
