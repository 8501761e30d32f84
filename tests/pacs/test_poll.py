"""The PACS poll against a real Orthanc: a study becomes one scan, closes its due item, and is
never imported twice; unknown patients wait in a queue; faults are recorded, not spread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from pydicom.dataelem import DataElement

from bmtrack.clinical.protocol import check_protocol
from bmtrack.pacs.importer import poll
from bmtrack.pacs.models import PacsStudy, PollState, StudyState
from bmtrack.patients.models import Scan
from bmtrack.surveillance.models import DueItem
from tests.pacs.conftest import scan_time
from tests.support.dicom_studies import MR_PROTOCOL, SeriesSpec, Study

pytestmark = pytest.mark.django_db


def _followup(patient):
    """The follow-up MRI the SRS opened (a scan that fulfils it opens the next one)."""
    return DueItem.objects.get(patient=patient, kind="followup_mri", trigger_treatment__isnull=False)


def test_a_study_of_a_followed_patient_becomes_one_scan_that_closes_the_due_item(orthanc, pacs, followed_patient):
    assert _followup(followed_patient).state == "due"
    study = Study(followed_patient.mrn, scan_time(), accession="ACC123")
    orthanc.stow(study.datasets())

    counts = poll(pacs)

    assert counts["imported"] == 1
    scan = Scan.objects.get(patient=followed_patient)
    assert scan.study_uid == study.study_uid and scan.accession == "ACC123"
    assert scan.at == study.when and scan.modality == "mri" and scan.purpose == "surveillance"
    assert str(scan.field_strength_t) == "3.0"
    assert scan.scanner == "Siemens Healthineers MAGNETOM Prisma (MRC40123)"
    assert scan.sequences == ["t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi", "dsc"]
    assert scan.measurement_status == "pending"
    item = _followup(followed_patient)
    assert item.state == "done" and item.fulfilled_by == scan
    ledger = PacsStudy.objects.get(study_uid=study.study_uid)
    assert ledger.state == StudyState.IMPORTED and ledger.scan == scan and ledger.unrecognised_series == []
    # The protocol check reads the real sequences: nothing required is missing.
    check = check_protocol(scan.purpose, scan.sequences, float(scan.field_strength_t), scan.scanner)
    assert check.missing == ()
    state = PollState.load()
    assert state.last_success_at is not None and state.last_error == ""


def test_a_study_after_surgery_is_recorded_as_the_post_operative_mri_it_fulfils(orthanc, pacs, make_patient):
    """A study carries no purpose: the scan takes the purpose of the item it fulfils, so its protocol
    is checked as a post-operative MRI's."""
    from bmtrack.patients import services
    from tests.pacs.conftest import local_now

    patient = make_patient()
    end = local_now() - dt.timedelta(hours=30)
    services.record_treatment(patient, kind="surgery", status="given", start=end - dt.timedelta(hours=3), end=end)
    orthanc.stow(Study(patient.mrn, scan_time()).datasets())

    poll(pacs)

    scan = Scan.objects.get(patient=patient)
    assert scan.purpose == "post_operative"
    assert DueItem.objects.get(patient=patient, kind="postop_mri").fulfilled_by == scan


def test_a_protocol_without_post_contrast_t1_is_checked_as_incomplete(orthanc, pacs, followed_patient):
    series = {key: spec for key, spec in MR_PROTOCOL.items() if key != "t1_post_3d"}
    # A thick 3D T1 (3 mm) is not the protocol's sequence: listed for the data manager, not counted.
    series["t1_thick"] = SeriesSpec("t1_mprage_tra_thick", "3D", 3.0, contrast="Gadobutrol")
    orthanc.stow(Study(followed_patient.mrn, scan_time(), series=series).datasets())

    poll(pacs)

    scan = Scan.objects.get(patient=followed_patient)
    assert "t1_post_3d" not in scan.sequences
    assert check_protocol(scan.purpose, scan.sequences).missing == ("t1_post_3d",)
    unrecognised = scan.pacs_study.unrecognised_series
    assert [(s["description"], s["slice_thickness_mm"], s["contrast"]) for s in unrecognised] == [
        ("t1_mprage_tra_thick", 3.0, True)]


