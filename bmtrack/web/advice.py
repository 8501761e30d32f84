"""Advice shown where it matters, from the clinical core (no rule is decided here).

1. ``screening_for``: screening advice and lifetime risk for a primary tumour (clinical.screening).
2. ``protocol_for``: MRI protocol gaps of a scan, against the response baseline's sequences,
   scanner and field strength when the scan is scored against one (clinical.protocol).
3. ``workup_hints``: the work-up hint when a treated lesion enlarges inside a watch window on its
   latest measurement (clinical.workup).
Each adapter turns stored rows into the core's plain inputs and returns the core's own result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bmtrack.clinical import protocol as protocol_rules
from bmtrack.clinical import screening as screening_rules
from bmtrack.clinical import workup as workup_rules
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.core.clock import local_date

DETECTION_PURPOSES = ("screening", "diagnosis", "post_operative", "surveillance")


@dataclass
class ScreeningView:
    advice: screening_rules.ScreeningAdvice | None
    error: str = ""

    @property
    def recommendation(self) -> str:
        from bmtrack.web.texts import SCREENING_RECOMMENDATIONS

        return SCREENING_RECOMMENDATIONS.get(self.advice.recommendation, "") if self.advice else ""


def screening_for(primary_type: str, stage: str | None, seer_stage: str | None,
                  neuro_symptoms: bool = False) -> ScreeningView:
    try:
        return ScreeningView(screening_rules.advise(primary_type, stage or None, seer_stage or None,
                                                    neuro_symptoms=neuro_symptoms))
    except ClinicalInputError as exc:
        return ScreeningView(None, str(exc))


@dataclass
class ProtocolView:
    check: protocol_rules.ProtocolCheck | None
    checked_as: str
    baseline_day: dt.date | None = None
    error: str = ""


def _float(value):
    return float(value) if value is not None else None


def protocol_for(*, purpose: str, sequences, field_strength_t, scanner: str, baseline=None,
                 scored: bool = False) -> ProtocolView:
    """Check one MRI. A scan scored against a baseline (RANO-BM) is checked as a response scan:
    "the same sequences and sequence settings as at baseline ... on the same scanner"."""
    checked_as = purpose
    if scored and purpose in DETECTION_PURPOSES:
        checked_as = "response"
    baseline_input = None
    if baseline is not None and checked_as in ("response", "confirmation"):
        # A mapping, so that the core reads (and normalises) the baseline exactly like the scan.
        baseline_input = {"sequences": list(baseline.sequences or ()),
                          "field_strength_t": _float(baseline.field_strength_t), "scanner": baseline.scanner or None}
    try:
        check = protocol_rules.check_protocol(checked_as, list(sequences or ()), _float(field_strength_t),
                                              scanner or None, baseline_input)
    except ClinicalInputError as exc:
        return ProtocolView(None, checked_as, error=str(exc))
    return ProtocolView(check, checked_as, local_date(baseline.at) if baseline_input else None)


@dataclass
class WorkupView:
    lesion: str
    location: str
    window: WatchWindowOut
    day: dt.date
    mm: float
    nadir_mm: float
    nadir_day: dt.date
    hint: workup_rules.WorkupHint


def workup_hints(treatments, scans, windows) -> list[WorkupView]:
    """Treated lesions whose latest measurement is an enlargement inside a watch window.

    Lesions treated by SRS/fSRS are watched in that treatment's radiation-necrosis window; every
    lesion is watched in the pseudoprogression window of systemic therapy (ICI/TT) from its start.
    """
    series: dict[int, list[tuple[dt.date, float]]] = {}
    lesions = {}
    for scan in scans:
        if scan.modality != "mri":
            continue
        day = local_date(scan.at)
        for m in scan.measurements.all():
            series.setdefault(m.lesion_id, []).append((day, float(m.diameter_mm)))
            lesions[m.lesion_id] = m.lesion
    outs = {w.trigger: [] for w in windows}
    for w in windows:
        outs[w.trigger].append(WatchWindowOut(w.kind, w.trigger, w.starts_on, w.ends_on))
    candidates = []  # (lesion id, treated on, windows)
    for t in treatments:
        if t.kind in ("srs", "fsrs") and f"T{t.pk}" in outs:
            treated_on = local_date(t.end or t.start)
            rn = [w for w in outs[f"T{t.pk}"] if w.kind == "radiation_necrosis"]
            candidates += [(lesion.pk, treated_on, rn) for lesion in t.lesions.all()]
    for w in windows:
        if w.kind == "pseudoprogression":
            candidates += [(lesion_id, w.starts_on, outs[w.trigger]) for lesion_id in series]
    views, seen = [], set()
    scanned: dict[tuple[int, dt.date], list | None] = {}
    latest = {lesion_id: max(day for day, _ in points) for lesion_id, points in series.items()}
    # An enlargement needs ENLARGEMENT_MIN_MM over a nadir, which is never below the series' smallest
    # diameter: a lesion whose latest diameters are not that far above it cannot have one on the
    # latest scan, so its series need not be scanned (the margin covers float rounding).
    rise = {lesion_id: max(mm for day, mm in points if day == latest[lesion_id]) - min(mm for _, mm in points)
            for lesion_id, points in series.items()}
    for lesion_id, treated_on, lesion_windows in candidates:
        points = series.get(lesion_id)
        if lesion_id in seen or not points or not lesion_windows:
            continue
        latest_day = latest[lesion_id]
        # A hint needs an enlargement on the latest scan inside one of these windows: skip the
        # series scan (find_enlargements) when no window holds that day (most lesions, most windows).
        if latest_day <= treated_on or not any(w.contains(latest_day) for w in lesion_windows):
            continue
        if rise[lesion_id] < workup_rules.ENLARGEMENT_MIN_MM - 1e-6:
            continue
        # Several windows (one per systemic line) can name the same lesion and start: scan its
        # series once per (lesion, start).
        key = (lesion_id, treated_on)
        if key not in scanned:
            try:
                scanned[key] = workup_rules.find_enlargements(points, treated_on)
            except ClinicalInputError:
                scanned[key] = None
        enlargements = scanned[key]
        if enlargements is None:
            continue
        current = [e for e in enlargements if e.date == latest_day]
        if not current:
            continue
        e = current[0]
        window = next((w for w in lesion_windows if w.contains(e.date)), None)
        if window is None:
            continue
        lesion = lesions[lesion_id]
        views.append(WorkupView(lesion.label, lesion.location, window, e.date, e.mm, e.nadir_mm, e.nadir_date,
                                workup_rules.workup_hint(window.kind)))
        seen.add(lesion_id)
    return views
