"""Which patients the next meeting of a board should discuss, each with the reason in words.

Suggestions are computed from the stored record on every look (never stored); the coordinator's
answer is stored (``CaseSuggestion``) so the same evidence is not offered twice.

1. The look-back runs from the board's previous meeting (inclusive: an event on that day may have
   come after the agenda closed) to this meeting's date; without a previous meeting, the last
   ``DEFAULT_LOOKBACK_DAYS``; never more than ``MAX_LOOKBACK_DAYS``.
2. Only active patients the user may see (``patients_for``) of the board's care teams are considered.
3. Each rule queries only the rows of events inside the look-back (an indexed range), so the cost
   grows with what happened, not with the number of patients. The rules:
   - ``new_bm``: the brain-metastasis diagnosis date (``PrimaryTumour.brain_metastases_diagnosed_on``,
     else the patient's first lesion ``first_seen_on``) falls in the look-back.
   - ``progression``: a RANO-BM ``PD`` or iRANO ``unconfirmed PD`` on a scan in the look-back.
   - ``enlarging_in_window``: ``clinical.watch`` finds a watched lesion enlarging (≥ 20 % and ≥ 5 mm
     above its nadir) inside the radiation-necrosis window of the SRS that treated it, or a
     pseudoprogression window of systemic therapy; the enlarging scan is in the look-back.
   - ``postop_residual``: a post-operative MRI in the look-back shows a lesion resected by the surgery
     before it still present and marked measurable. A surgery without resected lesions recorded
     cannot be judged and is not suggested.
   - ``gpa_fallen``: the patient's latest GPA scores lower than the one before it, whatever the
     variants (every variant is on the same 0–4 scale), and the fall happened in the look-back.
     Later rows with the same score (another input changed) do not hide the fall.
4. A suggestion is dropped when the coordinator already answered it (board, patient, reason,
   evidence), or when the patient is on the agenda of a meeting dated on or after the event (this
   one included): the board has discussed it, or will.
5. A suggestion is dropped when the patient has been treated since its trigger (``TREATED_SINCE``):
   a treatment given (or given and stopped) whose start falls after the trigger's day answers
   "which treatment?" already. New brain metastases count local treatment (surgery, SRS, fractionated
   SRS, WBRT, LITT) from the day of the diagnosis itself (a resection is often the diagnosis);
   progression any treatment, local or a systemic line, after the PD scan's day; residual tumour
   after resection and an enlarging treated lesion local treatment after the scan's day (the
   resection before the post-operative MRI does not count). A fallen GPA is not answered by a
   treatment.
6. Each entry says why now in words (``why_now``): the trigger and its date, and when the patient
   was last on a board's agenda (or that she never was).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min, QuerySet

from bmtrack.boards.models import BoardCase, CaseSuggestion, Meeting, SuggestionReason
from bmtrack.clinical import schedule as schedule_rules
from bmtrack.clinical import watch
from bmtrack.clinical.dates import shift_clamped
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.core.clock import local_date, start_of_local_day
from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models import (
    GPAAssessment,
    Measurement,
    Patient,
    PrimaryTumour,
    ResponseAssessment,
    Scan,
    Treatment,
)
from bmtrack.patients.models.choices import (
    GpaMoment,
    GpaStatus,
    MeasurementStatus,
    Modality,
    PatientStatus,
    ScanPurpose,
    TreatmentKind,
    TreatmentStatus,
)
from bmtrack.patients.scoping import patients_for
from bmtrack.surveillance.models import WatchKind, WatchWindow

DEFAULT_LOOKBACK_DAYS = 56
MAX_LOOKBACK_DAYS = 183
GIVEN = (TreatmentStatus.GIVEN, TreatmentStatus.STOPPED)
WINDOW_WORDS = {WatchKind.RADIATION_NECROSIS: "radiation-necrosis", WatchKind.PSEUDOPROGRESSION: "pseudoprogression"}
REASON_ORDER = {value: index for index, value in enumerate(SuggestionReason.values)}

DEFAULT_QUESTIONS = {
    SuggestionReason.PROGRESSION: "Progression on MRI: local treatment (SRS or surgery), a change of systemic "
                                  "therapy, or further imaging?",
    "unconfirmed PD": "Unconfirmed progression on immunotherapy (iRANO): continue and confirm with a repeat MRI, "
                      "or act now?",
    SuggestionReason.ENLARGING_IN_WINDOW: "Enlarging treated lesion inside a {window} window: true progression or "
                                          "treatment effect? Which work-up?",
    SuggestionReason.NEW_BM: "New brain metastases: which local treatment (SRS, surgery, WBRT) and which "
                             "systemic options?",
    SuggestionReason.POSTOP_RESIDUAL: "Residual tumour after resection: SRS to the residue or cavity, "
                                      "re-resection, or surveillance?",
    SuggestionReason.GPA_FALLEN: "Prognosis has worsened (GPA fallen): continue active treatment, or best "
                                 "supportive care?",
}


@dataclass(frozen=True)
class Suggestion:
    patient_id: int
    reason: str
    evidence: str
    on: dt.date
    text: str
    window_kind: str = ""
    question: str = ""

    @property
    def label(self) -> str:
        return SuggestionReason(self.reason).label

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.patient_id, self.reason, self.evidence)

    def as_reason(self) -> dict:
        """The JSON kept on the case (``BoardCase.reasons``)."""
        return {"reason": self.reason, "evidence": self.evidence, "text": self.text, "on": self.on.isoformat(),
                "window_kind": self.window_kind}


@dataclass
class PatientSuggestions:
    patient: Patient
    items: list[Suggestion] = field(default_factory=list)
    last_discussed: dt.date | None = None

    @property
    def why_now(self) -> str:
        """"New brain metastases on 4 Dec 2026; last at a board on 12 Oct 2026." (reading 6)."""
        triggers = "; ".join(f"{item.label} on {fmt_date(item.on)}" for item in self.items)
        if self.last_discussed is None:
            return f"{triggers}; not discussed at a board before."
        return f"{triggers}; last at a board on {fmt_date(self.last_discussed)}, before this."

    @property
    def question(self) -> str:
        return self.items[0].question

    @property
    def latest(self) -> dt.date:
        return max(item.on for item in self.items)


def lookback(meeting: Meeting) -> tuple[dt.date, dt.date]:
    """(since, until), both inclusive (reading 1 of the module)."""
    previous = (Meeting.objects.filter(board=meeting.board, date__lt=meeting.date)
                .order_by("-date").values_list("date", flat=True).first())
    earliest = meeting.date - dt.timedelta(days=MAX_LOOKBACK_DAYS)
    since = previous if previous is not None else meeting.date - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)
    return max(since, earliest), meeting.date


def candidate_patients(meeting: Meeting, user) -> QuerySet[Patient]:
    patients = patients_for(user).filter(status=PatientStatus.ACTIVE)
    teams = list(meeting.board.care_teams.values_list("pk", flat=True))
    if teams:
        patients = patients.filter(care_team__in=teams)
    return patients


def suggestions_for_meeting(meeting: Meeting, user) -> list[PatientSuggestions]:
    """Open suggestions for ``meeting``, one entry per patient, most pressing reason first."""
    since, until = lookback(meeting)
    scope = candidate_patients(meeting, user).values("pk")
    found: list[Suggestion] = []
    for rule in RULES:
        found.extend(rule(scope, since, until))
    if not found:
        return []
    ids = {s.patient_id for s in found}
    answered = set(
        CaseSuggestion.objects.filter(board=meeting.board, patient_id__in=ids)
        .values_list("patient_id", "reason", "evidence")
    )
    discussed: dict[int, dt.date] = {}
    for patient_id, day in BoardCase.objects.filter(patient_id__in=ids).values_list("patient_id", "meeting__date"):
        discussed[patient_id] = max(day, discussed.get(patient_id, day))
    treated = _treatment_days(ids)
    grouped: dict[int, list[Suggestion]] = defaultdict(list)
    for suggestion in found:
        if suggestion.key in answered:
            continue
        if suggestion.patient_id in discussed and discussed[suggestion.patient_id] >= suggestion.on:
            continue
        if treated_since(suggestion, treated.get(suggestion.patient_id, ())):
            continue
        grouped[suggestion.patient_id].append(suggestion)
    patients = {p.pk: p for p in Patient.objects.filter(pk__in=grouped).select_related("care_team")}
    result = []
    for patient_id, items in grouped.items():
        items.sort(key=lambda s: (REASON_ORDER[s.reason], -s.on.toordinal(), s.evidence))
        result.append(PatientSuggestions(patients[patient_id], items, discussed.get(patient_id)))
    result.sort(key=lambda ps: (REASON_ORDER[ps.items[0].reason], -ps.latest.toordinal(), ps.patient.pk))
    return result


LOCAL_KINDS = frozenset(schedule_rules.LOCAL_KINDS)
# reason -> (treatment kinds that answer it, whether one on the trigger's own day counts) (reading 5)
TREATED_SINCE = {
    SuggestionReason.NEW_BM: (LOCAL_KINDS, True),
    SuggestionReason.PROGRESSION: (frozenset(schedule_rules.TREATMENT_KINDS), False),
    SuggestionReason.POSTOP_RESIDUAL: (LOCAL_KINDS, False),
    SuggestionReason.ENLARGING_IN_WINDOW: (LOCAL_KINDS, False),
}


def _treatment_days(patient_ids) -> dict[int, list[tuple[str, dt.date]]]:
    """(kind, local start day) of every treatment given to these patients (one query)."""
    days: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for patient_id, kind, start in (Treatment.objects.filter(patient_id__in=patient_ids, status__in=GIVEN)
                                    .values_list("patient_id", "kind", "start")):
        days[patient_id].append((kind, local_date(start)))
    return days


def treated_since(suggestion: Suggestion, treatments) -> bool:
    """Whether one of ``treatments`` ((kind, day) pairs) answers the suggestion already (reading 5)."""
    rule = TREATED_SINCE.get(suggestion.reason)
    if rule is None:
        return False
    kinds, same_day = rule
    return any(kind in kinds and (day > suggestion.on or (same_day and day == suggestion.on))
               for kind, day in treatments)


def find_suggestion(meeting: Meeting, user, patient: Patient) -> PatientSuggestions | None:
    return next((ps for ps in suggestions_for_meeting(meeting, user) if ps.patient.pk == patient.pk), None)


# --- the rules: (patient pk subquery, since, until) -> suggestions ----------------------------

def _instant_range(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return start_of_local_day(since), start_of_local_day(shift_clamped(until, 1))


def _num(value) -> str:
    return "?" if value is None else f"{float(value):g}"


def _signed(value) -> str:
    return "?" if value is None else f"{float(value):+g}"


def _question(reason: str, **kwargs) -> str:
    return DEFAULT_QUESTIONS[reason].format(**kwargs)


def new_bm(scope, since: dt.date, until: dt.date) -> list[Suggestion]:
    """Reason ``new_bm``: the brain-metastasis diagnosis date falls in the look-back."""
    found = {}
    diagnosed = (PrimaryTumour.objects.filter(patient__in=scope, brain_metastases_diagnosed_on__isnull=False)
                 .values("patient").annotate(first=Min("brain_metastases_diagnosed_on")))
    known = {row["patient"]: row["first"] for row in diagnosed}
    for patient_id, day in known.items():
        if since <= day <= until:
            primary = (PrimaryTumour.objects.filter(patient_id=patient_id, brain_metastases_diagnosed_on=day)
                       .order_by("pk").first())
            found[patient_id] = Suggestion(
                patient_id, SuggestionReason.NEW_BM, f"BM{day:%Y%m%d}", day,
                f"Brain metastases diagnosed on {fmt_date(day)} ({primary.get_type_display()} primary).",
                question=_question(SuggestionReason.NEW_BM),
            )
    first_lesions = (Measurement.objects.filter(lesion__patient__in=scope, disappeared=False)
                     .exclude(lesion__patient__in=list(known))
                     .values("lesion__patient").annotate(first=Min("scan__at")))
    start, end = _instant_range(since, until)
    for row in first_lesions:
        if start <= row["first"] < end:
            day = local_date(row["first"])
            found[row["lesion__patient"]] = Suggestion(
                row["lesion__patient"], SuggestionReason.NEW_BM, f"BM{day:%Y%m%d}", day,
                f"First brain lesions seen on the MRI of {fmt_date(day)} (no diagnosis date recorded yet).",
                question=_question(SuggestionReason.NEW_BM),
            )
    return list(found.values())


def progression(scope, since: dt.date, until: dt.date) -> list[Suggestion]:
    """Reason ``progression``: RANO-BM ``PD`` or iRANO ``unconfirmed PD`` on a scan in the look-back."""
    start, end = _instant_range(since, until)
    rows = (ResponseAssessment.objects.filter(patient__in=scope, category__in=("PD", "unconfirmed PD"),
                                              scan__at__gte=start, scan__at__lt=end)
            .select_related("scan"))
    found = []
    for row in rows:
        day = local_date(row.scan.at)
        figures = (f"sum {_num(row.sum_mm)} mm, {_signed(row.change_from_nadir_pct)} % from nadir "
                   f"{_num(row.nadir_sum_mm)} mm")
        if row.category == "unconfirmed PD":
            due = f"; confirmation MRI due {fmt_date(row.confirmation_due)}" if row.confirmation_due else ""
            text = f"Unconfirmed PD (iRANO) on the MRI of {fmt_date(day)}: {figures}{due}."
            question = DEFAULT_QUESTIONS["unconfirmed PD"]
        else:
            text = f"PD (RANO-BM) on the MRI of {fmt_date(day)}: {figures}."
            question = _question(SuggestionReason.PROGRESSION)
        found.append(Suggestion(row.patient_id, SuggestionReason.PROGRESSION, f"S{row.scan_id}", day, text,
                                question=question))
    return found


def enlarging_in_window(scope, since: dt.date, until: dt.date) -> list[Suggestion]:
    """Reason ``enlarging_in_window``: which lesion each window watches is ``clinical.watch``'s call."""
    start, end = _instant_range(since, until)
    windows = list(WatchWindow.objects.filter(patient__in=scope, starts_on__lte=until, ends_on__gte=since,
                                              trigger_treatment__isnull=False))
    if not windows:
        return []
    measured = set(Scan.objects.filter(patient__in={w.patient_id for w in windows}, modality=Modality.MRI,
                                       measurement_status=MeasurementStatus.COMPLETE, at__gte=start, at__lt=end)
                   .values_list("patient_id", flat=True))
    windows = [w for w in windows if w.patient_id in measured]
    if not windows:
        return []
    patient_ids = {w.patient_id for w in windows}
    treatments = {t.pk: t for t in Treatment.objects.filter(pk__in={w.trigger_treatment_id for w in windows})
                  .prefetch_related("lesions")}
    series: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    labels: dict[int, str] = {}
    lesions_of: dict[int, set[int]] = defaultdict(set)
    for m in (Measurement.objects.filter(lesion__patient_id__in=patient_ids, scan__modality=Modality.MRI)
              .select_related("scan", "lesion")):
        series[m.lesion_id].append((local_date(m.scan.at), float(m.diameter_mm)))
        labels[m.lesion_id] = m.lesion.label
        lesions_of[m.lesion.patient_id].add(m.lesion_id)
    found: dict[tuple[int, dt.date], Suggestion] = {}
    by_key = {(w.kind, w.trigger): w for w in windows}
    for patient_id in sorted(patient_ids):
        plain = [WatchWindowOut(w.kind, w.trigger, w.starts_on, w.ends_on) for w in windows
                 if w.patient_id == patient_id]
        treated = {w.trigger: [lesion.pk for lesion in treatments[w.trigger_treatment_id].lesions.all()]
                   for w in windows if w.patient_id == patient_id}
        watches = watch.lesion_watches(plain, treated, sorted(lesions_of[patient_id]))
        latest_inside: dict[tuple[int, str, str], watch.WatchedEnlargement] = {}
        for enlarged in watch.enlargements_in_windows(series, watches):
            latest_inside[(enlarged.lesion, enlarged.window.kind, enlarged.window.trigger)] = enlarged
        for (lesion_id, kind, trigger), enlarged in latest_inside.items():
            latest, window = enlarged.enlargement, by_key[(kind, trigger)]
            if not since <= latest.date <= until or (lesion_id, latest.date) in found:
                continue
            treatment = treatments[window.trigger_treatment_id]
            what = WINDOW_WORDS[window.kind]
            text = (f"{labels[lesion_id]} grew from {latest.nadir_mm:g} to {latest.mm:g} mm (MRI of "
                    f"{fmt_date(latest.date)}) inside the {what} window after {_treatment_words(treatment)} "
                    f"of {fmt_date(enlarged.window.from_date)}: not progression on size alone.")
            found[(lesion_id, latest.date)] = Suggestion(
                window.patient_id, SuggestionReason.ENLARGING_IN_WINDOW,
                f"L{lesion_id}:{window.trigger}:{latest.date:%Y%m%d}", latest.date, text, window_kind=window.kind,
                question=_question(SuggestionReason.ENLARGING_IN_WINDOW, window=what),
            )
    return list(found.values())


