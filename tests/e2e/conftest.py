"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium) against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, which makes Django's async-safety
check refuse ORM calls made by the test itself; the live server runs in its own thread.

The clock: these tests build their histories with the one history builder (tests/support/history.py)
at the real now (the ``now`` fixture), not on the fixed clock the request-level tests travel to. The
browser is another process whose clock time-machine cannot move: its date pickers, "today" and
relative times would disagree with a server sent to FIXED_NOW; and a frozen clock in this process
stalls the waits of Playwright's event loop and of the live server. Building at the real now keeps
the server, the browser and the histories on one clock; what the tests assert is relative to it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath) and not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed (/usr/bin/chromium)"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now():
    """The real now, at the start of the test: the histories are written back from it."""
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
