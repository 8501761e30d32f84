"""Worklist page and API for a nurse with ~500 patients; patient page and API for a patient with ~30 scans.

In-process (Django's test client against the real database, full middleware stack), so the
figures are the server's own time without network or worker queueing: median and p95 over
``BENCH_REPEAT`` runs, and the number of SQL queries per request. Targets: p95 <= 50 ms for the two
pages a nurse lives on (issue 16: the worklist and the patient page), p95 <= 100 ms for the API.
"""

from __future__ import annotations

from django.test import Client
from django.urls import NoReverseMatch, reverse

from benchmarks.common import busiest_nurse, cohort_size, machine_speed, measure, patient_with_scans, report

TARGET_MS = 100
PAGE_TARGET_MS = 50  # issue 16


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def get(client: Client, path: str, **headers):
    def call():
        response = client.get(path, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response
    return call


def bench(name: str, call, target_ms: float = TARGET_MS) -> None:
    """One figure; a view that is not finished yet is reported, not fatal."""
    try:
        report(name, measure(call), target_ms)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"{name:42} FAILED: {type(exc).__name__}: {str(exc)[:120]}", flush=True)


def main() -> None:
    from bmtrack.accounts.access import patients_for

    nurse = busiest_nurse()
    patient, scans = patient_with_scans(30)
    if nurse is None or patient is None:
        raise SystemExit("no generated cohort here: run manage.py generate_cohort first")
    visible = patients_for(nurse)
    print(f"cohort {cohort_size()} patients; nurse {nurse.username}: {nurse.patients} patients "
          f"({visible.filter(status='active').count()} active, {visible.count()} visible through the care team); "
          f"patient with {scans} scans")
    print(f"machine: a fixed Python loop takes {machine_speed():.0f} ms (about 390 in the VM's quiet phases)")
    client = Client()
    client.force_login(nurse)
    worklist = url("web:worklist")
    if worklist:
        bench("worklist page (web:worklist)", get(client, worklist), PAGE_TARGET_MS)
    else:
        print("worklist page: SKIPPED (no URL named web:worklist yet)")
    bench("worklist API (/api/v1/due-items?open=true)", get(client, "/api/v1/due-items?open=true&page_size=50"))

    doctor = Client()
    doctor.force_login(patient.responsible_nurse)
    page = url("web:patient", patient.public_id)
    if page:
        bench(f"patient page, {scans} scans (web:patient)", get(doctor, page), PAGE_TARGET_MS)
    else:
        print("patient page: SKIPPED (no URL named web:patient yet)")
    bench("patient-detail API (/api/v1/patients/<id>)", get(doctor, f"/api/v1/patients/{patient.public_id}"))
    bench("patient's due items API (?patient=<id>)", get(doctor, f"/api/v1/due-items?patient={patient.public_id}"))
    print(f"machine: the same loop takes {machine_speed():.0f} ms after the runs")


if __name__ == "__main__":
    main()
