"""A real Orthanc PACS (Debian's orthanc + orthanc-dicomweb) for the whole session, emptied before
each test; bmtrack's PACS settings pointed at it; a followed patient with a follow-up MRI due."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tests.conftest import AMS
from tests.support.orthanc import PASSWORD, USER, Orthanc


@pytest.fixture(scope="session")
def orthanc_server(tmp_path_factory):
    server = Orthanc(tmp_path_factory.mktemp("orthanc"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def orthanc(orthanc_server, settings):
    if orthanc_server.process is None:  # a test that stopped it and failed before restarting it
        orthanc_server.start()
    orthanc_server.clear()
    settings.PACS_DICOMWEB_URL = orthanc_server.dicomweb_url
    settings.PACS_DICOMWEB_USER, settings.PACS_DICOMWEB_PASSWORD = USER, PASSWORD
    settings.PACS_DICOMWEB_TOKEN = ""
    settings.PACS_POLL_SCOPE = "followed"
    settings.PACS_PATIENT_ID_ISSUER = ""
    settings.PACS_PAGE_SIZE = 100
    _seed_sequence_mappings()
    return orthanc_server


@pytest.fixture
def sequence_mappings(db):
    _seed_sequence_mappings()


def _seed_sequence_mappings() -> None:
    """The data migration's rules (a transactional test's flush empties every table)."""
    from django.apps import apps

    from bmtrack.pacs.models import SequenceMapping

    if not SequenceMapping.objects.exists():
        importlib.import_module("bmtrack.pacs.migrations.0002_default_sequence_mappings").seed(apps, None)


@pytest.fixture
def pacs(orthanc):
    from bmtrack.pacs.client import Pacs

    return Pacs.from_settings()


def local_now() -> dt.datetime:
    from bmtrack.core.clock import utcnow

    return utcnow().astimezone(AMS)


@pytest.fixture
def followed_patient(make_patient):
    """An active patient whose SRS ended 10 weeks ago: the follow-up MRI is due now."""
    from bmtrack.patients import services

    patient = make_patient()
    end = local_now() - dt.timedelta(weeks=10)
    services.record_treatment(patient, kind="srs", status="given", start=end, end=end)
    return patient


def scan_time() -> dt.datetime:
    """An hour ago on the ward clock, to the second (DICOM times carry seconds)."""
    return (local_now() - dt.timedelta(hours=1)).replace(microsecond=0)
