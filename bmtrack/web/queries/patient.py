"""The patient page: the whole record in a fixed number of queries, and the pictures drawn from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings

from bmtrack.core.charts import response as response_chart
from bmtrack.core.charts import timeline as timeline_chart
from bmtrack.core.clock import local_date
from bmtrack.core.clock import today as site_today
from bmtrack.core.labels import choice_label
from bmtrack.core.lookups import Ids
from bmtrack.patients.models import Lesion, Measurement, Patient, Scan, Treatment
from bmtrack.patients.selectors import current_gpas, latest_markers, status_on
from bmtrack.surveillance import log as notification_log
from bmtrack.surveillance.models import ContactAttempt, DueItem
from bmtrack.web import advice, texts
from bmtrack.web.formatting import fmt_date, fmt_datetime
from bmtrack.web.queries.worklist import classify_items, describe_trigger


@dataclass(frozen=True, slots=True)
class Measured:
    """One lesion's measurement on a scan, as the page reads it: read as a plain row (two hundred
    measurements of thirty scans cost ~3 ms as model instances through a prefetch)."""

    lesion: Lesion
    longest_diameter_mm: Decimal | None
    perpendicular_mm: Decimal | None
    disappeared: bool
    enhancing: bool | None
    measurable: bool | None
    role: str

    @property
    def lesion_id(self) -> int:
        return self.lesion.pk

    diameter_mm = Measurement.diameter_mm  # the model's own rule: a lesion gone measures 0


MEASURED = ("scan_id", "lesion_id", "longest_diameter_mm", "perpendicular_mm", "disappeared", "enhancing",
            "measurable", "role")


def _attach_lesions(patient: Patient, treatments: list[Treatment], scans: list[Scan]) -> None:
    """Each scan's ``measured`` (by lesion label) and each treatment's ``treated_lesions``, with one
    instance per lesion (thirty scans measure the same dozen lesions), from three plain queries."""
    ranked = list(patient.lesions.all())  # ordered by label, in the database's collation
    lesions = {lesion.pk: lesion for lesion in ranked}
    rank = {lesion.pk: index for index, lesion in enumerate(ranked)}
    measured: dict[int, list[Measured]] = {scan.pk: [] for scan in scans}
    rows = Measurement.objects.filter(scan_id__any_of=Ids(measured)).order_by().values_list(*MEASURED)
    for scan_id, lesion_id, *values in sorted(rows, key=lambda row: rank[row[1]]):
        measured[scan_id].append(Measured(lesions[lesion_id], *values))
    for scan in scans:
        scan.measured = measured[scan.pk]
    treated: dict[int, list[Lesion]] = {t.pk: [] for t in treatments}
    links = Treatment.lesions.through.objects.filter(treatment_id__any_of=Ids(treated)).values_list(
        "treatment_id", "lesion_id")
    for treatment_id, lesion_id in sorted(links, key=lambda link: rank[link[1]]):
        treated[treatment_id].append(lesions[lesion_id])
    for t in treatments:
        t.treated_lesions = treated[t.pk]


@dataclass
class LesionRow:
    measurement: Measured
    target: bool
    change_mm: float | None


@dataclass
class ScanCard:
    scan: Scan
    rows: list[LesionRow]
    protocol: advice.ProtocolView | None
    viewer_url: str

    @property
    def response(self):
        return getattr(self.scan, "response", None)


@dataclass
class PatientPage:
    patient: Patient
    primaries: list
    facts: dict
    gpas: list  # patients.selectors.GpaMomentView: at diagnosis (when dated), current
    response: object | None
    scans: list[ScanCard]
    treatments: list[Treatment]
    open_items: list
    past_items: list[DueItem]
    windows: list
    workup: list
    contacts: list
    notifications: list
    timeline: timeline_chart.Timeline
    chart: response_chart.ResponseChart
    screening: dict = field(default_factory=dict)


def viewer_url(study_uid: str) -> str:
    template = settings.DICOM_VIEWER_URL_TEMPLATE
    if not template or not study_uid:
        return ""
    return template.replace("{study_uid}", quote(study_uid, safe=""))


# What the page reads of the patient's own row: the caller loads her with these (``access_patient``).
PATIENT_RELATED = ("care_team__responsible_physician", "responsible_nurse")


def load_patient_page(patient: Patient, now: dt.datetime) -> PatientPage:
    """``patient`` as the view loaded it, with ``PATIENT_RELATED``."""
    today = site_today(now)
    primaries = list(patient.primaries.prefetch_related("markers"))
    observations = list(patient.observations.all())
    treatments = list(patient.treatments.all())
    scans = list(patient.scans.select_related("response"))
    _attach_lesions(patient, treatments, scans)
    # The items', windows' and contacts' related rows are the patient's own, loaded above: attached
    # from there instead of joined again (a scan row joined twice per item was most of the items query).
    items = list(patient.due_items.order_by("due_by", "kind"))
    windows = list(patient.watch_windows.all())
    contacts = list(ContactAttempt.objects.filter(item__patient=patient).select_related("user")
                    .order_by("-at", "-pk")[:50])
    by_treatment = {t.pk: t for t in treatments}
    by_scan = {s.pk: s for s in scans}
    _attach([s.response for s in scans if getattr(s, "response", None) is not None], "baseline_scan", by_scan)
    for item in items:
        item.patient = patient
    _attach(items, "trigger_treatment", by_treatment)
    _attach(items, "trigger_scan", by_scan)
    _attach(items, "fulfilled_by", by_scan)
    _attach(windows, "trigger_treatment", by_treatment)
    _attach(contacts, "item", {i.pk: i for i in items})
    # The latest fifty sent, and every planned one (a long history must not hide what is coming).
    notifications = notification_log.for_patient(
        patient, now=now, open_items=[i for i in items if i.is_open], past_limit=50)

    for primary in primaries:
        primary.latest = sorted(latest_markers(list(primary.markers.all())).values(), key=lambda m: m.marker)
    facts = status_on(observations)

    responses = [s.response for s in scans if getattr(s, "response", None) is not None]
    current = responses[-1] if responses else None
    baseline_scan = current.baseline_scan if current else None
    cards = _scan_cards(scans, baseline_scan)

    item_rows = classify_items(items, now, today)
    open_rows = [row for row in item_rows if row.section != "closed"]
    timeline = _timeline(treatments, scans, windows, items, open_rows, today)
    open_rows = sorted(open_rows, key=lambda r: ({"overdue": 0, "this_week": 1, "due": 2, "upcoming": 3}[r.section],
                                                 r.due_by))
    past = [i for row in item_rows if row.section == "closed" for i in row.items]
    past.sort(key=lambda i: i.due_by, reverse=True)

    page = PatientPage(
        patient=patient, primaries=primaries, facts=facts, gpas=current_gpas(patient),
        response=current, scans=list(reversed(cards)), treatments=treatments, open_items=open_rows,
        past_items=past, windows=windows, workup=advice.workup_hints(treatments, scans, windows),
        contacts=contacts, notifications=notifications,
        timeline=timeline,
        chart=_response_chart(scans),
    )
    page.screening = {p.pk: advice.screening_for(p.type, p.stage, p.seer_stage) for p in primaries}
    return page


def _scan_cards(scans: list[Scan], baseline_scan: Scan | None) -> list[ScanCard]:
    cards = []
    last_mm: dict[int, float] = {}
    for scan in scans:
        response = getattr(scan, "response", None)
        targets = set(response.targets) if response else set()
        rows = []
        for m in scan.measured:
            mm = float(m.diameter_mm)
            previous = last_mm.get(m.lesion_id)
            rows.append(LesionRow(m, m.lesion.label in targets, None if previous is None else round(mm - previous, 1)))
            last_mm[m.lesion_id] = mm
        protocol = None
        if scan.modality == "mri":
            scored = response is not None and response.category != "baseline"
            compare = baseline_scan if (baseline_scan is not None and baseline_scan.pk != scan.pk
                                        and baseline_scan.at < scan.at) else None
            protocol = advice.protocol_for(purpose=scan.purpose, sequences=scan.sequences,
                                           field_strength_t=scan.field_strength_t, scanner=scan.scanner,
                                           baseline=compare, scored=scored)
        cards.append(ScanCard(scan, rows, protocol, viewer_url(scan.study_uid)))
    return cards


def _attach(rows: list, field: str, loaded: dict) -> None:
    """Sets each row's ``field`` to its instance in ``loaded`` (a row pointing elsewhere loads it lazily)."""
    for row in rows:
        pk = getattr(row, f"{field}_id")
        if pk in loaded:
            setattr(row, field, loaded[pk])


