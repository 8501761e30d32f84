"""Graded Prognostic Assessment (GPA): every variant of ``docs/clinical/gpa.md``.

The GPA (Sperduto et al.) estimates the median survival of a cohort of patients with brain
metastases from a few factors taken at the diagnosis of brain metastases. Each variant below is one
declarative table (``Variant``) copied from gpa.md, which checked the tables against the published
abstracts and the authors' calculator (brainmetgpa.com); each cites its paper in ``source``.

How a score is computed:

1. Every factor the variant uses is read strictly (gpa.md, "Conventions"): a missing or out-of-range
   value raises ``ClinicalInputError`` naming ``factors.<name>`` and the allowed values. Factors the
   variant does not use are ignored, even when malformed.
2. Each factor's points come from the variant's table, counted in integer half-points (gpa.md: "count
   in half-points, never floats"). Points in the tables below are written as text (``"1.5"``) and
   turned into half-points exactly, so the data reads like the reference.
3. The total selects the band; the band gives the cohort median survival and the 25th–75th percentile
   range (``iqr_months``; ``None`` where not published, upper end ``None`` for "not reached").

Choices made where gpa.md is silent or unclear (bmtrack choices, also listed in the hand-over):

- Haemoglobin is rounded to one decimal with ``Decimal(str(value))`` and ROUND_HALF_UP, so the
  number as written in JSON is rounded (11.15 -> 11.2, 11.149 -> 11.1), free of binary float error.
  Its allowed range is 1.0–25.0 g/dL (gpa.md gives none): a value in g/L such as 130 is an error,
  never silently scored.
- ``pd_l1_pct`` accepts any number 0–100 (a TPS of 0.5 % scores as < 1 %).
- Marker values must be written out: ``egfr_alk`` / ``braf`` take ``positive``, ``negative`` or
  ``unknown`` (``null`` is an error); ``pd_l1_pct`` and ``haemoglobin_g_dl`` take ``null`` for
  unknown, as the Conventions table says. A missing key is always an error (silence is not "unknown").
- nsclc-nonadeno-2017 has no gene factor, so its maximum is 3.0 and its table has only three bands
  (``0-1.0``, ``1.5-2.0``, ``2.5-3.0``); 3.0 falls in ``2.5-3.0`` (12.8 months). There is no
  ``3.5-4.0`` row for it, as in the table ("—").
- gi-2012 scores whole points only (KPS alone), so its bands ``0-1``, ``2``, ``3``, ``4`` cover
  every reachable total; 0.5-steps cannot occur.
- ``"variant": "auto"`` for a lung primary adds ``companion``: the Lung-molGPA 2017 result
  (nsclc-adeno-2017 / nsclc-nonadeno-2017) because the 2022 tables rest on a single secondary source;
  ``None`` for SCLC (no 2017 SCLC index). Every 2017 factor is also a factor of the matching 2022
  variant, so whenever the 2022 result can be computed the companion can too.
- Numbers in the output: ``score`` and ``points`` are JSON numbers (2.5, 4.0); medians are given as
  printed in gpa.md (6 or 6.0). ``inputs`` (extra field) holds the factor values as used, with
  haemoglobin after rounding, so the app can store "the inputs as used".

Everything is decision support: the result is a cohort median, never a prediction for one patient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import product
from typing import Any

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import as_bool, as_choice, as_int, as_number, as_object, require

REFERENCE = "docs/clinical/gpa.md"
NR = None  # "not reached": the upper end of a percentile range

# --------------------------------------------------------------------------------------------------
# Factors: names and allowed values (gpa.md, "Conventions", factor table)
# --------------------------------------------------------------------------------------------------

MARKER_VALUES = ("positive", "negative", "unknown")
SUBTYPES = ("basal", "luminal_a", "her2", "luminal_b")
HAEMOGLOBIN_RANGE_G_DL = (1.0, 25.0)  # bmtrack choice: gpa.md gives no range (see module docstring)


def _read_age(value: Any, field_name: str) -> int:
    return as_int(value, field_name, low=18, high=120)


def _read_kps(value: Any, field_name: str) -> int:
    allowed = "allowed 0–100 in steps of 10"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise ClinicalInputError(field_name, f"must be a Karnofsky score; {allowed} (got {value!r})")
    kps = int(value)
    if not 0 <= kps <= 100 or kps % 10:
        raise ClinicalInputError(field_name, f"{kps} is not a Karnofsky score; {allowed}")
    return kps


def _read_brain_metastases(value: Any, field_name: str) -> int:
    return as_int(value, field_name, low=1)


def _read_marker(value: Any, field_name: str) -> str:
    return as_choice(value, field_name, MARKER_VALUES)


def _read_subtype(value: Any, field_name: str) -> str:
    return as_choice(value, field_name, SUBTYPES)


def _read_pd_l1(value: Any, field_name: str) -> float | None:
    if value is None:
        return None
    return as_number(value, field_name, low=0, high=100)


def _read_haemoglobin(value: Any, field_name: str) -> float | None:
    """g/dL rounded to one decimal, ROUND_HALF_UP on the number as written (gpa.md, Conventions)."""
    if value is None:
        return None
    low, high = HAEMOGLOBIN_RANGE_G_DL
    number = as_number(value, field_name, low=low, high=high)
    return float(Decimal(str(number)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class FactorSpec:
    name: str
    allowed: str  # the allowed values, as gpa.md's Conventions table words them
    read: Callable[[Any, str], Any]


FACTORS: dict[str, FactorSpec] = {
    spec.name: spec
    for spec in (
        FactorSpec("age", "whole years 18–120", _read_age),
        FactorSpec("kps", "Karnofsky 0–100 in steps of 10", _read_kps),
        FactorSpec("extracranial_metastases", "true (present) or false (absent)", as_bool),
        FactorSpec("brain_metastases", "a whole number of brain metastases ≥ 1", _read_brain_metastases),
        FactorSpec("egfr_alk", "positive, negative or unknown", _read_marker),
        FactorSpec("pd_l1_pct", "tumour proportion score 0–100, or null (unknown)", _read_pd_l1),
        FactorSpec("braf", "positive, negative or unknown", _read_marker),
        FactorSpec("subtype", "basal, luminal_a, her2 or luminal_b", _read_subtype),
        FactorSpec(
            "haemoglobin_g_dl",
            f"g/dL {HAEMOGLOBIN_RANGE_G_DL[0]}–{HAEMOGLOBIN_RANGE_G_DL[1]}, or null (unknown)",
            _read_haemoglobin,
        ),
    )
}

# --------------------------------------------------------------------------------------------------
# Table building blocks
# --------------------------------------------------------------------------------------------------


def _half_points(points: str) -> int:
    """``"1.5"`` -> 3. Points are written as in gpa.md and must be multiples of 0.5."""
    doubled = Decimal(points) * 2
    if doubled != doubled.to_integral_value():
        raise ValueError(f"{points} is not a multiple of 0.5")
    return int(doubled)


@dataclass(frozen=True)
class Steps:
    """Points for a numeric factor: each step holds from its lowest value up to the next step.

    Steps start at the factor's lowest allowed value, so every valid value scores (no gaps).
    ``unknown`` is the points for ``null`` (only nullable factors have it).
    """

    steps: tuple[tuple[Decimal, int], ...]  # (lowest value, half-points), ascending
    unknown: int | None = None

    def half_points(self, value: Any) -> int:
        if value is None:
            assert self.unknown is not None, "a non-nullable factor was read as null"
            return self.unknown
        exact = Decimal(str(value))
        return [points for lowest, points in self.steps if exact >= lowest][-1]

    def possible(self) -> set[int]:
        found = {points for _, points in self.steps}
        return found | ({self.unknown} if self.unknown is not None else set())


@dataclass(frozen=True)
class Choice:
    """Points for a boolean or a named value (extracranial metastases, markers, subtype)."""

    points: Mapping[Any, int]  # value -> half-points

    def half_points(self, value: Any) -> int:
        return self.points[value]

    def possible(self) -> set[int]:
        return set(self.points.values())


def steps(*pairs: tuple[int | str, str], unknown: str | None = None) -> Steps:
    """``steps((18, "1.0"), (50, "0.5"), (60, "0"))``: < 50 -> 1.0, 50–59 -> 0.5, ≥ 60 -> 0."""
    return Steps(
        tuple((Decimal(str(lowest)), _half_points(points)) for lowest, points in pairs),
        None if unknown is None else _half_points(unknown),
    )


def choice(**points: str) -> Choice:
    return Choice({value: _half_points(p) for value, p in points.items()})


def extracranial(*, present: str, absent: str) -> Choice:
    return Choice({True: _half_points(present), False: _half_points(absent)})


def marker(*, positive: str) -> Choice:
    """A marker scores ``positive``; negative and unknown score 0 (gpa.md: unknown counts as negative)."""
    return Choice({"positive": _half_points(positive), "negative": 0, "unknown": 0})


@dataclass(frozen=True)
class Band:
    label: str
    low: int  # half-points, inclusive
    high: int  # half-points, inclusive
    median_months: float
    iqr_months: tuple[float, float | None] | None


def band(label: str, low: str, high: str, median: float, iqr: tuple | None = None) -> Band:
    return Band(label, _half_points(low), _half_points(high), median, iqr)


# gpa.md: "Standard bands: 0-1.0, 1.5-2.0, 2.5-3.0, 3.5-4.0 (all variants but gpa-2008 and gi-2012)".
STANDARD_BANDS = (
    ("0-1.0", "0", "1.0"),
    ("1.5-2.0", "1.5", "2.0"),
    ("2.5-3.0", "2.5", "3.0"),
    ("3.5-4.0", "3.5", "4.0"),
)


def standard_bands(*medians: tuple[float, float, float | None]) -> tuple[Band, ...]:
    """The standard bands, lowest first, with ``(median, iqr low, iqr high)`` each.

    Fewer medians than bands means the table stops there (nsclc-nonadeno-2017: max 3.0, three bands).
    """
    return tuple(
        band(label, low, high, median, (iqr_low, iqr_high))
        for (label, low, high), (median, iqr_low, iqr_high) in zip(STANDARD_BANDS, medians, strict=False)
    )


@dataclass(frozen=True)
class Variant:
    id: str
    title: str
    source: str
    rules: Mapping[str, Steps | Choice]  # factor name -> points, in the order of the reference table
    bands: tuple[Band, ...]
    note: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.rules) - set(FACTORS)
        if unknown:
            raise ValueError(f"{self.id}: unknown factors {sorted(unknown)}")
        # Every reachable total must fall in exactly one band (a data check, run once at import).
        for total in self.reachable_totals():
            if sum(b.low <= total <= b.high for b in self.bands) != 1:
                raise ValueError(f"{self.id}: total {total / 2} is not in exactly one band")

    def reachable_totals(self) -> set[int]:
        return {sum(combo) for combo in product(*(rule.possible() for rule in self.rules.values()))}

    @property
    def max_half_points(self) -> int:
        return max(self.reachable_totals())


# --------------------------------------------------------------------------------------------------
# The variants (gpa.md, one section each). Comments repeat the reference's wording of each row.
# --------------------------------------------------------------------------------------------------

_2012_NOTE = "Diagnosis-specific GPA 2012, kept for comparison with older records; the current index is {}."
_2022_NOTE = (
    "Single secondary source (an open-source calculator port with tests): confirm against the "
    "worksheet of Sperduto, IJROBP 2022;114:60–74 before relying on it."
)
_JCO_2012 = "Sperduto et al., J Clin Oncol 2012;30:419–425 (diagnosis-specific GPA)"
_IJROBP_2022 = "Sperduto et al., IJROBP 2022;114:60–74 (updated Lung GPA with PD-L1; first SCLC GPA)"
_LUNG_MOLGPA = "Sperduto et al., JAMA Oncol 2017;3:827–831 (Lung-molGPA)"

# Rows shared by several tables (same wording in each section of gpa.md).
_KPS_2008 = steps((0, "0"), (70, "0.5"), (90, "1.0"))  # < 70: 0; 70–80: 0.5; 90–100: 1.0
_BM_2008 = steps((1, "1.0"), (2, "0.5"), (4, "0"))  # 1: 1.0; 2–3: 0.5; > 3: 0
_KPS_MOLGPA = steps((0, "0"), (80, "0.5"), (90, "1.0"))  # ≤ 70: 0; 80: 0.5; 90–100: 1.0
_AGE_UNDER_70 = steps((18, "0.5"), (70, "0"))  # < 70: 0.5; ≥ 70: 0
_BM_1_TO_4 = steps((1, "0.5"), (5, "0"))  # 1–4: 0.5; ≥ 5 (> 4): 0
_KPS_MELANOMA_RENAL_2012 = steps((0, "0"), (70, "1.0"), (90, "2.0"))  # < 70: 0; 70–80: 1.0; 90–100: 2.0
_BM_MELANOMA_RENAL_2012 = steps((1, "2.0"), (2, "1.0"), (4, "0"))  # 1: 2.0; 2–3: 1.0; > 3: 0
_KPS_RENAL_GI = steps((0, "0"), (80, "1.0"), (90, "2.0"))  # < 80: 0; 80: 1.0; 90–100: 2.0


def _lung_molgpa_2017(variant_id: str, title: str, with_gene: bool, medians: tuple, note: str | None) -> Variant:
    """gpa.md, "nsclc-adeno-2017 and nsclc-nonadeno-2017": one table, the gene row for adeno only."""
    rules: dict[str, Steps | Choice] = {
        "age": _AGE_UNDER_70,
        "kps": _KPS_MOLGPA,  # KPS 70 scores 0 (the authors' calculator offers "≤ 70")
        "extracranial_metastases": extracranial(present="0", absent="1.0"),
        "brain_metastases": _BM_1_TO_4,  # 1–4: 0.5; > 4: 0
    }
    if with_gene:
        rules["egfr_alk"] = marker(positive="1.0")  # positive: 1.0; negative / unknown: 0
    return Variant(variant_id, title, _LUNG_MOLGPA, rules, standard_bands(*medians), note)


_VARIANT_LIST = (
    Variant(
        "gpa-2008",
        "Original GPA",
        "Sperduto et al., IJROBP 2008;70:510–514 (original GPA, 1,960 RTOG patients)",
        {
            "age": steps((18, "1.0"), (50, "0.5"), (60, "0")),  # < 50: 1.0; 50–59: 0.5; ≥ 60: 0
            "kps": _KPS_2008,
            "extracranial_metastases": extracranial(present="0", absent="1.0"),
            "brain_metastases": _BM_2008,
        },
        (  # non-standard bands; percentile ranges not given in gpa.md
            band("0-1.0", "0", "1.0", 2.6),
            band("1.5-2.5", "1.5", "2.5", 3.8),
            band("3.0", "3.0", "3.0", 6.9),
            band("3.5-4.0", "3.5", "4.0", 11.0),
        ),
        "Points confirmed by two implementations; the median survival figures are as widely cited "
        "and were not re-checked against the paper.",
    ),
    Variant(
        "nsclc-2012",
        "Diagnosis-specific GPA 2012: NSCLC",
        _JCO_2012,
        {
            "age": steps((18, "1.0"), (50, "0.5"), (61, "0")),  # < 50: 1.0; 50–60: 0.5; > 60: 0
            "kps": _KPS_2008,
            "extracranial_metastases": extracranial(present="0", absent="1.0"),
            "brain_metastases": _BM_2008,
        },
        standard_bands((3.0, 1.6, 8.9), (5.5, 2.2, 14.3), (9.4, 4.1, 20.6), (14.8, 7.4, 28.5)),
        _2012_NOTE.format("nsclc-adeno-2022 / nsclc-nonadeno-2022 (sclc-2022 for SCLC)")
        + " Age 60 scores 0.5 here but 0 in gpa-2008.",
    ),
    Variant(
        "melanoma-2012",
        "Diagnosis-specific GPA 2012: melanoma",
        _JCO_2012,
        {"kps": _KPS_MELANOMA_RENAL_2012, "brain_metastases": _BM_MELANOMA_RENAL_2012},
        standard_bands((3.4, 1.6, 6.0), (4.7, 2.5, 11.0), (8.8, 4.6, 14.6), (13.2, 7.1, 25.8)),
        _2012_NOTE.format("melanoma-2017"),
    ),
    Variant(
        "renal-2012",
        "Diagnosis-specific GPA 2012: renal cell carcinoma",
        _JCO_2012,
        {"kps": _KPS_MELANOMA_RENAL_2012, "brain_metastases": _BM_MELANOMA_RENAL_2012},  # as melanoma-2012
        standard_bands((3.3, 1.3, 7.5), (7.3, 2.9, 15.8), (11.3, 5.0, 18.9), (14.8, 6.6, 32.2)),
        _2012_NOTE.format("renal-2018"),
    ),
    Variant(
        "gi-2012",
        "Diagnosis-specific GPA 2012: gastrointestinal cancers",
        _JCO_2012,
        {"kps": steps((0, "0"), (70, "1"), (80, "2"), (90, "3"), (100, "4"))},  # < 70: 0; 70: 1; ... 100: 4
        (  # non-standard bands (whole points only)
            band("0-1", "0", "1", 3.1, (1.8, 6.2)),
            band("2", "2", "2", 4.4, (2.4, 10.4)),
            band("3", "3", "3", 6.9, (4.1, 15.2)),
            band("4", "4", "4", 13.5, (9.9, 27.1)),
        ),
        _2012_NOTE.format("gi-2019"),
    ),
    Variant(
        "breast-2012",
        "Diagnosis-specific GPA 2012: breast cancer",
        "Sperduto et al., IJROBP 2012;82:2111–2117 (Breast GPA)",
        {
            # ≤ 50: 0; 60: 0.5; 70–80: 1.0; 90–100: 1.5
            "kps": steps((0, "0"), (60, "0.5"), (70, "1.0"), (90, "1.5")),
            "subtype": choice(basal="0", luminal_a="1.0", her2="1.5", luminal_b="2.0"),
            "age": steps((18, "0.5"), (60, "0")),  # < 60: 0.5; ≥ 60: 0
        },
        standard_bands((3.4, 1.4, 7.3), (7.7, 3.0, 15.2), (15.1, 5.9, 27.4), (25.3, 12.8, 45.8)),
        _2012_NOTE.format("breast-2020"),
    ),
    _lung_molgpa_2017(
        "nsclc-adeno-2017",
        "Lung-molGPA 2017: NSCLC adenocarcinoma",
        True,
        ((6.9, 2.6, 15.3), (13.7, 5.5, 24.6), (26.5, 10.7, 53.8), (46.8, 25.8, NR)),
        None,
    ),
    _lung_molgpa_2017(
        "nsclc-nonadeno-2017",
        "Lung-molGPA 2017: NSCLC non-adenocarcinoma",
        False,
        ((5.3, 1.9, 11.1), (9.8, 3.9, 20.3), (12.8, 7.0, 30.1)),  # no 3.5-4.0 row ("—")
        "No gene factor: the maximum score is 3.0 and the table has no 3.5-4.0 band.",
    ),
    Variant(
        "nsclc-adeno-2022",
        "Updated Lung GPA 2022: NSCLC adenocarcinoma",
        _IJROBP_2022,
        {
            "kps": _KPS_MOLGPA,  # ≤ 70: 0; 80: 0.5; 90–100: 1.0
            "age": _AGE_UNDER_70,
            "extracranial_metastases": extracranial(present="0", absent="1.0"),
            "brain_metastases": _BM_1_TO_4,  # ≥ 5: 0; 1–4: 0.5
            "egfr_alk": marker(positive="0.5"),
            "pd_l1_pct": steps((0, "0"), (1, "0.5"), unknown="0"),  # ≥ 1: 0.5; < 1 or unknown: 0
        },
        standard_bands((6, 2, 13), (15, 5, 38), (30, 12, NR), (52, 25, 69)),
        _2022_NOTE,
    ),
    Variant(
        "nsclc-nonadeno-2022",
        "Updated Lung GPA 2022: NSCLC non-adenocarcinoma",
        _IJROBP_2022,
        {
            # ≤ 60: 0; 70: 1.0; 80: 1.5; 90–100: 2.0
            "kps": steps((0, "0"), (70, "1.0"), (80, "1.5"), (90, "2.0")),
            "age": _AGE_UNDER_70,
            "extracranial_metastases": extracranial(present="0", absent="1.0"),
            "brain_metastases": _BM_1_TO_4,
        },
        standard_bands((2, 1, 4), (5, 3, 12), (10, 4, 21), (19, 8, 33)),
        _2022_NOTE,
    ),
    Variant(
        "sclc-2022",
        "SCLC GPA 2022",
        _IJROBP_2022,
        {
            # ≤ 60: 0; 70: 0.5; 80: 1.0; 90: 1.5; 100: 2.0
            "kps": steps((0, "0"), (70, "0.5"), (80, "1.0"), (90, "1.5"), (100, "2.0")),
            "age": steps((18, "0.5"), (75, "0")),  # < 75: 0.5; ≥ 75: 0
            "extracranial_metastases": extracranial(present="0", absent="0.5"),
            "brain_metastases": steps((1, "1.0"), (4, "0.5"), (8, "0")),  # 1–3: 1.0; 4–7: 0.5; ≥ 8: 0
        },
        standard_bands((4, 2, 8), (8, 4, 15), (13, 7, 23), (23, 11, NR)),
        _2022_NOTE,
    ),
    Variant(
        "breast-2020",
        "Updated Breast GPA 2020",
        "Sperduto et al., IJROBP 2020;107:334–343 (updated Breast GPA)",
        {
            "kps": steps((0, "0"), (70, "0.5"), (90, "1.0")),  # ≤ 60: 0; 70–80: 0.5; 90–100: 1.0
            "subtype": choice(basal="0", luminal_a="0.5", her2="1.5", luminal_b="1.5"),
            "age": steps((18, "0.5"), (60, "0")),  # < 60: 0.5; ≥ 60: 0
            "brain_metastases": steps((1, "0.5"), (2, "0")),  # 1: 0.5; > 1: 0
            "extracranial_metastases": extracranial(present="0", absent="0.5"),
        },
        standard_bands((6.0, 2.5, 12.3), (12.9, 5.6, 27), (23.5, 11.1, 47), (36.3, 18.5, 78.1)),
        "The 2020 summary abstract quotes 3–36 months for breast; the authors' calculator gives 6.0 "
        "for the lowest band, used here.",
    ),
    Variant(
        "melanoma-2017",
        "Melanoma-molGPA 2017",
        "Sperduto et al., IJROBP 2017;99:812–816 (Melanoma-molGPA)",
        {
            "age": _AGE_UNDER_70,
            "kps": _KPS_MOLGPA,  # ≤ 70: 0; 80: 0.5; 90–100: 1.0
            "extracranial_metastases": extracranial(present="0", absent="1.0"),
            "brain_metastases": steps((1, "1.0"), (2, "0.5"), (5, "0")),  # 1: 1.0; 2–4: 0.5; > 4: 0
            "braf": marker(positive="0.5"),
        },
        standard_bands((4.9, 2.3, 10.7), (8.3, 3.9, 18.2), (15.8, 8.2, 49.3), (34.1, 15.1, NR)),
    ),
    Variant(
        "renal-2018",
        "Renal GPA 2018 (with haemoglobin)",
        "Sperduto et al., 2018; ASTRO abstract IJROBP 2017;99(2S):S169 (Renal GPA)",
        {
            "kps": _KPS_RENAL_GI,
            "extracranial_metastases": extracranial(present="0", absent="0.5"),
            # ≤ 11.1: 0; 11.2–12.5 or unknown: 0.5; ≥ 12.6: 1.0 (after rounding to one decimal)
            "haemoglobin_g_dl": steps(
                (HAEMOGLOBIN_RANGE_G_DL[0], "0"), ("11.2", "0.5"), ("12.6", "1.0"), unknown="0.5"
            ),
            "brain_metastases": _BM_1_TO_4,  # 1–4: 0.5; ≥ 5: 0
        },
        standard_bands((4, 2, 8), (12, 5, 24), (17, 8, 36), (35, 13, 61)),
    ),
    Variant(
        "gi-2019",
        "GI GPA 2019",
        "Sperduto et al., Clin Transl Radiat Oncol 2019;18:39–45 (GI GPA)",
        {
            "kps": _KPS_RENAL_GI,
            "age": steps((18, "0.5"), (60, "0")),  # < 60: 0.5; ≥ 60: 0
            "extracranial_metastases": extracranial(present="0", absent="0.5"),
            "brain_metastases": steps((1, "1.0"), (2, "0.5"), (4, "0")),  # 1: 1.0; 2–3: 0.5; > 3: 0
        },
        standard_bands((3.4, 1.6, 8.3), (6.5, 2.7, 16.9), (10.8, 4.2, 21.4), (17, 8.8, 29.7)),
    ),
)

GPA_VARIANTS: dict[str, Variant] = {variant.id: variant for variant in _VARIANT_LIST}

# gpa.md, '"variant": "auto"': primary type (screening.md types) -> variant.
AUTO_VARIANT: dict[str, str] = {
    "nsclc_adeno": "nsclc-adeno-2022",
    "nsclc_nonadeno": "nsclc-nonadeno-2022",
    "sclc": "sclc-2022",
    "breast": "breast-2020",
    "melanoma": "melanoma-2017",
    "renal": "renal-2018",
    "colorectal": "gi-2019",
    "gi_other": "gi-2019",
    "gynaecological": "gpa-2008",  # no diagnosis-specific index exists
    "other": "gpa-2008",
}
# gpa.md: "For lung primaries the app also shows the Lung-molGPA 2017 result beside the 2022 one".
LUNG_COMPANION: dict[str, str | None] = {
    "nsclc_adeno": "nsclc-adeno-2017",
    "nsclc_nonadeno": "nsclc-nonadeno-2017",
    "sclc": None,  # no Lung-molGPA for SCLC
}

# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GpaResult:
    variant: str
    half_points: int  # the total, in half-points
    factor_half_points: tuple[tuple[str, int], ...]  # (factor, half-points), in table order
    inputs: tuple[tuple[str, Any], ...]  # (factor, value as used), haemoglobin after rounding
    band: str
    median_survival_months: float
    iqr_months: tuple[float, float | None] | None
    source: str
    note: str | None

    @property
    def score(self) -> Decimal:
        return Decimal(self.half_points) / 2

    @property
    def points(self) -> dict[str, Decimal]:
        return {name: Decimal(half) / 2 for name, half in self.factor_half_points}

    def to_dict(self) -> dict:
        """The CLI/API shape of gpa.md ("Output") and DESIGN.md's contract."""
        return {
            "variant": self.variant,
            "score": self.half_points / 2,
            "points": {name: half / 2 for name, half in self.factor_half_points},
            "band": self.band,
            "median_survival_months": self.median_survival_months,
            "iqr_months": list(self.iqr_months) if self.iqr_months is not None else None,
            "source": self.source,
            "note": self.note,
            "inputs": dict(self.inputs),
        }


