"""RANO-BM time-point response, confirmation and best overall response; iRANO on immunotherapy.

Implements ``docs/clinical/rano-bm.md`` over one patient's series of MRI timepoints, the first
being the baseline. Sources:

- **RANO-BM**: Lin NU, Lee EQ, Aoyama H, et al. Response assessment criteria for brain metastases:
  proposal from the RANO group. Lancet Oncol 2015;16(6):e270–e278. Its summary table is reprinted
  in PMC6499019 (Table 4), its target/non-target wording in PMC7251532 (Table 2).
- **iRANO**: Okada H, Weller M, Huang R, et al. Immunotherapy response assessment in
  neuro-oncology: a report of the RANO working group. Lancet Oncol 2015;16(15):e534–e542
  (PMC4638131).
- **iRECIST** (Seymour L, Bogaerts J, Perrone A, et al. Lancet Oncol 2017;18(3):e143–e152), only
  for the "≥ 5 mm further increase" that confirms an unconfirmed PD, as rano-bm.md prescribes.

How a series is scored:

1. The baseline fixes the targets (up to 5 lesions with LD ≥ 10 mm, largest first, ties in input
   order), the baseline SLD and the baseline dexamethasone dose. Every other baseline lesion is a
   non-target.
2. Timepoints are scored in date order, each from the data up to it only: the nadir (smallest SLD
   among the baseline and earlier timepoints; the nadir scan is the latest with that SLD), the PD
   criteria (clinical worse, unequivocal non-target progression, definite new lesion, SLD ≥ 20 %
   above the nadir with one target ≥ 5 mm larger than on the nadir scan), then NE for a missing
   target, then CR / PR / SD (or CR / non-CR/non-PD without measurable disease).
3. On immunotherapy (iRANO) a PD within 6 months of the latest course start, in a patient not
   clinically worse, is ``unconfirmed PD``; later timepoints confirm it (PD, backdated), refute it
   (pseudoprogression) or leave it unconfirmed. Growth only of SRS-treated targets inside their
   radiation-necrosis window (36 months after the SRS end) is an ``unconfirmed PD`` flagged
   ``possible_radiation_necrosis``, resolved the same way (``treatment_effect``) or by a reader's
   work-up result (rano-bm.md, "Enlarging treated lesions inside a radiation-necrosis window").
4. CR/PR are ``confirmed`` when sustained: an earlier timepoint of that level ≥ 28 days before,
   and every timepoint from it to this one at that level too; the best overall response is taken
   up to the first PD.

Arithmetic is exact: diameters are read as ``Decimal`` from their decimal text (12.1 is 121/10,
not the nearest binary float); thresholds are integer comparisons (``10·SLD ≤ 7·baseline`` for PR,
``5·SLD ≥ 6·nadir`` for PD); percentages are rounded from an exact ``Fraction`` to one decimal,
half up (ties away from zero, as ``decimal.ROUND_HALF_UP``).

Choices where the papers are silent or rano-bm.md is unclear; each is marked ``(bmtrack choice N)``
where the code makes it:

1.  Input: every key of a follow-up timepoint is required, since each can change the category. At
    the baseline ``new_lesions`` and ``clinical`` may be left out (they are not used there), and a
    baseline ``non_target: "progression"`` reads as ``present``. Unknown keys are ignored.
    ``steroid_mg`` must be a finite number ≥ 0 (no upper bound: the reference gives none).
2.  A lesion id that is not in the baseline's ``lesions`` is a new lesion, reported through
    ``new_lesions``: at a follow-up with a diameter > 0 and ``new_lesions: "none"`` it is an input
    error naming ``timepoints[i].lesions.<id>``; with ``equivocal``/``definite`` (or a diameter of 0)
    it is accepted and not scored otherwise.
3.  Non-targets (baseline lesions < 10 mm, beyond the 5 largest, or excluded) are judged by the
    reader's ``non_target``; one still measured > 0 at a follow-up counts as non-target disease
    present even if ``non_target`` says ``none`` (the stricter reading: it can never yield a CR).
    Non-target *progression* is only ever the reader's ``progression`` (qualitative in RANO-BM),
    never derived from diameters.
4.  ``excluded_targets`` (lesions treated with SRS before baseline, rano-bm.md) become non-targets;
    ids that are not baseline lesions are ignored.
5.  The baseline assessment has no nadir and no changes (``null``): it is the reference. Without
    targets every sum, nadir and change is ``null``; a change from a nadir of 0 mm is ``null``.
6.  A baseline with no lesion > 0 mm and no non-target disease has nothing that can respond: its
    follow-ups are never CR but ``non-CR/non-PD`` (or PD), flagged ``no_baseline_disease``.
7.  Flags are facts shown whatever the category: ``steroid_increase`` (dose above the baseline
    dose), ``equivocal_new_lesion``, ``new_lesion`` (definite), ``missing_target``,
    ``pseudoprogression``, ``no_baseline_disease``. A steroid increase turns CR/PR into SD; without
    measurable disease there is no SD, and a dose > 0 already rules out CR (non-CR/non-PD).
8.  A timepoint that meets CR on the targets but "cannot be CR" (equivocal new lesion, non-target
    disease, dexamethasone > 0, a new lesion that iRANO does not count as PD) is PR (targets at 0 are
    ≥ 30 % below baseline), or non-CR/non-PD without measurable disease.
9.  A missing target gives NE unless PD follows from clinical worsening, non-target progression, a
    definite new lesion, or the measured targets alone (a lower bound of the SLD) meeting the PD
    rule. Its ``sum_mm`` and changes are ``null``; it never serves as a nadir.
10. ``unconfirmed PD`` timepoints are never a nadir (iRANO: "the original baseline and nadir stay
    the references"). A target-driven unconfirmed PD is ≥ 20 % above the nadir anyway; this only
    matters when the suspicion came from non-targets or new lesions while the targets shrank.
11. Backdating an equivocal new lesion: the "first timepoint that showed it" is the first of the
    unbroken run of equivocal timepoints just before the definite one; any other timepoint breaks
    the run. The same date is the ``pd_date`` of an iRANO PD confirming that lesion.
12. While a PD is unconfirmed: "SLD ≥ 5 mm above the unconfirmed-PD timepoint" compares with the
    first timepoint of the episode that has a complete SLD, so slow creep still confirms; a
    missing target gives NE with the pending ``confirmation_due``; the due date "moves once
    passed" when this timepoint is on or after it (a scan on the due date was the confirmation
    scan, and it did not confirm).
13. Once PD is declared on immunotherapy, later progression is PD at once (no new unconfirmed
    episode). Otherwise timepoints after a PD are scored by the same rules (against a nadir that
    may be the PD timepoint's own SLD).
14. ``pd_date`` is set on PD only: its own date, or the backdated one (11, iRANO rule 1); an
    ``unconfirmed PD`` has ``pd_date: null`` and a ``confirmation_due``.
15. Confirmation (rano-bm.md, corrected): any timepoint below the level between the two (SD, NE,
    unconfirmed PD, PD) breaks the run. ``confirmed`` is ``null`` for categories other than CR and PR.
16. Best overall response: over follow-ups only (``null`` with no follow-up); it stops at the first
    PD, and timepoints on or after that PD's (backdated) ``pd_date`` other than the PD itself do
    not count; ``unconfirmed PD`` ranks between non-CR/non-PD and PD; an unconfirmed CR closing a
    run of PR-or-better spanning 28 days counts as PR (rano-bm.md), any other unconfirmed CR/PR as
    SD (as non-CR/non-PD without measurable disease).
17. The reader's role ``target`` on a lesion below 10 mm at baseline is an input error naming
    ``lesion_roles`` like one on a lesion marked not measurable (RANO-BM: < 10 mm is not
    measurable); a role for an id that is not a baseline lesion is an error too (a typo would
    silently change the targets). Ids in ``non_measurable`` that are not baseline lesions are
    ignored. Role targets come first (largest first), then the largest others, 5 in all.
18. Several immunotherapy courses: PD declared under one course makes later progression under the
    same course PD at once (choice 13); a later course opens its own 6-month window.
19. Work-up results: the latest one dated after the previous timepoint and on or before this one
    is applied here. It resolves only an unconfirmed PD opened inside a radiation-necrosis window
    (open, or opened at this timepoint); otherwise it is noted in the reasons and changes nothing.
    ``treatment_effect`` needs every target measured (its SLD becomes the nadir floor). An iRANO
    unconfirmed PD is resolved by later scans only (Okada 2015 names no work-up rule).
20. The radiation-necrosis rule gives ``unconfirmed PD`` only when every target that grew 5 mm
    or more against the nadir scan is inside a window; a definite new lesion blocks it off
    immunotherapy (on immunotherapy iRANO decides). Both rules may hold at once: the episode then
    carries both flags and resolves as pseudoprogression and treatment effect.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bmtrack.clinical.dates import add_months
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import as_choice, as_date, as_list, as_number, as_object, require

NEW_LESIONS = ("none", "equivocal", "definite")
NON_TARGET = ("none", "present", "progression")
CLINICAL = ("improved", "stable", "worse")
CATEGORIES = ("baseline", "CR", "PR", "SD", "non-CR/non-PD", "PD", "unconfirmed PD", "NE")
FLAGS = (
    "steroid_increase",
    "equivocal_new_lesion",
    "new_lesion",
    "missing_target",
    "pseudoprogression",
    "no_baseline_disease",
    "possible_radiation_necrosis",
    "treatment_effect",
)
ROLES = ("target", "non-target")
WORKUP_RESULTS = ("progression", "treatment_effect")

MEASURABLE_MM = 10  # RANO-BM: a measurable lesion has LD >= 10 mm
MAX_TARGETS = 5  # RANO-BM: up to 5 target lesions
MAX_DIAMETER_MM = 150  # contract (DESIGN.md): diameters 0-150 mm
GROWTH_MM = 5  # RANO-BM: one target >= 5 mm larger; iRECIST: >= 5 mm further increase
CONFIRM_DAYS = 28  # RANO-BM: CR and PR sustained >= 4 weeks
IRANO_WINDOW_MONTHS = 6  # iRANO: PD within 6 months of the start needs confirmation
IRANO_CONFIRM_MONTHS = 3  # iRANO: confirm with a scan about 3 months later
RADIATION_NECROSIS_MONTHS = 36  # schedule.md: radiation-necrosis watch window after SRS/fSRS

# Best overall response, best first (rano-bm.md); unconfirmed PD placed by bmtrack choice 16.
_RANK = ("CR", "PR", "SD", "non-CR/non-PD", "unconfirmed PD", "PD", "NE")


@dataclass(frozen=True)
class Timepoint:
    """One MRI timepoint as read by the radiologist (fields as in the CLI contract)."""

    date: dt.date
    lesions: dict[str, float]  # lesion id -> longest diameter in mm (0 = disappeared)
    new_lesions: str  # none | equivocal | definite
    non_target: str  # none | present | progression
    steroid_mg: float  # dexamethasone mg/day
    clinical: str  # improved | stable | worse


@dataclass(frozen=True)
class Assessment:
    """The response at one timepoint, with the numbers and sentences behind it."""

    date: dt.date
    category: str
    sum_mm: Decimal | None = None
    baseline_sum_mm: Decimal | None = None
    nadir_sum_mm: Decimal | None = None
    change_from_baseline_pct: Decimal | None = None
    change_from_nadir_pct: Decimal | None = None
    confirmed: bool | None = None
    pd_date: dt.date | None = None
    confirmation_due: dt.date | None = None
    flags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "category": self.category,
            "sum_mm": _json_mm(self.sum_mm),
            "baseline_sum_mm": _json_mm(self.baseline_sum_mm),
            "nadir_sum_mm": _json_mm(self.nadir_sum_mm),
            "change_from_baseline_pct": _json_pct(self.change_from_baseline_pct),
            "change_from_nadir_pct": _json_pct(self.change_from_nadir_pct),
            "confirmed": self.confirmed,
            "pd_date": _iso(self.pd_date),
            "confirmation_due": _iso(self.confirmation_due),
            "flags": list(self.flags),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class RanoResult:
    assessments: tuple[Assessment, ...]
    targets: tuple[str, ...]
    best_overall_response: str | None

    def to_dict(self) -> dict:
        return {
            "assessments": [a.to_dict() for a in self.assessments],
            "targets": list(self.targets),
            "best_overall_response": self.best_overall_response,
        }


@dataclass(frozen=True)
class SrsCourse:
    """A given SRS or fractionated SRS: its end date (site-local day) and the lesions it treated."""

    date: dt.date
    lesions: frozenset[str]


@dataclass(frozen=True)
class Workup:
    """A reader's work-up result (perfusion MRI, amino-acid PET, histology), dated."""

    date: dt.date
    result: str  # progression | treatment_effect


