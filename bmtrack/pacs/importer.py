"""A PACS study becomes a Scan, once.

1. ``poll(pacs)`` searches the PACS (QIDO-RS, in pages) for MR and CT studies dated from the last
   successful poll (less ``PACS_LOOKBACK_DAYS``) to today: per followed patient by PatientID (and
   IssuerOfPatientID), or every study when ``PACS_POLL_SCOPE=all``.
2. A study already in the ledger (``PacsStudy``) is skipped before anything else is fetched.
3. A new study is matched to a patient by MRN; unknown or ambiguous → the unmatched queue.
4. Its series headers are read (QIDO-RS series, WADO-RS metadata) and turned into the scan's fields
   and sequences (``dicom``, ``sequences``); an unusable or oversized study is recorded as failed.
5. In one transaction the ledger row is created and locked (a second poller waits on it, then sees
   it imported), and the scan is recorded through ``patients.services.record_scan``, which
   fulfils the due items and re-plans; its measurements are pending. It then takes the purpose of
   the items it fulfilled (``clinical.purposes.purpose_for_fulfilled``), surveillance when none.
6. After the studies, DICOM SR measurement reports of the recent imported scans still awaiting
   measurements (those just imported included) become drafts for a reader (``reports``).

A PACS that fails mid-poll raises ``PacsUnavailable``: what was imported stays, the watermark does
not move, and the retry skips what is already in the ledger.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from bmtrack.clinical.purposes import purpose_for_fulfilled
from bmtrack.core.clock import local_date, site_zone, utcnow
from bmtrack.pacs.client import Pacs, PacsUnavailable
from bmtrack.pacs.dicom import (
    MalformedStudy,
    SeriesInfo,
    StudySummary,
    field_strength,
    scan_instant,
    scan_modality,
    scanner_name,
    series_from_metadata,
    study_from_json,
)
from bmtrack.pacs.models import PacsStudy, PollState, SequenceMapping, StudyState
from bmtrack.pacs.reports import sweep_reports
from bmtrack.pacs.sequences import protocol_of
from bmtrack.patients import services
from bmtrack.patients.models import Patient, Scan
from bmtrack.patients.models.choices import Modality, PatientStatus, ScanPurpose, Sequence
from bmtrack.surveillance.models import DueItem

log = logging.getLogger(__name__)

SERIES_MODALITIES_READ = {"MR", "CT"}
FINAL_STATES = (StudyState.IMPORTED, StudyState.IGNORED)


def poll(pacs: Pacs, *, now: dt.datetime | None = None) -> Counter:
    """One poll of the PACS; returns counts (no patient data). Raises ``PacsUnavailable``."""
    now = now or utcnow()
    started = time.monotonic()
    state = PollState.load()
    PollState.objects.filter(pk=state.pk).update(last_started_at=now)
    lookback = dt.timedelta(days=settings.PACS_LOOKBACK_DAYS)
    since, until = local_date(state.last_success_at or now) - lookback, local_date(now)
    counts: Counter = Counter()
    try:
        seen = set()
        for raw in found_studies(pacs, since, until):
            uid = _uid_of(raw)
            if uid in seen:  # an MR study with a CT series is found by both searches
                continue
            seen.add(uid)
            counts[str(import_found(pacs, raw, now=now))] += 1
        counts.update(sweep_reports(pacs, now=now))
    except PacsUnavailable as exc:
        PollState.objects.filter(pk=state.pk).update(
            last_error=str(exc)[:300], last_error_at=now, consecutive_failures=F("consecutive_failures") + 1)
        log.warning("PACS poll failed after %d studies: %s", sum(counts.values()), exc)
        raise
    # The watermark only moves forward, whichever of two concurrent polls finishes last.
    PollState.objects.filter(pk=state.pk).filter(Q(last_success_at__isnull=True) | Q(last_success_at__lt=now)).update(
        last_success_at=now)
    PollState.objects.filter(pk=state.pk).update(
        last_duration_seconds=round(time.monotonic() - started, 3), last_counts=dict(counts),
        consecutive_failures=0, last_error="")
    log.info("PACS poll: %s", ", ".join(f"{key}={value}" for key, value in sorted(counts.items())) or "nothing new")
    return counts


def found_studies(pacs: Pacs, since: dt.date, until: dt.date):
    issuer = settings.PACS_PATIENT_ID_ISSUER
    if settings.PACS_POLL_SCOPE == "all":
        yield from pacs.search_studies(since=since, until=until)
        return
    mrns = Patient.objects.filter(status=PatientStatus.ACTIVE).order_by("pk").values_list("mrn", flat=True)
    for mrn in mrns.iterator(chunk_size=500):
        yield from pacs.search_studies(since=since, until=until, patient_id=mrn, issuer=issuer)


def _uid_of(raw: dict) -> str:
    values = (raw.get("0020000D") or {}).get("Value") or [""]
    return str(values[0])


def import_found(pacs: Pacs, raw: dict, *, now: dt.datetime) -> str:
    """One QIDO-RS study result; returns what became of it (a count key)."""
    uid = _uid_of(raw)
    if uid and PacsStudy.objects.filter(study_uid=uid).exists():
        return "known"
    try:
        summary = study_from_json(raw)
    except MalformedStudy as exc:
        if not uid:
            return "unreadable"
        record_outcome(StudySummary(uid, "", "", "", None, None, None, "", (), None), StudyState.FAILED,
                       str(exc), now=now)
        return StudyState.FAILED
    return import_study(pacs, summary, now=now).state


def match_patient(summary: StudySummary) -> tuple[Patient | None, str]:
    """The followed patient whose MRN is the study's PatientID, or why none can be taken."""
    if not summary.patient_id:
        return None, "The study has no PatientID."
    issuer = settings.PACS_PATIENT_ID_ISSUER
    if issuer and summary.issuer != issuer:
        return None, f"The PatientID is issued by {summary.issuer or 'no named issuer'}, not {issuer}."
    patient = Patient.objects.filter(mrn=summary.patient_id).first()
    if patient is None:
        return None, "No followed patient has this MRN."
    if summary.birth_date and summary.birth_date != patient.birth_date:
        return None, "A patient has this MRN but another birth date: check the identity."
    return patient, ""


