"""From a patient's record to the rules' inputs: RANO-BM series and GPA at two moments.

Implements ``docs/clinical/record.md`` (the project's statement of the design notes): how the
record becomes the inputs of ``rano`` and ``gpa``, so that the patient page, the API, the board
packet, the emails, the CLI users and the synthetic cohort all see the same call, traceable to the
rows it came from. Pure standard library over plain values; the patients app reads its rows into
the ``*Fact`` dataclasses below and stores what comes out.

Readings chosen where record.md is silent (each is tested in tests/clinical/test_record.py):

1. A reader's role ``target`` that the core would refuse (a lesion marked not measurable or not
   enhancing, below 10 mm, or a sixth target) is not passed on: the entry services refuse such a
   role, so only rows older than that check can hold one, and one stale role must not make the
   whole series unscorable. The series then carries the flag ``role_ignored``.
2. A scan "has a new lesion" when it measures, > 0 mm, a lesion that was not measured at baseline;
   the reader's call is asked on every such scan (a lesion still visible at a later scan is still
   new against the baseline). A call made without a measured new lesion (seen, not measurable) is
   passed on as made.
3. GPA "nearest observation within 30 days": ties go to the earlier observation (known at the
   diagnosis rather than learnt after it). Markers "known by then" are those tested on or before
   the diagnosis date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bmtrack.clinical import gpa as gpa_rules
from bmtrack.clinical import markers as marker_rules
from bmtrack.clinical import rano as rano_rules
from bmtrack.clinical.baseline import BASELINE_MAX_DAYS_BEFORE, choose_baseline
from bmtrack.clinical.errors import ClinicalInputError

SOURCE = "docs/clinical/record.md"

NEURO_STATUS_DAYS = 14  # record.md: a neurological status counts within 14 days before the scan
GPA_NEAR_DAYS = 30  # record.md: GPA-at-diagnosis facts within 30 days either side
ASSESSED_STATUSES = ("given", "stopped")
SRS_KINDS = ("srs", "fsrs")

# Flags the record adds to the core's (shown in words by the app).
BASELINE_OUTSIDE_WINDOW = "baseline_outside_window"
NEW_LESION_CALL_NEEDED = "new_lesion_call_needed"
ROLE_IGNORED = "role_ignored"
RECORD_FLAGS = (BASELINE_OUTSIDE_WINDOW, NEW_LESION_CALL_NEEDED, ROLE_IGNORED)


# --------------------------------------------------------------------------- the record, as plain values


@dataclass(frozen=True)
class MeasurementFact:
    lesion: str  # the lesion's label (L1, L2, ...)
    diameter_mm: float  # longest diameter (one decimal, so exact as text); 0 when marked disappeared
    measurable: bool = True
    enhancing: bool = True
    role: str = ""  # "" | "target" | "non-target" (the reader's choice, at baseline)


@dataclass(frozen=True)
class ScanFact:
    id: object
    day: dt.date  # site-local calendar day
    modality: str = "mri"
    measured: bool = True  # lesion measurements complete
    pinned_baseline: bool = False
    new_lesion_call: str = ""  # "" (not called) | none | equivocal | definite
    non_target: str = "none"
    measurements: tuple[MeasurementFact, ...] = ()


@dataclass(frozen=True)
class TreatmentFact:
    id: object
    kind: str
    status: str
    start: dt.date  # site-local calendar days
    end: dt.date | None = None
    lesions: tuple[str, ...] = ()  # labels of the lesions treated


@dataclass(frozen=True)
class ObservationFact:
    """One dated status fact: kps, extracranial_metastases, dexamethasone_mg, haemoglobin_g_dl,
    neuro_status (improved | stable | worse)."""

    name: str
    day: dt.date
    value: object


@dataclass(frozen=True)
class MarkerFact:
    name: str  # egfr, alk, ros1, braf, her2, er, pr, pd_l1, ...
    tested_on: dt.date
    result: str = ""  # positive | negative | equivocal | failed | ""
    value_pct: float | None = None


@dataclass(frozen=True)
class WorkupFact:
    day: dt.date
    result: str  # progression | treatment_effect
    method: str = ""


@dataclass(frozen=True)
class PrimaryFact:
    type: str
    brain_metastases_diagnosed_on: dt.date | None = None
    brain_metastases_count: int | None = None  # entered with the diagnosis
    markers: tuple[MarkerFact, ...] = ()


# --------------------------------------------------------------------------- RANO-BM series


@dataclass(frozen=True)
class RanoSeries:
    """The core's inputs for one patient, with the scan each timepoint came from."""

    scan_ids: tuple
    timepoints: tuple[rano_rules.Timepoint, ...]
    immunotherapy_starts: tuple[dt.date, ...]
    lesion_roles: dict[str, str]
    non_measurable: frozenset[str]
    srs: tuple[rano_rules.SrsCourse, ...]
    workup: tuple[rano_rules.Workup, ...]
    flags: dict = field(default_factory=dict)  # scan id -> record flags of that timepoint
    notes: dict = field(default_factory=dict)  # scan id -> sentences explaining those flags

    def assess(self) -> rano_rules.RanoResult:
        return rano_rules.assess(
            self.timepoints, immunotherapy_starts=self.immunotherapy_starts, lesion_roles=self.lesion_roles,
            non_measurable=self.non_measurable, srs=self.srs, workup=self.workup)

    def on_immunotherapy(self, day: dt.date) -> bool:
        return any(start <= day for start in self.immunotherapy_starts)


