"""Board pages for the coordinator (and attendees): meetings, suggestions, cases, packet, decisions.

Views validate input and call ``services`` / ``decisions``. Patients are reached through
``bmtrack.accounts.access`` only: a case or suggestion of a patient the user may not see is a 404,
and a meeting page lists only the cases the user may see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bmtrack.accounts.access import (
    access_board_case,
    access_meeting,
    access_meeting_packet,
    access_patient,
    meetings_for,
    note_patients,
    patients_for,
)
from bmtrack.boards import decisions, services
from bmtrack.boards.changes import changes_since_last_board
from bmtrack.boards.forms import (
    AcceptSuggestionForm,
    AddCaseForm,
    AttendeesForm,
    CaseForm,
    DecisionForm,
    DismissSuggestionForm,
    MeetingForm,
    MoveForm,
    UndismissSuggestionForm,
)
from bmtrack.boards.models import BoardCase, Decision, Meeting
from bmtrack.boards.pdf import packet_context, render_packet_pdf
from bmtrack.boards.suggestions import candidate_patients, find_suggestion, lookback, suggestions_for_meeting
from bmtrack.boards.summary import build_case_summary, build_packet
from bmtrack.core.clock import today, utcnow
from bmtrack.core.forms import apply_service_error, flash_errors

MANAGE = "boards.change_meeting"
RECENT_PAST = 8


# --- access -----------------------------------------------------------------------------------

def _can_manage(user) -> bool:
    return user.has_perm(MANAGE)


def _require_manage(user) -> None:
    if not _can_manage(user):
        raise PermissionDenied


def _form_errors(form, exc: ValidationError) -> None:
    apply_service_error(exc, form)  # every field's errors at once, the same mapper as the web forms


# --- meetings ---------------------------------------------------------------------------------

@login_required
def meeting_list(request):
    user = request.user
    manage = _can_manage(user)
    meetings = meetings_for(user).select_related("board").annotate(case_count=Count("cases"))
    form = MeetingForm(request.POST or None) if manage and user.has_perm("boards.add_meeting") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = services.create_meeting(user=user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Meeting created.")
                return redirect("boards:meeting", meeting.pk)
    day = today()
    return render(request, "boards/meeting_list.html", {
        "upcoming": meetings.filter(date__gte=day).order_by("date", "pk"),
        "past": meetings.filter(date__lt=day).order_by("-date", "-pk")[:RECENT_PAST],
        "form": form,
    })


@login_required
@require_GET
def meeting_detail(request, pk: int):
    user = request.user
    packet = access_meeting_packet(user, pk)
    meeting = packet.meeting
    manage = _can_manage(user)
    changes = changes_since_last_board(packet.cases)
    for case in packet.cases:
        case.changed = changes[case.pk].text
    context = {
        "meeting": meeting,
        "cases": packet.cases,
        "manage": manage,
        "attendees": list(meeting.attendees.order_by("last_name", "first_name")),
    }
    if manage:
        context.update(
            suggestions=note_patients(suggestions_for_meeting(meeting, user)),
            lookback=lookback(meeting),
            add_form=AddCaseForm(patients=candidate_patients(meeting, user).select_related("care_team")),
            accept_form=AcceptSuggestionForm(),
            attendees_form=AttendeesForm(initial={"attendees": context["attendees"]}),
            dismissed=services.dismissed_at(meeting, patients_for(user)),
        )
    return render(request, "boards/meeting_detail.html", context)


@login_required
@require_POST
def meeting_attendees(request, pk: int):
    _require_manage(request.user)
    meeting = access_meeting(request.user, pk)
    form = AttendeesForm(request.POST)
    if form.is_valid():
        services.update_meeting(meeting, attendees=form.cleaned_data["attendees"])
        messages.success(request, "Attendees saved.")
    else:
        messages.error(request, "Choose attendees from the list.")
    return redirect("boards:meeting", meeting.pk)


# --- suggestions and cases --------------------------------------------------------------------

def _answering(request, pk: int, form_class):
    """The meeting, the bound form and the suggestion it answers (None: answered already)."""
    _require_manage(request.user)
    meeting = access_meeting(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        raise Http404("No such suggestion")
    patient = access_patient(request.user, form.cleaned_data["patient"])
    return meeting, form, find_suggestion(meeting, request.user, patient)


@login_required
@require_POST
def suggestion_accept(request, pk: int):
    meeting, form, suggested = _answering(request, pk, AcceptSuggestionForm)
    if suggested is None:
        messages.info(request, "That suggestion has already been answered.")
        return redirect("boards:meeting", meeting.pk)
    try:
        case = services.accept_suggestion(meeting, suggested, presenter=form.cleaned_data["presenter"],
                                          user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("boards:meeting", meeting.pk)
    messages.success(request, f"Added as case {case.order}.")
    return redirect(f"{meeting_url(meeting)}#cases")


@login_required
@require_POST
def suggestion_dismiss(request, pk: int):
    """Dismiss a suggestion, after a confirmation step that shows what will no longer be suggested."""
    meeting, form, suggested = _answering(request, pk, DismissSuggestionForm)
    if suggested is None:
        messages.info(request, "That suggestion has already been answered.")
        return redirect(f"{meeting_url(meeting)}#suggestions")
    if not form.cleaned_data["confirm"]:
        return render(request, "boards/dismiss_confirm.html", {"meeting": meeting, "ps": suggested})
    services.dismiss_suggestion(meeting, suggested, user=request.user)
    messages.success(request, "Suggestion dismissed: it will not be offered again. "
                              "Undo it under “Dismissed at this meeting”.")
    return redirect(f"{meeting_url(meeting)}#dismissed")


@login_required
@require_POST
def suggestion_undismiss(request, pk: int):
    """Undo a dismissal: the suggestion is offered again."""
    _require_manage(request.user)
    meeting = access_meeting(request.user, pk)
    form = UndismissSuggestionForm(request.POST)
    if not form.is_valid():
        raise Http404("No such suggestion")
    patient = access_patient(request.user, form.cleaned_data["patient"])
    try:
        services.undismiss_suggestion(meeting, patient, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "Dismissal undone: the suggestion is offered again.")
    return redirect(f"{meeting_url(meeting)}#suggestions")


@login_required
@require_POST
def case_add(request, pk: int):
    _require_manage(request.user)
    meeting = access_meeting(request.user, pk)
    form = AddCaseForm(request.POST, patients=candidate_patients(meeting, request.user))
    if form.is_valid():
        note_patients([form.cleaned_data])
        try:
            case = services.add_case(meeting, form.cleaned_data["patient"], question=form.cleaned_data["question"],
                                     presenter=form.cleaned_data["presenter"], user=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, f"Added as case {case.order}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{meeting_url(meeting)}#cases")


@login_required
@require_POST
def case_move(request, pk: int):
    _require_manage(request.user)
    case = access_board_case(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move_case(case, form.cleaned_data["direction"])
    return redirect(f"{meeting_url(case.meeting)}#cases")


@login_required
@require_POST
def case_remove(request, pk: int):
    _require_manage(request.user)
    case = access_board_case(request.user, pk)
    try:
        services.remove_case(case)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "Case taken off the agenda.")
    return redirect(f"{meeting_url(case.meeting)}#cases")


@login_required
def case_detail(request, pk: int):
    """The case summary, the question/presenter form, the decision form (record, or amend a recorded one,
    after a confirmation step when it ends surveillance) and the decision's history."""
    user = request.user
    case = access_board_case(user, pk)
    manage = _can_manage(user)
    case_form = CaseForm(initial={"question": case.question, "presenter": case.presenter})
    decision_form = DecisionForm(patient=case.patient, meeting=case.meeting)
    to_cancel = None
    if request.method == "POST":
        _require_manage(user)
        if "decision" in request.POST:
            decision_form = DecisionForm(request.POST, patient=case.patient, meeting=case.meeting)
            if decision_form.is_valid():
                outcome = _decide(request, case, decision_form)
                if outcome is True:
                    return redirect("boards:case", case.pk)
                to_cancel = outcome
        else:
            case_form = CaseForm(request.POST)
            if case_form.is_valid():
                try:
                    services.update_case(case, **case_form.cleaned_data)
                except ValidationError as exc:
                    _form_errors(case_form, exc)
                else:
                    messages.success(request, "Case saved.")
                    return redirect("boards:case", case.pk)
    summary = build_case_summary(case, number=case.order, total=case.meeting.cases.count())
    return render(request, "boards/case_detail.html", {
        "case": case, "s": summary, "manage": manage, "case_form": case_form, "decision_form": decision_form,
        "to_cancel": to_cancel,
        "to_cancel_label": Decision(decision_form.cleaned_data["decision"]).label if to_cancel else "",
        "to_cancel_ends": bool(to_cancel) and decision_form.cleaned_data["decision"] in decisions.ENDS_SURVEILLANCE,
        "amending": case.is_decided and request.method == "POST" and "decision" in request.POST,
        "meeting_ahead": today() < case.meeting.date, "decision_history": _decision_history(case),
    })


