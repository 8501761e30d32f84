"""Surveillance endpoints outside the signed-in app: the calendar feed (token in the path) and the
health check (the database and the surveillance machinery, for the container's HEALTHCHECK)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bmtrack.accounts.access import access_feed
from bmtrack.core.clock import utcnow
from bmtrack.core.health import run as registered_checks
from bmtrack.surveillance.feeds import build_feed
from bmtrack.surveillance.health import status


@require_GET
def calendar_feed(request, token: str):
    feed = access_feed(token)
    response = HttpResponse(build_feed(feed.items), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bmtrack.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def health(request):
    """The database answers, and the background machinery is alive (healthchecks-style).

    503 when the surveillance sweep, the email sender or the worker heartbeat has gone quiet, or an
    owed email has waited too long (``bmtrack.surveillance.health``): a stopped beat or worker is noticed.
    Apps add their own checks (``bmtrack.core.health``), such as the PACS poll's lag.
    Anyone (a load balancer, a container HEALTHCHECK) reads each check's status; only signed-in
    staff read the figures behind it (email backlog, lags, failure counts), which say how the
    hospital's mail is doing and are no one else's business (security review #19).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    now = utcnow()
    report = status(now)
    report["checks"].update(registered_checks(now))
    if any(check["status"] == "stale" for check in report["checks"].values()):
        report["status"] = "stale"
    if not (request.user.is_authenticated and request.user.is_staff):
        report["checks"] = {name: {"status": check["status"]} for name, check in report["checks"].items()}
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
