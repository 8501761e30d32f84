"""PACS poll throughput and upload → closed due item time, against a real local Orthanc.

    python -m benchmarks.pacs [--studies 1000] [--scope followed|all] [--keep]

1. Starts Orthanc (Debian's orthanc + orthanc-dicomweb) on a free port with a temporary storage.
2. Creates N active patients in a care team of its own, each with an SRS given 10 weeks ago, so a
   follow-up MRI is due (through the real services, in the database of ``DATABASE_URL``).
3. Uploads one MR study per patient by STOW-RS (the brain-metastasis protocol: 9 series, one
   instance each, with realistic headers), timing each upload.
4. Runs one poll and prints studies per second, and per study the time from the end of its upload
   to the commit that closed its due item (the scan's history row); in production add up to one
   ``PACS_POLL_SECONDS``. Checks that every patient has exactly one scan and a fulfilled item.
5. Deletes what it created (unless ``--keep``) and stops Orthanc.

Not a test: it prints figures. Needs a migrated database; run it on the bench database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db.models import Min

from benchmarks.common import percentile  # sets Django up
from bmtrack.accounts.models import CareTeam
from bmtrack.core.clock import site_zone, utcnow
from bmtrack.pacs.client import Pacs
from bmtrack.pacs.importer import poll
from bmtrack.pacs.models import PacsStudy, PollState
from bmtrack.patients import services
from bmtrack.patients.models import Patient, Scan
from bmtrack.surveillance.models import DueItem
from tests.support.dicom_studies import Study
from tests.support.orthanc import PASSWORD, USER, Orthanc

UPLOAD_BATCH = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000, help="studies (and patients) to create (default 1000)")
    parser.add_argument("--scope", choices=["followed", "all"], default="followed", help="PACS_POLL_SCOPE")
    parser.add_argument("--keep", action="store_true", help="keep the patients and scans created")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:6]
    orthanc = Orthanc(Path(tempfile.mkdtemp(prefix="bmtrack-bench-orthanc-")))
    orthanc.start()
    settings.PACS_DICOMWEB_URL, settings.PACS_DICOMWEB_USER = orthanc.dicomweb_url, USER
    settings.PACS_DICOMWEB_PASSWORD, settings.PACS_POLL_SCOPE = PASSWORD, args.scope
    team = CareTeam.objects.create(name=f"PACS benchmark {run}")
    try:
        patients = _patients(team, run, args.studies)
        uploaded = _upload(orthanc, patients)
        PollState.objects.update(last_success_at=None)
        started = time.perf_counter()
        counts = poll(Pacs.from_settings())
        seconds = time.perf_counter() - started
        _report(patients, uploaded, counts, seconds, args)
    finally:
        if not args.keep:
            Patient.objects.filter(care_team=team).delete()
            PacsStudy.objects.filter(patient_id__startswith=f"B{run}-").delete()
            team.delete()
        orthanc.stop()


def _patients(team, run: str, count: int) -> list[Patient]:
    started = time.perf_counter()
    srs_end = utcnow() - dt.timedelta(weeks=10)
    patients = []
    for number in range(count):
        patient = services.create_patient(mrn=f"B{run}-{number:05d}", given_name="Bench", family_name=f"Mark{number}",
                                          birth_date=dt.date(1960, 1, 1), sex="female", care_team=team)
        services.record_treatment(patient, kind="srs", status="given", start=srs_end, end=srs_end)
        patients.append(patient)
    print(f"created {count} patients with a follow-up MRI due in {time.perf_counter() - started:.1f} s")
    return patients


def _upload(orthanc: Orthanc, patients: list[Patient]) -> dict[str, float]:
    """Study UID → wall-clock time (epoch seconds) at which its upload finished."""
    when = (utcnow() - dt.timedelta(hours=1)).astimezone(site_zone()).replace(microsecond=0)
    studies = [Study(p.mrn, when, birth_date=p.birth_date, instances_per_series=1) for p in patients]
    uploaded, started = {}, time.perf_counter()
    for offset in range(0, len(studies), UPLOAD_BATCH):
        batch = studies[offset:offset + UPLOAD_BATCH]
        orthanc.stow([ds for study in batch for ds in study.datasets()])
        done = time.time()
        uploaded.update({study.study_uid: done for study in batch})
    seconds = time.perf_counter() - started
    print(f"uploaded {len(studies)} studies by STOW-RS in {seconds:.1f} s ({len(studies) / seconds:.1f} studies/s)")
    return uploaded


def _report(patients, uploaded, counts, seconds, args) -> None:
    scans = Scan.objects.filter(patient__in=patients)
    # The scan's first history row is written in the transaction that closed the due item.
    created = Scan.history.filter(history_type="+", patient_id__in=[p.pk for p in patients])
    closed_at = dict(created.values_list("study_uid").annotate(first=Min("history_date")))
    latencies = sorted(closed_at[uid].timestamp() - done for uid, done in uploaded.items() if uid in closed_at)
    fulfilled = DueItem.objects.filter(patient__in=patients, kind="followup_mri", fulfilled_by__isnull=False).count()
    print(f"poll ({args.scope}): {dict(counts)} in {seconds:.1f} s → {counts['imported'] / seconds:.1f} studies/s")
    if latencies:
        print(f"upload → closed due item: median {percentile(latencies, 50):.1f} s, "
              f"p95 {percentile(latencies, 95):.1f} s, max {latencies[-1]:.1f} s "
              f"(all uploaded before the poll; add up to PACS_POLL_SECONDS={settings.PACS_POLL_SECONDS} s)")
    one_each = scans.count() == len(patients) == fulfilled
    print(f"check: {scans.count()} scans for {len(patients)} patients, {fulfilled} follow-up items fulfilled: "
          f"{'OK' if one_each else 'MISMATCH'}")


if __name__ == "__main__":
    main()
