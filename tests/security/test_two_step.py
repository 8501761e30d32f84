"""Findings 5 and 6 of issue 18: a user with an authenticator signs in on the web page through a code
step; API tokens live under the same two-step rule as sessions, expire, and can be revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tests.api.conftest import client_for
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_user_with_an_authenticator_signs_in_with_the_code_step(client, alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login_code")).content.decode()
    assert 'name="otp_token"' in page

    wrong = client.post(reverse("login_code"), {"otp_token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    right = client.post(reverse("login_code"), {"otp_token": _code(device)})
    assert right.status_code == 302 and right["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(alice.pk) and client.session["otp_device_id"]
    assert client.get("/dashboard/").status_code == 200


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client):
    response = client.post(reverse("login_code"), {"otp_token": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_an_administrators_token_is_refused_while_the_admin_requires_two_steps(db):
    from bmtrack.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "a long enough password")
    response = client_for(root).get("/api/v1/patients")
    assert response.status_code in (401, 403) and "two-step" in response.json()["detail"]


def test_a_token_expires(alice, settings):
    api = client_for(alice)
    assert api.get("/api/v1/patients").status_code == 200
    Token.objects.filter(user=alice).update(created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = api.get("/api/v1/patients")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_user_makes_and_revokes_a_token_and_needs_the_code_for_it(client, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.force_login(alice)  # a session that did not give the code
    assert client.post(reverse("web:account"), {"api_token": "new"}).status_code == 403
    assert not Token.objects.filter(user=alice).exists()

    client.logout()
    TOTPDevice.objects.filter(user=alice).delete()
    verified_client(client, alice)
    page = client.post(reverse("web:account"), {"api_token": "new"}).content.decode()
    key = Token.objects.get(user=alice).key
    assert key in page and key not in client.get(reverse("web:account")).content.decode()
    api = client_for()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/patients").status_code == 200

    client.post(reverse("web:account"), {"api_token": "off"})
    assert api.get("/api/v1/patients").status_code == 401


def test_old_password_guesses_on_the_password_page_are_throttled_like_sign_ins(client, alice, settings):
    """Finding 15: the password-change page checked the old password without counting failures."""
    client.force_login(alice)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("password_change"), {"old_password": "a wrong guess", "new_password1": "Another-long-pw-1",
                                                 "new_password2": "Another-long-pw-1"})
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Another-long-pw-1",
                                                        "new_password2": "Another-long-pw-1"})
    assert response.status_code in (403, 429) or "_auth_user_id" not in client.session
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
