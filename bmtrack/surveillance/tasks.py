"""Celery tasks of surveillance: thin (no arguments but limits, a service call, counts in the log).

Beat only wakes them (``apps.py`` registers the schedule); each is idempotent, so a missed or
doubled beat neither loses nor duplicates anything. They read the clock once and pass it down.
The outbox queues ``surveillance.send_outbox`` by its name, so nothing imports this module back.
"""

from __future__ import annotations

import logging

from celery import shared_task

from bmtrack.core.clock import utcnow
from bmtrack.core.heartbeat import beat
from bmtrack.surveillance import digests, outbox
from bmtrack.surveillance import sweep as sweeping

logger = logging.getLogger(__name__)


@shared_task(name="surveillance.sweep", ignore_result=True, soft_time_limit=240, time_limit=270)
def sweep() -> dict:
    # Each batch commits: a run cut short by the budget leaves the rest to the next beat.
    counts = sweeping.sweep(utcnow(), time_budget=180)
    beat("sweep", **counts)
    logger.info("sweep: %s", counts)
    return counts


@shared_task(name="surveillance.schedule_digests", ignore_result=True, soft_time_limit=240, time_limit=270)
def schedule_digests() -> dict:
    counts = digests.schedule_digests(utcnow())
    beat("digests", **counts)
    logger.info("digests: %s", counts)
    return counts


@shared_task(name=outbox.SENDER_TASK, ignore_result=True, soft_time_limit=240, time_limit=270)
def send_outbox(limit: int | None = None) -> dict:
    # Stop claiming well before the soft limit: a row is claimed only when there is time to send it.
    counts = outbox.send_pending(now=utcnow(), limit=limit, time_budget=180)
    beat("outbox", **counts)
    logger.info("outbox: %s", counts)
    return counts
