from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from bmtrack.core.clock import utcnow
from bmtrack.core.health import run as registered_checks


@never_cache
def health(request):
    """The database answers, and the background machinery is alive (healthchecks-style).

    503 when the surveillance sweep, the email sender or the worker heartbeat has gone quiet, or an
    owed email has waited too long (``bmtrack.surveillance.health``): a stopped beat or worker is noticed.
    Apps add their own checks (``bmtrack.core.health``), such as the PACS poll's lag.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    from bmtrack.surveillance.health import status

    now = utcnow()
    report = status(now)
    report["checks"].update(registered_checks(now))
    if any(check["status"] == "stale" for check in report["checks"].values()):
        report["status"] = "stale"
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