def import_study(pacs: Pacs, summary: StudySummary, *, now: dt.datetime, patient: Patient | None = None,
                 user=None, force: bool = False) -> PacsStudy:
    """Steps 3–6 for one study. ``patient`` (the data manager's choice) skips the matching;
    ``force`` imports a study that was unmatched, ignored or failed before."""
    if patient is None:
        patient, reason = match_patient(summary)
        if patient is None:
            return record_outcome(summary, StudyState.UNMATCHED, reason, now=now, user=user)
    try:
        series = read_series(pacs, summary)
        fields = scan_fields(summary, series)
    except MalformedStudy as exc:
        return record_outcome(summary, StudyState.FAILED, str(exc), now=now, user=user)
    try:
        with transaction.atomic():
            study, created = PacsStudy.objects.select_for_update().get_or_create(
                study_uid=summary.study_uid,
                defaults=_ledger_fields(summary, StudyState.FAILED, "being imported", now))
            if not created and (study.state == StudyState.IMPORTED or (study.state in FINAL_STATES and not force)):
                return study
            existing = Scan.objects.filter(patient=patient, study_uid=summary.study_uid).first()
            scan = existing or _with_fulfilled_purpose(services.record_scan(patient, user=user, now=now, **fields),
                                                       user=user, now=now)
            _refresh(study, summary, StudyState.IMPORTED, "", now, user)
            study.scan = scan
            study.unrecognised_series = _protocol(series).unrecognised
            study.save()
    except ValidationError as exc:
        return record_outcome(summary, StudyState.FAILED, _message(exc), now=now, user=user)
    return study


