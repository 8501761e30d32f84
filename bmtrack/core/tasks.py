"""Process-level tasks: the worker's heartbeat (proves a worker consumes the queue)."""

from __future__ import annotations

from celery import shared_task

from bmtrack.core.heartbeat import beat


@shared_task(name="core.heartbeat", ignore_result=True, soft_time_limit=20, time_limit=30)
def heartbeat(name: str = "worker") -> None:
    beat(name)