def _treatment_words(treatment: Treatment) -> str:
    if treatment.agent:
        return treatment.agent
    if treatment.kind in (TreatmentKind.SRS, TreatmentKind.FSRS, TreatmentKind.WBRT):
        return treatment.kind.upper()
    return treatment.get_kind_display().lower()


def postop_residual(scope, since: dt.date, until: dt.date) -> list[Suggestion]:
    """Reason ``postop_residual``: a resected lesion still present and measurable after surgery."""
    start, end = _instant_range(since, until)
    scans = list(Scan.objects.filter(patient__in=scope, modality=Modality.MRI, purpose=ScanPurpose.POST_OPERATIVE,
                                     measurement_status=MeasurementStatus.COMPLETE, at__gte=start, at__lt=end)
                 .prefetch_related("measurements__lesion"))
    found = []
    for scan in scans:
        surgery = (Treatment.objects.filter(patient_id=scan.patient_id, kind=TreatmentKind.SURGERY, status__in=GIVEN,
                                            start__lte=scan.at).order_by("-start", "-pk")
                   .prefetch_related("lesions").first())
        if surgery is None:
            continue
        resected = {lesion.pk for lesion in surgery.lesions.all()}
        residual = [m for m in scan.measurements.all()
                    if m.lesion_id in resected and not m.disappeared and m.measurable]
        if not residual:
            continue
        day = local_date(scan.at)
        sizes = ", ".join(f"{m.lesion.label} {_num(m.longest_diameter_mm)} mm" for m in residual)
        found.append(Suggestion(
            scan.patient_id, SuggestionReason.POSTOP_RESIDUAL, f"S{scan.pk}", day,
            f"Residual tumour on the post-operative MRI of {fmt_date(day)}: {sizes} "
            f"(resected {fmt_date(local_date(surgery.start))}).",
            question=_question(SuggestionReason.POSTOP_RESIDUAL),
        ))
    return found


