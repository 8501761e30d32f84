"""The one-page case summary and the meeting packet, generated from the stored record.

Nothing here computes a clinical figure: GPA and RANO-BM are the stored assessments (with their
inputs and source), protocol gaps come from ``clinical.protocol.check_protocol`` and the work-up from
``clinical.workup.workup_hint``. Only cases of patients the user may see are included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bmtrack.boards import charts
from bmtrack.boards.changes import changes_since_last_board
from bmtrack.boards.models import BoardCase, Meeting, SuggestionReason
from bmtrack.clinical import purposes, watch, workup
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.protocol import check_protocol
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.core.charts import response as response_geometry
from bmtrack.core.charts import timeline as timeline_geometry
from bmtrack.core.clock import local_date
from bmtrack.patients.models import GPAAssessment, Measurement, ResponseAssessment, Scan, Treatment
from bmtrack.patients.models.choices import (
    GpaMoment,
    GpaStatus,
    Modality,
    NeuroStatus,
    ScanPurpose,
    Sequence,
    TreatmentStatus,
)
from bmtrack.patients.scoping import scope
from bmtrack.patients.selectors import current_gpas, current_primary, latest_markers, status_on
from bmtrack.surveillance.models import OPEN_STATES, WatchWindow

SEQUENCE_LABELS = dict(Sequence.choices)
PURPOSE_LABELS = dict(ScanPurpose.choices)
REASON_LABELS = dict(SuggestionReason.choices)
MAX_TREATMENT_LINES = 9
MAX_RESPONSE_ROWS = 7
MAX_ADVICE = 4


@dataclass
class ProtocolGaps:
    scan_on: dt.date
    purpose: str
    compliant: bool
    missing: list[str]
    advice: list[str]


@dataclass
class Workup:
    summary: str
    steps: list[workup.WorkupSuggestion]
    source: str


@dataclass
class CaseSummary:
    case: BoardCase
    number: int
    total: int
    age: int
    primary: object
    markers: list[str]
    treatments: list[Treatment]
    treatments_hidden: int
    status: dict
    gpas: list  # patients.selectors.GpaMomentView: at diagnosis (when dated), current
    gpa_previous: GPAAssessment | None  # the scored current-moment GPA before the one shown
    responses: list[ResponseAssessment]
    responses_hidden: int
    response_chart: str
    timeline: str
    protocol: ProtocolGaps | None
    workup: Workup | None
    open_items: list
    reasons: list[dict] = field(default_factory=list)
    changed: str = ""  # "Since the last board (…): …" (``changes.py``)

    @property
    def patient(self):
        return self.case.patient


def visible_cases(meeting: Meeting, user):
    """The meeting's cases, in order, of patients the user may see (not logged here: the packet's
    access function, ``accounts.access.access_meeting_packet``, logs the patients it shows)."""
    return (scope(BoardCase.objects.filter(meeting=meeting), user)
            .select_related("patient", "presenter", "decided_by", "planned_treatment", "followup_item")
            .order_by("order", "pk"))


def build_packet(cases: list[BoardCase]) -> list[CaseSummary]:
    """The summaries of a meeting's cases (reached through ``access_meeting_packet``), numbered."""
    return [build_case_summary(case, number=i, total=len(cases)) for i, case in enumerate(cases, start=1)]


def build_case_summary(case: BoardCase, *, number: int = 1, total: int = 1) -> CaseSummary:
    patient = case.patient
    day = case.meeting.date
    primary = current_primary(patient)
    markers = []
    if primary is not None:
        for marker in sorted(latest_markers(list(primary.markers.all())).values(), key=lambda m: m.marker):
            value = f" {float(marker.value_pct):g} %" if marker.value_pct is not None else ""
            detail = f" ({marker.detail})" if marker.detail else ""
            markers.append(f"{marker.get_marker_display()} {marker.get_result_display().lower()}{value}{detail}")
    treatments = list(patient.treatments.exclude(status=TreatmentStatus.CANCELLED).prefetch_related("lesions")
                      .order_by("start", "pk"))
    facts = status_on(list(patient.observations.all()))
    gpas = current_gpas(patient)
    # Only GPAs the record still yields are shown; the previous current-moment score only beside one.
    now = next((g.assessment for g in gpas if g.assessment.moment == GpaMoment.CURRENT and g.scored), None)
    previous = None
    if now is not None:
        previous = (patient.gpa_assessments.filter(moment=GpaMoment.CURRENT, status=GpaStatus.SCORED, current=False)
                    .exclude(score=now.score).order_by("-computed_at", "-pk").first())
    responses = list(ResponseAssessment.objects.filter(patient=patient).select_related("scan").order_by("scan__at"))
    scans = list(patient.scans.all())
    windows = list(WatchWindow.objects.filter(patient=patient))
    return CaseSummary(
        case=case,
        number=number,
        total=total,
        age=patient.age_on(day),
        primary=primary,
        markers=markers,
        treatments=treatments[-MAX_TREATMENT_LINES:],
        treatments_hidden=max(0, len(treatments) - MAX_TREATMENT_LINES),
        status=_status(facts),
        gpas=gpas,
        gpa_previous=previous,
        responses=responses[-MAX_RESPONSE_ROWS:],
        responses_hidden=max(0, len(responses) - MAX_RESPONSE_ROWS),
        response_chart=_response_chart(responses),
        timeline=_timeline(treatments, scans, responses, windows, day, primary),
        protocol=_protocol(scans, responses),
        workup=_workup(case, treatments, windows),
        open_items=list(patient.due_items.filter(state__in=OPEN_STATES).order_by("due_by")[:4]),
        reasons=[{**r, "label": REASON_LABELS.get(r.get("reason"), r.get("reason"))} for r in case.reasons],
        changed=changes_since_last_board([case])[case.pk].text,
    )


