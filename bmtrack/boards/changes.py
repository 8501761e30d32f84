"""What changed for a patient since her previous tumour-board case: the "changed since last board" line.

1. The previous case is the patient's case at the latest meeting (of any board) dated before the
   case's meeting. Without one, the case is her first at a board.
2. What counts, dated after the previous meeting's day and up to this meeting's day: scans (by
   modality), responses assessed on those scans (RANO-BM / iRANO category), and treatments started
   (given, stopped, or planned; not cancelled).
3. Three queries for any number of cases (a meeting's agenda): the patients' cases, then their scans
   with responses, then their treatments, each over the span of all the cases at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from bmtrack.boards.models import BoardCase
from bmtrack.core.clock import local_date, start_of_local_day
from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models import Scan, Treatment
from bmtrack.patients.models.choices import Modality, TreatmentKind, TreatmentStatus

MODALITY_WORDS = dict(Modality.choices)
# Short treatment names, as a board says them.
KIND_WORDS = {**dict(TreatmentKind.choices), "srs": "SRS", "fsrs": "fractionated SRS", "wbrt": "WBRT",
              "litt": "LITT", "tt": "targeted therapy", "ici": "immunotherapy", "chemo": "chemotherapy"}


@dataclass
class Changes:
    previous: dt.date | None
    scans: list[tuple[dt.date, str]] = field(default_factory=list)
    responses: list[tuple[dt.date, str]] = field(default_factory=list)
    treatments: list[tuple[dt.date, str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The line a case shows: "Since the last board (12 Oct 2026): 2 scans (MRI 3 Nov 2026, ...); ..."."""
        if self.previous is None:
            return "First time at a board."
        head = f"Since the last board ({fmt_date(self.previous)}): "
        parts = []
        if self.scans:
            count = len(self.scans)
            parts.append(f"{count} scan{'s' if count > 1 else ''} ("
                         + ", ".join(f"{words} {fmt_date(day)}" for day, words in sorted(self.scans)) + ")")
        if self.responses:
            parts.append("response " + ", ".join(f"{category} ({fmt_date(day)})"
                                                 for day, category in sorted(self.responses)))
        if self.treatments:
            parts.append(", ".join(f"{kind}{' planned' if status == TreatmentStatus.PLANNED else ''} ({fmt_date(day)})"
                                   for day, kind, status in sorted(self.treatments)))
        if not parts:
            return head + "no new scan, response or treatment recorded."
        return head + "; ".join(parts) + "."


def changes_since_last_board(cases) -> dict[int, Changes]:
    """``Changes`` per case pk (reading 1–3)."""
    cases = list(cases)
    if not cases:
        return {}
    patient_ids = {case.patient_id for case in cases}
    meetings: dict[int, list[dt.date]] = defaultdict(list)
    for patient_id, day in BoardCase.objects.filter(patient_id__in=patient_ids).values_list("patient_id",
                                                                                            "meeting__date"):
        meetings[patient_id].append(day)
    result = {}
    for case in cases:
        earlier = [day for day in meetings[case.patient_id] if day < case.meeting.date]
        result[case.pk] = Changes(max(earlier) if earlier else None)
    spans = [(case, result[case.pk].previous) for case in cases if result[case.pk].previous is not None]
    if not spans:
        return result
    since = start_of_local_day(min(previous for _, previous in spans) + dt.timedelta(days=1))
    until = start_of_local_day(max(case.meeting.date for case, _ in spans) + dt.timedelta(days=1))
    ids = {case.patient_id for case, _ in spans}
    scans = defaultdict(list)
    for patient_id, at, modality, category in (Scan.objects.filter(patient_id__in=ids, at__gte=since, at__lt=until)
                                               .values_list("patient_id", "at", "modality", "response__category")):
        scans[patient_id].append((local_date(at), MODALITY_WORDS.get(modality, modality), category))
    treatments = defaultdict(list)
    for patient_id, start, kind, status in (Treatment.objects.filter(patient_id__in=ids, start__gte=since,
                                                                     start__lt=until)
                                            .exclude(status=TreatmentStatus.CANCELLED)
                                            .values_list("patient_id", "start", "kind", "status")):
        treatments[patient_id].append((local_date(start), KIND_WORDS.get(kind, kind), status))
    for case, previous in spans:
        changes = result[case.pk]

        def inside(day, previous=previous, case=case):
            return previous < day <= case.meeting.date

        for day, words, category in scans[case.patient_id]:
            if inside(day):
                changes.scans.append((day, words))
                if category and category != "baseline":
                    changes.responses.append((day, category))
        changes.treatments = [(day, kind, status) for day, kind, status in treatments[case.patient_id]
                              if inside(day)]
    return result