def assess(
    timepoints: Sequence[Timepoint],
    immunotherapy_start: dt.date | None = None,
    excluded_targets: Collection[str] = frozenset(),
    *,
    immunotherapy_starts: Collection[dt.date] = (),
    lesion_roles: Mapping[str, str] | None = None,
    non_measurable: Collection[str] = frozenset(),
    srs: Sequence[SrsCourse] = (),
    workup: Sequence[Workup] = (),
) -> RanoResult:
    """Score a series of timepoints (the first is the baseline) by RANO-BM, and iRANO from each
    immunotherapy course start (``immunotherapy_starts``; ``immunotherapy_start`` is one more).

    ``lesion_roles``: the reader's ``target`` / ``non-target`` per baseline lesion;
    ``non_measurable``: baseline lesions the reader marked not measurable; ``srs``: given SRS/fSRS
    courses with the lesions they treated (before baseline: not targets by default; after: their
    radiation-necrosis windows); ``workup``: dated work-up results; ``excluded_targets``: more
    lesions kept out of the targets. Raises ``ClinicalInputError`` naming the field."""
    starts = set(immunotherapy_starts)
    if immunotherapy_start is not None:
        starts.add(immunotherapy_start)
    roles = dict(lesion_roles or {})
    _validate(timepoints, starts, excluded_targets, roles, non_measurable, srs, workup)
    series = _Series(
        timepoints[0],
        ici_starts=tuple(sorted(starts)),
        excluded=frozenset(excluded_targets),
        roles=roles,
        non_measurable=frozenset(non_measurable),
        srs=tuple(srs),
        workup=tuple(sorted(workup, key=lambda w: w.date)),
    )
    assessments = [series.baseline_assessment()]
    assessments += [series.follow_up(tp) for tp in timepoints[1:]]
    return RanoResult(tuple(assessments), series.targets,
                      _best_overall(assessments[1:], series.history, bool(series.targets)))


