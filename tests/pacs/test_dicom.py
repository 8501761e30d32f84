"""Reading a study's DICOM JSON: times, field strength, scanner, and errors naming the attribute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bmtrack.pacs.dicom import (
    MalformedStudy,
    field_strength,
    scan_instant,
    scanner_name,
    series_from_metadata,
    study_from_json,
)

AMS = ZoneInfo("Europe/Amsterdam")


def qido(**values) -> dict:
    tags = {"StudyInstanceUID": ("0020000D", "UI"), "PatientID": ("00100020", "LO"), "StudyDate": ("00080020", "DA"),
            "StudyTime": ("00080030", "TM"), "PatientBirthDate": ("00100030", "DA"),
            "ModalitiesInStudy": ("00080061", "CS"), "NumberOfStudyRelatedSeries": ("00201206", "IS"),
            "SeriesInstanceUID": ("0020000E", "UI"), "MagneticFieldStrength": ("00180087", "DS"),
            "Manufacturer": ("00080070", "LO"), "ManufacturerModelName": ("00081090", "LO"),
            "StationName": ("00081010", "SH"), "SeriesTime": ("00080031", "TM"), "Modality": ("00080060", "CS")}
    return {tags[key][0]: {"vr": tags[key][1], "Value": value if isinstance(value, list) else [value]}
            for key, value in values.items()}


def test_a_study_is_read_from_its_qido_answer():
    summary = study_from_json(qido(StudyInstanceUID="1.2.3", PatientID="MRN1", StudyDate="20261201",
                                   StudyTime="101500.25", ModalitiesInStudy=["MR", "SR"],
                                   NumberOfStudyRelatedSeries=9))
    assert (summary.study_uid, summary.patient_id, summary.modalities, summary.series_count) == (
        "1.2.3", "MRN1", ("MR", "SR"), 9)
    assert scan_instant(summary, [], AMS) == dt.datetime(2026, 12, 1, 10, 15, 0, 250000, tzinfo=AMS)


@pytest.mark.parametrize(("values", "message"), [
    ({"PatientID": "MRN1"}, "StudyInstanceUID is missing"),
    ({"StudyInstanceUID": "1.2", "StudyDate": "2026-13-45"}, "StudyDate"),
    ({"StudyInstanceUID": "1.2", "PatientBirthDate": "yesterday"}, "PatientBirthDate"),
])
def test_a_malformed_study_is_refused_naming_the_attribute(values, message):
    with pytest.raises(MalformedStudy, match=message):
        study_from_json(qido(**values))


def test_without_a_study_time_the_earliest_series_time_is_taken():
    summary = study_from_json(qido(StudyInstanceUID="1.2", StudyDate="20261201"))
    late = series_from_metadata([qido(SeriesInstanceUID="1.2.2", SeriesTime="1130", Modality="MR")])
    early = series_from_metadata([qido(SeriesInstanceUID="1.2.1", SeriesTime="1104", Modality="MR")])
    assert scan_instant(summary, [late, early], AMS) == dt.datetime(2026, 12, 1, 11, 4, tzinfo=AMS)


@pytest.mark.parametrize(("measured", "nominal"), [
    ("2.89362", Decimal("3.0")), ("3", Decimal("3.0")), ("1.494", Decimal("1.5")), ("6.98", Decimal("7.0")),
    ("0.55", None), (None, None),
])
def test_the_field_strength_is_the_nearest_nominal_one(measured, nominal):
    values = {"SeriesInstanceUID": "1.2.1"}
    if measured:
        values["MagneticFieldStrength"] = measured
    assert field_strength([series_from_metadata([qido(**values)])]) == nominal


def test_the_scanner_is_named_by_maker_model_and_station():
    info = series_from_metadata([qido(SeriesInstanceUID="1.2", Manufacturer="GE MEDICAL SYSTEMS",
                                      ManufacturerModelName="SIGNA Premier", StationName="MR7")])
    assert scanner_name([info]) == "GE MEDICAL SYSTEMS SIGNA Premier (MR7)"
