"""Web fixtures: the personas and a "ward" of clinical histories, built once per test module.

Histories are built through the real services (the demo scenarios, relative to the real clock so
views and records agree). Building them costs hundreds of queries each, so a module declares the
ones it needs in ``WARD`` (key -> (scenario name, kwargs)); they are built once inside a transaction
that is rolled back when the module ends, and every test runs in a savepoint within it. Tests get
fresh instances (``ward_patient("postop")``), never objects another test may have changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction

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
    now: object = None


def _build(scenarios: dict) -> Ward:
    from django.utils import timezone

    from bmtrack.accounts.models import CareTeam
    from bmtrack.patients import demo
    from bmtrack.patients.models import Patient
    from tests.conftest import _member

    team_a, team_b = CareTeam.objects.create(name="Neuro-oncology A"), CareTeam.objects.create(name="Neuro-oncology B")
    alice, bob = _member("alice", team_a, "nurse"), _member("bob", team_a, "physician")
    charlie, dora = _member("charlie", team_b, "nurse"), _member("dora", team_a, "board_coordinator")
    team_a.responsible_physician = bob
    team_a.save()
    ward = Ward((team_a.pk, team_b.pk), {"alice": alice.pk, "bob": bob.pk, "charlie": charlie.pk, "dora": dora.pk},
                now=timezone.now())
    builder = demo.DemoBuilder(ward.now)
    ctx = {"a": team_a, "b": team_b, "nina": alice, "noor": charlie}
    for key, (name, kwargs) in scenarios.items():
        before = set(Patient.objects.values_list("pk", flat=True))
        getattr(demo, name)(builder, ctx, **kwargs)
        ward.patients[key] = Patient.objects.exclude(pk__in=before).get().pk
    return ward


@pytest.fixture(scope="module")
def ward(request, fast_password_hashing, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
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
def ward_patient(ward, db):
    from bmtrack.patients.models import Patient

    def get(key):
        return Patient.objects.get(pk=ward.patients[key])

    return get


@pytest.fixture
def now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def builder(now, teams, alice, charlie):
    """A demo builder for patients of one test (MRNs numbered clear of the ward's)."""
    from bmtrack.patients.demo import DemoBuilder

    b = DemoBuilder(now)
    b.count = 500
    b.ctx = {"a": teams[0], "b": teams[1], "nina": alice, "noor": charlie}
    return b


@pytest.fixture
def scenario(builder):
    """Run a demo scenario by name for this test only; returns the patient it created."""
    from bmtrack.patients import demo
    from bmtrack.patients.models import Patient

    def run(name, **kwargs):
        before = set(Patient.objects.values_list("pk", flat=True))
        getattr(demo, name)(builder, builder.ctx, **kwargs)
        return Patient.objects.exclude(pk__in=before).get()

    return run


@pytest.fixture
def client_for(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