def rano_series(
    scans: Sequence[ScanFact],
    treatments: Iterable[TreatmentFact],
    observations: Iterable[ObservationFact],
    workups: Iterable[WorkupFact] = (),
) -> RanoSeries | None:
    """record.md "RANO-BM series"; None when no MRI has complete measurements."""
    measured = sorted((s for s in scans if s.modality == "mri" and s.measured), key=lambda s: s.day)
    if not measured:
        return None
    given = [t for t in treatments if t.status in ASSESSED_STATUSES]
    pinned = [s.id for s in measured if s.pinned_baseline]
    starts = [t.start for t in given if t.kind != "other"]
    baseline_id = choose_baseline([(s.id, s.day) for s in measured], starts, pinned=pinned[-1] if pinned else None)
    index = next(i for i, s in enumerate(measured) if s.id == baseline_id)
    series = measured[index:]
    baseline = series[0]
    flags: dict = {s.id: [] for s in series}
    notes: dict = {s.id: [] for s in series}
    if not pinned and not _within_window(baseline.day, starts):
        flags[baseline.id].append(BASELINE_OUTSIDE_WINDOW)
        notes[baseline.id].append(
            f"baseline MRI of {baseline.day} is not within 4 weeks before a treatment")

    at_baseline = {m.lesion: m for m in baseline.measurements}
    non_measurable = frozenset(k for k, m in at_baseline.items() if not (m.measurable and m.enhancing))
    roles, ignored = _roles(at_baseline, non_measurable)
    if ignored:
        flags[baseline.id].append(ROLE_IGNORED)
        notes[baseline.id].append(
            f"target role of {', '.join(ignored)} not used: not measurable, below 10 mm, or more than 5 targets")

    facts = sorted(observations, key=lambda o: o.day)
    timepoints = []
    for scan in series:
        lesions = {m.lesion: _number(m.diameter_mm) for m in scan.measurements if m.lesion in at_baseline}
        new_seen = any(m.lesion not in at_baseline and m.diameter_mm > 0 for m in scan.measurements)
        call = scan.new_lesion_call
        if scan is baseline:
            call = "none"
        elif not call:
            # record.md 5: no silent default; until someone calls it, equivocal (not PD, never CR).
            call = "equivocal" if new_seen else "none"
            if new_seen:
                flags[scan.id].append(NEW_LESION_CALL_NEEDED)
                notes[scan.id].append("a new lesion was measured and nobody has called it yet: scored as equivocal")
        timepoints.append(rano_rules.Timepoint(
            date=scan.day,
            lesions=lesions,
            new_lesions=call,
            non_target=scan.non_target,
            steroid_mg=_steroid_on(facts, scan.day),
            clinical=_clinical_status(facts, baseline.day, scan.day),
        ))
    return RanoSeries(
        scan_ids=tuple(s.id for s in series),
        timepoints=tuple(timepoints),
        immunotherapy_starts=tuple(sorted({t.start for t in given if t.kind == "ici"})),
        lesion_roles=roles,
        non_measurable=non_measurable,
        srs=tuple(rano_rules.SrsCourse(t.end or t.start, frozenset(t.lesions))
                  for t in given if t.kind in SRS_KINDS),
        workup=tuple(rano_rules.Workup(w.day, w.result) for w in sorted(workups, key=lambda w: w.day)),
        flags={k: tuple(v) for k, v in flags.items()},
        notes={k: tuple(v) for k, v in notes.items()},
    )


