"""MRI protocol check: are the sequences a scan's purpose needs there, and what would be better?

Implements ``docs/clinical/screening.md``, "MRI protocol check", whose source is the seed review's
"Conventional MRI" section (standardised BM imaging protocol of Kaufmann et al. 2020, seed ref 14) and
"Treatment-related effects". Every advice entry names its source.

1. ``required`` = the purpose's required sequences; for ``response`` and ``confirmation`` also every
   sequence the baseline scan had ("the same sequences ... as at baseline").
2. ``missing`` = required ids absent from the scan; ``compliant`` = nothing missing.
3. ``advice`` = recommended sequences that are absent, 3 T rather than 1.5 T (detection purposes),
   the SRS timing, and, for response/confirmation, a field strength or scanner different from the
   baseline's. Advice never makes a scan non-compliant (screening.md).

Choices made where screening.md is silent or unclear (bmtrack choices):

- ``field_strength_t`` may be ``null`` (not recorded, e.g. an outside scan): no error; for detection
  purposes the advice notes that 3 T is preferred, and against a baseline it says the two cannot be
  compared. Otherwise it must be 1.5, 3 or 7.
- ``scanner`` is free text compared case-insensitively without surrounding blanks; ``null`` or blank
  means not recorded (advice: cannot compare with the baseline).
- The "3 T rather than 1.5 T" advice is given for the purposes of its table row only (screening,
  diagnosis, post_operative, surveillance): for response/confirmation the baseline's field strength is
  what matters, for SRS planning and problem solving the table gives other advice.
- ``problem_solving`` advice: perfusion is one item satisfied by any of DSC, DCE or ASL; DWI and MRS
  are separate items.
- ``srs_planning`` always carries the timing advice (≤ 7 days, at most 14, before SRS): this check has
  no dates; the schedule (schedule.md, ``srs_planning_mri``) checks the window itself.
- ``baseline`` is read only for response and confirmation; for other purposes it is ignored.
- Duplicate sequence ids in a list are accepted (a set is what matters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bmtrack.clinical.citations import Sourced
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import as_choice, as_list, as_object, require
from bmtrack.clinical.vocabulary import PURPOSES, SEQUENCES

REFERENCE = "docs/clinical/screening.md, MRI protocol check"

# schedule.md ("MRI sequence ids") and screening.md (scan purpose ids).
FIELD_STRENGTHS_T = (1.5, 3, 7)

SOURCES = {
    "conventional": 'seed review, "Conventional MRI" (Kaufmann et al. 2020, ref 14): "a pre- and '
    'post-contrast 3D T1W sequence is always required ... high-resolution T2W ... optionally with FLAIR"',
    "three_tesla": 'seed review, "Conventional MRI": "scanning at 3 Tesla is much more sensitive"',
    "srs": 'seed review, "Conventional MRI": "MRI including at least a post-contrast 3D T1W sequence is required"',
    "srs_timing": 'seed review, refs 7, 60: "preferably within one and ultimately within 2 weeks before '
    'the start of SRS"',
    "treatment_effects": 'seed review, "Treatment-related effects" (perfusion refs 68–72, 48; DWI ref 73; MRS ref 74)',
    "baseline": 'seed review: "the MRI protocol should include the same sequences and sequence settings '
    'as at baseline and is preferably performed on the same scanner"',
}


@dataclass(frozen=True)
class Recommended:
    """Advice when none of ``any_of`` was acquired."""

    any_of: tuple[str, ...]
    text: str
    source: str


@dataclass(frozen=True)
class PurposeRule:
    """One row of screening.md's protocol table."""

    required: tuple[str, ...]
    required_source: str
    recommended: tuple[Recommended, ...] = ()
    prefer_3_tesla: bool = False
    compare_with_baseline: bool = False
    timing: str | None = None


_DETECTION = PurposeRule(
    required=("t1_pre_3d", "t1_post_3d", "t2"),
    required_source=SOURCES["conventional"],
    recommended=(
        Recommended(("flair",), "add FLAIR to the high-resolution T2W", SOURCES["conventional"]),
        Recommended(("dwi",), "add DWI", SOURCES["conventional"]),
    ),
    prefer_3_tesla=True,
)
_BASELINE_COMPARISON = PurposeRule(
    required=_DETECTION.required,  # "as for surveillance, plus every sequence the baseline had"
    required_source=f"{SOURCES['conventional']}; {SOURCES['baseline']}",
    compare_with_baseline=True,
)
RULES: dict[str, PurposeRule] = {
    "screening": _DETECTION,
    "diagnosis": _DETECTION,
    "post_operative": _DETECTION,
    "surveillance": _DETECTION,
    "srs_planning": PurposeRule(
        required=("t1_post_3d",),
        required_source=SOURCES["srs"],
        recommended=(
            Recommended(("t1_pre_3d",), "add a pre-contrast 3D T1W", SOURCES["srs"]),
            Recommended(("t2",), "add T2W", SOURCES["srs"]),
        ),
        timing="acquire the planning MRI within 7 days (at most 14) before the start of SRS",
    ),
    "problem_solving": PurposeRule(
        required=_DETECTION.required,  # "as for surveillance"
        required_source=SOURCES["conventional"],
        recommended=(
            Recommended(
                ("dsc", "dce", "asl"),
                "add perfusion (DSC, DCE or ASL): rCBV, Ktrans or CBF higher in tumour",
                SOURCES["treatment_effects"],
            ),
            Recommended(("dwi",), "add DWI: ADC usually lower in tumour", SOURCES["treatment_effects"]),
            Recommended(
                ("mrs",),
                "add MR spectroscopy: Cho/Cr and Cho/NAA higher in tumour",
                SOURCES["treatment_effects"],
            ),
        ),
    ),
    "response": _BASELINE_COMPARISON,
    "confirmation": _BASELINE_COMPARISON,
}


