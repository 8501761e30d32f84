"""Screening advice and lifetime risk of brain metastases for a newly diagnosed primary.

Implements ``docs/clinical/screening.md`` ("Lifetime risk ..." and "Screening advice ..."), whose
source is the seed review "Screening for brain metastases" (Table 1 and its text), citing ESMO and
NCCN (seed refs 20, 34, 35, 36) and SEER lifetime incidence (seed ref 16). Every reason in the output
names the line it rests on.

How advice is chosen (screening.md's table, first matching row wins):

1. neurological symptoms -> ``image_now``;
2. ``sclc`` -> ``screen``;
3. NSCLC stage II–IV -> ``screen``; stage I -> ``guidelines_differ`` (ESMO screens, NCCN does not;
   both are returned in ``guidelines``, never one picked silently);
4. ``melanoma`` IIIC, IIID or IV -> ``screen``; below IIIC -> ``symptoms_only``;
5. ``breast``, ``renal``, ``colorectal``, ``gynaecological`` -> ``symptoms_only``;
6. any other primary (``gi_other``, ``other``: the ones no earlier row names) at stage IV ->
   ``consider``; otherwise ``symptoms_only``.

Choices made where screening.md is silent or unclear (bmtrack choices):

- ``stage`` is required only where the rule needs it: for NSCLC, melanoma, ``gi_other`` and
  ``other`` without neurological symptoms. Otherwise it may be absent or ``null``; when given it is
  always validated. ``seer_stage`` is not used in its place (it is the SEER summary stage for the
  risk figure, not the AJCC stage of the table).
- Stages: AJCC group ``I``–``IV``, optionally a sub-stage letter A–D and a digit 1–3 (``IA2``,
  ``IIIC``, ``IVB``), case-insensitive, surrounding blanks ignored. ``0`` (in situ) is not accepted:
  screening.md's input lists I–IV only.
- Melanoma stage ``III`` without its letter cannot be placed against the IIIC threshold: it is an
  error naming ``stage`` (never a silent guess) unless there are neurological symptoms.
- ``neuro_symptoms`` is required in the CLI input (true/false; screening.md does not mark it
  optional, and a missing answer must not read as "no symptoms"). The Python API defaults it to False.
- Gynaecological primaries have no per-stage figure: ``lifetime_risk_pct`` is ``None`` with the reason
  "incidence < 1 % (no per-stage figures)". ``gi_other`` and ``other`` have no figure at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bmtrack.clinical.citations import Sourced
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import as_bool, as_choice, require

REFERENCE = "docs/clinical/screening.md"

# screening.md (and gpa.md's "auto" table): the primary tumour types of bmtrack.
PRIMARY_TYPES = (
    "nsclc_adeno",
    "nsclc_nonadeno",
    "sclc",
    "breast",
    "melanoma",
    "renal",
    "colorectal",
    "gi_other",
    "gynaecological",
    "other",
)
SEER_STAGES = ("local", "regional", "metastatic")
RECOMMENDATIONS = ("image_now", "screen", "guidelines_differ", "symptoms_only", "consider")
NSCLC_TYPES = ("nsclc_adeno", "nsclc_nonadeno")
STAGE_DEPENDENT_TYPES = (*NSCLC_TYPES, "melanoma", "gi_other", "other")

# --------------------------------------------------------------------------------------------------
# Lifetime risk (screening.md, seed Table 1, ref 16)
# --------------------------------------------------------------------------------------------------

RISK_SOURCE = "seed review, Table 1: SEER lifetime incidence, ref 16"


@dataclass(frozen=True)
class RiskRow:
    label: str
    all_stages: float | None
    by_seer_stage: dict[str, float] | None  # local / regional / metastatic
    risk_factors: str | None  # Table 1's risk factors and driver mutations, shown as text
    no_figure: str | None = None  # the reason when there is no figure


_LUNG = RiskRow(
    "lung cancer",
    19.9,
    {"local": 9.2, "regional": 14.6, "metastatic": 29.9},
    "younger age, female, adenocarcinoma, advanced disease; EGFR in 30–70 % and ALK in 60–90 % of "
    "NSCLC brain metastases",
)
_NO_TABLE_FIGURE = "seed Table 1 gives no lifetime-risk figure for this primary; none is given here"
LIFETIME_RISK: dict[str, RiskRow] = {
    "nsclc_adeno": _LUNG,
    "nsclc_nonadeno": _LUNG,
    "sclc": _LUNG,
    "breast": RiskRow(
        "breast cancer",
        5.1,
        {"local": 2.5, "regional": 6.8, "metastatic": 14.2},
        "age > 41, triple-negative and HER2+ subtypes, 2–3 extracranial metastatic sites",
    ),
    "melanoma": RiskRow(
        "melanoma",
        6.9,
        {"local": 4.1, "regional": 18.5, "metastatic": 36.8},
        "peak at 50–59 years, male, T-stage, head/neck or trunk primary, ulceration, nodular, "
        "desmoplastic/spindle, depth",
    ),
    "renal": RiskRow(
        "renal cell carcinoma",
        6.5,
        {"local": 2.5, "regional": 7.6, "metastatic": 13.4},
        "clear cell histology; VEGFR",
    ),
    "colorectal": RiskRow(
        "colorectal cancer",
        1.8,
        {"local": 0.8, "regional": 2.0, "metastatic": 2.9},
        "late (advanced) disease; RAS",
    ),
    "gynaecological": RiskRow("gynaecological cancer", None, None, None, "incidence < 1 % (no per-stage figures)"),
    "gi_other": RiskRow("other gastrointestinal cancer", None, None, None, _NO_TABLE_FIGURE),
    "other": RiskRow("other primary", None, None, None, _NO_TABLE_FIGURE),
}


@dataclass(frozen=True)
class LifetimeRisk:
    primary_type: str
    seer_stage: str | None  # None: the all-stages figure
    pct: float | None
    reason: str
    risk_factors: str | None
    source: str = RISK_SOURCE


def lifetime_risk(primary_type: str, seer_stage: str | None = None) -> LifetimeRisk:
    """The lifetime risk of brain metastases for a primary (screening.md, seed Table 1, ref 16).

    Without ``seer_stage`` the all-stages figure is given; where Table 1 has no figure, ``pct`` is None
    and ``reason`` says why (never an invented number).
    """
    primary_type = as_choice(primary_type, "type", PRIMARY_TYPES)
    if seer_stage is not None:
        seer_stage = as_choice(seer_stage, "seer_stage", SEER_STAGES)
    row = LIFETIME_RISK[primary_type]
    if row.all_stages is None:
        reason = f"Lifetime risk of brain metastases for {row.label}: {row.no_figure}"
        return LifetimeRisk(primary_type, seer_stage, None, reason, row.risk_factors)
    if seer_stage is None:
        pct, basis = row.all_stages, "all stages"
    else:
        pct, basis = row.by_seer_stage[seer_stage], f"SEER stage {seer_stage}"
    reason = f"Lifetime risk of brain metastases for {row.label}, {basis}: {pct} %"
    return LifetimeRisk(primary_type, seer_stage, pct, reason, row.risk_factors)


# --------------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------------

_STAGE_RE = re.compile(r"^(IV|III|II|I)(?:([A-D])([1-3])?)?$")
_STAGE_ALLOWED = "AJCC stage I, II, III or IV, with an optional sub-stage (IA, IIB, IIIC, IVA, IA2 …)"


@dataclass(frozen=True)
class Stage:
    group: int  # 1–4
    letter: str | None  # A–D
    digit: str | None  # 1–3 (e.g. NSCLC IA2)

    @property
    def text(self) -> str:
        return ("I", "II", "III", "IV")[self.group - 1] + (self.letter or "") + (self.digit or "")


def parse_stage(value: Any, field_name: str = "stage") -> Stage:
    if not isinstance(value, str):
        raise ClinicalInputError(field_name, f"must be {_STAGE_ALLOWED} (got {value!r})")
    match = _STAGE_RE.match(value.strip().upper())
    if not match:
        raise ClinicalInputError(field_name, f"{value!r} is not {_STAGE_ALLOWED}")
    group, letter, digit = match.groups()
    return Stage(("I", "II", "III", "IV").index(group) + 1, letter, digit)


# --------------------------------------------------------------------------------------------------
# Advice (screening.md, "Screening advice for a newly diagnosed primary")
# --------------------------------------------------------------------------------------------------

SOURCES = {
    "symptoms": 'seed review: "Imaging ... with neurological deficits or symptoms of increased '
    'intracranial pressure ... is routinely performed"',
    "sclc": 'seed review, ref 35: "In SCLC, screening for BMs is always recommended at primary diagnosis"',
    "esmo": "seed review, ref 20: ESMO recommends screening in all NSCLC; ref 34: 85 % screen advanced lung cancer",
    "nccn_stage_i": 'seed review, ref 20: "NCCN does not recommend screening in stage I NSCLC patients '
    'without symptoms"',
    "melanoma": "seed review, ref 36: NCCN recommends screening in melanoma stage IIIC to IV",
    "breast": 'seed review, ref 36: "in breast cancer, screening is only recommended for symptomatic patients"',
    "rare": 'seed review: "cancers that rarely metastasise to the brain ... only ... with symptoms"',
    "consider": 'seed review: "screening should be considered if BMs would change the treatment plan"',
    "otherwise": f'{REFERENCE}, screening table, row "otherwise"',
}


Reason = Sourced


@dataclass(frozen=True)
class GuidelineView:
    guideline: str
    recommendation: str
    source: str


@dataclass(frozen=True)
class ScreeningAdvice:
    primary_type: str
    stage: Stage | None
    neuro_symptoms: bool
    recommendation: str
    reasons: tuple[Reason, ...]  # the rule that decided first, then the lifetime risk
    risk: LifetimeRisk
    guidelines: tuple[GuidelineView, ...] | None  # both views where guidelines differ

    @property
    def lifetime_risk_pct(self) -> float | None:
        return self.risk.pct

    def to_dict(self) -> dict:
        return {
            "recommendation": self.recommendation,
            "lifetime_risk_pct": self.risk.pct,
            "reasons": [str(reason) for reason in self.reasons],
            "reasons_detail": [{"text": r.text, "source": r.source} for r in self.reasons],
            "risk_factors": self.risk.risk_factors,
            "guidelines": None
            if self.guidelines is None
            else [
                {"guideline": g.guideline, "recommendation": g.recommendation, "source": g.source}
                for g in self.guidelines
            ],
            "stage": self.stage.text if self.stage else None,
            "seer_stage": self.risk.seer_stage,
            "source": f"seed review, 'Screening for brain metastases'; {REFERENCE}",
        }


def advise(
    primary_type: str,
    stage: str | None,
    seer_stage: str | None = None,
    neuro_symptoms: bool = False,
) -> ScreeningAdvice:
    """Screening advice for a newly diagnosed primary (screening.md, first matching row wins)."""
    primary_type = as_choice(primary_type, "type", PRIMARY_TYPES)
    neuro_symptoms = as_bool(neuro_symptoms, "neuro_symptoms")
    parsed = None if stage is None else parse_stage(stage)
    risk = lifetime_risk(primary_type, seer_stage)
    if parsed is None and not neuro_symptoms and primary_type in STAGE_DEPENDENT_TYPES:
        raise ClinicalInputError(
            "stage",
            f"is required for {primary_type} without neurological symptoms; allowed: {_STAGE_ALLOWED}",
        )
    recommendation, reason = _decide(primary_type, parsed, neuro_symptoms)
    guidelines = STAGE_I_NSCLC_GUIDELINES if recommendation == "guidelines_differ" else None
    risk_reason = Reason(risk.reason, risk.source)
    return ScreeningAdvice(
        primary_type, parsed, neuro_symptoms, recommendation, (reason, risk_reason), risk, guidelines
    )


# screening.md: "Stage I NSCLC must show both guidelines, never pick one silently."
STAGE_I_NSCLC_GUIDELINES = (
    GuidelineView("ESMO", "screen", SOURCES["esmo"]),
    GuidelineView("NCCN", "symptoms_only", SOURCES["nccn_stage_i"]),
)


def _decide(primary_type: str, stage: Stage | None, neuro_symptoms: bool) -> tuple[str, Reason]:
    """screening.md's advice table, row by row: the first row that matches decides."""
    label = LIFETIME_RISK[primary_type].label
    if neuro_symptoms:
        text = "Neurological symptoms: MRI of the brain now (CT first in the acute setting)"
        return "image_now", Reason(text, SOURCES["symptoms"])
    if primary_type == "sclc":
        return "screen", Reason("SCLC: screen at primary diagnosis, any stage", SOURCES["sclc"])
    if primary_type in NSCLC_TYPES:
        if stage.group >= 2:
            return "screen", Reason(f"NSCLC stage {stage.text}: screen (ESMO: all NSCLC)", SOURCES["esmo"])
        text = (
            f"NSCLC stage {stage.text} without symptoms: guidelines differ; ESMO screens all NSCLC, "
            "NCCN does not screen stage I"
        )
        return "guidelines_differ", Reason(text, f"{SOURCES['esmo']}; {SOURCES['nccn_stage_i']}")
    if primary_type == "melanoma":
        if stage.group == 3 and stage.letter is None:
            raise ClinicalInputError(
                "stage",
                "melanoma stage III needs its sub-stage (IIIA, IIIB, IIIC or IIID): NCCN screens from IIIC",
            )
        if stage.group == 4 or (stage.group == 3 and stage.letter in ("C", "D")):
            return "screen", Reason(f"Melanoma stage {stage.text}: screen (IIIC to IV)", SOURCES["melanoma"])
        text = f"Melanoma stage {stage.text} is below IIIC: image only with symptoms"
        return "symptoms_only", Reason(text, SOURCES["melanoma"])
    if primary_type == "breast":
        return "symptoms_only", Reason("Breast cancer: image only with symptoms, any stage", SOURCES["breast"])
    if primary_type in ("renal", "colorectal", "gynaecological"):
        text = f"{label.capitalize()} rarely metastasises to the brain: image only with symptoms"
        return "symptoms_only", Reason(text, SOURCES["rare"])
    # gi_other and other: the primaries no earlier row names.
    if stage.group == 4:
        text = (
            f"Metastatic (stage {stage.text}) {label} without symptoms: consider screening if brain "
            "metastases would change the treatment plan"
        )
        return "consider", Reason(text, SOURCES["consider"])
    text = f"{label.capitalize()}, stage {stage.text}, without symptoms: image only with symptoms"
    return "symptoms_only", Reason(text, SOURCES["otherwise"])


def run(payload: dict) -> dict:
    """CLI ``screening``: ``{"type", "stage", "seer_stage", "neuro_symptoms"}`` (DESIGN.md contract)."""
    return advise(
        require(payload, "type"),
        payload.get("stage"),
        payload.get("seer_stage"),
        require(payload, "neuro_symptoms"),
    ).to_dict()
