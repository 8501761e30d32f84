"""The data manager's and the reader's writes on what the PACS brought (one transaction each).

Resolving an unmatched study re-reads it from the PACS and imports it for the chosen patient
through the same path as the poll; confirming a draft hands its lines to
``patients.services.record_measurements``, which recomputes RANO-BM and re-plans.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.core.clock import utcnow
from bmtrack.pacs.client import Pacs
from bmtrack.pacs.dicom import MalformedStudy, study_from_json
from bmtrack.pacs.importer import import_study
from bmtrack.pacs.models import DraftState, LesionTracking, MeasurementDraft, PacsStudy, StudyState
from bmtrack.patients import services as patient_services
from bmtrack.patients.models import Lesion, Patient


def _reread(pacs: Pacs, study: PacsStudy):
    raw = pacs.find_study(study.study_uid)
    if raw is None:
        raise ValidationError({"study": "The PACS no longer has this study."})
    try:
        return study_from_json(raw)
    except MalformedStudy as exc:
        raise ValidationError({"study": str(exc)}) from None


def assign_study(study: PacsStudy, patient: Patient, *, user, pacs: Pacs | None = None,
                 now: dt.datetime | None = None) -> PacsStudy:
    """An unmatched (or ignored) study, imported as a scan of ``patient`` chosen by the data manager."""
    now = now or utcnow()
    if study.state == StudyState.IMPORTED:
        raise ValidationError({"study": "This study is already a scan."})
    pacs = pacs or Pacs.from_settings()
    summary = _reread(pacs, study)
    result = import_study(pacs, summary, now=now, patient=patient, user=user, force=True)
    if result.state != StudyState.IMPORTED:
        raise ValidationError({"study": result.reason or "The study could not be imported."})
    return result


def retry_study(study: PacsStudy, *, user, pacs: Pacs | None = None, now: dt.datetime | None = None) -> PacsStudy:
    """Read a failed study again (after a fix in the PACS or a new sequence mapping)."""
    now = now or utcnow()
    if study.state != StudyState.FAILED:
        raise ValidationError({"study": "Only a study that failed is tried again."})
    pacs = pacs or Pacs.from_settings()
    return import_study(pacs, _reread(pacs, study), now=now, user=user)


def ignore_study(study: PacsStudy, *, user, reason: str = "", now: dt.datetime | None = None) -> PacsStudy:
    """Not ours (another hospital's patient, a phantom, a test): kept in the ledger, never imported."""
    now = now or utcnow()
    with transaction.atomic():
        study = PacsStudy.objects.select_for_update().get(pk=study.pk)
        if study.state == StudyState.IMPORTED:
            raise ValidationError({"study": "This study is already a scan."})
        study.state, study.updated_at, study.resolved_by = StudyState.IGNORED, now, user
        study.reason = (reason.strip() or "Ignored by the data manager.")[:300]
        study.save(update_fields=["state", "updated_at", "resolved_by", "reason"])
    return study


def confirm_draft(draft: MeasurementDraft, *, user, lesion_choices: dict[int, Lesion | str] | None = None,
                  now: dt.datetime | None = None) -> MeasurementDraft:
    """The reader accepts a draft: its lines become the scan's measurements (replacing any), RANO-BM
    is recomputed, and each Tracking UID is remembered for the lesion it measured.

    ``lesion_choices`` maps a line's id to the reader's choice: an existing lesion or a new label.
    """
    now = now or utcnow()
    lesion_choices = lesion_choices or {}
    with transaction.atomic():
        draft = MeasurementDraft.objects.select_for_update().select_related("scan__patient").get(pk=draft.pk)
        if draft.state != DraftState.DRAFT:
            raise ValidationError({"draft": f"This report is {draft.get_state_display().lower()} already."})
        lines = list(draft.lines.select_related("lesion"))
        measurements = []
        for index, line in enumerate(lines):
            lesion = lesion_choices.get(line.pk) or line.lesion or line.tracking_identifier
            if not lesion:
                raise ValidationError({f"lines[{index}].lesion": "Choose the lesion, or give a label for a new one."})
            if line.longest_diameter_mm is None:
                raise ValidationError({f"lines[{index}].longest_diameter_mm": "The report has no longest diameter."})
            measurements.append({"lesion": lesion, "longest_diameter_mm": line.longest_diameter_mm,
                                 "perpendicular_mm": line.perpendicular_mm})
        saved = patient_services.record_measurements(draft.scan, measurements, user=user, now=now)
        for line, measurement in zip(lines, saved, strict=True):
            line.lesion = measurement.lesion
            line.save(update_fields=["lesion"])
            if line.tracking_uid:
                LesionTracking.objects.update_or_create(tracking_uid=line.tracking_uid,
                                                        defaults={"lesion": measurement.lesion})
        draft.state, draft.decided_by, draft.decided_at = DraftState.CONFIRMED, user, now
        draft.save(update_fields=["state", "decided_by", "decided_at"])
    return draft


def reject_draft(draft: MeasurementDraft, *, user, now: dt.datetime | None = None) -> MeasurementDraft:
    now = now or utcnow()
    with transaction.atomic():
        draft = MeasurementDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.state != DraftState.DRAFT:
            raise ValidationError({"draft": f"This report is {draft.get_state_display().lower()} already."})
        draft.state, draft.decided_by, draft.decided_at = DraftState.REJECTED, user, now
        draft.save(update_fields=["state", "decided_by", "decided_at"])
    return draft
