"""Surveillance at scale: the sweep and the daily digests — run time, SQL statements, peak memory.

    python benchmarks/sweep_and_digest.py          # on the cohort already in DATABASE_URL (scripts/bench.sh)
    python benchmarks/sweep_and_digest.py 10000    # first generate a cohort of N patients (generate_cohort)

The database must be a benchmark one (its name contains "bench"): with N the script flushes it.

What it shows: the sweep serves ``next_transition_at <= now`` from a partial index and touches only
those items, so its cost follows the number of items whose time has come (a sweep 5 minutes
later, 1 hour, 1 day, 1 week, 1 month ahead), not the size of the cohort; the same sweep on a
cohort ten times larger costs about the same for the same number of changes. Digests are per
nurse: their cost follows the open items they list. Every measured run is rolled back, so each
one starts from the same state. Emails go to Django's in-memory backend; the sender task is not
queued. Peak memory is Python's (tracemalloc), measured in a second, separate run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # a script, run from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmtrack.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bmtrack.core.clock import site_zone, utcnow  # noqa: E402
from bmtrack.patients.models import Patient  # noqa: E402
from bmtrack.surveillance import digests, outbox  # noqa: E402
from bmtrack.surveillance.models import DueItem, NotificationLedger  # noqa: E402
from bmtrack.surveillance.sweep import sweep  # noqa: E402


class Rollback(Exception):
    pass


def run(call, *, memory: bool):
    """(result, seconds, statements, peak MiB or None) of ``call`` inside a rolled-back transaction."""
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    result = {}
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(count), transaction.atomic():
            result["value"] = call()
            result["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    peak = None
    if memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result["value"], result["seconds"], statements[0], peak


def measure(label, call):
    value, seconds, statements, _ = run(call, memory=False)
    _, _, _, peak = run(call, memory=True)
    print(f"  {label:<44} {value!s:<40} {seconds * 1000:9.1f} ms {statements:7d} SQL {peak:8.1f} MiB")
    return value


def main() -> None:
    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in str(name):
        sys.exit(f"refusing to run on {name!r}: use a benchmark database (its name contains 'bench')")
    if len(sys.argv) > 1:
        patients = int(sys.argv[1])
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        call_command("generate_cohort", patients=patients, seed=1, workers=2, verbosity=0)
        print(f"generated {patients} patients in {time.perf_counter() - started:.0f} s")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.kick_sender = lambda: None  # measure the work, not the broker

    now = utcnow()
    patients = Patient.objects.count()
    items = DueItem.objects.count()
    open_items = DueItem.objects.filter(state__in=("upcoming", "due", "overdue")).count()
    print(f"cohort: {patients} patients, {items} due items ({open_items} open), "
          f"{NotificationLedger.objects.count()} outbox rows")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM surveillance_dueitem WHERE next_transition_at <= %s "
                       "ORDER BY next_transition_at LIMIT 200", [now])
        plan = cursor.fetchone()[0]
    print(f"sweep query plan: {plan}")
    # Bring the cohort to ``now`` once (kept), so each measured sweep starts from a swept state.
    caught_up = sweep(now)
    print(f"catch-up sweep at generation time + run: {caught_up}")
    print(f"  {'run (each rolled back)':<44} {'counts':<40} {'time':>12} {'statements':>11} {'peak':>12}")
    for label, ahead in (("sweep now (nothing due)", dt.timedelta(0)),
                         ("sweep 5 minutes ahead", dt.timedelta(minutes=5)),
                         ("sweep 1 hour ahead", dt.timedelta(hours=1)),
                         ("sweep 1 day ahead", dt.timedelta(days=1)),
                         ("sweep 1 week ahead", dt.timedelta(days=7)),
                         ("sweep 1 month ahead", dt.timedelta(days=30))):
        moment = now + ahead
        waiting = DueItem.objects.filter(next_transition_at__lte=moment).count()
        measure(f"{label} ({waiting} items due to move)", lambda moment=moment: sweep(moment))

    local = now.astimezone(site_zone())
    digest_time = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(23, 0), tzinfo=site_zone())

    def digest_day():
        owed = digests.schedule_digests(digest_time)
        original = digests.utcnow
        digests.utcnow = lambda: digest_time
        try:
            sent = outbox.send_pending(now=digest_time)
        finally:
            digests.utcnow = original
        return {"owed": owed["owed"], "sent": sent.get("sent", 0)}

    nurses = digests.get_user_model().objects.filter(receives_digest=True, is_active=True).count()
    measure(f"daily digests ({nurses} users), scheduled + rendered + sent", digest_day)
    sample = digests.get_user_model().objects.filter(nursed_patients__isnull=False).distinct().first()
    if sample is not None:
        listed = digests.digest_items(sample, digest_time).count()
        measure(f"one nurse's digest items ({listed} listed)",
                lambda: len(list(digests.digest_items(sample, digest_time).select_related("patient"))))


if __name__ == "__main__":
    main()
