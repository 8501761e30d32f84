"""Patient pages: the record, finding a patient, adding one, and changing the care status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bmtrack.accounts.access import patients_for
from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.core.forms import apply_service_error
from bmtrack.patients import services
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.surveillance import actions
from bmtrack.web.forms.patient import CareStatusForm, PatientForm, PatientSearchForm, PhonesForm
from bmtrack.web.queries.patient import PATIENT_RELATED, load_patient_page
from bmtrack.web.queries.scope import SEARCH_MAX_CHARS, search
from bmtrack.web.queries.workups import workup_results
from bmtrack.web.views.common import is_htmx, patient_or_404, patient_url, require_perm
from bmtrack.web.views.items import attach_forms

# The patient page shows the latest scan cards; older ones load on request (htmx: older_scans;
# without JavaScript ``?scans=all``), so a long history does not weigh on every visit.
RECENT_SCANS = 6


def scan_url(patient, scan) -> str:
    """The patient page at one scan's card, asking for every card when that one is not among the latest."""
    later = patient.scans.filter(Q(at__gt=scan.at) | Q(at=scan.at, pk__gt=scan.pk)).count()
    return patient_url(patient) + ("?scans=all" if later >= RECENT_SCANS else "") + f"#scan-{scan.pk}"


@login_required
def patient(request, public_id):
    record = patient_or_404(request, public_id, action="view", related=PATIENT_RELATED)
    now = utcnow()
    page = load_patient_page(record, now)
    attach_forms(page.open_items, site_today(now))
    shown = page.scans if request.GET.get("scans") == "all" else page.scans[:RECENT_SCANS]
    return render(request, "web/patient.html", {
        "page": page, "patient": page.patient, "show_patient": False, "today": site_today(now),
        "age": page.patient.age_on(site_today(now)), "scan_cards": shown,
        "older_scans": len(page.scans) - len(shown),
        "workups": workup_results(record),
        "status_form": CareStatusForm(initial={"status": page.patient.status,
                                               "deceased_on": page.patient.deceased_on}),
        "phones_form": PhonesForm(initial={"phones": page.patient.phones}, auto_id="phones-%s"),
    })


@login_required
@require_GET
def older_scans(request, public_id):
    """The scan cards after the latest few (htmx); without htmx, the patient page with every card."""
    record = patient_or_404(request, public_id, action="view", related=PATIENT_RELATED)
    if not is_htmx(request):
        return redirect(patient_url(record) + "?scans=all#scans")
    page = load_patient_page(record, utcnow())
    return render(request, "web/partials/older_scans.html", {"page": page, "patient": page.patient,
                                                             "scan_cards": page.scans[RECENT_SCANS:]})


@login_required
@require_http_methods(["GET", "POST"])
def find(request):
    """Find any patient of one's teams by MRN or name (POST: the term stays out of URLs)."""
    form = PatientSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        found = search(patients_for(request.user), form.cleaned_data["q"])
        if not form.cleaned_data["include_inactive"]:
            found = found.filter(status=PatientStatus.ACTIVE)
        results = list(found.select_related("care_team", "responsible_nurse")[:50])
    q = form.data.get("q", "") if form.is_bound else ""
    return render(request, "web/patients.html", {"q": q[:SEARCH_MAX_CHARS], "form": form, "results": results,
                                                 "include_inactive": form.data.get("include_inactive") == "on"})


@login_required
@require_http_methods(["GET", "POST"])
def new_patient(request):
    require_perm(request, "patients.add_patient")
    form = PatientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_patient(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(exc, form)
        else:
            messages.success(request, f"{created.name} added. Next: the primary tumour.")
            return redirect(reverse("web:primary_new", args=[created.public_id]))
    return render(request, "web/forms/patient_form.html", {"form": form})


@login_required
@require_http_methods(["POST"])
def care_status(request, public_id):
    """Change the care status. Leaving active care cancels the open items: a confirmation step lists them
    (urgent ones first) before anything changes; returning to active ("Undo") re-plans the patient."""
    require_perm(request, "patients.change_patient")
    record = patient_or_404(request, public_id, action="edit")
    form = CareStatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else None
    leaving = status is not None and status != PatientStatus.ACTIVE and record.status == PatientStatus.ACTIVE
    if leaving and not form.cleaned_data.get("confirm"):
        try:  # what the change would refuse is said before the confirmation, not after it
            services.check_patient_status(record, status, deceased_on=form.cleaned_data.get("deceased_on"))
        except ValidationError as exc:
            apply_service_error(exc, form)
        else:
            items = actions.leaving_care_preview(record)
            return render(request, "web/care_status_confirm.html", {
                "patient": record, "form": form, "items": items,
                "status_label": dict(PatientStatus.choices)[status]})
    if form.is_valid() and not form.errors:
        try:
            services.set_patient_status(record, status, deceased_on=form.cleaned_data.get("deceased_on"),
                                        user=request.user)
        except ValidationError as exc:
            apply_service_error(exc, form)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        label = dict(PatientStatus.choices)[status]
        text = f"Care status set to {label.lower()}."
        if status != PatientStatus.ACTIVE:
            text += " Open items were cancelled and the patient left the work lists. Undo it under Care status."
        else:
            text += " Surveillance is planned again from the record."
        messages.success(request, text)
    return redirect(patient_url(record))


@login_required
@require_http_methods(["POST"])
def phones(request, public_id):
    """Change the patient's phone numbers (the patient page's "Phone" line)."""
    require_perm(request, "patients.change_patient")
    record = patient_or_404(request, public_id, action="edit")
    form = PhonesForm(request.POST)
    if form.is_valid():
        try:
            services.update_patient(record, phones=form.cleaned_data["phones"], user=request.user)
        except ValidationError as exc:
            apply_service_error(exc, form)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        messages.success(request, "Phone numbers saved." if form.cleaned_data["phones"] else "Phone numbers removed.")
    return redirect(patient_url(record))