Advice = Sourced


@dataclass(frozen=True)
class ScanProtocol:
    """What a scan had: its sequences, field strength (T) and scanner (None: not recorded)."""

    sequences: frozenset[str]
    field_strength_t: float | None = None
    scanner: str | None = None


@dataclass(frozen=True)
class ProtocolCheck:
    purpose: str
    required: tuple[str, ...]
    missing: tuple[str, ...]
    advice: tuple[Advice, ...]

    @property
    def compliant(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict:
        return {
            "compliant": self.compliant,
            "missing": list(self.missing),
            "advice": [str(a) for a in self.advice],
            "advice_detail": [{"text": a.text, "source": a.source} for a in self.advice],
            "purpose": self.purpose,
            "required": list(self.required),
            "source": REFERENCE,
        }


def read_scan(sequences: Any, field_strength_t: Any = None, scanner: Any = None, path: str = "") -> ScanProtocol:
    """Validate one scan's protocol; errors name ``<path>sequences[i]`` etc."""
    if isinstance(sequences, (tuple, set, frozenset)):  # Python callers; JSON gives a list
        sequences = list(sequences)
    found = set()
    for index, sequence in enumerate(as_list(sequences, f"{path}sequences")):
        found.add(as_choice(sequence, f"{path}sequences[{index}]", SEQUENCES))
    if field_strength_t is not None:
        if isinstance(field_strength_t, bool) or field_strength_t not in FIELD_STRENGTHS_T:
            raise ClinicalInputError(f"{path}field_strength_t", f"must be 1.5, 3, 7 or null (got {field_strength_t!r})")
        field_strength_t = 1.5 if field_strength_t == 1.5 else int(field_strength_t)
    if scanner is not None and not isinstance(scanner, str):
        raise ClinicalInputError(f"{path}scanner", "must be text or null")
    if scanner is not None:
        scanner = scanner.strip() or None  # blank text is "not recorded"
    return ScanProtocol(frozenset(found), field_strength_t, scanner)


def check_protocol(
    purpose: str,
    sequences: Iterable[str],
    field_strength_t: float | None = None,
    scanner: str | None = None,
    baseline: ScanProtocol | Mapping | None = None,
) -> ProtocolCheck:
    """Check one scan against its purpose (screening.md, MRI protocol check).

    ``baseline`` (a ``ScanProtocol`` or a mapping ``{"sequences", "field_strength_t", "scanner"}``) is
    read for response and confirmation only; ``None`` there means the baseline is unknown.
    """
    purpose = as_choice(purpose, "purpose", PURPOSES)
    scan = read_scan(sequences, field_strength_t, scanner)
    rule = RULES[purpose]
    required = set(rule.required)
    advice: list[Advice] = []
    if rule.compare_with_baseline:
        if baseline is None:
            text = "baseline protocol unknown: repeat the baseline's sequences and settings on its scanner"
            advice.append(Advice(text, SOURCES["baseline"]))
        else:
            if not isinstance(baseline, ScanProtocol):
                raw = as_object(baseline, "baseline")
                baseline = read_scan(
                    require(raw, "sequences", "baseline"),
                    raw.get("field_strength_t"),
                    raw.get("scanner"),
                    "baseline.",
                )
            required |= baseline.sequences  # "the same sequences ... as at baseline"
            advice.extend(_baseline_differences(scan, baseline))
    for recommended in rule.recommended:
        if not scan.sequences & set(recommended.any_of):
            advice.append(Advice(recommended.text, recommended.source))
    if rule.prefer_3_tesla and scan.field_strength_t == 1.5:
        advice.append(Advice("3 T rather than 1.5 T", SOURCES["three_tesla"]))
    elif rule.prefer_3_tesla and scan.field_strength_t is None:
        advice.append(Advice("field strength not recorded: 3 T is preferred to 1.5 T", SOURCES["three_tesla"]))
    if rule.timing:
        advice.append(Advice(rule.timing, SOURCES["srs_timing"]))
    return ProtocolCheck(
        purpose=purpose,
        required=_ordered(required),
        missing=_ordered(required - scan.sequences),
        advice=tuple(advice),
    )


def _baseline_differences(scan: ScanProtocol, baseline: ScanProtocol) -> list[Advice]:
    """A field strength or scanner unlike the baseline's: advice, never non-compliance (screening.md)."""
    advice = []
    for what, now, then, unit in (
        ("field strength", scan.field_strength_t, baseline.field_strength_t, " T"),
        ("scanner", scan.scanner, baseline.scanner, ""),
    ):
        if now is None or then is None:
            text = f"{what} not recorded for this scan or the baseline: cannot compare"
        elif str(now).casefold() != str(then).casefold():
            text = f"{what} {now}{unit} differs from the baseline's {then}{unit}: preferably as at baseline"
        else:
            continue
        advice.append(Advice(text, SOURCES["baseline"]))
    return advice


def _ordered(ids: Iterable[str]) -> tuple[str, ...]:
    ids = set(ids)
    return tuple(sequence for sequence in SEQUENCES if sequence in ids)


def run(payload: dict) -> dict:
    """CLI ``protocol``: ``{"purpose", "sequences", "field_strength_t", "scanner", "baseline"}``."""
    return check_protocol(
        require(payload, "purpose"),
        as_list(require(payload, "sequences"), "sequences"),
        payload.get("field_strength_t"),
        payload.get("scanner"),
        payload.get("baseline"),
    ).to_dict()