def run(payload: Mapping[str, Any]) -> dict:
    """The ``rano`` command of the CLI contract (DESIGN.md): JSON object in, JSON object out."""
    raw_points = as_list(require(payload, "timepoints"), "timepoints")
    timepoints = [_read_timepoint(raw, i) for i, raw in enumerate(raw_points)]
    start = payload.get("immunotherapy_start")
    start = None if start is None else as_date(start, "immunotherapy_start")
    starts = [as_date(day, f"immunotherapy_starts[{j}]")
              for j, day in enumerate(_optional_list(payload, "immunotherapy_starts"))]
    excluded = _id_list(payload, "excluded_targets")
    non_measurable = _id_list(payload, "non_measurable")
    raw_roles = payload.get("lesion_roles")
    roles = {} if raw_roles is None else dict(as_object(raw_roles, "lesion_roles"))
    for lesion_id, role in roles.items():
        as_choice(role, f"lesion_roles.{lesion_id}", ROLES)
    courses = []
    for j, raw in enumerate(_optional_list(payload, "srs")):
        path = f"srs[{j}]"
        raw = as_object(raw, path)
        lesions = as_list(require(raw, "lesions", path), f"{path}.lesions")
        for k, lesion_id in enumerate(lesions):
            if not isinstance(lesion_id, str) or not lesion_id:
                raise ClinicalInputError(f"{path}.lesions[{k}]", "must be a lesion id (a string)")
        courses.append(SrsCourse(as_date(require(raw, "date", path), f"{path}.date"), frozenset(lesions)))
    results = []
    for j, raw in enumerate(_optional_list(payload, "workup")):
        path = f"workup[{j}]"
        raw = as_object(raw, path)
        results.append(Workup(as_date(require(raw, "date", path), f"{path}.date"),
                              as_choice(require(raw, "result", path), f"{path}.result", WORKUP_RESULTS)))
    return assess(timepoints, start, frozenset(excluded), immunotherapy_starts=starts, lesion_roles=roles,
                  non_measurable=frozenset(non_measurable), srs=courses, workup=results).to_dict()


def _optional_list(payload: Mapping[str, Any], key: str) -> list:
    value = payload.get(key)
    return [] if value is None else as_list(value, key)


