"""Settings are read from the environment, strict about bad values, runnable with nothing set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.processes import ROOT

SERVER_VARS = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST", "SECRET_KEY", "BMTRACK_HTTPS"}


def _settings(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in SERVER_VARS}
    base.update({"BMTRACK_VAR_DIR": str(tmp_path), **env})
    code = ("import django,os,json;os.environ['DJANGO_SETTINGS_MODULE']='bmtrack.settings';django.setup();"
            "from django.conf import settings as s;"
            "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.TIME_ZONE, s.USE_TZ,"
            " s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND]))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=60)


def test_with_nothing_set_it_runs_on_sqlite_and_the_filesystem_broker(tmp_path):
    import json

    result = _settings(tmp_path)
    assert result.returncode == 0, result.stderr
    engine, broker, zone, use_tz, cache, email = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3" and broker == "filesystem://"
    assert zone == "Europe/Amsterdam" and use_tz is True
    assert (tmp_path / "broker" / "out").is_dir() and (tmp_path / "broker" / "processed").is_dir()
    assert email.endswith("filebased.EmailBackend")


def test_database_and_redis_urls_switch_to_the_servers(tmp_path):
    import json

    result = _settings(tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/bm", REDIS_URL="redis://r:6379/0")
    engine, broker, _, _, cache, _ = json.loads(result.stdout)
    assert engine == "django.db.backends.postgresql" and broker == "redis://r:6379/0"
    assert cache.endswith("RedisCache")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DATABASE_URL", "mysql://root@localhost/bm", "DATABASE_URL"),
    ("TIME_ZONE", "Mars/Olympus_Mons", "TIME_ZONE"),
    ("DEBUG", "maybe", "DEBUG"),
    ("EMAIL_PORT", "smtp", "EMAIL_PORT"),
    ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES"),
    ("CELERY_BROKER_URL", "kafka://x", "CELERY_BROKER_URL"),
    ("DICOM_VIEWER_URL_TEMPLATE", "https://pacs.example/viewer", "study_uid"),
    ("SECRET_KEY", "short", "SECRET_KEY"),
    ("OUTBOX_LEASE_SECONDS", "30", "OUTBOX_LEASE_SECONDS"),  # shorter than one send at EMAIL_TIMEOUT 20
])
def test_a_bad_value_stops_the_start_with_a_message_naming_it(tmp_path, name, value, message):
    result = _settings(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert "p@" not in result.stderr


def _database_options(tmp_path, **env) -> dict:
    import json

    base = {k: v for k, v in os.environ.items() if k not in SERVER_VARS}
    base.update({"BMTRACK_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u:p@db.example:5432/bm", **env})
    code = ("import django,os,json;os.environ['DJANGO_SETTINGS_MODULE']='bmtrack.settings';django.setup();"
            "from django.conf import settings as s;print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_prepares_repeated_queries_unless_told_not_to(tmp_path):
    # Django leaves psycopg's preparing off unless prepare_threshold is given (binding alone prepares nothing).
    assert _database_options(tmp_path) == {"server_side_binding": True, "prepare_threshold": 5}
    assert _database_options(tmp_path, DB_SERVER_SIDE_BINDING="0") == {}  # behind a pooler in transaction mode


@pytest.mark.django_db
def test_a_query_a_page_repeats_is_prepared_on_its_connection():
    from django.db import connection

    from bmtrack.patients.models import Patient

    assert connection.vendor == "postgresql"  # the suite runs on the real database
    for _ in range(6):  # psycopg prepares a statement on its fifth run
        list(Patient.objects.filter(mrn="no such MRN").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"patients_patient"."mrn" = $1' in statement for statement in prepared), prepared
