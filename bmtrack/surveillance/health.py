"""Is the surveillance machinery alive? (healthchecks-style: notice a stopped beat or worker.)

``status(now)`` reports the last sweep, the last outbox run and worker heartbeat, and the oldest
email still owed. A check is stale when it has not run for a few of its intervals; the health
view answers 503 when any check is stale, so a monitor pages someone. A check that has never
run (a fresh install before its first beat) is reported as ``never`` but does not fail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Min

from bmtrack.core.clock import utcnow
from bmtrack.core.heartbeat import last_seen
from bmtrack.surveillance.models import DeliveryStatus, NotificationLedger

SWEEP = "sweep"
SENDER = "outbox"
WORKER = "worker"


def limits() -> dict[str, dt.timedelta]:
    sweep_every = dt.timedelta(minutes=settings.SWEEP_INTERVAL_MINUTES)
    return {
        SWEEP: max(3 * sweep_every, dt.timedelta(minutes=15)),
        SENDER: dt.timedelta(minutes=10),      # the sender runs every minute
        WORKER: dt.timedelta(minutes=10),      # the worker heartbeat runs every minute
        "oldest_unsent": dt.timedelta(minutes=30),
    }


def status(now: dt.datetime | None = None) -> dict:
    now = now or utcnow()
    bounds = limits()
    checks = {}
    for name in (SWEEP, SENDER, WORKER):
        seen = last_seen(name)
        if seen is None:
            checks[name] = {"status": "never", "last": None}
        else:
            checks[name] = {"status": "ok" if now - seen <= bounds[name] else "stale", "last": seen.isoformat()}
    oldest = NotificationLedger.objects.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING)).aggregate(oldest=Min("created_at"))["oldest"]
    waiting = now - oldest if oldest else None
    checks["oldest_unsent"] = {
        "status": "stale" if waiting is not None and waiting > bounds["oldest_unsent"] else "ok",
        "since": oldest.isoformat() if oldest else None,
        "age_seconds": int(waiting.total_seconds()) if waiting is not None else 0,
    }
    checks["failed_emails"] = {
        "status": "ok",
        "count": NotificationLedger.objects.filter(status=DeliveryStatus.FAILED).count(),
    }
    healthy = all(check["status"] != "stale" for check in checks.values())
    return {"status": "ok" if healthy else "stale", "checks": checks}
