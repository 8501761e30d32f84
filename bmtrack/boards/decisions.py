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

Guard rails (issue 16):

6. A decision is recorded on or after the meeting day, never before (``ValidationError`` naming the day).
7. A decision that ends surveillance (``ENDS_SURVEILLANCE``: best supportive care) cancels the
   patient's open items, and an amendment cancels what the first decision set in motion; when
   either cancels an open item it needs ``confirmed=True``, which the page asks for after listing
   them (``cancelled_by``, urgent first): an urgent item is never cancelled silently.
8. A case is decided once (``record_decision`` refuses a second decision); a slip is corrected with
   ``amend_decision``, which keeps the history (django-simple-history on ``BoardCase``, with the
   reason), withdraws what the first decision set in motion (a still-planned treatment is cancelled,
   an open follow-up is waived, supportive care is ended: the patient returns to active care and the
   re-plan re-opens what the rules still call for) and then sets the new decision in motion. A board
   that changes its mind later discusses the patient again at a later meeting.
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
from bmtrack.surveillance.actions import add_manual_item, waive_item
from bmtrack.surveillance.models import DueItem

TREATMENT_KINDS = {
    Decision.SRS_PLANNED: TreatmentKind.SRS,
    Decision.SURGERY: TreatmentKind.SURGERY,
    Decision.WBRT: TreatmentKind.WBRT,
}
SYSTEMIC_KINDS = (TreatmentKind.TT, TreatmentKind.ICI, TreatmentKind.CHEMO)
NEEDS_PLANNED_DATE = (*TREATMENT_KINDS, Decision.SWITCH_SYSTEMIC)
# A planned treatment has a day, not yet an hour: it is stored at the start of the clinic day.
PLANNED_HOUR = dt.time(9, 0)


# Decisions that end surveillance: the patient's open items are cancelled (point 7).
ENDS_SURVEILLANCE = frozenset({Decision.BEST_SUPPORTIVE_CARE})
AMEND_REASON_MAX = 300


def cancelled_by(case: BoardCase, decision: str) -> list[DueItem]:
    """The open items recording (or, on a decided case, amending to) ``decision`` would cancel, urgent
    first, then by deadline: every open item when it ends surveillance; on amendment, also what the
    current decision set in motion and is withdrawn (the items of a still-planned treatment, an open
    board follow-up). [] for most decisions."""
    found: dict[int, DueItem] = {}
    if case.is_decided:
        treatment = case.planned_treatment
        if treatment is not None and treatment.status == TreatmentStatus.PLANNED:
            found.update((i.pk, i) for i in DueItem.objects.filter(trigger_treatment=treatment).open())
        if case.followup_item_id:
            found.update((i.pk, i) for i in DueItem.objects.filter(pk=case.followup_item_id).open())
    if decision in ENDS_SURVEILLANCE:
        found.update((i.pk, i) for i in DueItem.objects.filter(patient_id=case.patient_id).open())
    return sorted(found.values(), key=lambda item: (not item.urgent, item.due_by, item.pk))


def _validate(decision: str, note: str, planned_on, systemic_kind: str) -> str:
    if decision not in Decision.values:
        raise ValidationError({"decision": f"Choose one of {', '.join(Decision.values)}."})
    note = (note or "").strip()
    if decision == Decision.OTHER and not note:
        raise ValidationError({"decision_note": "Say what the board decided."})
    if decision in NEEDS_PLANNED_DATE and planned_on is None:
        raise ValidationError({"planned_on": "Give the planned date."})
    if decision == Decision.SWITCH_SYSTEMIC and systemic_kind not in SYSTEMIC_KINDS:
        raise ValidationError({"systemic_kind": "Choose targeted therapy, immunotherapy or chemotherapy."})
    return note


def _check_meeting_day(case: BoardCase, now: dt.datetime) -> None:
    if today(now) < case.meeting.date:
        raise ValidationError({"decision": (
            f"The board meets on {fmt_date(case.meeting.date)}: its decision can be recorded on or after "
            f"that day, not before.")})


def _check_confirmed(case: BoardCase, decision: str, confirmed: bool) -> None:
    if confirmed:
        return
    items = cancelled_by(case, decision)
    if items:
        urgent = sum(1 for item in items if item.urgent)
        what = (f"“{Decision(decision).label}” ends surveillance and cancels" if decision in ENDS_SURVEILLANCE
                else "Amending the decision cancels")
        raise ValidationError({"confirm": (
            f"{what} {len(items)} open item{'s' if len(items) != 1 else ''}"
            f"{f', {urgent} of them urgent' if urgent else ''}: review them and confirm.")})


