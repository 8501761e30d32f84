"""The data manager's queue of unmatched studies, and the readers' list of SR drafts to confirm.

Studies are reached by their opaque ``public_id``; the MRN a study is assigned to travels in the
POST body and is looked up through the access layer (only the user's own patients).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bmtrack.accounts.access import access_patient, patients_for, scope
from bmtrack.core.clock import utcnow
from bmtrack.core.forms import flash_errors
from bmtrack.pacs import services
from bmtrack.pacs.client import PacsUnavailable
from bmtrack.pacs.health import poll_status
from bmtrack.pacs.models import DraftState, MeasurementDraft, PacsStudy, StudyState

MANAGE = "pacs.change_pacsstudy"
MEASURE = "patients.change_measurement"
QUEUE_LIMIT = 200


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_GET
def queue(request):
    """Unmatched and failed studies, newest first, and the MR series no mapping recognised."""
    studies = PacsStudy.objects.filter(state__in=(StudyState.UNMATCHED, StudyState.FAILED))
    unrecognised = scope(PacsStudy.objects.filter(state=StudyState.IMPORTED).exclude(unrecognised_series=[]),
                         request.user, "scan__patient").select_related("scan__patient")
    return render(request, "pacs/queue.html", {
        "unmatched": studies.filter(state=StudyState.UNMATCHED)[:QUEUE_LIMIT],
        "failed": studies.filter(state=StudyState.FAILED)[:QUEUE_LIMIT],
        "unrecognised": unrecognised[:QUEUE_LIMIT],
        "poll": poll_status(utcnow()),
    })


def _study(public_id) -> PacsStudy:
    try:
        return PacsStudy.objects.get(public_id=public_id)
    except PacsStudy.DoesNotExist:
        raise Http404("No such study") from None


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def assign(request, public_id):
    study = _study(public_id)
    mrn = request.POST.get("mrn", "").strip()
    patient = patients_for(request.user).filter(mrn=mrn).first() if mrn else None
    if patient is None:
        messages.error(request, "No patient of your teams has this MRN.")
        return redirect("pacs:queue")
    try:
        services.assign_study(study, patient, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PacsUnavailable as exc:
        messages.error(request, f"The PACS cannot be reached now ({exc}); try again later.")
    else:
        messages.success(request, f"The study is now a scan of {patient.name}.")
    return redirect("pacs:queue")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def ignore(request, public_id):
    try:
        services.ignore_study(_study(public_id), user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "The study is ignored.")
    return redirect("pacs:queue")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def retry(request, public_id):
    try:
        study = services.retry_study(_study(public_id), user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PacsUnavailable as exc:
        messages.error(request, f"The PACS cannot be reached now ({exc}); try again later.")
    else:
        messages.info(request, f"Tried again: {study.get_state_display().lower()}.")
    return redirect("pacs:queue")


def _drafts(user):
    return scope(MeasurementDraft.objects.all(), user, "scan__patient").select_related("scan__patient")


@login_required
@require_GET
def drafts(request):
    """Measurements read from DICOM SR, waiting for a reader."""
    return render(request, "pacs/drafts.html", {
        "drafts": _drafts(request.user).filter(state=DraftState.DRAFT)[:QUEUE_LIMIT],
    })


def _draft_for(request, public_id) -> MeasurementDraft:
    draft = _drafts(request.user).filter(public_id=public_id).first()
    if draft is None:
        raise Http404("No such report")
    # Through the one access function, so the reading is in the access log.
    access_patient(request.user, draft.scan.patient.public_id,
                   action="edit" if request.method == "POST" else "view")
    return draft


@login_required
def draft(request, public_id):
    draft = _draft_for(request, public_id)
    lines = list(draft.lines.select_related("lesion"))
    lesions = list(draft.scan.patient.lesions.all())
    if request.method == "POST":
        if not request.user.has_perm(MEASURE):
            raise PermissionDenied("Your role cannot record measurements.")
        try:
            if request.POST.get("decision") == "reject":
                services.reject_draft(draft, user=request.user)
                messages.success(request, "The report is rejected; nothing was recorded.")
            else:
                services.confirm_draft(draft, user=request.user, lesion_choices=_choices(request, lines, lesions))
                messages.success(request, "The measurements are recorded; the response assessment is updated.")
            return redirect(reverse("web:patient", args=[draft.scan.patient.public_id]))
        except ValidationError as exc:
            flash_errors(request, exc)
    return render(request, "pacs/draft.html", {"draft": draft, "lines": lines, "lesions": lesions,
                                               "patient": draft.scan.patient})


def _choices(request, lines, lesions) -> dict:
    """Each line's lesion as the reader chose it: an existing one (by id) or a new label."""
    by_id = {str(lesion.pk): lesion for lesion in lesions}
    choices = {}
    for line in lines:
        picked = request.POST.get(f"lesion-{line.pk}", "")
        label = request.POST.get(f"label-{line.pk}", "").strip()
        if picked in by_id:
            choices[line.pk] = by_id[picked]
        elif label:
            choices[line.pk] = label
    return choices
