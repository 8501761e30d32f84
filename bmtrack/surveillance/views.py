"""Surveillance endpoints outside the signed-in app: the calendar feed (token in the path)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from bmtrack.surveillance.feeds import build_feed, user_for_token


@require_GET
def calendar_feed(request, token: str):
    user = user_for_token(token)
    if user is None:
        raise Http404("No such calendar")
    response = HttpResponse(build_feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bmtrack.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
