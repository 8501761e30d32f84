"""What bmtrack reads from DICOM JSON (PS3.18 F.2): a study found by QIDO-RS, a series' headers.

Plain data, no Django: the importer turns these into a Scan. pydicom parses the JSON (tags, value
representations); bad or missing values raise ``MalformedStudy`` naming the attribute, so that one
odd study is recorded as such and the others go on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydicom import Dataset
from pydicom.datadict import tag_for_keyword
from pydicom.valuerep import DA, TM

# Field strengths a Scan records (patients.models.choices.FIELD_STRENGTHS); scanners report the
# exact value (a Siemens 3 T says 2.89362), so the nearest within this distance is taken.
FIELD_STRENGTHS_T = (Decimal("1.5"), Decimal("3.0"), Decimal("7.0"))
FIELD_STRENGTH_TOLERANCE_T = 0.5
IMAGE_MODALITIES = {"MR": "mri", "CT": "ct"}


class MalformedStudy(ValueError):
    """A study or series whose headers bmtrack cannot use (the message names the attribute)."""


@dataclass(frozen=True)
class StudySummary:
    study_uid: str
    patient_id: str
    issuer: str
    patient_name: str
    birth_date: dt.date | None
    study_date: dt.date | None
    study_time: dt.time | None
    accession: str
    modalities: tuple[str, ...]
    series_count: int | None
    description: str = ""


@dataclass(frozen=True)
class SeriesInfo:
    series_uid: str
    number: int | None
    modality: str
    description: str
    protocol: str
    acquisition: str            # MRAcquisitionType: "3D", "2D" or ""
    slice_thickness_mm: float | None
    contrast_agent: str         # ContrastBolusAgent (0018,0010): set on post-contrast series
    field_strength_t: float | None
    manufacturer: str
    model: str
    station: str
    date: dt.date | None
    time: dt.time | None
    sop_class_uid: str = ""

    def as_dict(self) -> dict:
        """The fields the data manager needs to write a mapping for it."""
        return {"number": self.number, "description": self.description, "protocol": self.protocol,
                "acquisition": self.acquisition, "slice_thickness_mm": self.slice_thickness_mm,
                "contrast": bool(self.contrast_agent)}


READ = ("StudyInstanceUID", "PatientID", "IssuerOfPatientID", "PatientName", "PatientBirthDate", "StudyDate",
        "StudyTime", "AccessionNumber", "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "StudyDescription",
        "SeriesInstanceUID", "SeriesNumber", "Modality", "SeriesDescription", "ProtocolName", "MRAcquisitionType",
        "SliceThickness", "ContrastBolusAgent", "MagneticFieldStrength", "Manufacturer", "ManufacturerModelName",
        "StationName", "SeriesDate", "AcquisitionDate", "SeriesTime", "AcquisitionTime", "SOPClassUID")
# DICOM JSON keys of the attributes read: a series' metadata holds hundreds more, and parsing only
# these is what keeps a poll of thousands of series fast.
READ_TAGS = frozenset(f"{tag_for_keyword(keyword):08X}" for keyword in READ)


def _dataset(json: dict) -> Dataset:
    try:
        return Dataset.from_json({tag: value for tag, value in json.items() if tag.upper() in READ_TAGS})
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise MalformedStudy(f"unreadable DICOM JSON ({exc.__class__.__name__})") from None


def _text(ds: Dataset, keyword: str) -> str:
    try:
        value = ds.get(keyword, "")
    except (TypeError, ValueError):
        raise MalformedStudy(f"{keyword} is not readable") from None
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        value = "\\".join(str(v) for v in value)
    return str(value).strip()


def _date(ds: Dataset, keyword: str) -> dt.date | None:
    raw = _text(ds, keyword)
    if not raw:
        return None
    try:
        return DA(raw)
    except ValueError:
        raise MalformedStudy(f"{keyword} {raw!r} is not a DICOM date (YYYYMMDD)") from None


def _time(ds: Dataset, keyword: str) -> dt.time | None:
    raw = _text(ds, keyword)
    if not raw:
        return None
    try:
        return TM(raw)
    except ValueError:
        raise MalformedStudy(f"{keyword} {raw!r} is not a DICOM time (HHMMSS)") from None


def _number(ds: Dataset, keyword: str) -> float | None:
    raw = _text(ds, keyword)
    if not raw:
        return None
    try:
        return float(raw.split("\\")[0])
    except ValueError:
        raise MalformedStudy(f"{keyword} {raw!r} is not a number") from None


def _integer(ds: Dataset, keyword: str) -> int | None:
    value = _number(ds, keyword)
    return int(value) if value is not None else None


def _person_name(ds: Dataset, keyword: str) -> str:
    return _text(ds, keyword).replace("^", " ").strip()


def study_from_json(json: dict) -> StudySummary:
    """A QIDO-RS study result."""
    ds = _dataset(json)
    uid = _text(ds, "StudyInstanceUID")
    if not uid:
        raise MalformedStudy("StudyInstanceUID is missing")
    patient_id = _text(ds, "PatientID")
    modalities = tuple(m for m in _text(ds, "ModalitiesInStudy").split("\\") if m)
    return StudySummary(
        study_uid=uid, patient_id=patient_id, issuer=_text(ds, "IssuerOfPatientID"),
        patient_name=_person_name(ds, "PatientName"), birth_date=_date(ds, "PatientBirthDate"),
        study_date=_date(ds, "StudyDate"), study_time=_time(ds, "StudyTime"),
        accession=_text(ds, "AccessionNumber"), modalities=modalities,
        series_count=_integer(ds, "NumberOfStudyRelatedSeries"), description=_text(ds, "StudyDescription"),
    )


def series_from_metadata(instances: list[dict]) -> SeriesInfo:
    """A series from its WADO-RS metadata: the first instance carries the acquisition headers."""
    if not instances:
        raise MalformedStudy("a series has no instances")
    ds = _dataset(instances[0])
    uid = _text(ds, "SeriesInstanceUID")
    if not uid:
        raise MalformedStudy("SeriesInstanceUID is missing")
    return SeriesInfo(
        series_uid=uid, number=_integer(ds, "SeriesNumber"), modality=_text(ds, "Modality"),
        description=_text(ds, "SeriesDescription"), protocol=_text(ds, "ProtocolName"),
        acquisition=_text(ds, "MRAcquisitionType").upper(), slice_thickness_mm=_number(ds, "SliceThickness"),
        contrast_agent=_text(ds, "ContrastBolusAgent"), field_strength_t=_number(ds, "MagneticFieldStrength"),
        manufacturer=_text(ds, "Manufacturer"), model=_text(ds, "ManufacturerModelName"),
        station=_text(ds, "StationName"), date=_date(ds, "SeriesDate") or _date(ds, "AcquisitionDate"),
        time=_time(ds, "SeriesTime") or _time(ds, "AcquisitionTime"), sop_class_uid=_text(ds, "SOPClassUID"),
    )


def scan_modality(summary: StudySummary, series: list[SeriesInfo]) -> str | None:
    """mri or ct (an MR study with a CT localiser is an MRI), None for anything else."""
    found = set(summary.modalities) | {s.modality for s in series}
    for dicom, ours in IMAGE_MODALITIES.items():
        if dicom in found:
            return ours
    return None


def scan_instant(summary: StudySummary, series: list[SeriesInfo], zone: ZoneInfo) -> dt.datetime:
    """When the scan was made, as an aware instant.

    DICOM dates and times are the modality's local wall clock, taken here in the site's zone: the
    study's date and time, else the earliest series', else the study date at midnight.
    """
    if summary.study_date and summary.study_time:
        return dt.datetime.combine(summary.study_date, summary.study_time.replace(tzinfo=None), tzinfo=zone)
    timed = sorted((s.date or summary.study_date, s.time) for s in series if (s.date or summary.study_date) and s.time)
    if timed:
        day, time = timed[0]
        return dt.datetime.combine(day, time.replace(tzinfo=None), tzinfo=zone)
    day = summary.study_date or min((s.date for s in series if s.date), default=None)
    if day is None:
        raise MalformedStudy("StudyDate is missing (and no series has a date)")
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def field_strength(series: list[SeriesInfo]) -> Decimal | None:
    """The scanner's nominal field strength (1.5, 3 or 7 T) from MagneticFieldStrength."""
    values = [s.field_strength_t for s in series if s.field_strength_t]
    if not values:
        return None
    measured = max(set(values), key=values.count)
    nearest = min(FIELD_STRENGTHS_T, key=lambda nominal: abs(float(nominal) - measured))
    return nearest if abs(float(nearest) - measured) <= FIELD_STRENGTH_TOLERANCE_T else None


def scanner_name(series: list[SeriesInfo], max_length: int = 120) -> str:
    """Manufacturer, model and station of the first series that names them ("Siemens Prisma (MR3)")."""
    for s in series:
        maker = " ".join(part for part in (s.manufacturer, s.model) if part)
        if maker or s.station:
            name = f"{maker} ({s.station})" if maker and s.station else maker or s.station
            return name[:max_length]
    return ""