def get_variant(variant_id: Any) -> Variant:
    if not isinstance(variant_id, str) or variant_id not in GPA_VARIANTS:
        allowed = ", ".join(GPA_VARIANTS)
        raise ClinicalInputError("variant", f"unknown variant {variant_id!r}; allowed: auto, {allowed}")
    return GPA_VARIANTS[variant_id]


def factors_for(variant_id: str) -> tuple[str, ...]:
    """The factor names ``variant_id`` uses, in the order of its table in gpa.md."""
    return tuple(get_variant(variant_id).rules)


def choose_variant(primary_type: Any, field_name: str = "primary.type") -> str:
    """The variant gpa.md's "auto" table gives for a primary type (types as in screening.md)."""
    return AUTO_VARIANT[as_choice(primary_type, field_name, AUTO_VARIANT)]


def companion_variant(primary_type: str, field_name: str = "primary.type") -> str | None:
    """The Lung-molGPA 2017 variant shown beside a lung primary's 2022 result (None: none)."""
    choose_variant(primary_type, field_name)
    return LUNG_COMPANION.get(primary_type)


def score(variant_id: str, factors: Mapping, path: str = "factors") -> GpaResult:
    """Score ``factors`` (a mapping of gpa.md factor names to JSON-like values) with one variant."""
    variant = get_variant(variant_id)
    factors = as_object(factors, path)
    used: list[tuple[str, Any]] = []
    points: list[tuple[str, int]] = []
    for name, rule in variant.rules.items():
        spec = FACTORS[name]
        field_name = f"{path}.{name}"
        if name not in factors:
            raise ClinicalInputError(field_name, f"is required by {variant.id}; allowed: {spec.allowed}")
        value = spec.read(factors[name], field_name)
        used.append((name, value))
        points.append((name, rule.half_points(value)))
    total = sum(half for _, half in points)
    (matched,) = [b for b in variant.bands if b.low <= total <= b.high]
    return GpaResult(
        variant=variant.id,
        half_points=total,
        factor_half_points=tuple(points),
        inputs=tuple(used),
        band=matched.label,
        median_survival_months=matched.median_months,
        iqr_months=matched.iqr_months,
        source=f"{variant.source}; {REFERENCE}, {variant.id}",
        note=variant.note,
    )


def run(payload: dict) -> dict:
    """CLI ``gpa``: ``{"variant": ID | "auto", "factors": {...}, "primary": {"type"} | "<type>"}``."""
    variant_id = require(payload, "variant")
    factors = as_object(require(payload, "factors"), "factors")
    if variant_id != "auto":
        return score(get_variant(variant_id).id, factors).to_dict()
    primary = require(payload, "primary")
    if isinstance(primary, str):  # "primary": "nsclc_adeno" is accepted as well as {"type": ...}
        primary_type, field_name = primary, "primary"
    else:
        primary_type, field_name = require(as_object(primary, "primary"), "type", "primary"), "primary.type"
    result = score(choose_variant(primary_type, field_name), factors).to_dict()
    if primary_type in LUNG_COMPANION:
        companion = LUNG_COMPANION[primary_type]
        result["companion"] = score(companion, factors).to_dict() if companion else None
    return result