def test_polling_twice_creates_the_scan_once(orthanc, pacs, followed_patient):
    orthanc.stow(Study(followed_patient.mrn, scan_time()).datasets())

    first, second = poll(pacs), poll(pacs)

    assert first["imported"] == 1 and second["imported"] == 0 and second["known"] == 1
    assert Scan.objects.filter(patient=followed_patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_create_each_scan_once(orthanc, make_patient, settings):
    from bmtrack.pacs.client import Pacs

    patients = [make_patient() for _ in range(3)]
    for patient in patients:
        orthanc.stow(Study(patient.mrn, scan_time()).datasets())
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait(10)
            poll(Pacs.from_settings())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    for patient in patients:
        assert Scan.objects.filter(patient=patient).count() == 1
    assert PacsStudy.objects.filter(state=StudyState.IMPORTED).count() == 3


def test_an_unknown_patients_study_waits_in_the_unmatched_queue(orthanc, pacs, settings, followed_patient):
    settings.PACS_POLL_SCOPE = "all"
    stranger = Study("NOT-FOLLOWED-1", scan_time(), patient_name="Visser^Piet")
    orthanc.stow(stranger.datasets())
    orthanc.stow(Study(followed_patient.mrn, scan_time()).datasets())

    counts = poll(pacs)

    assert counts["unmatched"] == 1 and counts["imported"] == 1
    queued = PacsStudy.objects.get(study_uid=stranger.study_uid)
    assert queued.state == StudyState.UNMATCHED and queued.scan is None
    assert queued.patient_id == "NOT-FOLLOWED-1" and queued.reason == "No followed patient has this MRN."
    assert poll(pacs)["known"] == 2  # kept in the queue, not re-read, never dropped


def test_a_study_whose_birth_date_disagrees_is_not_guessed(orthanc, pacs, followed_patient):
    import datetime as dt

    orthanc.stow(Study(followed_patient.mrn, scan_time(), birth_date=dt.date(1971, 1, 2)).datasets())

    assert poll(pacs)["unmatched"] == 1
    assert not Scan.objects.filter(patient=followed_patient).exists()
    assert "another birth date" in PacsStudy.objects.get().reason


def test_the_issuer_of_patient_ids_must_match_when_set(orthanc, pacs, settings, followed_patient):
    settings.PACS_PATIENT_ID_ISSUER = "UMC"
    settings.PACS_POLL_SCOPE = "all"
    ours = Study(followed_patient.mrn, scan_time(), issuer="UMC")
    theirs = Study(followed_patient.mrn, scan_time(), issuer="OTHER-HOSPITAL")
    orthanc.stow(ours.datasets() + theirs.datasets())

    poll(pacs)

    assert Scan.objects.get(patient=followed_patient).study_uid == ours.study_uid
    assert PacsStudy.objects.get(study_uid=theirs.study_uid).state == StudyState.UNMATCHED


def test_a_huge_or_malformed_study_is_recorded_and_the_others_go_on(orthanc, pacs, settings, make_patient):
    settings.PACS_MAX_SERIES = 12
    huge_patient, odd_patient, fine_patient = make_patient(), make_patient(), make_patient()
    huge = Study(huge_patient.mrn, scan_time(), instances_per_series=1,
                 series={f"s{i}": SeriesSpec(f"ep2d_bold_{i}") for i in range(13)})
    odd = Study(odd_patient.mrn, scan_time())
    odd_datasets = odd.datasets()
    for ds in odd_datasets:
        # A scanner that writes text where DICOM wants a number (explicit VR lets it).
        ds[0x00180087] = DataElement(0x00180087, "LO", "three tesla")
    fine = Study(fine_patient.mrn, scan_time())
    orthanc.stow(huge.datasets() + odd_datasets + fine.datasets())

    counts = poll(pacs)

    assert counts["failed"] == 2 and counts["imported"] == 1
    too_many = "The study has 13 series (more than 12): not imported."
    assert PacsStudy.objects.get(study_uid=huge.study_uid).reason == too_many
    assert "MagneticFieldStrength" in PacsStudy.objects.get(study_uid=odd.study_uid).reason
    assert Scan.objects.filter(patient=fine_patient).count() == 1
    assert not Scan.objects.filter(patient__in=[huge_patient, odd_patient]).exists()
    assert PollState.load().last_error == ""


@pytest.mark.django_db(transaction=True)
def test_orthanc_stopped_mid_poll_and_restarted_loses_and_duplicates_nothing(orthanc, make_patient):
    from bmtrack.pacs.client import Pacs, PacsUnavailable

    patients = [make_patient() for _ in range(4)]
    for patient in patients:
        orthanc.stow(Study(patient.mrn, scan_time()).datasets())
    metadata_answers = []

    def cut_after_the_second_study(response, *args, **kwargs):
        response.content  # noqa: B018 - read the body before the server goes away
        if "/metadata" in response.url:
            metadata_answers.append(response.url)
            # Each study has 9 MR series: stop the PACS in the middle of the third one.
            if len(metadata_answers) == 2 * 9 + 4:
                orthanc.stop()
        return response

    with pytest.raises(PacsUnavailable):
        poll(Pacs.from_settings(callback=cut_after_the_second_study))

    state = PollState.load()
    assert state.last_success_at is None and state.consecutive_failures == 1 and "unreachable" in state.last_error
    assert Scan.objects.count() == 2 and PacsStudy.objects.count() == 2

    orthanc.start()
    counts = poll(Pacs.from_settings())

    assert counts["known"] == 2 and counts["imported"] == 2
    for patient in patients:
        assert Scan.objects.filter(patient=patient).count() == 1
    state = PollState.load()
    assert state.last_success_at is not None and state.consecutive_failures == 0 and state.last_error == ""


def test_health_shows_the_last_successful_poll_and_its_lag(orthanc, pacs, admin_client):
    client = admin_client  # the figures behind a status are for staff (security review #19)
    assert client.get("/health/").json()["checks"]["pacs_poll"]["status"] == "never"

    poll(pacs)

    check = client.get("/health/").json()["checks"]["pacs_poll"]
    assert check["status"] == "ok" and check["last"] and 0 <= check["lag_seconds"] < 60


def test_health_calls_a_poll_that_stopped_succeeding_stale(orthanc, pacs, admin_client, followed_patient):
    client = admin_client
    import datetime as dt

    from bmtrack.core.clock import utcnow

    poll(pacs, now=utcnow() - dt.timedelta(hours=2))
    orthanc.stop()
    try:
        from bmtrack.pacs.client import PacsUnavailable

        with pytest.raises(PacsUnavailable):
            poll(pacs)
        response = client.get("/health/")
        check = response.json()["checks"]["pacs_poll"]
        assert response.status_code == 503 and check["status"] == "stale"
        assert check["lag_seconds"] >= 7200 and check["consecutive_failures"] == 1
    finally:
        orthanc.start()


def test_without_a_pacs_url_the_feature_is_off(settings, client, db):
    settings.PACS_DICOMWEB_URL = ""
    from bmtrack.pacs.tasks import poll as poll_task

    assert poll_task.apply().result == {}
    assert client.get("/health/").json()["checks"]["pacs_poll"] == {"status": "off"}


def test_a_scan_deleted_by_a_person_is_not_imported_again(orthanc, pacs, followed_patient):
    orthanc.stow(Study(followed_patient.mrn, scan_time()).datasets())
    poll(pacs)
    Scan.objects.get(patient=followed_patient).delete()  # a wrong study, removed by the data manager

    assert poll(pacs)["known"] == 1
    assert not Scan.objects.exists() and PacsStudy.objects.get().state == StudyState.IMPORTED
