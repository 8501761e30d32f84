"""Web fixtures: the personas and a "ward" of clinical histories, built once per test module, on a
fixed clock.

Every test here runs at ``FIXED_NOW`` (tests/support/history.py) through time-machine, so the views
(which read the real clock), the services and the histories agree on what "today" is. Histories are
the named ones of tests/support/histories.py, written through the real services; building them costs
hundreds of queries each, so a module declares the ones it needs in ``WARD`` (key -> history, or
(history, nurse) for a nurse other than Alice; ``functools.partial`` for its arguments). They are
built once inside a transaction rolled back when the module ends, and every test runs in a savepoint
within it. Tests get fresh instances (``ward_patient("postop")``), never objects another test may
have changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction

from tests.support import personas
from tests.support.history import FIXED_NOW, fixed_clock

HTMX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="module")
def fast_password_hashing():
    """Personas are created per module; the production hasher costs half a second per password."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@dataclass
class Ward:
    teams: tuple[int, int] = (0, 0)
    users: dict[str, int] = field(default_factory=dict)
    patients: dict[str, int] = field(default_factory=dict)


def _build(histories: dict) -> Ward:
    teams = personas.create_teams()
    users = personas.create_all(teams)
    ward = Ward(tuple(team.pk for team in teams), {name: user.pk for name, user in users.items()})
    for key, history in histories.items():
        make, nurse = history if isinstance(history, tuple) else (history, "alice")
        team = teams[personas.PERSONAS[nurse][0]]
        ward.patients[key] = make(team, users[nurse]).pk
    return ward


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test here at FIXED_NOW."""
    with fixed_clock():
        yield


@pytest.fixture(scope="module")
def ward(request, fast_password_hashing, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), fixed_clock():
        yield _build(getattr(request.module, "WARD", {}))
        transaction.set_rollback(True)


def _user(ward, name):
    from bmtrack.accounts.models import User

    return User.objects.get(pk=ward.users[name])


@pytest.fixture
def teams(ward, db):
    from bmtrack.accounts.models import CareTeam

    return tuple(CareTeam.objects.get(pk=pk) for pk in ward.teams)


@pytest.fixture
def alice(ward, db):
    """A nurse on team A."""
    return _user(ward, "alice")


@pytest.fixture
def bob(ward, db):
    """A physician on team A, its responsible physician."""
    return _user(ward, "bob")


@pytest.fixture
def charlie(ward, db):
    """A nurse on team B: must see nothing of team A's."""
    return _user(ward, "charlie")


@pytest.fixture
def coordinator(ward, db):
    """A tumour-board coordinator on team A: may look, may not change the record."""
    return _user(ward, "dora")


@pytest.fixture
def dora(coordinator):
    return coordinator


@pytest.fixture
def erik(ward, db):
    """A tumour-board coordinator on team B."""
    return _user(ward, "erik")


@pytest.fixture
def dana(ward, db):
    """A data manager on team A."""
    return _user(ward, "dana")


@pytest.fixture
def ward_patient(ward, db):
    from bmtrack.patients.models import Patient

    def get(key):
        return Patient.objects.get(pk=ward.patients[key])

    return get


@pytest.fixture
def now():
    """The fixed clock's instant: what the views read as now."""
    return FIXED_NOW


@pytest.fixture
def client_for(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
