"""Actions on one due item, in place (htmx): book, waive, record a contact attempt.

Each answers an htmx request with the item's row re-rendered (or a one-line "cleared" row when
the item leaves the list); without htmx it redirects back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bmtrack.accounts.access import access_due_item
from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.core.forms import apply_service_error, error_messages
from bmtrack.patients import services
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.surveillance import actions
from bmtrack.surveillance.models import DueItem
from bmtrack.web.formatting import fmt_date, fmt_datetime
from bmtrack.web.forms.items import WAIVING, BookForm, ContactForm, WaiveForm, booked_moment
from bmtrack.web.paths import patient_path
from bmtrack.web.queries.worklist import ITEM_RELATED, item_row
from bmtrack.web.views.common import is_htmx, patient_or_404, require_perm, safe_next

FORMS = {"book": BookForm, "waive": WaiveForm, "contact": ContactForm}


PANELS = ("book", "contact", "waive")


def item_forms(item, today, bound: dict | None = None, only: str | None = None) -> dict:
    """The action forms of one row (all three, or ``only`` one of them), with ids unique to the row."""
    forms = {}
    for name, form_class in FORMS.items():
        if only is not None and name != only:
            continue
        kwargs = {"auto_id": f"it{item.pk}-{name}-%s"}
        if name == "contact":
            kwargs["today"] = today
        forms[name] = (bound or {}).get(name) or form_class(**kwargs)
        for field in ("booked_for", "remind_on"):
            if field in forms[name].fields:
                forms[name].fields[field].widget.attrs["min"] = today.isoformat()
    return forms


def attach_paths(rows) -> None:
    """Each row's links (``web.paths``: no ``reverse()`` per row; a worklist has hundreds of rows)."""
    worklist_url = reverse("web:worklist")
    for row in rows:
        row.worklist_url = worklist_url
        public_id = row.item.patient.public_id
        row.patient_url = patient_path("web:patient", public_id)
        row.scan_new_url = patient_path("web:scan_new", public_id)
        row.actions_url = patient_path("web:item_actions", public_id, row.item.pk)


def attach_forms(rows, today) -> None:
    """Lists render every action panel closed and fetch its form on first open (``item_actions``):
    no form object is built per row."""
    attach_paths(rows)
    for row in rows:
        row.forms = {}
        row.open_panel = ""


def _load(request, public_id, item_id):
    require_perm(request, "surveillance.change_dueitem")
    patient = patient_or_404(request, public_id, action="edit")
    item = access_due_item(request.user, item_id, patient=patient,
                           queryset=DueItem.objects.select_related(*ITEM_RELATED))
    return patient, item


def _respond(request, item_id, *, message: str = "", panel: str = "", bound: dict | None = None,
             confirm: list | None = None, undo: str = ""):
    """The row again: with ``panel`` open (after an error, or ``confirm``: the items a confirmation step
    lists), or closed with ``message`` (and an ``undo`` button right after a waiver)."""
    now = utcnow()
    item = DueItem.objects.select_related(*ITEM_RELATED).get(pk=item_id)
    row = item_row(item, now)
    # Only the panel left open (a re-render after an error) carries its form; the others load on open.
    row.forms = item_forms(item, site_today(now), bound, only=panel) if panel else {}
    row.open_panel = panel
    row.confirm = confirm
    row.undo = undo
    attach_paths([row])
    if confirm is not None and not is_htmx(request):
        return render(request, "web/item_actions.html", {
            "row": row, "panel": panel, "show_patient": request.POST.get("context") != "patient",
            "today": site_today(now), "patient": item.patient, "full_page": True,
            "next": safe_next(request, reverse("web:worklist"))})
    if is_htmx(request):
        # The worklist's rows are table rows; the patient page's are cards.
        in_list = request.POST.get("context") != "patient"
        template = "web/partials/worklist_row.html" if in_list else "web/partials/item_row.html"
        return render(request, template, {
            "row": row, "message": message, "show_patient": in_list,
            "next": request.POST.get("next", ""), "today": site_today(now),
        })
    if bound and any(form.errors for form in bound.values()):
        for form in bound.values():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    elif message:
        messages.success(request, message)
    if undo:
        # Without JavaScript, "Undo" is on the page the nurse comes back to: the patient page's closed
        # items (a waiver), or its care status (a death).
        anchor = "#care-title" if undo == "deceased" else "#closed-items"
        return redirect(reverse("web:patient", args=[item.patient.public_id]) + anchor)
    return redirect(safe_next(request, reverse("web:worklist")))


def _act(request, public_id, item_id, name, perform, confirm=None):
    """``confirm(item, data, now)``: the items a confirmation step lists before ``perform`` runs, or None
    when these data need none."""
    patient, item = _load(request, public_id, item_id)
    now = utcnow()
    kwargs = {"auto_id": f"it{item.pk}-{name}-%s"}
    if name == "contact":
        kwargs["today"] = site_today(now)
    form = FORMS[name](request.POST, **kwargs)
    message = ""
    if form.is_valid() and confirm is not None and not form.cleaned_data.get("confirm"):
        try:  # what the action would refuse is said before the confirmation, not after it
            listed = confirm(item, form.cleaned_data, now)
        except ValidationError as exc:
            apply_service_error(exc, form, aliases={"booked_at": "booked_for"})
        else:
            if listed is not None:
                return _respond(request, item.pk, panel=name, bound={name: form}, confirm=listed)
    if form.is_valid():
        try:
            message = perform(item, form.cleaned_data, now)
        except ValidationError as exc:
            apply_service_error(exc, form, aliases={"booked_at": "booked_for"})
    if form.errors:
        return _respond(request, item.pk, panel=name, bound={name: form})
    return _respond(request, item.pk, message=message, undo=_undo(name, form.cleaned_data))