def _with_fulfilled_purpose(scan: Scan, *, user, now: dt.datetime) -> Scan:
    """A study carries no purpose: once the schedule has found which items the new scan fulfils, it
    takes theirs (a post-operative MRI is checked as one), else it stays a surveillance scan."""
    purpose = purpose_for_fulfilled(DueItem.objects.filter(fulfilled_by=scan).values_list("kind", flat=True))
    if purpose and purpose != scan.purpose:
        scan = services.update_scan(scan, purpose=purpose, user=user, now=now)
    return scan


def record_outcome(summary: StudySummary, state: str, reason: str, *, now: dt.datetime, user=None) -> PacsStudy:
    """The ledger row of a study that did not become a scan (never overwriting an imported one)."""
    with transaction.atomic():
        study, created = PacsStudy.objects.select_for_update().get_or_create(
            study_uid=summary.study_uid, defaults=_ledger_fields(summary, state, reason, now))
        if not created and study.state not in FINAL_STATES:
            _refresh(study, summary, state, reason, now, user)
            study.save()
    return study


def _refresh(study: PacsStudy, summary: StudySummary, state: str, reason: str, now: dt.datetime, user) -> None:
    fields = _ledger_fields(summary, state, reason, now)
    del fields["first_seen_at"]
    if not summary.patient_id:  # a retry that could not re-read the study keeps what was known of it
        fields = {"state": state, "reason": fields["reason"], "updated_at": now}
    for name, value in fields.items():
        setattr(study, name, value)
    if getattr(user, "pk", None):
        study.resolved_by = user


def _ledger_fields(summary: StudySummary, state: str, reason: str, now: dt.datetime) -> dict:
    return {
        "state": state, "reason": reason[:300], "patient_id": summary.patient_id[:64], "issuer": summary.issuer[:64],
        "patient_name": summary.patient_name[:200], "birth_date": summary.birth_date,
        "study_date": summary.study_date, "accession": summary.accession[:32],
        "modalities": "\\".join(summary.modalities)[:64], "description": summary.description[:200],
        "series_count": summary.series_count, "first_seen_at": now, "updated_at": now,
    }


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def read_series(pacs: Pacs, summary: StudySummary) -> list[SeriesInfo]:
    """The study's series: headers of the image series (WADO-RS metadata), the others as listed."""
    limit = settings.PACS_MAX_SERIES
    if summary.series_count is not None and summary.series_count > limit:
        raise MalformedStudy(f"The study has {summary.series_count} series (more than {limit}): not imported.")
    listed = pacs.series_of(summary.study_uid, limit=limit + 1)
    if len(listed) > limit:
        raise MalformedStudy(f"The study has more than {limit} series: not imported.")
    series = []
    for raw in listed:
        listed_series = series_from_metadata([raw])
        if listed_series.modality in SERIES_MODALITIES_READ:
            series.append(series_from_metadata(pacs.series_metadata(summary.study_uid, listed_series.series_uid)))
        else:
            series.append(listed_series)
    return series


def _protocol(series: list[SeriesInfo]):
    rules = [mapping.as_rule() for mapping in SequenceMapping.objects.all()]
    return protocol_of(series, rules, list(Sequence.values))


def scan_fields(summary: StudySummary, series: list[SeriesInfo]) -> dict:
    """The ``record_scan`` fields of a study (MalformedStudy if it is neither MR nor CT)."""
    modality = scan_modality(summary, series)
    if modality is None:
        raise MalformedStudy(f"The study is neither MR nor CT ({', '.join(summary.modalities) or 'no modality'}).")
    mri = modality == Modality.MRI
    return {
        "at": scan_instant(summary, series, site_zone()),
        "modality": modality,
        "purpose": ScanPurpose.SURVEILLANCE,
        "field_strength_t": field_strength(series) if mri else None,
        "scanner": scanner_name(series),
        "sequences": _protocol(series).sequences if mri else [],
        "study_uid": summary.study_uid,
        "accession": summary.accession[:32],
    }
