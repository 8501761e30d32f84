"""Finding 4 of issue 18: concurrent valid writes to one patient all succeed (real PostgreSQL, one
connection per thread, all released at once)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import at

WRITERS = 20


def _all_at_once(calls):
    barrier = threading.Barrier(len(calls))
    failures = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writes_to_one_patient_all_succeed(make_patient, alice):
    from bmtrack.patients import services
    from bmtrack.patients.models import GPAAssessment, Lesion, Scan, StatusObservation

    patient = make_patient()
    services.record_primary(patient, type="nsclc_adeno", diagnosed_on=dt.date(2025, 9, 1), stage="IV",
                            brain_metastases_diagnosed_on=dt.date(2025, 10, 1), now=at(2025, 10, 2),
                            markers=[{"marker": "egfr", "result": "negative", "tested_on": dt.date(2025, 9, 1)},
                                     {"marker": "alk", "result": "negative", "tested_on": dt.date(2025, 9, 1)},
                                     {"marker": "pd_l1", "result": "positive", "value_pct": Decimal("10"),
                                      "tested_on": dt.date(2025, 9, 1)}])
    services.record_scan(patient, at=at(2025, 10, 1), modality="mri", purpose="diagnosis",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("12")}], now=at(2025, 10, 2))
    now = at(2026, 1, 31)

    def kps(day):
        return lambda: services.record_observation(patient, observed_on=dt.date(2026, 1, day), kps=70 + day % 3 * 10,
                                                   extracranial_metastases=True, user=alice, now=now)

    def scan(day):
        # Every scan names the same new lesion: the first creates it, the others measure it.
        # L1 is carried from the baseline; L9 is new there, so the reader's call comes with it.
        return lambda: services.record_scan(patient, at=at(2026, 1, day, 11), modality="mri", purpose="surveillance",
                                            measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("12")},
                                                          {"lesion": "L9", "longest_diameter_mm": Decimal("8")}],
                                            new_lesions="definite", user=alice, now=now)

    calls = [kps(day) for day in range(1, 11)] + [scan(day) for day in range(11, 21)]
    assert len(calls) == WRITERS

    assert _all_at_once(calls) == []
    assert StatusObservation.objects.filter(patient=patient).count() == 10
    assert Scan.objects.filter(patient=patient).count() == 1 + 10
    assert Lesion.objects.filter(patient=patient, label="L9").count() == 1
    assert GPAAssessment.objects.filter(patient=patient, current=True, moment="current").count() == 1