def _number(value) -> int | float:
    """A stored Decimal diameter as the plain number the core takes (it refuses Decimal); one
    decimal place survives float exactly (the core reads Decimal(str(value)))."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def _within_window(day: dt.date, treatment_starts: Iterable[dt.date]) -> bool:
    return any(start - dt.timedelta(days=BASELINE_MAX_DAYS_BEFORE) <= day <= start for start in treatment_starts)


def _roles(at_baseline: dict[str, MeasurementFact], non_measurable: frozenset[str]) -> tuple[dict, list]:
    """The reader's roles the core accepts (reading 1), and the target roles left out."""
    roles, ignored = {}, []
    chosen = sorted((k for k, m in at_baseline.items() if m.role == "target"),
                    key=lambda k: at_baseline[k].diameter_mm, reverse=True)
    for label, m in at_baseline.items():
        if m.role == "non-target":
            roles[label] = "non-target"
    for label in chosen:
        valid = label not in non_measurable and at_baseline[label].diameter_mm >= rano_rules.MEASURABLE_MM
        if valid and sum(r == "target" for r in roles.values()) < rano_rules.MAX_TARGETS:
            roles[label] = "target"
        else:
            ignored.append(label)
    return roles, ignored


def _steroid_on(facts: Sequence[ObservationFact], day: dt.date) -> float:
    """record.md 6: the dexamethasone dose in effect on the day; 0 when none was ever recorded."""
    dose = 0.0
    for fact in facts:
        if fact.day > day:
            break
        if fact.name == "dexamethasone_mg" and fact.value is not None:
            dose = float(fact.value)
    return dose


def _clinical_status(facts: Sequence[ObservationFact], baseline_day: dt.date, day: dt.date) -> str:
    """record.md 7: the latest neurological status after the baseline day and at most 14 days
    before the scan's day; stable when there is none."""
    status = "stable"
    for fact in facts:
        if fact.day > day:
            break
        if fact.name == "neuro_status" and fact.value and baseline_day < fact.day \
                and (day - fact.day).days <= NEURO_STATUS_DAYS:
            status = str(fact.value)
    return status


def assess_series(series: RanoSeries) -> list[dict]:
    """One row per scan of the series: the core's assessment with the record's flags added and
    ``reasons`` led by the sentences that explain them; ``scan_id`` and ``immunotherapy`` too."""
    result = series.assess().to_dict()
    rows = []
    for scan_id, tp, assessment in zip(series.scan_ids, series.timepoints, result["assessments"], strict=True):
        row = dict(assessment)
        row["flags"] = list(assessment["flags"]) + list(series.flags.get(scan_id, ()))
        row["reasons"] = list(series.notes.get(scan_id, ())) + list(assessment["reasons"])
        row["scan_id"] = scan_id
        row["immunotherapy"] = series.on_immunotherapy(tp.date)
        row["targets"] = result["targets"]
        row["best_overall_response"] = result["best_overall_response"]
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- GPA

DIAGNOSIS, CURRENT = "diagnosis", "current"
SCORED, NOT_SCORABLE, NOT_APPLICABLE = "scored", "not_scorable", "not_applicable"