def _status(facts: dict) -> dict:
    status = {}
    for name, fact in facts.items():
        value = fact.value
        if name == "neuro_status":
            value = NeuroStatus(value).label.lower()
        elif name == "extracranial_metastases":
            value = "present" if value else "absent"
        elif name in ("dexamethasone_mg", "haemoglobin_g_dl"):
            value = f"{float(value):g}"
        status[name] = {"value": value, "on": fact.observed_on}
    return status


def _response_chart(responses: list[ResponseAssessment]) -> str:
    def mm(value):
        return float(value) if value is not None else None

    points = [response_geometry.PointIn(local_date(r.scan.at), mm(r.sum_mm), mm(r.baseline_sum_mm),
                                        mm(r.nadir_sum_mm) if r.category != "baseline" else None, r.category, "")
              for r in responses]
    return charts.response_svg(response_geometry.build_response_chart(points, **charts.PACKET_RESPONSE))


def _timeline(treatments, scans, responses, windows, day, primary) -> str:
    """The page's timeline seen from the board day, without the due lane, with the diagnosis of brain
    metastases marked."""
    g = timeline_geometry
    categories = {r.scan_id: r.category for r in responses}
    bm_on = primary.brain_metastases_diagnosed_on if primary else None
    chart = g.build_timeline(
        [g.TreatmentIn(t.kind, g.treatment_label(t.kind, t.agent, t.dose_gy), local_date(t.start),
                       local_date(t.end) if t.end else None, t.status, t.is_systemic, "") for t in treatments],
        [g.ScanIn(local_date(s.at), s.modality, categories.get(s.pk), "", pending=s.measurement_status == "pending")
         for s in scans],
        [g.WindowIn(w.kind, w.starts_on, w.ends_on, g.window_label(w.kind, w.ends_on)) for w in windows],
        None, day,
        day_lines=[g.DayLine(bm_on, "BM diagnosis", "bm")] if bm_on else [],
        **charts.PACKET_TIMELINE,
    )
    return charts.timeline_svg(chart)


def _protocol(scans: list[Scan], responses: list[ResponseAssessment]) -> ProtocolGaps | None:
    """Protocol gaps of the latest MRI (against its response baseline for response/confirmation scans)."""
    mris = [s for s in scans if s.modality == Modality.MRI]
    if not mris:
        return None
    scan = mris[-1]
    baseline = None
    response = next((r for r in responses if r.scan_id == scan.pk), None)
    base_scan = next((s for s in scans if response and s.pk == response.baseline_scan_id), None)
    if base_scan is not None and base_scan.pk != scan.pk:
        baseline = {"sequences": base_scan.sequences, "field_strength_t": _tesla(base_scan.field_strength_t),
                    "scanner": base_scan.scanner or None}
    try:
        checked_as = purposes.protocol_purpose(
            scan.purpose, scored=response is not None and response.category != "baseline")
        check = check_protocol(checked_as, scan.sequences or [], _tesla(scan.field_strength_t),
                               scan.scanner or None, baseline)
    except ClinicalInputError:
        return None
    return ProtocolGaps(
        scan_on=local_date(scan.at),
        purpose=PURPOSE_LABELS[checked_as],
        compliant=check.compliant,
        missing=[SEQUENCE_LABELS.get(s, s) for s in check.missing],
        advice=[a.text for a in check.advice][:MAX_ADVICE],
    )


def _tesla(value):
    if value is None:
        return None
    value = float(value)
    return 1.5 if value == 1.5 else int(value)


def _workup(case: BoardCase, treatments, windows) -> Workup | None:
    """The work-up hint when the case is about an enlarging treated lesion inside a watch window, or when
    a watched lesion's latest measurement is an enlargement inside its window: the same lesions the
    patient page names (``clinical.watch``; schedule.md, work-up hint)."""
    kind = next((r.get("window_kind") for r in case.reasons if r.get("window_kind")), "")
    if not kind:
        series: dict[int, list[tuple[dt.date, float]]] = {}
        for m in (Measurement.objects.filter(scan__patient=case.patient, scan__modality=Modality.MRI)
                  .select_related("scan")):
            series.setdefault(m.lesion_id, []).append((local_date(m.scan.at), float(m.diameter_mm)))
        treated = {f"T{t.pk}": [lesion.pk for lesion in t.lesions.all()] for t in treatments}
        plain = [WatchWindowOut(w.kind, w.trigger, w.starts_on, w.ends_on) for w in windows]
        try:
            found = watch.current_enlargements(series, watch.lesion_watches(plain, treated, series))
        except ClinicalInputError:
            found = []
        kind = found[0].window.kind if found else ""
    if not kind:
        return None
    hint = workup.workup_hint(kind)
    return Workup(summary=hint.summary, steps=list(hint.suggestions), source=hint.source)
