"""Data entry: primary tumour with markers (and screening advice), treatment, KPS/steroids status,
work-up results.

Every form calls one service; a service error lands next to its field and nothing is saved (the
service owns the transaction).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bmtrack.core.clock import today as site_today
from bmtrack.core.clock import utcnow
from bmtrack.patients import services
from bmtrack.web.advice import screening_for
from bmtrack.web.errors import apply_service_error, save_through
from bmtrack.web.formatting import fmt_date
from bmtrack.web.forms.observation import ObservationForm
from bmtrack.web.forms.primary import MarkerFormSet, PrimaryCorrectionForm, PrimaryForm
from bmtrack.web.forms.treatment import TreatmentForm
from bmtrack.web.forms.workup import WorkupForm
from bmtrack.web.queries.workups import workup_results
from bmtrack.web.views.common import patient_or_404, patient_url, require_perm


@login_required
@require_http_methods(["GET", "POST"])
def primary_new(request, public_id):
    require_perm(request, "patients.add_primarytumour")
    patient = patient_or_404(request, public_id, action="edit")
    form = PrimaryForm(request.POST or None)
    markers = MarkerFormSet(request.POST or None, prefix="markers")
    if request.method == "POST" and form.is_valid() & markers.is_valid():
        fields = form.service_fields()
        rows, index_map = [], []
        for index, marker_form in enumerate(markers.forms):
            if marker_form.is_blank():
                continue
            data = dict(marker_form.cleaned_data)
            data["tested_on"] = data.get("tested_on") or fields["diagnosed_on"]
            data["detail"] = data.get("detail") or ""
            rows.append(data)
            index_map.append(index)
        try:
            services.record_primary(patient, markers=rows, user=request.user, **fields)
        except ValidationError as exc:
            apply_service_error(exc, form, {"markers": (markers, index_map)})
        else:
            advice = screening_for(fields["type"], fields["stage"], fields["seer_stage"],
                                   form.cleaned_data["neuro_symptoms"])
            text = "Primary tumour recorded."
            if advice.advice:
                text += f" Screening advice: {advice.recommendation}."
            messages.success(request, text)
            return redirect(patient_url(patient) + "#primaries")
    advice = None
    if form.is_bound and form.is_valid():
        advice = screening_for(form.cleaned_data["type"], form.cleaned_data["stage"],
                               form.cleaned_data["seer_stage"], form.cleaned_data["neuro_symptoms"])
    return render(request, "web/forms/primary_form.html",
                  {"patient": patient, "form": form, "markers": markers, "advice": advice})


@login_required
@require_http_methods(["GET", "POST"])
def primary_edit(request, public_id, primary_id):
    """Correct a primary tumour: type, dates, stage, histology. GPA and the plan follow; a type
    whose GPA needs markers not yet recorded leaves no current GPA (the page says which)."""
    require_perm(request, "patients.change_primarytumour")
    patient = patient_or_404(request, public_id, action="edit")
    primary = get_object_or_404(patient.primaries.prefetch_related("markers"), pk=primary_id)
    form = PrimaryCorrectionForm(request.POST or None,
                                 initial={name: getattr(primary, name) for name in PrimaryCorrectionForm.base_fields})
    if save_through(form, partial(services.update_primary, primary), user=request.user):
        messages.success(request, "Primary tumour corrected; GPA and surveillance updated.")
        return redirect(patient_url(patient) + "#primaries")
    return render(request, "web/forms/primary_edit_form.html", {"patient": patient, "form": form,
                                                                 "primary": primary})


@login_required
@require_POST
def screening_advice(request, public_id):
    """htmx: the screening advice for what the form holds now (nothing is saved)."""
    patient_or_404(request, public_id, action="view")
    primary_type = request.POST.get("type", "")
    advice = None
    if primary_type:
        advice = screening_for(primary_type, (request.POST.get("stage") or "").strip().upper() or None,
                               request.POST.get("seer_stage") or None, request.POST.get("neuro_symptoms") == "on")
    return render(request, "web/partials/screening_advice.html", {"advice": advice})


@login_required
@require_http_methods(["GET", "POST"])
def treatment_new(request, public_id):
    require_perm(request, "patients.add_treatment")
    patient = patient_or_404(request, public_id, action="edit")
    now = utcnow()
    initial = {"start": now.replace(second=0, microsecond=0)}
    form = TreatmentForm(request.POST or None, patient=patient, initial=initial)
    treatment = save_through(form, partial(services.record_treatment, patient), user=request.user)
    if treatment:
        messages.success(request, f"{treatment.get_kind_display()} recorded; surveillance re-planned.")
        return redirect(patient_url(patient) + "#treatments")
    return render(request, "web/forms/treatment_form.html", {"patient": patient, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def observation_new(request, public_id):
    require_perm(request, "patients.add_statusobservation")
    patient = patient_or_404(request, public_id, action="edit")
    form = ObservationForm(request.POST or None, initial={"observed_on": site_today()})
    if save_through(form, partial(services.record_observation, patient), user=request.user):
        messages.success(request, "Status recorded; GPA and response updated.")
        return redirect(patient_url(patient))
    return render(request, "web/forms/observation_form.html", {
        "patient": patient, "form": form, "earlier": _earlier_observations(patient)})


@login_required
@require_http_methods(["GET", "POST"])
def observation_edit(request, public_id, observation_id):
    """Correct a status entry (a mistyped KPS, a wrong day); who corrected it is in its history."""
    require_perm(request, "patients.change_statusobservation")
    patient = patient_or_404(request, public_id, action="edit")
    observation = get_object_or_404(patient.observations, pk=observation_id)
    initial = {name: getattr(observation, name) for name in ObservationForm.base_fields}
    if observation.extracranial_metastases is None:
        initial["extracranial_metastases"] = "unknown"
    form = ObservationForm(request.POST or None, initial=initial)
    if save_through(form, partial(services.update_observation, observation), user=request.user):
        messages.success(request, f"Status of {fmt_date(observation.observed_on)} corrected; GPA and response "
                                  "updated.")
        return redirect(patient_url(patient))
    return render(request, "web/forms/observation_form.html", {
        "patient": patient, "form": form, "observation": observation,
        "earlier": _earlier_observations(patient)})


EARLIER_SHOWN = 10


def _earlier_observations(patient) -> list:
    """The latest status entries, newest first, each with a link to correct it."""
    return list(patient.observations.select_related("recorded_by").order_by("-observed_on", "-pk")[:EARLIER_SHOWN])


@login_required
@require_http_methods(["GET", "POST"])
def workup_new(request, public_id):
    """Record a work-up result (perfusion MRI, amino-acid PET, histology); the response follows."""
    require_perm(request, "patients.add_workupresult")
    patient = patient_or_404(request, public_id, action="edit")
    form = WorkupForm(request.POST or None, patient=patient, initial={"performed_on": site_today()})
    if save_through(form, partial(services.record_workup, patient), user=request.user):
        messages.success(request, "Work-up result recorded; response updated.")
        return redirect(patient_url(patient) + "#workups")
    return render(request, "web/forms/workup_form.html", {
        "patient": patient, "form": form, "earlier": workup_results(patient)})


@login_required
@require_http_methods(["GET", "POST"])
def workup_edit(request, public_id, workup_id):
    """Correct a work-up result; who corrected it is in its history."""
    require_perm(request, "patients.change_workupresult")
    patient = patient_or_404(request, public_id, action="edit")
    workup = get_object_or_404(patient.workups, pk=workup_id)
    form = WorkupForm(request.POST or None, patient=patient,
                      initial={name: getattr(workup, name) for name in WorkupForm.base_fields})
    if save_through(form, partial(services.update_workup, workup), user=request.user):
        messages.success(request, f"Work-up result of {fmt_date(workup.performed_on)} corrected; response "
                                  "updated.")
        return redirect(patient_url(patient) + "#workups")
    return render(request, "web/forms/workup_form.html", {
        "patient": patient, "form": form, "workup": workup, "earlier": workup_results(patient)})
