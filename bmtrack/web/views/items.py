"""Actions on one due item, in place (htmx): book, waive, record a contact attempt.

Each answers an htmx request with the item's row re-rendered (or a one-line "cleared" row when
the item leaves the list); without htmx it redirects back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.surveillance import actions
from bmtrack.surveillance.models import DueItem
from bmtrack.web.errors import apply_service_error
from bmtrack.web.formatting import fmt_date
from bmtrack.web.forms.items import BookForm, ContactForm, WaiveForm
from bmtrack.web.queries.worklist import ITEM_RELATED, item_row
from bmtrack.web.views.common import is_htmx, patient_or_404, require_perm, safe_next

FORMS = {"book": BookForm, "waive": WaiveForm, "contact": ContactForm}


def item_forms(item, today, bound: dict | None = None) -> dict:
    """The three action forms of one row, with ids unique to the row."""
    forms = {}
    for name, form_class in FORMS.items():
        kwargs = {"auto_id": f"it{item.pk}-{name}-%s"}
        if name == "contact":
            kwargs["today"] = today
        forms[name] = (bound or {}).get(name) or form_class(**kwargs)
        for field in ("booked_for", "remind_on"):
            if field in forms[name].fields:
                forms[name].fields[field].widget.attrs["min"] = today.isoformat()
    return forms


def attach_forms(rows, today) -> None:
    for row in rows:
        row.forms = item_forms(row.item, today)
        row.open_panel = ""


def _load(request, public_id, item_id):
    require_perm(request, "surveillance.change_dueitem")
    patient = patient_or_404(request, public_id, action="edit")
    item = get_object_or_404(DueItem.objects.select_related(*ITEM_RELATED), pk=item_id, patient=patient)
    return patient, item


def _respond(request, item_id, *, message: str = "", panel: str = "", bound: dict | None = None):
    now = utcnow()
    item = DueItem.objects.select_related(*ITEM_RELATED).get(pk=item_id)
    row = item_row(item, now)
    row.forms = item_forms(item, site_today(now), bound)
    row.open_panel = panel
    if is_htmx(request):
        return render(request, "web/partials/item_row.html", {
            "row": row, "message": message, "show_patient": request.POST.get("context") != "patient",
            "next": request.POST.get("next", ""), "today": site_today(now),
        })
    if bound and any(form.errors for form in bound.values()):
        for form in bound.values():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    elif message:
        messages.success(request, message)
    return redirect(safe_next(request, reverse("web:worklist")))


def _act(request, public_id, item_id, name, perform):
    patient, item = _load(request, public_id, item_id)
    now = utcnow()
    kwargs = {"auto_id": f"it{item.pk}-{name}-%s"}
    if name == "contact":
        kwargs["today"] = site_today(now)
    form = FORMS[name](request.POST, **kwargs)
    message = ""
    if form.is_valid():
        try:
            message = perform(item, form.cleaned_data, now)
        except ValidationError as exc:
            apply_service_error(exc, form)
    if form.errors:
        return _respond(request, item.pk, panel=name, bound={name: form})
    return _respond(request, item.pk, message=message)


@login_required
@require_POST
def book(request, public_id, item_id):
    def perform(item, data, now):
        actions.book_item(item, booked_for=data["booked_for"], user=request.user, now=now)
        return f"{item.get_kind_display()} booked for {fmt_date(data['booked_for'])}."
    return _act(request, public_id, item_id, "book", perform)


@login_required
@require_POST
def waive(request, public_id, item_id):
    def perform(item, data, now):
        actions.waive_item(item, reason=data["reason"], user=request.user, now=now)
        return f"{item.get_kind_display()} waived: {data['reason']}"
    return _act(request, public_id, item_id, "waive", perform)


@login_required
@require_POST
def contact(request, public_id, item_id):
    def perform(item, data, now):
        outcome = data["outcome"]
        actions.record_contact(item, outcome=outcome, user=request.user, booked_for=data.get("booked_for"),
                               remind_on=data.get("remind_on"), reason=data.get("reason") or "",
                               note=data.get("note") or "", now=now)
        return {
            "booked": f"Reached: booked for {fmt_date(data.get('booked_for'))}.",
            "no_answer": "No answer recorded.",
            "remind": f"Snoozed: back on the worklist on {fmt_date(data.get('remind_on'))}.",
            "not_needed": f"Not needed: {data.get('reason')}",
        }[outcome]
    return _act(request, public_id, item_id, "contact", perform)
