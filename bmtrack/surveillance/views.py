"""Surveillance endpoints outside the signed-in app: the calendar feed (token in the path)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from bmtrack.accounts.access import access_feed
from bmtrack.surveillance.feeds import build_feed


@require_GET
def calendar_feed(request, token: str):
    feed = access_feed(token)
    response = HttpResponse(build_feed(feed.items), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bmtrack.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
