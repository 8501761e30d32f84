"""Is the PACS poll keeping up? The lag is the time since the start of the last successful poll:
a scan done in the hospital reaches bmtrack within about one lag. Stale after three poll intervals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from bmtrack.pacs.models import PollState


def poll_status(now: dt.datetime) -> dict:
    if not settings.PACS_DICOMWEB_URL:
        return {"status": "off"}
    state = PollState.objects.filter(pk=1).first()
    limit = dt.timedelta(seconds=max(3 * settings.PACS_POLL_SECONDS, 15 * 60))
    if state is None or state.last_success_at is None:
        return {"status": "never", "last": None, "lag_seconds": None,
                "last_error": state.last_error if state else ""}
    lag = now - state.last_success_at
    return {
        "status": "ok" if lag <= limit else "stale",
        "last": state.last_success_at.isoformat(),
        "lag_seconds": int(lag.total_seconds()),
        "consecutive_failures": state.consecutive_failures,
        "last_error": state.last_error,
    }