def _set_in_motion(case: BoardCase, decision: str, note: str, *, planned_on, lesions, systemic_kind: str,
                   agent: str, line, user, now: dt.datetime) -> None:
    """Create what ``decision`` sets in motion (module docstring, 1-5), through the owning services."""
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


def _withdraw(case: BoardCase, reason: str, user, now: dt.datetime) -> None:
    """Take back what the case's current decision set in motion, where it has not happened yet."""
    treatment = case.planned_treatment
    if treatment is not None and treatment.status == TreatmentStatus.PLANNED:
        patient_services.update_treatment(treatment, status=TreatmentStatus.CANCELLED, user=user, now=now)
    case.planned_treatment = None
    item = case.followup_item
    if item is not None:
        item.refresh_from_db()
        if item.is_open:
            waive_item(item, reason=_clip(f"Board decision amended: {reason}", 300), user=user, now=now)
    case.followup_item = None
    if case.decision in ENDS_SURVEILLANCE:
        case.patient.refresh_from_db()
        if case.patient.status == PatientStatus.SUPPORTIVE_CARE:
            # Back to active care: the re-plan re-opens the items the rules still call for.
            patient_services.set_patient_status(case.patient, PatientStatus.ACTIVE, user=user, now=now)


def _save_decision(case: BoardCase, decision: str, note: str, user, now: dt.datetime, change_reason: str) -> None:
    case.decision = decision
    case.decision_note = note
    case.decided_at = now
    case.decided_by = user if getattr(user, "pk", None) else None
    case.full_clean()
    if getattr(user, "pk", None):
        case._history_user = user
    case._change_reason = change_reason
    case.save()


def record_decision(case: BoardCase, decision: str, *, note: str = "", planned_on: dt.date | None = None,
                    lesions: Iterable[Lesion] = (), systemic_kind: str = "", agent: str = "", line: int | None = None,
                    confirmed: bool = False, user=None, now: dt.datetime | None = None) -> BoardCase:
    """Record ``decision`` on ``case`` and create its follow-up (module docstring), all or nothing."""
    now = now or utcnow()
    note = _validate(decision, note, planned_on, systemic_kind)
    with transaction.atomic():
        case = BoardCase.objects.select_for_update().select_related("meeting__board", "patient").get(pk=case.pk)
        if case.is_decided:
            raise ValidationError({"decision": "This case is already decided: amend the decision instead."})
        _check_meeting_day(case, now)
        _check_confirmed(case, decision, confirmed)
        _set_in_motion(case, decision, note, planned_on=planned_on, lesions=lesions, systemic_kind=systemic_kind,
                       agent=agent, line=line, user=user, now=now)
        _save_decision(case, decision, note, user, now, "decision recorded")
    return case


def amend_decision(case: BoardCase, decision: str, *, reason: str, note: str = "", planned_on: dt.date | None = None,
                   lesions: Iterable[Lesion] = (), systemic_kind: str = "", agent: str = "", line: int | None = None,
                   confirmed: bool = False, user=None, now: dt.datetime | None = None) -> BoardCase:
    """Correct the decision on a decided ``case`` (module docstring, 8), all or nothing; ``reason`` says why."""
    now = now or utcnow()
    note = _validate(decision, note, planned_on, systemic_kind)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"amend_reason": "Say why the decision is amended."})
    if len(reason) > AMEND_REASON_MAX:
        raise ValidationError({"amend_reason": f"Keep the reason under {AMEND_REASON_MAX} characters."})
    with transaction.atomic():
        case = (BoardCase.objects.select_for_update(of=("self",))
                .select_related("meeting__board", "patient", "planned_treatment", "followup_item").get(pk=case.pk))
        if not case.is_decided:
            raise ValidationError({"decision": "This case is not decided yet: record the decision."})
        _check_meeting_day(case, now)
        _check_confirmed(case, decision, confirmed)  # a patient in supportive care has nothing open to cancel
        _withdraw(case, reason, user, now)
        _set_in_motion(case, decision, note, planned_on=planned_on, lesions=lesions, systemic_kind=systemic_kind,
                       agent=agent, line=line, user=user, now=now)
        _save_decision(case, decision, note, user, now, _clip(f"amended: {reason}", 100))
    return case


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
