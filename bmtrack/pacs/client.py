"""The PACS seen through DICOMweb (the ``dicomweb-client`` package): QIDO-RS searches in pages,
WADO-RS series metadata and instances.

Failures are sorted in two: ``PacsUnavailable`` (the PACS is down, slow or refuses us: the poll
stops and is retried with backoff) and ``MalformedStudy`` (this study's answer is unusable: it is
recorded on the study and the poll goes on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import requests
from dicomweb_client import DICOMwebClient
from dicomweb_client.session_utils import create_session, create_session_from_user_pass
from django.conf import settings
from pydicom import Dataset

from bmtrack.pacs.dicom import MalformedStudy

# Study attributes asked for on top of QIDO-RS's defaults (PS3.18 table 6.7.1-2).
STUDY_FIELDS = ["IssuerOfPatientID", "PatientBirthDate", "StudyDescription", "NumberOfStudyRelatedSeries",
                "ModalitiesInStudy", "AccessionNumber"]
SEARCHED_MODALITIES = ("MR", "CT")


class PacsUnavailable(Exception):
    """The PACS did not answer usefully (connection refused, timeout, 5xx, 401/403)."""


def enabled() -> bool:
    return bool(settings.PACS_DICOMWEB_URL)


def _unavailable(exc: Exception) -> PacsUnavailable:
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return PacsUnavailable(f"PACS answered HTTP {exc.response.status_code}")
    return PacsUnavailable(f"PACS unreachable ({exc.__class__.__name__})")


def _is_study_fault(exc: Exception) -> bool:
    """A 4xx other than auth/rate limit is about what we asked for (this study), not the PACS."""
    return (isinstance(exc, requests.HTTPError) and exc.response is not None
            and 400 <= exc.response.status_code < 500 and exc.response.status_code not in (401, 403, 408, 429))


class Pacs:
    """A DICOMweb endpoint. ``callback`` is a requests response hook (used by tests to cut the line)."""

    def __init__(self, url: str, *, user: str = "", password: str = "", token: str = "", timeout: float = 30,
                 page_size: int = 100, callback: Callable | None = None):
        session = create_session_from_user_pass(user, password) if user else create_session()
        headers = {"Authorization": f"Bearer {token}"} if token else None
        self.client = DICOMwebClient(url, session=session, headers=headers, timeout=timeout, callback=callback)
        # Retrying belongs to the Celery task (with backoff and a record of the failure), not to each request.
        self.client.set_http_retry_params(retry=False)
        self.page_size = page_size

    @classmethod
    def from_settings(cls, **kwargs) -> Pacs:
        return cls(settings.PACS_DICOMWEB_URL, user=settings.PACS_DICOMWEB_USER,
                   password=settings.PACS_DICOMWEB_PASSWORD, token=settings.PACS_DICOMWEB_TOKEN,
                   timeout=settings.PACS_TIMEOUT_SECONDS, page_size=settings.PACS_PAGE_SIZE, **kwargs)

    def _call(self, method, *args, study_scoped: bool = False, **kwargs):
        try:
            return method(*args, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _unavailable(exc) from exc
        except requests.HTTPError as exc:
            if study_scoped and _is_study_fault(exc):
                raise MalformedStudy(f"PACS refused the request (HTTP {exc.response.status_code})") from exc
            raise _unavailable(exc) from exc
        except ValueError as exc:  # unparsable JSON or multipart answer
            if study_scoped:
                raise MalformedStudy(f"unreadable answer ({exc.__class__.__name__})") from exc
            raise PacsUnavailable(f"PACS sent an unreadable answer ({exc.__class__.__name__})") from exc

    def search_studies(self, *, since: dt.date, until: dt.date, patient_id: str = "",
                       issuer: str = "") -> Iterator[dict]:
        """QIDO-RS studies with an MR or CT series dated ``since``–``until``, page by page."""
        filters = {"StudyDate": f"{since:%Y%m%d}-{until:%Y%m%d}"}
        if patient_id:
            filters["PatientID"] = patient_id
        if issuer:
            filters["IssuerOfPatientID"] = issuer
        for modality in SEARCHED_MODALITIES:
            offset = 0
            while True:
                page = self._call(self.client.search_for_studies, limit=self.page_size, offset=offset,
                                  fields=STUDY_FIELDS, search_filters={**filters, "ModalitiesInStudy": modality})
                yield from page
                if len(page) < self.page_size:
                    break
                offset += len(page)

    def find_study(self, study_uid: str) -> dict | None:
        found = self._call(self.client.search_for_studies, fields=STUDY_FIELDS,
                           search_filters={"StudyInstanceUID": study_uid})
        return found[0] if found else None

    def series_of(self, study_uid: str, *, limit: int) -> list[dict]:
        """QIDO-RS series of a study, at most ``limit`` (more means the study is refused as too large)."""
        return self._call(self.client.search_for_series, study_uid, limit=limit, study_scoped=True)

    def series_metadata(self, study_uid: str, series_uid: str) -> list[dict]:
        return self._call(self.client.retrieve_series_metadata, study_uid, series_uid, study_scoped=True)

    def instances_of(self, study_uid: str, series_uid: str) -> list[dict]:
        return self._call(self.client.search_for_instances, study_uid, series_uid, study_scoped=True)

    def sr_series_of(self, study_uid: str) -> list[dict]:
        return self._call(self.client.search_for_series, study_uid, search_filters={"Modality": "SR"},
                          study_scoped=True)

    def instance(self, study_uid: str, series_uid: str, sop_uid: str) -> Dataset:
        return self._call(self.client.retrieve_instance, study_uid, series_uid, sop_uid, study_scoped=True)
