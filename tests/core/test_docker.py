"""No Docker engine runs here, so the compose file is checked by reading it: the services exist
and each refers to commands that really exist in this code base."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()


def _command(service: str) -> list[str]:
    command = COMPOSE["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_has_web_worker_beat_postgres_redis_and_a_mail_catcher():
    assert {"web", "worker", "beat", "postgres", "redis", "mail"} <= set(COMPOSE["services"])


def test_web_runs_gunicorn_on_the_real_wsgi_application():
    command = _command("web")
    assert command[0] == "gunicorn"
    module, attribute = command[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_are_separate_celery_processes_of_the_real_app(service, subcommand):
    command = _command(service)
    assert command[:3] == ["celery", "-A", "bmtrack"] and command[3] == subcommand
    from bmtrack.celery import app

    assert app.main == "bmtrack"


def test_the_migrate_service_runs_management_commands_that_exist():
    script = " ".join(_command("migrate"))
    commands = get_commands()
    for name in ("migrate", "setup_periodic_tasks"):
        assert f"manage.py {name}" in script and name in commands


def test_app_services_point_at_postgres_and_redis_of_the_stack():
    env = COMPOSE["services"]["worker"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")


def test_the_image_runs_as_a_non_root_user_with_gunicorn():
    assert "\nUSER bmtrack" in DOCKERFILE
    assert 'CMD ["gunicorn", "bmtrack.wsgi:application"' in DOCKERFILE
    assert "COPY requirements.txt" in DOCKERFILE and (ROOT / "requirements.txt").exists()
