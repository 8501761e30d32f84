"""Finding 10 of issue 18: a malformed calendar token is a 404; a user creates, sees, replaces and turns
off their feed on their account page; the token never reaches a log line (gunicorn's access log, as
the compose file runs it, and Django's warnings)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

import pytest
import yaml
from django.urls import reverse

from tests.support.processes import ROOT, env_for_test_database, free_port, start, stop, wait_until


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["abc%00def0123456789", "a" * 5000, "..%2f..%2fetc", "%F0%9F%90%8D" * 8])
def test_a_malformed_token_is_a_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


@pytest.mark.django_db
def test_a_user_creates_sees_replaces_and_turns_off_their_feed(client, alice):
    client.force_login(alice)
    page = client.get(reverse("web:account")).content.decode()
    assert "The feed is off" in page

    client.post(reverse("web:account"), {"calendar": "new"})
    alice.refresh_from_db()
    first = alice.calendar_token
    assert first and f"/calendar/{first}.ics" in client.get(reverse("web:account")).content.decode()
    assert client.get(f"/calendar/{first}.ics").status_code == 200

    client.post(reverse("web:account"), {"calendar": "new"})
    alice.refresh_from_db()
    assert alice.calendar_token != first and client.get(f"/calendar/{first}.ics").status_code == 404

    client.post(reverse("web:account"), {"calendar": "off"})
    alice.refresh_from_db()
    assert alice.calendar_token is None


@pytest.mark.django_db
def test_djangos_not_found_warning_does_not_carry_the_token(client, caplog):
    from bmtrack.core.redaction import RedactSecretsFilter

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/calendar/SecretTokenThatWasRevoked0123.ics")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for record in records:
        RedactSecretsFilter().filter(record)
        assert "SecretTokenThatWasRevoked" not in record.getMessage()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_as_deployed_never_writes_the_token_to_its_access_log(alice, tmp_path):
    from bmtrack.surveillance.feeds import regenerate_token

    token = regenerate_token(alice)
    command = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())["services"]["web"]["command"]
    port = free_port()
    command = [arg.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for arg in command]
    command[command.index("--workers") + 1] = "1"
    log = tmp_path / "gunicorn.log"
    web = start([str(ROOT / ".venv" / "bin" / "gunicorn"), *command[1:]],
                env_for_test_database(DEBUG="true", ALLOWED_HOSTS="127.0.0.1"), log)
    try:
        def fetch():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar/{token}.ics", timeout=20) as answer:
                    return answer.status
            except (urllib.error.URLError, OSError):
                return None

        assert wait_until(fetch, timeout=30, message="gunicorn to serve the feed") == 200
        wait_until(lambda: "/calendar/" in log.read_text(), timeout=10, message="the access-log line")
    finally:
        stop(web)
    text = log.read_text()
    assert "/calendar/….ics" in text and token not in text
