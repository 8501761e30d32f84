"""Lesion diameters from a DICOM SR Measurement Report (TID 1500), as OHIF and other viewers write.

highdicom reads the document; each measurement group of a tracked finding (TID 1410/1411, Tracking
Identifier and Tracking UID) gives at most one lesion line: the longest diameter from "Long axis"
(SCT 103339001) or "Diameter" (SCT 81827009), the perpendicular from "Short axis" (SCT 103340004),
in mm (cm and µm are converted). Plain data out, no Django; RANO-BM itself is not computed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import highdicom as hd
from pydicom import Dataset
from pydicom.sr.codedict import codes
from pydicom.valuerep import DA, TM

LONGEST = {(codes.SCT.LongAxis.scheme_designator, codes.SCT.LongAxis.value),
           (codes.SCT.Diameter.scheme_designator, codes.SCT.Diameter.value)}
PERPENDICULAR = {(codes.SCT.ShortAxis.scheme_designator, codes.SCT.ShortAxis.value)}
TO_MM = {"mm": Decimal(1), "cm": Decimal(10), "um": Decimal("0.001")}
MEASUREMENT_REPORT = ("DCM", "126000")  # TID 1500 document title "Imaging Measurement Report"


class NotAMeasurementReport(ValueError):
    pass


@dataclass(frozen=True)
class LesionLine:
    tracking_uid: str
    tracking_identifier: str
    longest_mm: Decimal | None
    perpendicular_mm: Decimal | None


@dataclass(frozen=True)
class Report:
    observer: str
    content_at: dt.datetime | None
    lines: list[LesionLine]


def _mm(measurement) -> Decimal:
    unit = measurement.unit.value
    if unit not in TO_MM:
        raise NotAMeasurementReport(f"a diameter is in {unit!r}, not mm")
    return (Decimal(str(measurement.value)) * TO_MM[unit]).quantize(Decimal("0.1"))


def _key(code) -> tuple[str, str]:
    return code.scheme_designator, code.value


def read_report(dataset: Dataset, zone: ZoneInfo) -> Report:
    """The tracked lesions' diameters of a TID 1500 SR; ``NotAMeasurementReport`` otherwise."""
    title = dataset.get("ConceptNameCodeSequence")
    if not title or (title[0].CodingSchemeDesignator, title[0].CodeValue) != MEASUREMENT_REPORT:
        raise NotAMeasurementReport("the SR is not an Imaging Measurement Report (TID 1500)")
    try:
        # The document's root content item, as highdicom's SR classes build it (for any SR SOP class:
        # Enhanced, Comprehensive and Comprehensive 3D SR all carry TID 1500).
        root = Dataset()
        root.ConceptNameCodeSequence = dataset.ConceptNameCodeSequence
        root.ContentSequence = dataset.ContentSequence
        root.ValueType = dataset.ValueType
        root.ContinuityOfContent = dataset.ContinuityOfContent
        root.ContentTemplateSequence = dataset.ContentTemplateSequence
        report = hd.sr.MeasurementReport.from_sequence([root])
        groups = [*report.get_planar_roi_measurement_groups(), *report.get_volumetric_roi_measurement_groups(),
                  *report.get_image_measurement_groups()]
    except (AttributeError, ValueError, TypeError, IndexError) as exc:
        raise NotAMeasurementReport(f"the measurement report cannot be read ({exc.__class__.__name__})") from None
    lines = []
    for group in groups:
        longest = perpendicular = None
        for measurement in group.get_measurements():
            if _key(measurement.name) in LONGEST and longest is None:
                longest = _mm(measurement)
            elif _key(measurement.name) in PERPENDICULAR and perpendicular is None:
                perpendicular = _mm(measurement)
        if longest is None and perpendicular is None:
            continue  # a volume or a mean value, not a diameter: nothing for RANO-BM
        lines.append(LesionLine(str(group.tracking_uid or ""), (group.tracking_identifier or "").strip(),
                                longest, perpendicular))
    return Report(_observer(report), _content_at(dataset, zone), lines)


def _observer(report) -> str:
    for context in report.get_observer_contexts():
        attributes = getattr(context, "observer_identifying_attributes", None)
        name = getattr(attributes, "name", None)
        if name:
            return str(name).replace("^", " ").strip()[:200]
    return ""


def _content_at(dataset: Dataset, zone: ZoneInfo) -> dt.datetime | None:
    """When the reader made the report (the viewer's wall clock, taken in the site's zone)."""
    date, time = dataset.get("ContentDate"), dataset.get("ContentTime")
    if not date:
        return None
    try:
        day = DA(date)
        moment = TM(time) if time else dt.time.min
    except ValueError:
        return None
    return dt.datetime.combine(day, moment.replace(tzinfo=None), tzinfo=zone)