def _decision_history(case: BoardCase) -> list:
    """The decisions recorded on the case, oldest first (each amendment with its reason)."""
    rows, last = [], None
    for row in case.history.order_by("history_date", "history_id").select_related("history_user"):
        if row.decision and row.decision != last:
            rows.append(row)
        last = row.decision
    return rows


def _decide(request, case: BoardCase, form: DecisionForm):
    """Record or amend the decision: True when done; the items it would cancel when it needs the
    confirmation step; False on an error (put on the form)."""
    data = form.cleaned_data
    fields = {"note": data["note"], "planned_on": data["planned_on"], "lesions": data["lesions"],
              "systemic_kind": data["systemic_kind"], "agent": data["agent"], "line": data["line"],
              "confirmed": data["confirm"], "user": request.user}
    ending = len(decisions.cancelled_by(case, data["decision"]))
    try:
        if case.is_decided:
            decisions.amend_decision(case, data["decision"], reason=data["amend_reason"], **fields)
        else:
            decisions.record_decision(case, data["decision"], **fields)
    except ValidationError as exc:
        if set(exc.message_dict) == {"confirm"}:
            return decisions.cancelled_by(case, data["decision"])
        _form_errors(form, exc)
        return False
    if data["decision"] in decisions.ENDS_SURVEILLANCE:
        done = "Decision amended" if case.is_decided else "Decision recorded"
        items = f"{ending} open item{'s were' if ending != 1 else ' was'}"
        messages.success(request, f"{done}: surveillance has ended and {items} cancelled. "
                                  "Amend the decision to undo it.")
    elif case.is_decided:
        messages.success(request, "Decision amended; the history keeps the first one.")
    else:
        messages.success(request, "Decision recorded; surveillance will follow it up.")
    return True


# --- the packet -------------------------------------------------------------------------------

@login_required
@require_GET
def packet(request, pk: int):
    packet = access_meeting_packet(request.user, pk)
    context = packet_context(packet.meeting, build_packet(packet.cases), utcnow())
    return render(request, "boards/packet.html", context)


@login_required
@require_GET
def packet_pdf(request, pk: int):
    packet = access_meeting_packet(request.user, pk)
    meeting = packet.meeting
    pdf = render_packet_pdf(meeting, build_packet(packet.cases), generated_at=utcnow())
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name names the board's date only: a downloaded file must not identify a patient.
    response["Content-Disposition"] = f'attachment; filename="tumour-board-{meeting.date:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def meeting_url(meeting: Meeting) -> str:
    return reverse("boards:meeting", args=[meeting.pk])
