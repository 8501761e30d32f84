"""Series headers → protocol sequence ids, through the seeded mapping rules (table-driven)."""

from __future__ import annotations

import pytest

from bmtrack.pacs.dicom import SeriesInfo
from bmtrack.pacs.models import SequenceMapping
from bmtrack.pacs.sequences import Rule, has_contrast, protocol_of
from bmtrack.patients.models.choices import Sequence


def series(description, acquisition="2D", thickness=5.0, contrast="", modality="MR", protocol="", number=1):
    return SeriesInfo(series_uid=f"1.2.{number}", number=number, modality=modality, description=description,
                      protocol=protocol, acquisition=acquisition, slice_thickness_mm=thickness,
                      contrast_agent=contrast, field_strength_t=3.0, manufacturer="", model="", station="",
                      date=None, time=None)


# Series names as Siemens, GE and Philips scanners write them for a brain-metastasis protocol.
CASES = [
    (series("t1_mprage_sag_p2_iso", "3D", 1.0), "t1_pre_3d"),
    (series("t1_mprage_sag_p2_iso", "3D", 1.0, contrast="Gadovist"), "t1_post_3d"),
    (series("Ax 3D T1 BRAVO +C", "3D", 1.0), "t1_post_3d"),
    (series("3D_T1_TFE_Gd", "3D", 0.9), "t1_post_3d"),
    (series("sT1W_3D_TFE", "3D", 1.0), "t1_pre_3d"),
    (series("t1_mprage_tra_5mm", "3D", 5.0, contrast="Gadovist"), None),  # too thick for the protocol
    (series("t1_se_tra", "2D", 5.0), ""),
    (series("t2_tse_tra_p2"), "t2"),
    (series("Ax T2 FRFSE"), "t2"),
    (series("t2_space_dark-fluid_sag_p2_iso", "3D", 1.0), "flair"),
    (series("3D FLAIR", "3D", 1.2), "flair"),
    (series("Ax T2 FLAIR"), "flair"),
    (series("ep2d_diff_tra_b1000"), "dwi"),
    (series("ep2d_diff_tra_b1000_ADC"), "dwi"),
    (series("Ax DWI 1000b"), "dwi"),
    (series("SWI_Images", "3D", 2.0, protocol="swi_tra_p2"), "swi"),
    (series("Ax SWAN", "3D", 2.0), "swi"),
    (series("ep2d_perf_p2", contrast="Gadovist"), "dsc"),
    (series("twist_dynamic_dce", "3D", 3.0, contrast="Gadovist"), "dce"),
    (series("pcasl_3d", "3D", 3.0), "asl"),
    (series("svs_se_30"), "mrs"),
    (series("localizer"), ""),
    (series("AAHead_Scout_32ch-head-coil"), ""),
    (series("phoenix_zip_report"), None),
]


@pytest.mark.parametrize(("info", "expected"), CASES, ids=[c[0].description for c in CASES])
def test_the_seeded_rules_recognise_the_vendors_series_names(info, expected, sequence_mappings):
    rules = [mapping.as_rule() for mapping in SequenceMapping.objects.all()]
    found = protocol_of([info], rules, list(Sequence.values))
    if expected is None:
        assert found.sequences == [] and found.unrecognised == [info.as_dict()]
    else:
        assert found.sequences == ([expected] if expected else []) and found.unrecognised == []


def test_series_that_are_not_mr_images_are_neither_sequences_nor_unrecognised():
    found = protocol_of([series("Measurements", modality="SR"), series("CT localiser", modality="CT")],
                        [Rule("t1", "t1_pre_3d")], list(Sequence.values))
    assert found.sequences == [] and found.unrecognised == []


@pytest.mark.parametrize(("description", "agent", "expected"), [
    ("t1_mprage", "", False),
    ("t1_mprage", "Dotarem", True),
    ("T1 post", "", True),
    ("T1+C", "", True),
    ("T1 KM", "", True),
    ("postmortem_t1", "", False),
    ("t1_ce_fl3d", "", True),
    ("sequence_test", "", False),
])
def test_contrast_is_read_from_the_agent_or_the_technologists_words(description, agent, expected):
    assert has_contrast(series(description, contrast=agent)) is expected


def test_the_first_matching_rule_wins():
    rules = [Rule("flair", "flair"), Rule("t2", "t2")]
    assert protocol_of([series("t2_flair")], rules, list(Sequence.values)).sequences == ["flair"]
