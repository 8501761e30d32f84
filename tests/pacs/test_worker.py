"""A real Celery worker polls a PACS that is down: it retries with backoff, records the failure,
and imports the study once the PACS is back."""

from __future__ import annotations

import pytest

from bmtrack.pacs.models import PacsStudy, PollState
from bmtrack.pacs.tasks import poll as poll_task
from bmtrack.patients.models import Scan
from tests.pacs.conftest import scan_time
from tests.support.dicom_studies import Study
from tests.support.orthanc import PASSWORD, USER
from tests.support.processes import env_for_test_database, start_worker, stop, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_the_poll_task_retries_while_the_pacs_is_down_and_imports_once_it_is_back(orthanc, followed_patient,
                                                                                   tmp_path):
    study = Study(followed_patient.mrn, scan_time())
    orthanc.stow(study.datasets())
    orthanc.stop()
    worker = start_worker(env_for_test_database(
        PACS_DICOMWEB_URL=orthanc.dicomweb_url, PACS_DICOMWEB_USER=USER, PACS_DICOMWEB_PASSWORD=PASSWORD,
        PACS_RETRY_BASE_SECONDS=1, PACS_RETRY_MAX_SECONDS=4), tmp_path / "worker.log")
    try:
        poll_task.delay()
        wait_until(lambda: PollState.objects.filter(consecutive_failures__gte=2).exists(), timeout=90,
                   message="two failed attempts")
        assert not Scan.objects.exists()
        assert "unreachable" in PollState.objects.get().last_error

        orthanc.start()
        wait_until(lambda: PollState.objects.filter(last_success_at__isnull=False).exists(), timeout=90,
                   message="a retry to succeed")
        assert Scan.objects.get(patient=followed_patient).study_uid == study.study_uid
        assert PacsStudy.objects.count() == 1 and PollState.objects.get().consecutive_failures == 0
    finally:
        stop(worker)
        log = (tmp_path / "worker.log").read_text()
        assert followed_patient.mrn not in log  # counts only, no patient data in the worker's log
        print(log[-3000:])
