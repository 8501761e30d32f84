"""The data manager resolves what the poll could not: assign an unmatched study, ignore one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bmtrack.pacs.importer import poll
from bmtrack.pacs.models import PacsStudy, StudyState
from bmtrack.patients.models import Scan
from tests.pacs.conftest import scan_time
from tests.support.dicom_studies import Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(orthanc, pacs, settings, followed_patient):
    """A study sent under the patient's old MRN: the poll cannot know whose it is."""
    settings.PACS_POLL_SCOPE = "all"
    study = Study("OLD-0001", scan_time())
    orthanc.stow(study.datasets())
    poll(pacs)
    return PacsStudy.objects.get(study_uid=study.study_uid)


def test_the_data_manager_assigns_an_unmatched_study_and_it_becomes_a_scan(queued, followed_patient, dana, client):
    client.force_login(dana)
    page = client.get(reverse("pacs:queue"))
    assert page.status_code == 200 and b"OLD-0001" in page.content

    response = client.post(reverse("pacs:assign", args=[queued.public_id]), {"mrn": followed_patient.mrn})

    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.state == StudyState.IMPORTED and queued.resolved_by == dana
    scan = Scan.objects.get(patient=followed_patient)
    assert queued.scan == scan and scan.study_uid == queued.study_uid and len(scan.sequences) == 7
    assert followed_patient.due_items.filter(kind="followup_mri", fulfilled_by=scan).exists()


def test_an_ignored_study_stays_in_the_ledger_and_is_never_imported(queued, pacs, dana, client):
    client.force_login(dana)
    client.post(reverse("pacs:ignore", args=[queued.public_id]), {"reason": "phantom"})

    queued.refresh_from_db()
    assert queued.state == StudyState.IGNORED and queued.reason == "phantom"
    assert poll(pacs)["known"] == 1 and not Scan.objects.exists()


def test_a_nurse_cannot_resolve_the_queue_nor_assign_to_another_teams_patient(queued, alice, dana, client,
                                                                               make_patient, teams):
    client.force_login(alice)
    assert client.get(reverse("pacs:queue")).status_code == 403
    assert client.post(reverse("pacs:assign", args=[queued.public_id]), {"mrn": "x"}).status_code == 403

    other_team_patient = make_patient(care_team=teams[1])
    client.force_login(dana)
    client.post(reverse("pacs:assign", args=[queued.public_id]), {"mrn": other_team_patient.mrn})
    queued.refresh_from_db()
    assert queued.state == StudyState.UNMATCHED and not Scan.objects.exists()


def test_the_dashboard_shows_the_poll_lag_and_what_waits(queued, dana, client):
    client.force_login(dana)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Scans from the PACS" in page and "min ago" in page
    assert "1 study to resolve" in page and "0 measurement reports to confirm" in page


def test_the_dashboard_says_nothing_of_a_pacs_that_is_not_configured(settings, alice, client):
    settings.PACS_DICOMWEB_URL = ""
    client.force_login(alice)
    assert "Scans from the PACS" not in client.get(reverse("web:dashboard")).content.decode()
