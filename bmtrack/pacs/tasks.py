"""The PACS poll as a Celery task: thin (no arguments, counts in the log), retried with backoff.

Beat wakes it every ``PACS_POLL_SECONDS``; a PACS that is down makes it retry after
``PACS_RETRY_BASE_SECONDS`` × 2^n (jittered, capped at ``PACS_RETRY_MAX_SECONDS``). Correctness does
not depend on how often it runs: the ledger makes a repeated or concurrent poll a no-op.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from bmtrack.pacs.client import Pacs, PacsUnavailable, enabled
from bmtrack.pacs.importer import poll as poll_pacs


@shared_task(name="pacs.poll", bind=True, ignore_result=True, autoretry_for=(PacsUnavailable,),
             retry_backoff=settings.PACS_RETRY_BASE_SECONDS, retry_backoff_max=settings.PACS_RETRY_MAX_SECONDS,
             retry_jitter=True, max_retries=8, soft_time_limit=1500, time_limit=1800)
def poll(self) -> dict:
    if not enabled():
        return {}
    return dict(poll_pacs(Pacs.from_settings()))