def _timeline(treatments, scans, windows, items, open_rows, today) -> timeline_chart.Timeline:
    t_in = []
    for t in treatments:
        if t.status == "cancelled":
            continue
        start, end = local_date(t.start), local_date(t.end) if t.end else None
        label = timeline_chart.treatment_label(t.kind, t.agent, t.dose_gy)
        when = fmt_datetime(t.start) + (f" – {fmt_datetime(t.end)}" if t.end else "")
        title = f"{choice_label(t, 'kind')} ({choice_label(t, 'status').lower()}) {when}"
        t_in.append(timeline_chart.TreatmentIn(t.kind, label, start, end, t.status, t.is_systemic, title))
    late = {}
    for item in items:
        if item.late_text and item.fulfilled_by_id:
            late.setdefault(item.fulfilled_by_id, []).append(f"{choice_label(item, 'kind')} {item.late_text}")
    s_in = []
    for s in scans:
        response = getattr(s, "response", None)
        category = response.category if response else None
        title = f"{choice_label(s, 'modality')} {fmt_datetime(s.at)} · {choice_label(s, 'purpose')}"
        if category:
            title += f" · {texts.CATEGORY_NAMES.get(category, category)}"
        if s.measurement_status == "pending":
            title += " · awaiting measurements"
        for words in late.get(s.pk, ()):
            title += f" · {words}"
        s_in.append(timeline_chart.ScanIn(local_date(s.at), s.modality, category, title,
                                          pending=s.measurement_status == "pending"))
    w_in = [timeline_chart.WindowIn(w.kind, w.starts_on, w.ends_on, timeline_chart.window_label(w.kind, w.ends_on))
            for w in windows]
    d_in = []
    for row in open_rows:
        state = "overdue" if row.section == "overdue" else "due" if row.section in ("this_week", "due") else "upcoming"
        label = row.kind_label
        triggers = "; ".join(describe_trigger(i) for i in row.items)
        title = f"{label}: {fmt_date(row.due_from)} – {fmt_date(row.due_by)} ({state}) · {triggers}"
        d_in.append(timeline_chart.DueIn(row.item.kind, state, row.due_from, row.due_by, label, title))
    return timeline_chart.build_timeline(t_in, s_in, w_in, d_in, today)


def _float(value):
    return float(value) if value is not None else None


def _response_chart(scans) -> response_chart.ResponseChart:
    f = _float
    points = []
    for s in scans:
        r = getattr(s, "response", None)
        if r is None:
            continue
        title = f"{fmt_date(s.at)}: {texts.CATEGORY_NAMES.get(r.category, r.category)}"
        if r.sum_mm is not None:
            title += f", sum {f(r.sum_mm):g} mm"
        if r.change_from_baseline_pct is not None:
            title += f", {f(r.change_from_baseline_pct):+g} % from baseline"
        if r.change_from_nadir_pct is not None:
            title += f", {f(r.change_from_nadir_pct):+g} % from nadir"
        points.append(response_chart.PointIn(local_date(s.at), f(r.sum_mm), f(r.baseline_sum_mm), f(r.nadir_sum_mm),
                                             r.category, title))
    return response_chart.build_response_chart(points)

