from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """The database answers, and the background machinery is alive (healthchecks-style).

    503 when the surveillance sweep, the email sender or the worker heartbeat has gone quiet, or an
    owed email has waited too long (``bmtrack.surveillance.health``): a stopped beat or worker is noticed.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    from bmtrack.surveillance.health import status

    report = status()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
