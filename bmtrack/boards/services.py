"""The only writers of boards, meetings, cases and suggestion answers (the board's decision: ``decisions``).

Callers (views, admin, tasks) have already reached the patient through ``bmtrack.accounts.access``;
these functions validate, write in one transaction, and raise ``ValidationError`` naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from bmtrack.boards.models import Board, BoardCase, CaseSuggestion, Meeting, SuggestionStatus
from bmtrack.boards.suggestions import PatientSuggestions
from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient
from bmtrack.patients.services.common import check_day

QUESTION_MAX = 1000


def create_meeting(board: Board, *, date: dt.date, attendees: Iterable | None = None, starts_at: dt.time | None = None,
                   location: str = "", user=None) -> Meeting:
    """A meeting of ``board``; attendees default to the board's standing members."""
    if not board.is_active:
        raise ValidationError({"board": "This board is no longer active."})
    check_day(date, "date", "The meeting date", latest=today(), planned=True)
    if Meeting.objects.filter(board=board, date=date).exists():
        raise ValidationError({"date": "This board already meets on that day."})
    with transaction.atomic():
        meeting = Meeting(board=board, date=date, starts_at=starts_at, location=location.strip(),
                          created_by=user if getattr(user, "pk", None) else None)
        meeting.full_clean()
        meeting.save()
        meeting.attendees.set(list(attendees) if attendees is not None else list(board.members.all()))
    return meeting


def update_meeting(meeting: Meeting, *, attendees: Iterable | None = None, **changes) -> Meeting:
    allowed = {"date", "starts_at", "location"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        for name, value in changes.items():
            setattr(meeting, name, value)
        check_day(meeting.date, "date", "The meeting date", latest=today(), planned=True)
        meeting.full_clean()
        meeting.save()
        if attendees is not None:
            meeting.attendees.set(list(attendees))
    return meeting


def _clean_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Write the question the board should answer."})
    if len(question) > QUESTION_MAX:
        raise ValidationError({"question": f"Keep the question under {QUESTION_MAX} characters."})
    return question


def add_case(meeting: Meeting, patient: Patient, *, question: str, presenter=None, reasons: list | None = None,
             user=None) -> BoardCase:
    """Put ``patient`` at the end of ``meeting``'s agenda."""
    question = _clean_question(question)
    with transaction.atomic():
        # Lock the meeting so two coordinators adding at once get distinct places.
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        if BoardCase.objects.filter(meeting=meeting, patient=patient).exists():
            raise ValidationError({"patient": "This patient is already on the agenda."})
        last = BoardCase.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0
        case = BoardCase(meeting=meeting, patient=patient, order=last + 1, question=question, presenter=presenter,
                         reasons=list(reasons or []), created_by=user if getattr(user, "pk", None) else None)
        case.full_clean()
        case.save()
    return case


def update_case(case: BoardCase, *, question: str, presenter=None) -> BoardCase:
    with transaction.atomic():
        case = BoardCase.objects.select_for_update().get(pk=case.pk)
        case.question = _clean_question(question)
        case.presenter = presenter
        case.full_clean()
        case.save(update_fields=["question", "presenter"])
    return case


def remove_case(case: BoardCase) -> None:
    """Take an undecided case off the agenda; the rest close up."""
    with transaction.atomic():
        case = BoardCase.objects.select_for_update().get(pk=case.pk)
        if case.is_decided:
            raise ValidationError({"case": "A decided case stays on the record."})
        meeting = case.meeting
        CaseSuggestion.objects.filter(board_case=case).delete()  # its suggestions may be offered again
        case.delete()
        _renumber(meeting)


def move_case(case: BoardCase, direction: str) -> BoardCase:
    """Move a case one place ``up`` or ``down`` on its meeting's agenda."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a case up or down."})
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=case.meeting_id)
        cases = list(BoardCase.objects.filter(meeting_id=case.meeting_id).order_by("order", "pk"))
        index = next(i for i, c in enumerate(cases) if c.pk == case.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(cases):
            cases[index], cases[other] = cases[other], cases[index]
        _save_order(cases)
    return BoardCase.objects.get(pk=case.pk)


def _renumber(meeting: Meeting) -> None:
    _save_order(list(BoardCase.objects.filter(meeting=meeting).order_by("order", "pk")))


def _save_order(cases: list[BoardCase]) -> None:
    changed = []
    for position, case in enumerate(cases, start=1):
        if case.order != position:
            case.order = position
            changed.append(case)
    BoardCase.objects.bulk_update(changed, ["order"])


def accept_suggestion(meeting: Meeting, suggested: PatientSuggestions, *, question: str | None = None,
                      presenter=None, user=None, now: dt.datetime | None = None) -> BoardCase:
    """Put a suggested patient on the agenda, with every reason suggested, and remember the answer."""
    now = now or utcnow()
    with transaction.atomic():
        case = add_case(meeting, suggested.patient, question=question or suggested.question, presenter=presenter,
                        reasons=[item.as_reason() for item in suggested.items], user=user)
        _answer(meeting, suggested, SuggestionStatus.ACCEPTED, case=case, user=user, now=now)
    return case


def dismiss_suggestion(meeting: Meeting, suggested: PatientSuggestions, *, user=None,
                       now: dt.datetime | None = None) -> list[CaseSuggestion]:
    """The board need not discuss this evidence: it is not suggested again (for this board)."""
    now = now or utcnow()
    with transaction.atomic():
        return _answer(meeting, suggested, SuggestionStatus.DISMISSED, case=None, user=user, now=now)


def undismiss_suggestion(meeting: Meeting, patient: Patient, *, user=None) -> int:
    """Undo the dismissal of ``patient``'s suggestions at ``meeting``: they are offered again (while the
    record still gives them). The rows go; their history keeps who dismissed and who undid it. Returns
    how many were undone; none is an error (``ValidationError``)."""
    with transaction.atomic():
        rows = list(CaseSuggestion.objects.select_for_update().filter(
            board=meeting.board, meeting=meeting, patient=patient, status=SuggestionStatus.DISMISSED))
        if not rows:
            raise ValidationError({"patient": "Nothing dismissed for this patient at this meeting: nothing to undo."})
        for row in rows:
            if getattr(user, "pk", None):
                row._history_user = user
            row._change_reason = "dismissal undone"
            row.delete()
    return len(rows)


def dismissed_at(meeting: Meeting, patients) -> dict:
    """The suggestions dismissed at ``meeting``, by patient (only ``patients``: those the reader may see)."""
    found: dict = {}
    rows = (CaseSuggestion.objects.filter(meeting=meeting, status=SuggestionStatus.DISMISSED, patient__in=patients)
            .select_related("patient", "answered_by").order_by("patient__family_name", "patient_id", "reason"))
    for row in rows:
        found.setdefault(row.patient, []).append(row)
    return found


def _answer(meeting, suggested, status, *, case, user, now) -> list[CaseSuggestion]:
    rows = []
    for item in suggested.items:
        row, _ = CaseSuggestion.objects.update_or_create(
            board=meeting.board, patient=suggested.patient, reason=item.reason, evidence=item.evidence,
            defaults={"meeting": meeting, "text": item.text[:300], "status": status, "board_case": case,
                      "answered_by": user if getattr(user, "pk", None) else None, "answered_at": now},
        )
        rows.append(row)
    return rows
