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
from bmtrack.clinical import purposes, watch
from bmtrack.clinical import screening as screening_rules
from bmtrack.clinical import workup as workup_rules
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.core.clock import local_date
from bmtrack.web.texts import SCREENING_RECOMMENDATIONS


@dataclass
class ScreeningView:
    advice: screening_rules.ScreeningAdvice | None
    error: str = ""

    @property
    def recommendation(self) -> str:
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
    """Check one MRI, as the purpose ``clinical.purposes.protocol_purpose`` says it is checked as
    (a scan scored against a RANO-BM baseline is a response scan)."""
    try:
        checked_as = purposes.protocol_purpose(purpose, scored=scored)
    except ClinicalInputError as exc:
        return ProtocolView(None, purpose, error=str(exc))
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
    """Treated lesions whose latest measurement is an enlargement inside a watch window: which lesion
    a window watches, and from which day, is ``clinical.watch``'s to say. ``scans`` with their
    ``measured`` lesions and ``treatments`` with their ``treated_lesions``, as the patient page loads
    them (``queries.patient``)."""
    series: dict[int, list[tuple[dt.date, float]]] = {}
    lesions = {}
    for scan in scans:
        if scan.modality != "mri":
            continue
        day = local_date(scan.at)
        for m in scan.measured:
            series.setdefault(m.lesion_id, []).append((day, float(m.diameter_mm)))
            lesions[m.lesion_id] = m.lesion
    treated = {f"T{t.pk}": [lesion.pk for lesion in t.treated_lesions] for t in treatments}
    plain = [WatchWindowOut(w.kind, w.trigger, w.starts_on, w.ends_on) for w in windows]
    try:
        found = watch.current_enlargements(series, watch.lesion_watches(plain, treated, series))
    except ClinicalInputError:
        return []
    return [WorkupView(lesions[f.lesion].label, lesions[f.lesion].location, f.window, f.enlargement.date,
                       f.enlargement.mm, f.enlargement.nadir_mm, f.enlargement.nadir_date,
                       workup_rules.workup_hint(f.window.kind))
            for f in found]
