"""Recording the board's decision on a case, so that surveillance follows it up.

``record_decision`` writes, in one transaction, the decision on the case and what it sets in motion,
through the services that own those records (never by inserting rows here):

1. ``srs_planned``, ``surgery``, ``wbrt``, ``switch_systemic``: a planned treatment
   (``patients.services.record_treatment(status="planned")``) on the planned date; the surveillance
   re-plan then owes e.g. the SRS planning MRI and CT, and the post-operative MRI once it is given.
2. ``repeat_mri_3_months``: a ``board_followup`` due item 3 months after the meeting, ± 14 days;
3. ``advanced_imaging``: a ``board_followup`` due item within 14 days of the meeting, or of the day
   the decision is recorded if later (both windows: ``clinical.board_followup``).
4. ``best_supportive_care``: the patient's status becomes ``supportive_care``
   (``patients.services.set_patient_status``), which closes their open surveillance items.
5. ``continue_surveillance`` and ``other``: the decision and its note only; the current plan stands.

A case is decided once; a second decision is refused. A board that changes its mind discusses the
patient again at a later meeting, and the first decision's follow-up stays on the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from bmtrack.boards.models import BoardCase, Decision
from bmtrack.clinical import board_followup
from bmtrack.core.clock import site_zone, today, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.patients import services as patient_services
from bmtrack.patients.models import Lesion
from bmtrack.patients.models.choices import PatientStatus, TreatmentKind, TreatmentStatus
from bmtrack.surveillance.actions import add_manual_item

TREATMENT_KINDS = {
    Decision.SRS_PLANNED: TreatmentKind.SRS,
    Decision.SURGERY: TreatmentKind.SURGERY,
    Decision.WBRT: TreatmentKind.WBRT,
}
SYSTEMIC_KINDS = (TreatmentKind.TT, TreatmentKind.ICI, TreatmentKind.CHEMO)
NEEDS_PLANNED_DATE = (*TREATMENT_KINDS, Decision.SWITCH_SYSTEMIC)
# A planned treatment has a day, not yet an hour: it is stored at the start of the clinic day.
PLANNED_HOUR = dt.time(9, 0)


def record_decision(case: BoardCase, decision: str, *, note: str = "", planned_on: dt.date | None = None,
                    lesions: Iterable[Lesion] = (), systemic_kind: str = "", agent: str = "", line: int | None = None,
                    user=None, now: dt.datetime | None = None) -> BoardCase:
    """Record ``decision`` on ``case`` and create its follow-up (module docstring), all or nothing."""
    now = now or utcnow()
    if decision not in Decision.values:
        raise ValidationError({"decision": f"Choose one of {', '.join(Decision.values)}."})
    note = (note or "").strip()
    if decision == Decision.OTHER and not note:
        raise ValidationError({"decision_note": "Say what the board decided."})
    if decision in NEEDS_PLANNED_DATE and planned_on is None:
        raise ValidationError({"planned_on": "Give the planned date."})
    if decision == Decision.SWITCH_SYSTEMIC and systemic_kind not in SYSTEMIC_KINDS:
        raise ValidationError({"systemic_kind": "Choose targeted therapy, immunotherapy or chemotherapy."})
    with transaction.atomic():
        case = BoardCase.objects.select_for_update().select_related("meeting__board", "patient").get(pk=case.pk)
        if case.is_decided:
            raise ValidationError({"decision": "This case is already decided."})
        meeting, patient = case.meeting, case.patient
        origin = f"Tumour board {meeting.board.name}, {fmt_date(meeting.date)}"
        if decision in NEEDS_PLANNED_DATE:
            kind = systemic_kind if decision == Decision.SWITCH_SYSTEMIC else TREATMENT_KINDS[decision]
            fields = {"agent": agent.strip(), "line": line} if decision == Decision.SWITCH_SYSTEMIC else {}
            case.planned_treatment = patient_services.record_treatment(
                patient, kind=kind, status=TreatmentStatus.PLANNED,
                start=dt.datetime.combine(planned_on, PLANNED_HOUR, tzinfo=site_zone()),
                lesions=list(lesions), note=_clip(f"{origin}: {Decision(decision).label}. {note}", 500),
                user=user, now=now, **fields,
            )
        elif decision in (Decision.REPEAT_MRI_3_MONTHS, Decision.ADVANCED_IMAGING):
            due_from, due_by = board_followup.followup_window(decision, meeting.date, today(now))
            case.followup_item = add_manual_item(
                patient, kind="board_followup", due_from=due_from, due_by=due_by,
                reason=_clip(f"{origin}: {Decision(decision).label}. {note}", 300), user=user, now=now,
            )
        elif decision == Decision.BEST_SUPPORTIVE_CARE:
            patient_services.set_patient_status(patient, PatientStatus.SUPPORTIVE_CARE, user=user, now=now)
        case.decision = decision
        case.decision_note = note
        case.decided_at = now
        case.decided_by = user if getattr(user, "pk", None) else None
        case.full_clean()
        case.save()
    return case


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