FACTOR_WORDS = {
    "age": "age",
    "kps": "Karnofsky performance status",
    "extracranial_metastases": "extracranial metastases (present or absent)",
    "brain_metastases": "number of brain metastases",
    "egfr_alk": "EGFR/ALK status",
    "pd_l1_pct": "PD-L1",
    "braf": "BRAF status",
    "subtype": "breast subtype (ER, PR and HER2)",
    "haemoglobin_g_dl": "haemoglobin",
}


@dataclass(frozen=True)
class GpaOutcome:
    """The GPA of one moment: scored, or why not, in words; every factor with value and date."""

    moment: str  # diagnosis | current
    on: dt.date  # the reference day (diagnosis of brain metastases, or today)
    status: str  # scored | not_scorable | not_applicable
    variant: str | None = None
    factors: dict = field(default_factory=dict)  # factor -> value used
    taken_from: dict = field(default_factory=dict)  # factor -> ISO date (or a phrase)
    result: dict | None = None  # gpa.score(...).to_dict() when scored
    companion: dict | None = None  # Lung-molGPA 2017 beside a lung 2022 result
    message: str = ""  # plain words when not scored


def gpa_outcomes(birth_date: dt.date, primary: PrimaryFact | None, observations: Iterable[ObservationFact],
                 scans: Sequence[ScanFact], today: dt.date) -> list[GpaOutcome]:
    """record.md "GPA": at diagnosis of brain metastases (when its date is recorded) and current."""
    if primary is None:
        return []
    facts = sorted(observations, key=lambda o: o.day)
    mris = sorted((s for s in scans if s.modality == "mri" and s.measured), key=lambda s: s.day)
    outcomes = []
    diagnosed = primary.brain_metastases_diagnosed_on
    if diagnosed is not None:
        outcomes.append(_at_diagnosis(birth_date, primary, facts, mris, diagnosed))
    outcomes.append(_current(birth_date, primary, facts, mris, today))
    return outcomes


def _at_diagnosis(birth_date, primary: PrimaryFact, facts, mris, day: dt.date) -> GpaOutcome:
    factors, taken = {"age": _age(birth_date, day)}, {"age": day.isoformat()}
    missing = []
    for name in ("kps", "extracranial_metastases", "haemoglobin_g_dl"):
        fact = _nearest(facts, name, day)
        if fact is not None:
            factors[name], taken[name] = _value(name, fact.value), fact.day.isoformat()
        elif name == "haemoglobin_g_dl":
            factors[name] = None  # gpa.md: null is "unknown" for haemoglobin
        else:
            missing.append(name)
    if primary.brain_metastases_count:
        factors["brain_metastases"] = primary.brain_metastases_count
        taken["brain_metastases"] = day.isoformat()
    else:
        near = [s for s in mris if abs((s.day - day).days) <= GPA_NEAR_DAYS]
        if near:
            factors["brain_metastases"] = _visible(near[0])
            taken["brain_metastases"] = near[0].day.isoformat()
        else:
            missing.append("brain_metastases")
    _markers(primary, [m for m in primary.markers if m.tested_on <= day], factors, taken)
    return _score(DIAGNOSIS, day, primary, factors, taken, missing, f"near {_words(day)}")


def _current(birth_date, primary: PrimaryFact, facts, mris, today: dt.date) -> GpaOutcome:
    factors, taken = {"age": _age(birth_date, today)}, {"age": today.isoformat()}
    missing = []
    for name in ("kps", "extracranial_metastases", "haemoglobin_g_dl"):
        fact = _latest(facts, name, today)
        if fact is not None:
            factors[name], taken[name] = _value(name, fact.value), fact.day.isoformat()
        elif name == "haemoglobin_g_dl":
            factors[name] = None
        else:
            missing.append(name)
    latest = [s for s in mris if s.day <= today]
    if latest:
        factors["brain_metastases"] = _visible(latest[-1])
        taken["brain_metastases"] = latest[-1].day.isoformat()
    else:
        missing.append("brain_metastases")
    _markers(primary, [m for m in primary.markers if m.tested_on <= today], factors, taken)
    return _score(CURRENT, today, primary, factors, taken, missing, "")


