"""Lesion measurements made in a DICOM viewer (SR, TID 1500) reach RANO-BM after one confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from pydicom.uid import generate_uid

from bmtrack.pacs import services
from bmtrack.pacs.importer import poll
from bmtrack.pacs.models import DraftState, LesionTracking, MeasurementDraft
from bmtrack.patients.models import Measurement, ResponseAssessment, Scan
from tests.pacs.conftest import scan_time
from tests.support.dicom_studies import Study, measurement_report

pytestmark = pytest.mark.django_db


def _upload_with_report(orthanc, patient, lesions, **report_options) -> Study:
    study = Study(patient.mrn, scan_time())
    images = study.datasets()
    post_contrast = images[-1]
    orthanc.stow([*images, measurement_report(post_contrast, lesions, **report_options)])
    return study


def test_sr_measurements_arrive_as_a_draft_and_count_only_after_confirmation(orthanc, pacs, followed_patient, bob,
                                                                             client):
    _upload_with_report(orthanc, followed_patient, {"L1": (14.2, 9.8), "L2": (8.0, 6.1)})

    counts = poll(pacs)

    assert counts["imported"] == 1 and counts["drafts"] == 1
    scan = Scan.objects.get(patient=followed_patient)
    draft = MeasurementDraft.objects.get(scan=scan)
    assert draft.state == DraftState.DRAFT and draft.observer == "Reader Rita"
    assert [(line.tracking_identifier, line.longest_diameter_mm, line.perpendicular_mm, line.lesion)
            for line in draft.lines.all()] == [("L1", Decimal("14.2"), Decimal("9.8"), None),
                                                ("L2", Decimal("8.0"), Decimal("6.1"), None)]
    # A draft counts for nothing: the scan still waits for its measurements.
    assert scan.measurement_status == "pending" and not Measurement.objects.filter(scan=scan).exists()
    assert not ResponseAssessment.objects.filter(patient=followed_patient).exists()

    client.force_login(bob)
    page = client.get(reverse("pacs:draft", args=[draft.public_id]))
    assert page.status_code == 200 and b"14.2" in page.content
    first_line = draft.lines.first()
    response = client.post(reverse("pacs:draft", args=[draft.public_id]),
                           {"decision": "confirm", f"label-{first_line.pk}": "L1"})
    assert response.status_code == 302

    scan.refresh_from_db()
    draft.refresh_from_db()
    assert draft.state == DraftState.CONFIRMED and draft.decided_by == bob
    assert scan.measurement_status == "complete"
    assert sorted((m.lesion.label, m.longest_diameter_mm, m.perpendicular_mm) for m in scan.measurements.all()) == [
        ("L1", Decimal("14.2"), Decimal("9.8")), ("L2", Decimal("8.0"), Decimal("6.1"))]
    assert ResponseAssessment.objects.get(patient=followed_patient, scan=scan).category == "baseline"
    assert LesionTracking.objects.filter(lesion__patient=followed_patient).count() == 2


def test_the_next_report_maps_lesions_by_tracking_uid_even_when_relabelled(orthanc, pacs, followed_patient, bob):
    uid = generate_uid()
    _upload_with_report(orthanc, followed_patient, {"L1": (14.2, 9.8)}, tracking_uids={"L1": uid})
    poll(pacs)
    services.confirm_draft(MeasurementDraft.objects.get(), user=bob)

    # Three months later the viewer names the same tracked lesion "Lesion A".
    later = Study(followed_patient.mrn, scan_time())
    later.study_uid = generate_uid()
    images = later.datasets()
    orthanc.stow([*images, measurement_report(images[-1], {"Lesion A": (10.0, 7.0)}, tracking_uids={"Lesion A": uid})])
    poll(pacs)

    draft = MeasurementDraft.objects.get(state=DraftState.DRAFT)
    line = draft.lines.get()
    assert line.lesion.label == "L1"


def test_a_report_saved_after_the_images_is_found_by_the_next_poll(orthanc, pacs, followed_patient):
    study = Study(followed_patient.mrn, scan_time())
    images = study.datasets()
    orthanc.stow(images)
    assert poll(pacs)["imported"] == 1
    assert not MeasurementDraft.objects.exists()

    orthanc.stow([measurement_report(images[-1], {"L1": (21.0, 15.5)})])
    counts = poll(pacs)

    assert counts["known"] == 1 and counts["drafts"] == 1
    assert MeasurementDraft.objects.get().scan.study_uid == study.study_uid
    assert poll(pacs)["drafts"] == 0  # read once


def test_a_rejected_report_records_nothing(orthanc, pacs, followed_patient, bob):
    _upload_with_report(orthanc, followed_patient, {"L1": (14.2, 9.8)})
    poll(pacs)
    draft = MeasurementDraft.objects.get()

    services.reject_draft(draft, user=bob)

    draft.refresh_from_db()
    assert draft.state == DraftState.REJECTED
    assert not Measurement.objects.exists()
    with pytest.raises(Exception, match="rejected already"):
        services.confirm_draft(draft, user=bob)


def test_a_reader_outside_the_care_team_cannot_see_the_draft(orthanc, pacs, followed_patient, charlie, client):
    _upload_with_report(orthanc, followed_patient, {"L1": (14.2, 9.8)})
    poll(pacs)
    client.force_login(charlie)

    draft = MeasurementDraft.objects.get()
    assert client.get(reverse("pacs:draft", args=[draft.public_id])).status_code == 404
    assert client.post(reverse("pacs:draft", args=[draft.public_id]), {"decision": "confirm"}).status_code == 404
    assert draft.public_id.hex not in client.get(reverse("pacs:drafts")).content.decode().replace("-", "")
