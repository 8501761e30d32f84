"""Findings 7, 14 and 16 of issue 18 on the web pages: search terms are bounded and a NUL is refused
with a message; patient data is never stored by a browser or proxy cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_search_term_too_long_or_holding_a_nul_is_refused_with_a_message(client, alice, patient):
    client.force_login(alice)
    for term in ("x" * 60_000, "Jan\x00sen"):
        response = client.post(reverse("web:patients"), {"q": term})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="find-q-error"' in page and "result" not in page.split("</form>")[1]
    found = client.post(reverse("web:patients"), {"q": patient.family_name}).content.decode()
    assert "1 result" in found


def test_the_worklist_search_refuses_a_nul(client, alice, patient):
    client.force_login(alice)
    response = client.post(reverse("web:worklist"), {"q": "a\x00b"})
    assert response.status_code < 500


def test_patient_pages_and_patient_json_are_never_cached(client, alice, patient):
    from tests.api.conftest import client_for

    client.force_login(alice)
    for url in (reverse("web:patient", args=[patient.public_id]), reverse("web:worklist")):
        assert "no-store" in client.get(url)["Cache-Control"]
    api = client_for(alice)
    assert "no-store" in api.get(f"/api/v1/patients/{patient.public_id}")["Cache-Control"]
    assert "no-store" in api.get("/api/v1/patients")["Cache-Control"]


def test_an_active_user_is_not_signed_out_by_a_short_idle_timeout(client, alice, settings):
    """Finding 17: the last-seen time is stored at most once a minute, so with a 30 s timeout a user
    clicking every 10 s was signed out after 31 s."""
    from tests.support.history import FIXED_NOW, fixed_clock

    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30
    with fixed_clock() as clock:
        client.force_login(alice)
        for step in range(0, 90, 10):
            clock.move_to(FIXED_NOW + dt.timedelta(seconds=step))
            response = client.get(reverse("web:patients"))
            assert response.status_code == 200, f"signed out after {step} s of activity"
        clock.move_to(FIXED_NOW + dt.timedelta(seconds=80 + 30 + 4))
        assert client.get(reverse("web:patients")).status_code == 302


def test_a_team_member_without_a_role_is_refused_on_the_web_as_on_the_api(client, teams, patient):
    from bmtrack.accounts.models import User
    from tests.api.conftest import client_for

    nobody = User.objects.create_user("nobody", "nobody@example.org", "correct horse battery staple")
    teams[0].members.add(nobody)
    client.force_login(nobody)
    for url in (reverse("web:patient", args=[patient.public_id]), reverse("web:worklist"),
                reverse("web:dashboard"), reverse("web:patients"), reverse("boards:meetings")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("web:patients"), {"q": patient.family_name}).status_code == 403
    assert client_for(nobody).get(f"/api/v1/patients/{patient.public_id}").status_code == 403
    assert client.get(reverse("web:account")).status_code == 200