def gpa_fallen(scope, since: dt.date, until: dt.date) -> list[Suggestion]:
    """Reason ``gpa_fallen``: the latest GPA scores lower than the one before it."""
    # The current-moment GPA, scored: a GPA at diagnosis does not change with the course.
    scored = GPAAssessment.objects.filter(moment=GpaMoment.CURRENT, status=GpaStatus.SCORED)
    recent = set(scored.filter(patient__in=scope, assessed_on__gte=since, assessed_on__lte=until)
                 .values_list("patient_id", flat=True))
    history: dict[int, list[GPAAssessment]] = defaultdict(list)
    for row in scored.filter(patient_id__in=recent).order_by("patient_id", "-computed_at", "-pk"):
        history[row.patient_id].append(row)
    found = []
    for patient_id, rows in history.items():
        # Rows with an unchanged score (another input changed) do not hide a fall: compare the run of
        # the latest score with the score before it, and date the fall at the run's first row.
        run = 0
        while run + 1 < len(rows) and rows[run + 1].score == rows[0].score:
            run += 1
        if run + 1 >= len(rows):
            continue
        latest, fell_at, previous = rows[0], rows[run], rows[run + 1]
        if latest.score >= previous.score or not since <= fell_at.assessed_on <= until:
            continue
        if not latest.current or latest.variant != previous.variant:
            continue  # a GPA the record no longer yields, or a change of variant: no fall to compare
        survival = ""
        if latest.median_survival_months is not None and previous.median_survival_months is not None:
            survival = (f"; estimated median survival {_num(previous.median_survival_months)} → "
                        f"{_num(latest.median_survival_months)} months")
        found.append(Suggestion(
            patient_id, SuggestionReason.GPA_FALLEN, f"G{fell_at.pk}", fell_at.assessed_on,
            f"GPA fell from {previous.score} to {latest.score} on {fmt_date(fell_at.assessed_on)} "
            f"({latest.variant}){survival}.",
            question=_question(SuggestionReason.GPA_FALLEN),
        ))
    return found


RULES = (progression, enlarging_in_window, new_bm, postop_residual, gpa_fallen)
