"""Shared fixtures: personas from two care teams (healthchecks' Alice/Bob/Charlie), and
builders that create clinical history through the real services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

AMS = ZoneInfo("Europe/Amsterdam")
CHROMIUM = Path("/usr/bin/chromium")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    """An aware site-local datetime (tests read like the ward clock)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def teams(db):
    from bmtrack.accounts.models import CareTeam

    return CareTeam.objects.create(name="Neuro-oncology A"), CareTeam.objects.create(name="Neuro-oncology B")


@pytest.fixture
def alice(teams):
    """A nurse on team A."""
    return _member("alice", teams[0], "nurse")


@pytest.fixture
def bob(teams):
    """A physician on team A (Alice's colleague)."""
    user = _member("bob", teams[0], "physician")
    teams[0].responsible_physician = user
    teams[0].save()
    return user


@pytest.fixture
def charlie(teams):
    """A nurse on team B: must see nothing of team A's."""
    return _member("charlie", teams[1], "nurse")


def _member(username, team, role):
    from django.contrib.auth.models import Group

    from bmtrack.accounts.models import User
    from bmtrack.accounts.roles import sync_role_groups

    sync_role_groups()
    user = User.objects.create_user(username, f"{username}@example.org", "correct horse battery staple",
                                    first_name=username.title())
    team.members.add(user)
    user.groups.add(Group.objects.get(name=role))
    return user


def verified_client(client, user):
    """``client`` (a Django or DRF test client) signed in as ``user`` with a confirmed authenticator, as after
    the code step: what an administrator needs for the admin and the API."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def make_patient(teams, alice):
    from bmtrack.patients import services

    counter = iter(range(1, 10_000))

    def make(**fields):
        number = next(counter)
        defaults = {
            "mrn": f"MRN{number:06d}",
            "given_name": "Anna",
            "family_name": f"Jansen{number}",
            "birth_date": dt.date(1960, 5, 17),
            "sex": "female",
            "care_team": teams[0],
            "responsible_nurse": alice,
        }
        defaults.update(fields)
        return services.create_patient(**defaults)

    return make


@pytest.fixture
def patient(make_patient):
    return make_patient()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once per module inside a transaction rolled back at its end."""
    from django.db import transaction
    from django.test import override_settings
    from django.utils import timezone

    from bmtrack.patients.demo import load_demo_data

    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        load_demo_data(timezone.now())
        yield
        transaction.set_rollback(True)


# Every browser test (tests/e2e, the board pages) uses pytest-playwright's one browser: Debian's
# chromium, as a ward PC would show the pages. Starting a second Playwright next to it clashes.
@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "en-GB",
            "timezone_id": "Europe/Amsterdam"}
