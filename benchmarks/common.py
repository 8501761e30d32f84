"""Shared by the benchmark scripts: Django set-up, timing, and the subjects (a nurse, a patient).

Scripts run as modules from the repository root (``python -m benchmarks.pages``) against the
database in ``DATABASE_URL``, which ``scripts/bench.sh`` points at a generated cohort.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmtrack.settings")
django.setup()

from bmtrack.core.startup import freeze_startup_objects  # noqa: E402

# Measured in-process, the application starts as a server process does (bmtrack/wsgi.py).
freeze_startup_objects()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

# 100 runs: a p95 of 30 runs is the second-slowest run, one scheduler hiccup away from the maximum.
REPEAT = int(os.environ.get("BENCH_REPEAT", "100"))
WARMUP = 3


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class QueryCounter:
    """Counts the SQL statements run inside it (Django clears ``queries_log`` at each request start)."""

    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def python_calls(call: Callable[[], object]) -> int:
    """The Python and C function calls one ``call`` makes: the work done, which the VM's drift does not
    change (the wall times below vary by a quarter within an hour on this machine)."""
    count = 0

    def counter(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(counter)
    try:
        call()
    finally:
        sys.setprofile(None)
    return count


def machine_speed() -> float:
    """Milliseconds for a fixed pure-Python loop, the best of five: printed beside the figures, so a
    slow phase of the VM shows as such (about 390 ms in its quiet phases)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i * i
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def measure(call: Callable[[], object], repeat: int = REPEAT) -> dict:
    """Median and p95 wall time (ms) of ``call`` over ``repeat`` runs after a warm-up, its queries and
    its function calls."""
    for _ in range(WARMUP):
        call()
    calls = python_calls(call)
    with QueryCounter() as queries:
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 95), "max_ms": max(times),
            "queries": len(queries), "calls": calls, "runs": repeat}


def report(name: str, result: dict, target_ms: float | None = None) -> None:
    verdict = ""
    if target_ms is not None:
        verdict = f"  target p95 <= {target_ms:.0f} ms: {'MET' if result['p95_ms'] <= target_ms else 'MISSED'}"
    calls = f"  calls {result['calls'] / 1000:5.1f}k" if "calls" in result else ""
    # The 1-minute load average: on a shared 2-core machine, other processes' load shows in the figures.
    print(f"{name:42} median {result['median_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
          f"queries {result['queries']:3}{calls}  (n={result['runs']}, load {os.getloadavg()[0]:.1f}){verdict}",
          flush=True)


def cohort_size() -> int:
    from bmtrack.patients.models import Patient

    return Patient.objects.count()


def busiest_nurse():
    """The nurse responsible for the most patients (about 500 in a generated cohort)."""
    from bmtrack.accounts.models import User

    return (User.objects.filter(groups__name="nurse", is_active=True)
            .annotate(patients=Count("nursed_patients")).order_by("-patients", "pk").first())


def patient_with_scans(wanted: int = 30):
    """An active patient with the number of scans closest to ``wanted`` (at least ``wanted`` if any)."""
    from bmtrack.patients.models import Patient, Scan

    counts = (Scan.objects.filter(patient__status="active", patient__responsible_nurse__isnull=False)
              .values("patient").annotate(n=Count("id")).filter(n__gte=min(wanted, 20)).order_by("n", "patient"))
    best = min(counts, key=lambda row: (row["n"] < wanted, abs(row["n"] - wanted)), default=None)
    if best is None:
        return None, 0
    return Patient.objects.select_related("responsible_nurse").get(pk=best["patient"]), best["n"]
