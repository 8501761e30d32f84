"""Re-planning one patient after a write (target <= 20 ms), for an active patient with ~30 scans.

Each run is rolled back, so the record stays as generated:
1. ``replan_patient`` alone, timed right after a write that changes the plan (a new MRI is saved
   first, untimed: the open follow-up item is fulfilled and a new one opens);
2. ``refresh_derived`` (GPA + RANO-BM + re-plan) after the same write;
3. the whole write as a user makes it: ``record_scan`` with measurements (validate, save, derive).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.db import transaction

from benchmarks.common import REPEAT, WARMUP, QueryCounter, measure, patient_with_scans, percentile, report

TARGET_MS = 20
SEQUENCES = ["t1_pre_3d", "t1_post_3d", "t2"]


class _Rollback(Exception):
    pass


def rolled_back(call):
    """Run ``call`` in a transaction that is always rolled back; returns its elapsed time (ms)."""
    def run():
        elapsed = 0.0
        try:
            with transaction.atomic():
                elapsed = call()
                raise _Rollback
        except _Rollback:
            pass
        return elapsed
    return run


def main() -> None:
    from bmtrack.core.clock import utcnow
    from bmtrack.patients import services
    from bmtrack.patients.models import Patient, Scan
    from bmtrack.patients.services.common import refresh_derived
    from bmtrack.surveillance.plan import replan_patient

    subject, scans = patient_with_scans(30)
    if subject is None:
        raise SystemExit("no generated cohort here: run manage.py generate_cohort first")
    now = utcnow()
    labels = list(subject.lesions.values_list("label", flat=True))
    print(f"patient with {scans} scans, {len(labels)} lesions, {subject.due_items.count()} due items")

    def load():
        return Patient.objects.select_related("care_team", "responsible_nurse").get(pk=subject.pk)

    def write_then(step):
        """Save a new MRI (untimed), then time ``step(patient)``."""
        def call():
            patient = load()
            Scan.objects.create(patient=patient, at=now - dt.timedelta(hours=1), modality="mri",
                                purpose="surveillance", sequences=SEQUENCES, measurement_status="pending")
            started = time.perf_counter()
            step(patient)
            return (time.perf_counter() - started) * 1000
        return rolled_back(call)

    for name, step, target in (("replan_patient after a new MRI", lambda p: replan_patient(p, now=now), TARGET_MS),
                               ("refresh_derived after a new MRI", lambda p: refresh_derived(p, now), None)):
        run = write_then(step)
        for _ in range(WARMUP):
            run()
        with QueryCounter() as queries:
            run()
        times = [run() for _ in range(REPEAT)]
        report(name, {"median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
                      "max_ms": max(times), "queries": len(queries) - 3, "runs": REPEAT}, target)

    measurements = [{"lesion": label, "longest_diameter_mm": Decimal("9.5")} for label in labels]

    def whole_write():
        services.record_scan(load(), at=now - dt.timedelta(hours=1), modality="mri", purpose="surveillance",
                             sequences=SEQUENCES, measurements=measurements, now=now)
        return 0.0
    report("record_scan with measurements (whole write)", measure(rolled_back(whole_write)))


if __name__ == "__main__":
    main()
