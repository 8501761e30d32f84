"""A real Celery worker process, on the real broker, writes a row the test then reads."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from bmtrack.core.models import Heartbeat
from bmtrack.core.tasks import heartbeat
from tests.support.processes import env_for_test_database, start_worker, stop, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_a_task_sent_to_the_broker_is_run_by_a_worker_process(tmp_path):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    worker = start_worker(env_for_test_database(), tmp_path / "worker.log")
    try:
        name = f"roundtrip-{uuid.uuid4().hex[:8]}"
        heartbeat.delay(name)
        row = wait_until(lambda: Heartbeat.objects.filter(name=name).first(), timeout=60,
                         message="the worker to record the heartbeat")
        assert row.seen_at is not None
    finally:
        stop(worker)
        print((tmp_path / "worker.log").read_text()[-3000:])
