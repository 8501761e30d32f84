from __future__ import annotations

from bmtrack.core.clock import utcnow
from bmtrack.core.models import Heartbeat


def beat(name: str, **detail) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": utcnow(), "detail": detail})
    return heartbeat


def last_seen(name: str):
    return Heartbeat.objects.filter(name=name).values_list("seen_at", flat=True).first()