def _id_list(payload: Mapping[str, Any], key: str) -> list[str]:
    ids = _optional_list(payload, key)
    for j, lesion_id in enumerate(ids):
        if not isinstance(lesion_id, str):
            raise ClinicalInputError(f"{key}[{j}]", "must be a lesion id (a string)")
    return ids


# --------------------------------------------------------------------------- input


def _read_timepoint(raw: Any, i: int) -> Timepoint:
    path = f"timepoints[{i}]"
    raw = as_object(raw, path)
    # (bmtrack choice 1) not used at the baseline, so they may be left out there.
    optional = {"new_lesions": "none", "clinical": "stable"} if i == 0 else {}

    def read(key: str) -> Any:
        return optional[key] if key in optional and key not in raw else require(raw, key, path)

    return Timepoint(
        date=as_date(read("date"), f"{path}.date"),
        lesions=dict(as_object(read("lesions"), f"{path}.lesions")),
        new_lesions=read("new_lesions"),
        non_target=read("non_target"),
        steroid_mg=read("steroid_mg"),
        clinical=read("clinical"),
    )


def _validate(timepoints, ici_starts, excluded_targets, roles, non_measurable, srs, workup) -> None:
    if not timepoints:
        raise ClinicalInputError("timepoints", "needs at least one timepoint: the baseline")
    for start in ici_starts:
        if not _is_date(start):
            raise ClinicalInputError("immunotherapy_start", "must be a date or null")
    if isinstance(excluded_targets, str) or any(not isinstance(x, str) for x in excluded_targets):
        raise ClinicalInputError("excluded_targets", "must be a list of lesion ids")
    if isinstance(non_measurable, str) or any(not isinstance(x, str) for x in non_measurable):
        raise ClinicalInputError("non_measurable", "must be a list of lesion ids")
    for j, course in enumerate(srs):
        if not isinstance(course, SrsCourse) or not _is_date(course.date):
            raise ClinicalInputError(f"srs[{j}]", "must be an SRS course with its end date")
    for j, result in enumerate(workup):
        if not isinstance(result, Workup) or not _is_date(result.date):
            raise ClinicalInputError(f"workup[{j}]", "must be a work-up result with its date")
        as_choice(result.result, f"workup[{j}].result", WORKUP_RESULTS)
    baseline_ids: set[str] = set()
    for i, tp in enumerate(timepoints):
        path = f"timepoints[{i}]"
        if not _is_date(tp.date):
            raise ClinicalInputError(f"{path}.date", "must be a date")
        if i and tp.date <= timepoints[i - 1].date:
            raise ClinicalInputError(
                f"{path}.date",
                f"{tp.date} is not after the previous timepoint ({timepoints[i - 1].date}); dates must increase",
            )
        as_object(tp.lesions, f"{path}.lesions")
        for lesion_id, mm in tp.lesions.items():
            if not isinstance(lesion_id, str) or not lesion_id:
                raise ClinicalInputError(f"{path}.lesions", "lesion ids must be non-empty strings")
            as_number(mm, f"{path}.lesions.{lesion_id}", low=0, high=MAX_DIAMETER_MM)
        as_choice(tp.new_lesions, f"{path}.new_lesions", NEW_LESIONS)
        as_choice(tp.non_target, f"{path}.non_target", NON_TARGET)
        as_choice(tp.clinical, f"{path}.clinical", CLINICAL)
        as_number(tp.steroid_mg, f"{path}.steroid_mg", low=0)
        if not math.isfinite(tp.steroid_mg):  # (bmtrack choice 1)
            raise ClinicalInputError(f"{path}.steroid_mg", "must be a finite number of mg/day")
        if i == 0:
            baseline_ids = set(tp.lesions)
        elif tp.new_lesions == "none":  # (bmtrack choice 2)
            for lesion_id, mm in tp.lesions.items():
                if lesion_id not in baseline_ids and mm > 0:
                    raise ClinicalInputError(
                        f"{path}.lesions.{lesion_id}",
                        f"{lesion_id} is not a baseline lesion: a lesion that appears later is a "
                        "new lesion; set new_lesions to equivocal or definite",
                    )
    baseline_values = timepoints[0].lesions
    for lesion_id, role in roles.items():
        path = f"lesion_roles.{lesion_id}"
        as_choice(role, path, ROLES)
        if lesion_id not in baseline_values:
            raise ClinicalInputError(path, f"{lesion_id} is not a lesion measured at baseline")
        if role != "target":
            continue
        if lesion_id in non_measurable:
            raise ClinicalInputError(path, f"{lesion_id} is marked not measurable, so it cannot be a target")
        if _decimal(baseline_values[lesion_id]) < MEASURABLE_MM:  # (bmtrack choice 17)
            raise ClinicalInputError(
                path, f"{lesion_id} is {_mm(_decimal(baseline_values[lesion_id]))} at baseline, below 10 mm: "
                "not measurable, so it cannot be a target")
    if sum(role == "target" for role in roles.values()) > MAX_TARGETS:
        raise ClinicalInputError("lesion_roles", f"at most {MAX_TARGETS} lesions can be targets")


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _decimal(value: float | int | Decimal) -> Decimal:
    """The number as written: Decimal(str(12.1)) is exactly 12.1."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --------------------------------------------------------------------------- scoring


@dataclass
class _Scored:
    """What later timepoints need of an earlier one."""

    date: dt.date
    category: str
    values: dict[str, Decimal]  # measured targets
    sum: Decimal | None  # SLD, None unless every target was measured
    pr_sustained: bool = False  # a run of PR-or-better timepoints spanning >= 28 days ends here


@dataclass
class _Episode:
    """An unconfirmed PD awaiting confirmation: iRANO, or growth of SRS-treated targets inside
    their radiation-necrosis window (rano-bm.md), or both."""

    start: dt.date  # date of the first unconfirmed PD
    pd_date: dt.date  # the PD date if confirmed (start, or earlier by bmtrack choice 11)
    ref_sum: Decimal | None  # SLD the >= 5 mm further increase is measured from (choice 12)
    due: dt.date
    irano: bool = True  # opened by iRANO (resolves as pseudoprogression)
    necrosis: bool = False  # opened inside a radiation-necrosis window (resolves as treatment effect)


@dataclass
class _Draft:
    category: str = ""
    confirmed: bool | None = None
    pr_sustained: bool = False
    pd_date: dt.date | None = None
    due: dt.date | None = None
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class _Series:
    """State carried from one timepoint to the next; each step sees only the past."""

    def __init__(self, baseline: Timepoint, *, ici_starts: tuple[dt.date, ...], excluded: frozenset[str],
                 roles: dict[str, str], non_measurable: frozenset[str], srs: tuple[SrsCourse, ...],
                 workup: tuple[Workup, ...]):
        values = {k: _decimal(v) for k, v in baseline.lesions.items()}
        self.baseline_values = values
        self.roles = roles
        self.non_measurable = non_measurable
        # rano-bm.md: lesions treated with SRS before baseline are not targets by default
        # (bmtrack choice 4); the reader's role "target" overrides.
        treated_before = {k for course in srs if course.date < baseline.date for k in course.lesions}
        self.excluded = (excluded | treated_before) - {k for k, r in roles.items() if r == "target"}
        # RANO-BM: measurable = enhancing, LD >= 10 mm (the reader's non_measurable says the rest).
        measurable = [k for k, v in values.items() if v >= MEASURABLE_MM and k not in non_measurable]
        chosen = [k for k in measurable if roles.get(k) == "target"]
        others = [k for k in measurable if k not in chosen and k not in self.excluded
                  and roles.get(k) != "non-target"]
        # sorted() is stable, also with reverse=True: equal diameters keep their input order.
        by_size = sorted(chosen, key=values.__getitem__, reverse=True)
        by_size += sorted(others, key=values.__getitem__, reverse=True)
        self.targets = tuple(by_size[:MAX_TARGETS])
        self.non_targets = tuple(k for k in values if k not in self.targets)
        # rano-bm.md: a target's radiation-necrosis window runs from the end of each SRS/fSRS that
        # treated it (exclusive) to 36 months after (inclusive).
        self.necrosis_windows = {
            t: [(c.date, add_months(c.date, RADIATION_NECROSIS_MONTHS)) for c in srs if t in c.lesions]
            for t in self.targets
        }
        self.workup = workup
        target_values = {t: values[t] for t in self.targets}
        self.baseline = _Scored(
            baseline.date,
            "baseline",
            target_values,
            sum(target_values.values(), Decimal(0)) if self.targets else None,
        )
        self.baseline_steroid = _decimal(baseline.steroid_mg)
        # (bmtrack choice 1) a baseline "progression" is non-target disease present.
        self.no_disease = not any(v > 0 for v in values.values()) and baseline.non_target == "none"
        self.ici_starts = ici_starts
        self.history: list[_Scored] = []
        self.episode: _Episode | None = None
        self.equivocal_since: dt.date | None = None
        self.pd_on_course: dt.date | None = None  # the course under which PD was declared
        # After a work-up showing treatment effect, the nadir is taken from that timepoint on.
        self.floor: _Scored | None = None
        self.previous_date = baseline.date

    # ------------------------------------------------------------------ baseline

    def baseline_assessment(self) -> Assessment:
        d = _Draft(category="baseline")
        if self.targets:
            listed = ", ".join(f"{t} {_mm(v)}" for t, v in self.baseline.values.items())
            d.reasons.append(f"baseline targets {listed}: sum {_mm(self.baseline.sum)}")
        else:
            d.reasons.append(
                "no measurable lesion (10 mm or more) at baseline: only CR, non-CR/non-PD or PD can be scored"
            )
        for k in self.non_targets:
            v = self.baseline_values[k]
            if v < MEASURABLE_MM:
                d.reasons.append(f"{k} {_mm(v)} is below 10 mm: non-target")
            elif k in self.non_measurable:
                d.reasons.append(f"{k} is marked not measurable by the reader: non-target")
            elif self.roles.get(k) == "non-target":
                d.reasons.append(f"{k} is a non-target by the reader's choice")
            elif k in self.excluded:
                d.reasons.append(f"{k} was treated before baseline and is not a target: non-target")
            else:
                d.reasons.append(f"{k} is not among the 5 largest lesions: non-target")
        if self.no_disease:  # (bmtrack choice 6)
            d.flags.append("no_baseline_disease")
            d.reasons.append("no lesion and no non-target disease at baseline: only progression can be scored")
        d.reasons.append(f"baseline dexamethasone {_num(self.baseline_steroid)} mg/day is the reference dose")
        return self._finish(d, self.baseline.sum, None, self.baseline.date)

    # ------------------------------------------------------------------ follow-up

    def follow_up(self, tp: Timepoint) -> Assessment:
        d = _Draft()
        values = {k: _decimal(v) for k, v in tp.lesions.items()}
        steroid = _decimal(tp.steroid_mg)
        measured = {t: values[t] for t in self.targets if t in values}
        missing = [t for t in self.targets if t not in values]
        partial = sum(measured.values(), Decimal(0))
        total = partial if self.targets and not missing else None
        # iRANO per course (rano-bm.md): the latest course start on or before this timepoint.
        ici_start = max((start for start in self.ici_starts if start <= tp.date), default=None)
        on_ici = ici_start is not None
        window_end = add_months(ici_start, IRANO_WINDOW_MONTHS) if on_ici else None
        in_window = on_ici and tp.date <= window_end
        workup = self._workup_since_last(tp.date)

        # Facts, flagged whatever the category (bmtrack choice 7).
        if steroid > self.baseline_steroid:
            d.flags.append("steroid_increase")
            d.reasons.append(
                f"dexamethasone {_num(steroid)} mg/day is above the baseline {_num(self.baseline_steroid)} mg/day"
            )
        if tp.new_lesions == "equivocal":
            d.flags.append("equivocal_new_lesion")
            d.reasons.append("equivocal new lesion: not counted as PD, but rules out CR")
        if tp.new_lesions == "definite":
            d.flags.append("new_lesion")
        if missing:
            d.flags.append("missing_target")
            d.reasons.append(f"target {', '.join(missing)} not measured")
        if self.no_disease:
            d.flags.append("no_baseline_disease")
        non_target = tp.non_target
        still_seen = [k for k in self.non_targets if values.get(k, 0) > 0]
        if non_target == "none" and still_seen:  # (bmtrack choice 3)
            non_target = "present"
            d.reasons.append(f"non-target {', '.join(still_seen)} still visible: non-target disease present")

        # PD criteria (RANO-BM summary table: any one suffices).
        nadir = self._nadir()
        target_pd, target_text, grown = self._targets_vs_nadir(measured, partial, missing, nadir)
        others = []  # PD criteria other than the targets' growth
        if tp.clinical == "worse":
            others.append("clinical deterioration")
        if non_target == "progression":
            others.append("unequivocal progression of non-target disease")
        new_lesion_counts = False
        if tp.new_lesions == "definite":
            if on_ici and not in_window:  # iRANO after 6 months: new lesions alone are not PD
                if self.episode is None:  # else iRANO rule 1 below makes it confirm a PD
                    d.reasons.append(
                        "definite new lesion on immunotherapy after the first 6 months: not PD by itself (iRANO)"
                    )
            else:
                new_lesion_counts = True
                others.append("definite new lesion")
        # rano-bm.md, radiation-necrosis window: growth only of targets inside their windows, and
        # nothing else giving PD (a definite new lesion on immunotherapy is iRANO's matter).
        in_necrosis_window = bool(grown) and all(self._in_necrosis_window(t, tp.date) for t in grown)
        necrosis = target_pd and in_necrosis_window and tp.clinical != "worse" and non_target != "progression" \
            and not (tp.new_lesions == "definite" and not on_ici)

        necrosis_open = self.episode is not None and self.episode.necrosis
        if workup is not None and (necrosis_open or necrosis):
            if workup.result == "treatment_effect" and total is not None:
                # bmtrack choice (rano-bm.md): the necrotic size is the new floor of the nadir.
                self.episode = None
                self.floor = _Scored(tp.date, "", measured, total)
                nadir = self._nadir()
                target_pd, target_text, grown = self._targets_vs_nadir(measured, partial, missing, nadir)
                necrosis = False
                d.flags.append("treatment_effect")
                d.reasons.append(
                    f"work-up of {workup.date} showed treatment effect: the size on {tp.date} "
                    f"({_mm(total)}) is the new reference for progression")
            elif workup.result == "progression":
                pd_date = self.episode.pd_date if necrosis_open else tp.date
                self.episode = None
                d.category, d.pd_date = "PD", pd_date
                d.reasons.append(f"work-up of {workup.date} showed progression: PD dated {pd_date}")
        elif workup is not None:
            d.reasons.append(f"work-up of {workup.date} ({workup.result.replace('_', ' ')}): "
                             "no enlarging treated lesion to resolve")

        progression = others + ([target_text] if target_pd else [])
        # RANO-BM: an equivocal new lesion confirmed at the next scan dates PD from its first sight.
        onset = self.equivocal_since if new_lesion_counts and self.equivocal_since else tp.date

        if d.category == "PD":
            pass  # decided by a work-up result above
        elif self.episode is not None:
            self._resolve_episode(d, tp, partial, total, missing, non_target, (target_pd, target_text), nadir, steroid)
        elif progression:
            irano = tp.clinical != "worse" and in_window and self.pd_on_course != ici_start
            if irano or necrosis:
                due = add_months(tp.date, IRANO_CONFIRM_MONTHS)
                self.episode = _Episode(tp.date, onset, total, due, irano=irano, necrosis=necrosis)
                d.category, d.due = "unconfirmed PD", due  # no pd_date yet (bmtrack choice 14)
                if irano:
                    d.reasons.append(
                        f"{'; '.join(progression)}: on immunotherapy since {ici_start}, within "
                        f"6 months (to {window_end}), so PD is unconfirmed; confirmation MRI due {due} "
                        "(iRANO)"
                    )
                if necrosis:
                    d.flags.append("possible_radiation_necrosis")
                    d.reasons.append(
                        f"{', '.join(grown)} grew inside {'its' if len(grown) == 1 else 'their'} radiation-necrosis "
                        f"window after SRS: not progression on size alone, PD is unconfirmed; confirmation MRI "
                        f"due {due}, or a work-up (perfusion MRI, amino-acid PET or histology) decides")
            else:
                d.category, d.pd_date = "PD", onset
                d.reasons.append(f"{'; '.join(progression)}: PD")
                if onset != tp.date:
                    d.reasons.append(f"the new lesion was first seen, as equivocal, on {onset}: PD dated then")
                if on_ici and in_window and tp.clinical != "worse":  # (bmtrack choice 13)
                    d.reasons.append("PD was already declared on this immunotherapy course: no confirmation needed")
        elif missing:
            d.category = "NE"
            d.reasons.append("no sign of PD: not evaluable (NE)")
        else:
            self._usual(d, tp, total, non_target, steroid, target_text)

        if d.category == "PD" and on_ici:
            self.pd_on_course = ici_start
        # (bmtrack choice 11) the run of equivocal timepoints right before this one.
        if tp.new_lesions == "equivocal":
            self.equivocal_since = self.equivocal_since or tp.date
        else:
            self.equivocal_since = None
        scored = _Scored(tp.date, d.category, measured, total, d.pr_sustained)
        if self.floor is not None and self.floor.date == tp.date:
            self.floor = scored
        self.history.append(scored)
        self.previous_date = tp.date
        return self._finish(d, total, nadir, tp.date)

    def _workup_since_last(self, day: dt.date) -> Workup | None:
        """The latest work-up result dated after the previous timepoint and on or before ``day``:
        rano-bm.md applies it to the first timepoint on or after its date."""
        results = [w for w in self.workup if self.previous_date < w.date <= day]
        return results[-1] if results else None

    def _in_necrosis_window(self, target: str, day: dt.date) -> bool:
        return any(start < day <= end for start, end in self.necrosis_windows.get(target, ()))

    def _resolve_episode(self, d, tp, partial, total, missing, non_target, target, nadir, steroid) -> None:
        """iRANO, at each timepoint while a PD is unconfirmed (rano-bm.md, rules 1-3).

        ``target`` is (targets meet PD against the nadir, the sentence saying so)."""
        ep = self.episode
        target_pd, target_text = target
        further = []
        if tp.clinical == "worse":
            further.append("clinical deterioration")
        if ep.ref_sum is not None and partial - ep.ref_sum >= GROWTH_MM:  # (bmtrack choice 12)
            label = "measured targets alone sum" if missing else "sum"
            further.append(
                f"{label} {_mm(partial)} is {_mm(partial - ep.ref_sum)} above the "
                f"{_mm(ep.ref_sum)} of the unconfirmed PD"
            )
        if non_target == "progression":
            further.append("unequivocal progression of non-target disease")
        if tp.new_lesions == "definite":
            further.append("definite new lesion")
        if further:  # rule 1: PD, backdated
            self.episode = None
            d.category, d.pd_date = "PD", ep.pd_date
            d.reasons.append(f"{'; '.join(further)}: confirms the unconfirmed PD of {ep.start}; PD dated {ep.pd_date}")
        elif missing:  # (bmtrack choice 12) cannot tell rule 2 from rule 3
            d.category, d.due = "NE", self._carry_due(ep, tp.date)
            if ep.necrosis:
                d.flags.append("possible_radiation_necrosis")
            d.reasons.append(
                f"no further progression, but the unconfirmed PD of {ep.start} cannot "
                f"be judged: NE; confirmation MRI due {d.due}"
            )
        elif not target_pd:  # rule 2: pseudoprogression or treatment effect, scored by the usual rules
            self.episode = None
            reference = f" against nadir {_mm(nadir.sum)}" if nadir is not None else ""
            if ep.irano:
                d.flags.append("pseudoprogression")
                d.reasons.append(
                    f"no longer PD{reference}: the unconfirmed PD of {ep.start} was pseudoprogression (iRANO)")
            if ep.necrosis:
                d.flags.append("treatment_effect")
                d.reasons.append(
                    f"no longer PD{reference}: the growth of {ep.start} was a treatment effect (radiation necrosis)")
            self._usual(d, tp, total, non_target, steroid, None)
        else:  # rule 3: still unconfirmed
            if ep.ref_sum is None:
                ep.ref_sum = total
            d.category, d.due = "unconfirmed PD", self._carry_due(ep, tp.date)
            if ep.necrosis:
                d.flags.append("possible_radiation_necrosis")
            d.reasons.append(
                f"{target_text}, but not 5 mm more than at the unconfirmed PD of {ep.start}: "
                f"still unconfirmed; confirmation MRI due {d.due}"
            )

    @staticmethod
    def _carry_due(ep: _Episode, day: dt.date) -> dt.date:
        """The due date stays, or moves to this date + 3 months once reached (choice 12)."""
        if day >= ep.due:
            ep.due = add_months(day, IRANO_CONFIRM_MONTHS)
        return ep.due

    def _usual(self, d, tp, total, non_target, steroid, target_text) -> None:
        """CR / PR / SD, or CR / non-CR/non-PD without targets, when nothing gives PD or NE."""
        blockers = []  # what rules out CR (RANO-BM table, CR column)
        if non_target != "none":
            blockers.append("non-target disease present")
        if tp.new_lesions != "none":
            blockers.append(f"{'an equivocal' if tp.new_lesions == 'equivocal' else 'a'} new lesion")
        if steroid > 0:
            blockers.append(f"on dexamethasone {_num(steroid)} mg/day")
        if self.no_disease:  # (bmtrack choice 6)
            blockers.append("no disease at baseline to respond")
        if not self.targets:
            if blockers:
                d.category = "non-CR/non-PD"
                d.reasons.append(f"not CR ({', '.join(blockers)}) and no progression: non-CR/non-PD")
            else:
                d.category = "CR"
        else:
            change = _compare("sum", total, "baseline", self.baseline.sum)
            if total == 0 and not blockers:
                d.category = "CR"
            elif 10 * total <= 7 * self.baseline.sum:  # RANO-BM: >= 30 % below baseline
                d.category = "PR"
                if total == 0:  # (bmtrack choice 8)
                    d.reasons.append(f"all targets gone, but {', '.join(blockers)}: PR, not CR")
                else:
                    d.reasons.append(f"{change}: PR (30 % or more below baseline)")
            else:
                d.category = "SD"
                d.reasons.append(f"{change}: not 30 % below baseline, and not PD: SD")
                if target_text:
                    d.reasons.append(target_text)
            if d.category in ("CR", "PR") and steroid > self.baseline_steroid:
                d.reasons.append(f"steroid dose above baseline: SD, not {d.category}")
                d.category = "SD"  # (bmtrack choice 7) the table's CR/PR need stable steroids
        if d.category == "CR":
            d.reasons.append(
                "no target, non-target or new lesion, no corticosteroids, clinically stable or improved: CR"
            )
        if d.category in ("CR", "PR"):
            d.pr_sustained = self._confirmation(tp.date, "PR")[0]
            d.confirmed, earlier = self._confirmation(tp.date, d.category)
            if d.confirmed:
                d.reasons.append(
                    f"confirmed by the {earlier.category} of {earlier.date}, "
                    f"{(tp.date - earlier.date).days} days earlier"
                )
            else:
                level = "CR" if d.category == "CR" else "PR or CR"
                d.reasons.append(f"not confirmed yet: not {level} at every scan for 28 days or more")

    def _confirmation(self, day: dt.date, category: str) -> tuple[bool, _Scored | None]:
        """RANO-BM: sustained >= 4 weeks: an earlier timepoint of that level at least 28 days
        before, and every timepoint from it to this one at that level too (rano-bm.md)."""
        levels = ("CR",) if category == "CR" else ("CR", "PR")
        for earlier in reversed(self.history):
            if earlier.category not in levels:  # (bmtrack choice 15) anything below breaks the run
                break
            if (day - earlier.date).days >= CONFIRM_DAYS:
                return True, earlier
        return False, None

    def _nadir(self) -> _Scored | None:
        """Smallest SLD so far, the latest scan holding it (choices 9 and 10 for the exclusions)."""
        if not self.targets:
            return None
        best = self.floor or self.baseline
        for scored in self.history:
            if scored.date <= best.date or scored.sum is None or scored.category == "unconfirmed PD":
                continue
            if scored.sum <= best.sum:
                best = scored
        return best

    def _targets_vs_nadir(self, measured, partial, missing, nadir) -> tuple[bool, str | None, list[str]]:
        """RANO-BM target PD: SLD >= 20 % above the nadir and one target >= 5 mm larger than on
        the nadir scan (per lesion, not on the sum). The text explains a +20 % that is not PD."""
        if nadir is None or 5 * partial < 6 * nadir.sum:
            return False, None, []
        grown = {t: v - nadir.values[t] for t, v in measured.items()}
        grown = {t: g for t, g in grown.items() if g >= GROWTH_MM}
        # (bmtrack choice 9) with a target missing, the measured ones are a lower bound of the SLD.
        head = _compare("measured targets alone sum" if missing else "sum", partial, "nadir", nadir.sum)
        if grown:
            return True, f"{head} and " + ", ".join(f"{t} grew {_mm(g)}" for t, g in grown.items()), list(grown)
        return False, f"{head} but no target grew 5 mm or more since the nadir scan of {nadir.date}: not PD", []

    def _finish(self, d: _Draft, total, nadir: _Scored | None, day: dt.date) -> Assessment:
        baseline_sum = self.baseline.sum
        nadir_sum = nadir.sum if nadir is not None else None
        return Assessment(
            date=day,
            category=d.category,
            sum_mm=total,
            baseline_sum_mm=baseline_sum,
            nadir_sum_mm=nadir_sum,
            # (bmtrack choice 5) the baseline assessment, the only one without a nadir, has no
            # change; without targets total is None anyway.
            change_from_baseline_pct=_pct(total, baseline_sum) if nadir is not None else None,
            change_from_nadir_pct=_pct(total, nadir_sum),
            confirmed=d.confirmed,
            pd_date=d.pd_date,
            confirmation_due=d.due,
            flags=tuple(f for f in FLAGS if f in d.flags),
            reasons=tuple(d.reasons),
        )


def _best_overall(follow_ups: Sequence[Assessment], history: Sequence[_Scored], measurable: bool) -> str | None:
    """RANO-BM best overall response up to the first PD (bmtrack choice 16 for the details).

    An unconfirmed CR that closes a run of PR-or-better timepoints spanning >= 28 days counts as
    PR (CR, PR, CR -> PR); any other unconfirmed CR or PR counts as SD (rano-bm.md)."""
    counted: list[tuple[Assessment, _Scored]] = []
    for a, scored in zip(follow_ups, history, strict=True):
        if a.category == "PD":
            counted = [(c, s) for c, s in counted if c.date < a.pd_date] + [(a, scored)]
            break
        counted.append((a, scored))
    if not counted:
        return None

    def as_counted(a: Assessment, scored: _Scored) -> str:
        if a.category in ("CR", "PR") and not a.confirmed:
            if a.category == "CR" and scored.pr_sustained:
                return "PR"
            return "SD" if measurable else "non-CR/non-PD"
        return a.category

    return min((as_counted(a, s) for a, s in counted), key=_RANK.index)


# --------------------------------------------------------------------------- numbers and text


def _pct(value: Decimal | None, reference: Decimal | None) -> Decimal | None:
    """100·(value − reference)/reference, exact, rounded half up to one decimal."""
    if value is None or reference is None or reference == 0:
        return None
    exact = (Fraction(value) - Fraction(reference)) * 100 / Fraction(reference)
    tenths = math.floor(abs(exact) * 10 + Fraction(1, 2))
    return Decimal(tenths if exact >= 0 else -tenths).scaleb(-1)


def _json_mm(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _json_pct(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _num(value: Decimal) -> str:
    return str(_json_mm(value))


def _mm(value: Decimal) -> str:
    return f"{_num(value)} mm"


def _compare(label: str, value: Decimal, ref_label: str, reference: Decimal) -> str:
    pct = _pct(value, reference)
    if pct is None:
        return f"{label} {_mm(value)} against {ref_label} {_mm(reference)}"
    return f"{label} {_mm(value)} is {pct:+.1f} % from {ref_label} {_mm(reference)}"