def _undo(name: str, data: dict) -> str:
    """What the row offers to undo right after an action: a waiver (from the waive panel, or a contact
    outcome that waives the need), or a death recorded from a call (the patient back in active care)."""
    outcome = data.get("outcome") if name == "contact" else None
    if name == "waive" or outcome in WAIVING:
        return "waive"
    return "deceased" if outcome == "died" else ""


def _contact_preview(item, data, now):
    """An outcome that closes the need is confirmed first: the need's items for a waiving one, every
    open item of the patient for a death (she leaves every list)."""
    if data["outcome"] == "died":
        services.check_patient_status(item.patient, PatientStatus.DECEASED, deceased_on=data["deceased_on"], now=now)
        return actions.leaving_care_preview(item.patient)
    if data["outcome"] in WAIVING:
        return actions.need_preview(item, now)
    return None


@login_required
@require_GET
def item_actions(request, public_id, item_id):
    """One row's action panel(s), fetched when a panel is first opened.

    With htmx: the form of ``?panel=`` alone, swapped into the ``<details>``. Without JavaScript
    the panel's link lands here: a page with the item and its forms, which post to the action
    endpoints and come back to ``next``.
    """
    patient, item = _load(request, public_id, item_id)
    now = utcnow()
    today = site_today(now)
    panel = request.GET.get("panel", "")
    if panel and panel not in PANELS:
        raise Http404("No such panel.")
    show_patient = request.GET.get("context") != "patient"
    row = item_row(item, now)
    row.forms = item_forms(item, today, only=panel or None)
    row.open_panel = panel
    context = {"row": row, "panel": panel, "show_patient": show_patient, "today": today, "patient": patient,
               "next": safe_next(request, reverse("web:worklist") if show_patient
                                 else reverse("web:patient", args=[patient.public_id]))}
    if is_htmx(request) and panel:
        return render(request, "web/partials/item_panel.html", context)
    # A page of its own: its forms post normally (there is no row here for htmx to swap).
    return render(request, "web/item_actions.html", {**context, "full_page": True})


@login_required
@require_POST
def book(request, public_id, item_id):
    def perform(item, data, now):
        booked_at = booked_moment(data)
        item = actions.book_item(item, booked_at=booked_at, booking_reason=data.get("booking_reason") or "",
                                 user=request.user, now=now)
        text = f"{item.get_kind_display()} booked for {fmt_datetime(booked_at)}."
        if item.booking_breach:
            text += f" Flagged: {item.booking_breach} ({item.booking_reason})."
        return text
    return _act(request, public_id, item_id, "book", perform)


@login_required
@require_POST
def waive(request, public_id, item_id):
    def perform(item, data, now):
        actions.waive_item(item, reason=data["reason"], user=request.user, now=now)
        return f"{item.get_kind_display()} waived: {data['reason']}"
    return _act(request, public_id, item_id, "waive", perform,
                confirm=lambda item, data, now: actions.need_preview(item, now))


@login_required
@require_POST
def unwaive(request, public_id, item_id):
    """Undo a waiver (right after it, from the row; later, from the patient page's closed items)."""
    patient, item = _load(request, public_id, item_id)
    try:
        item = actions.unwaive_item(item, user=request.user)
    except ValidationError as exc:
        message = " ".join(error_messages(exc))
    else:
        message = f"Waiver undone: {item.get_kind_display()} is {item.get_state_display().lower()} again."
    if is_htmx(request):
        return _respond(request, item.pk, message=message)
    messages.success(request, message)
    return redirect(safe_next(request, reverse("web:patient", args=[patient.public_id])))


@login_required
@require_POST
def contact(request, public_id, item_id):
    def perform(item, data, now):
        outcome = data["outcome"]
        booked_at = booked_moment(data) if outcome in ("booked", "agreed") else None
        actions.record_contact(item, outcome=outcome, user=request.user, booked_at=booked_at,
                               booking_reason=data.get("booking_reason") or "",
                               remind_on=data.get("remind_on"), reason=data.get("reason") or "",
                               note=data.get("note") or "", deceased_on=data.get("deceased_on"), now=now)
        return contact_message(outcome, data)
    return _act(request, public_id, item_id, "contact", perform, confirm=_contact_preview)


def contact_message(outcome: str, data: dict) -> str:
    """What the row says after a contact was recorded."""
    moment = booked_moment(data)
    booked = fmt_datetime(moment) if moment else fmt_date(data.get("booked_for"))
    remind = fmt_date(data.get("remind_on"))
    if outcome == "agreed":
        return (f"Agreed to come: booked for {booked}." if data.get("booked_for")
                else f"Agreed to come: waiting until {remind}, then back on the worklist.")
    return {
        "booked": f"Reached: booked for {booked}.",
        "no_answer": "No answer recorded.",
        "voicemail": "Voicemail recorded.",
        "unreachable": "Unreachable recorded: check the number on the patient page.",
        "remind": f"Waiting: back on the worklist on {remind}.",
        "not_needed": f"Not needed: {data.get('reason')}",
        "declined": f"Declined: {data.get('reason')}",
        "elsewhere": f"Scanned elsewhere: {data.get('reason')}",
        "moved": f"Moved away: {data.get('reason')}",
        "died": f"Recorded as deceased on {fmt_date(data.get('deceased_on'))}: "
                "open items were cancelled and the patient left the work lists.",
    }[outcome]

