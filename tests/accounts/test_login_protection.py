"""Lockout, two-step sign-in for administrators, idle timeout and deploy settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bmtrack.accounts.models import User
from tests.support.processes import ROOT

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_a_user_is_locked_out_after_repeated_failures(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong password")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_in_before_the_limit(client, alice):
    _login(client, "alice", "wrong password")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)


def _admin():
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def test_a_superuser_without_a_confirmed_totp_device_cannot_reach_the_admin(client):
    _admin()
    _login(client, "root", PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    response = client.get("/admin/patients/patient/")
    assert response.status_code == 302


def test_a_superuser_with_a_totp_code_reaches_the_admin(client):
    admin = _admin()
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = _login(client, "root", PASSWORD, otp_token=token)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_user_with_a_device_must_give_the_code(client, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session


def test_an_idle_session_is_signed_out(client, alice, settings):
    client.force_login(alice)
    session = client.session
    from bmtrack.core.middleware import refresh_seconds

    timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
    session["bmtrack_last_seen"] = int(time.time()) - timeout - refresh_seconds(timeout) - 1
    session.save()
    response = client.get("/accounts/two-factor/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_production_settings_pass_check_deploy_without_warnings():
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "SECRET_KEY": "p" * 20 + "-production-secret-key-for-the-deploy-check-only-0123456789",
        "BMTRACK_HTTPS": "true", "DEBUG": "false", "ALLOWED_HOSTS": "bmtrack.hospital.example",
        "SITE_URL": "https://bmtrack.hospital.example",
    })
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"BMTRACK_HTTPS": "true"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
