"""Fixtures for the tests of the demo data itself."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once per module inside a transaction rolled back at its end: for tests OF
    the demo data only (other tests write their histories with tests/support/history.py)."""
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
