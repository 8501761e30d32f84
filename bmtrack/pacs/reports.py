"""DICOM SR measurement reports → drafts of a scan's lesion measurements, awaiting a reader.

A report is read once (its SOP Instance UID is unique in ``MeasurementDraft``). Each tracked lesion
is mapped to the patient's lesion by its Tracking UID (remembered from an earlier confirmation in
``LesionTracking``), else by its Tracking Identifier equal to the lesion's label; an unmapped line
becomes a new lesion of that label when confirmed. Nothing counts for RANO-BM until a reader
confirms (``services.confirm_draft``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction

from bmtrack.core.clock import site_zone
from bmtrack.pacs.client import Pacs
from bmtrack.pacs.dicom import MalformedStudy, SeriesInfo, series_from_metadata
from bmtrack.pacs.models import DraftLine, DraftState, LesionTracking, MeasurementDraft, StudyState
from bmtrack.pacs.structured_reports import NotAMeasurementReport, read_report
from bmtrack.patients.models import Lesion, Scan
from bmtrack.patients.models.choices import MeasurementStatus, Modality


def import_reports(pacs: Pacs, scan: Scan, sr_series: list[SeriesInfo], *, now: dt.datetime) -> Counter:
    """Read the SR documents of these series not read before; returns counts."""
    counts: Counter = Counter()
    if scan.modality != Modality.MRI:
        return counts
    for series in sr_series:
        try:
            instances = pacs.instances_of(scan.study_uid, series.series_uid)
        except MalformedStudy:
            counts["reports_unreadable"] += 1
            continue
        for raw in instances:
            sop_uid = str(((raw.get("00080018") or {}).get("Value") or [""])[0])
            if not sop_uid or MeasurementDraft.objects.filter(sop_instance_uid=sop_uid).exists():
                continue
            counts[_import_report(pacs, scan, series.series_uid, sop_uid, now)] += 1
    return counts


def _import_report(pacs: Pacs, scan: Scan, series_uid: str, sop_uid: str, now: dt.datetime) -> str:
    problem, report = "", None
    try:
        report = read_report(pacs.instance(scan.study_uid, series_uid, sop_uid), site_zone())
        if not report.lines:
            problem = "The report holds no lesion diameters."
    except (MalformedStudy, NotAMeasurementReport) as exc:
        problem = str(exc)
    try:
        with transaction.atomic():
            draft = MeasurementDraft.objects.create(
                scan=scan, sop_instance_uid=sop_uid, created_at=now,
                state=DraftState.UNREADABLE if problem else DraftState.DRAFT,
                problem=problem[:300], observer=report.observer if report else "",
                content_at=report.content_at if report else None)
            if report and not problem:
                DraftLine.objects.bulk_create(_lines(draft, scan, report.lines))
    except IntegrityError:  # another poller read it first
        return "reports_known"
    return "drafts" if not problem else "reports_unreadable"


def _lines(draft: MeasurementDraft, scan: Scan, lines) -> list[DraftLine]:
    lesions = {lesion.label: lesion for lesion in Lesion.objects.filter(patient_id=scan.patient_id)}
    tracked = dict(LesionTracking.objects.filter(lesion__patient_id=scan.patient_id)
                   .values_list("tracking_uid", "lesion_id"))
    by_id = {lesion.pk: lesion for lesion in lesions.values()}
    return [
        DraftLine(draft=draft, tracking_uid=line.tracking_uid[:64], tracking_identifier=line.tracking_identifier[:64],
                  lesion=by_id.get(tracked.get(line.tracking_uid)) or lesions.get(line.tracking_identifier),
                  longest_diameter_mm=line.longest_mm, perpendicular_mm=line.perpendicular_mm)
        for line in lines
    ]


def sweep_reports(pacs: Pacs, *, now: dt.datetime) -> Counter:
    """Reports made after the images came in: search the recent imported MRIs still awaiting measurements."""
    counts: Counter = Counter()
    since = now - dt.timedelta(days=settings.PACS_SR_LOOKBACK_DAYS)
    scans = Scan.objects.filter(pacs_study__state=StudyState.IMPORTED, modality=Modality.MRI,
                                measurement_status=MeasurementStatus.PENDING, at__gte=since)
    for scan in scans.iterator(chunk_size=200):
        try:
            listed = pacs.sr_series_of(scan.study_uid)
            counts.update(import_reports(pacs, scan, [series_from_metadata([raw]) for raw in listed], now=now))
        except MalformedStudy:
            counts["reports_unreadable"] += 1
    return counts
