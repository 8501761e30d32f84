"""The README's run command really starts bmtrack on the embedded default (SQLite, filesystem
broker): the login page answers over HTTP, and the worker it started consumes a task."""

from __future__ import annotations

import os
import subprocess
import urllib.request

import pytest

from tests.support.processes import ROOT, free_port, stop, wait_until

pytestmark = pytest.mark.services


def test_the_run_command_serves_the_login_page_on_sqlite(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST"}}
    env.update({"PORT": str(port), "BMTRACK_VAR_DIR": str(tmp_path / "var")})
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def login_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                    return response.status == 200 and b"Sign in" in response.read()
            except OSError:
                return False

        wait_until(login_page, timeout=300, interval=1, message="the login page")
        assert (tmp_path / "var" / "bmtrack.sqlite3").exists()
        logins = (tmp_path / "var" / "demo-logins.txt").read_text()
        assert "nina" in logins and "admin" in logins
        # The worker started by the run command consumes its heartbeat through the filesystem broker.
        check = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-c",
             "import django,os,time;os.environ.setdefault('DJANGO_SETTINGS_MODULE','bmtrack.settings');"
             "django.setup();from bmtrack.core.tasks import heartbeat;from bmtrack.core.heartbeat import last_seen;"
             "heartbeat.delay('embedded');"
             "[time.sleep(0.5) for _ in range(60) if not last_seen('embedded')];"
             "print('ok' if last_seen('embedded') else 'missing')"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert check.stdout.strip().endswith("ok"), check.stdout + check.stderr
    finally:
        stop(process)
        log.close()
        print((tmp_path / "run.log").read_text()[-4000:])
