"""Celery tasks of the boards app: thin (a service call, counts in the log), time-limited."""

from __future__ import annotations

import logging

from celery import shared_task

from bmtrack.boards.agenda import enqueue_agendas

logger = logging.getLogger(__name__)


@shared_task(name="boards.enqueue_agendas", ignore_result=True, soft_time_limit=60, time_limit=90)
def enqueue_agendas_task() -> dict:
    counts = enqueue_agendas()
    logger.info("boards: agendas %s", counts)
    return counts
