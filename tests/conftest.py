"""Shared fixtures: thin wrappers around the personas of tests/support/personas.py (two care teams;
Alice, her teammate Bob, the outsider Charlie...), a patient factory, and the browser settings.
Clinical histories are written with tests/support/history.py (docs/testing.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support import personas

AMS = ZoneInfo("Europe/Amsterdam")
CHROMIUM = Path("/usr/bin/chromium")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    """An aware site-local datetime (tests read like the ward clock)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def teams(db):
    """Team A and team B (tests/support/personas.py)."""
    return personas.create_teams()


@pytest.fixture
def alice(teams):
    """A nurse on team A."""
    return personas.create("alice", teams)


@pytest.fixture
def bob(teams):
    """A physician on team A (Alice's teammate), its responsible physician."""
    return personas.create("bob", teams)


@pytest.fixture
def charlie(teams):
    """A nurse on team B: must see nothing of team A's."""
    return personas.create("charlie", teams)


@pytest.fixture
def dora(teams):
    """The board coordinator of team A: reads the record, writes none of it."""
    return personas.create("dora", teams)


@pytest.fixture
def erik(teams):
    """The board coordinator of team B: must see nothing of team A's patients."""
    return personas.create("erik", teams)


@pytest.fixture
def dana(teams):
    """The data manager of team A: works in the admin."""
    return personas.create("dana", teams)


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