def _score(moment, day, primary: PrimaryFact, factors, taken, missing, near: str) -> GpaOutcome:
    variant = gpa_rules.choose_variant(primary.type)
    needed = gpa_rules.factors_for(variant)
    if factors.get("brain_metastases") == 0:
        mri_day = dt.date.fromisoformat(taken["brain_metastases"])
        return GpaOutcome(moment, day, NOT_APPLICABLE, variant, factors, taken,
                          message=f"not applicable: no visible brain metastasis on the MRI of {_words(mri_day)}")
    lacking = [name for name in missing if name in needed]
    if "subtype" in needed and "subtype" not in factors:
        lacking.append("subtype")
    if lacking:
        words = ", ".join(FACTOR_WORDS[name] for name in lacking)
        where = f" {near}" if near else ""
        return GpaOutcome(moment, day, NOT_SCORABLE, variant, factors, taken,
                          message=f"not scorable: {words} not recorded{where}")
    used = {name: factors.get(name) for name in needed}
    try:
        result = gpa_rules.score(variant, used).to_dict()
    except ClinicalInputError as exc:
        name = exc.field.rsplit(".", 1)[-1]
        return GpaOutcome(moment, day, NOT_SCORABLE, variant, used, taken,
                          message=f"not scorable: {FACTOR_WORDS.get(name, name)} {exc.message}")
    companion = None
    companion_id = gpa_rules.companion_variant(primary.type)
    if companion_id:
        try:
            companion = gpa_rules.score(companion_id, {n: factors.get(n) for n in gpa_rules.factors_for(companion_id)
                                                       }).to_dict()
        except ClinicalInputError:
            companion = None
    return GpaOutcome(moment, day, SCORED, variant, used, {k: v for k, v in taken.items() if k in used},
                      result=result, companion=companion)


def _markers(primary: PrimaryFact, known: list[MarkerFact], factors: dict, taken: dict) -> None:
    latest: dict[str, MarkerFact] = {}
    for marker in sorted(known, key=lambda m: m.tested_on):
        latest[marker.name] = marker

    def outcome(name):
        marker = latest.get(name)
        return marker_rules.marker_value(marker.result) if marker else None

    def when(*names):
        days = [latest[n].tested_on for n in names if n in latest]
        return max(days).isoformat() if days else None

    factors["egfr_alk"] = marker_rules.egfr_alk(outcome("egfr"), outcome("alk"))
    factors["braf"] = outcome("braf") or "unknown"
    pd_l1 = latest.get("pd_l1")
    factors["pd_l1_pct"] = pd_l1.value_pct if pd_l1 is not None and pd_l1.value_pct is not None else None
    subtype = marker_rules.breast_subtype(outcome("er"), outcome("pr"), outcome("her2"))
    if subtype:
        factors["subtype"] = subtype
    for name, sources in (("egfr_alk", ("egfr", "alk")), ("braf", ("braf",)), ("pd_l1_pct", ("pd_l1",)),
                          ("subtype", ("er", "pr", "her2"))):
        day = when(*sources)
        if day and name in factors:
            taken[name] = day


def _nearest(facts, name: str, day: dt.date) -> ObservationFact | None:
    """The observation of ``name`` nearest to ``day`` within 30 days either side (ties: earlier)."""
    near = [f for f in facts if f.name == name and f.value is not None and f.value != ""
            and abs((f.day - day).days) <= GPA_NEAR_DAYS]
    return min(near, key=lambda f: (abs((f.day - day).days), f.day), default=None)


def _latest(facts, name: str, day: dt.date) -> ObservationFact | None:
    found = None
    for fact in facts:
        if fact.day > day:
            break
        if fact.name == name and fact.value is not None and fact.value != "":
            found = fact
    return found


def _value(name: str, value):
    if name == "kps":
        return int(value)
    if name == "extracranial_metastases":
        return bool(value)
    return float(value)


def _visible(scan: ScanFact) -> int:
    return sum(1 for m in scan.measurements if m.diameter_mm > 0)


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _words(day: dt.date) -> str:
    """4 Dec 2026: the one date format of the app's pages, packets and emails."""
    return f"{day.day} {day:%b %Y}"
