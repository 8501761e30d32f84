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
