"""Recording a scan with its lesion measurements, measuring a waiting scan, and the live protocol check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bmtrack.accounts.access import access_scan
from bmtrack.clinical.purposes import purpose_for_item
from bmtrack.core.clock import utcnow
from bmtrack.patients import services
from bmtrack.patients.models import ResponseAssessment, Scan
from bmtrack.patients.models.choices import MeasurementStatus, Modality, Sequence
from bmtrack.surveillance.models import DueItem
from bmtrack.web.advice import protocol_for
from bmtrack.web.errors import apply_service_error
from bmtrack.web.formatting import fmt_datetime
from bmtrack.web.forms.scan import (
    NEW_ROWS,
    STANDARD_SEQUENCES,
    MeasurementFormSet,
    NewLesionCallForm,
    ScanForm,
    carried_rows,
    next_labels,
)
from bmtrack.web.views.common import patient_or_404, require_perm, safe_next
from bmtrack.web.views.patients import scan_url

ALIASES = {"lesion": "label"}


def series_baseline(patient):
    """The baseline scan of the patient's current RANO-BM series, if any."""
    latest = (ResponseAssessment.objects.filter(patient=patient).select_related("baseline_scan")
              .order_by("-scan__at").first())
    return latest.baseline_scan if latest else None


def baseline_labels(patient) -> list[str] | None:
    """The lesions measured on the series' baseline MRI (None without a series): the form asks for
    the reader's call as soon as another lesion is measured (the service decides; this only shows it)."""
    baseline = series_baseline(patient)
    if baseline is None:
        return None
    return list(baseline.measurements.order_by("lesion__label").values_list("lesion__label", flat=True))


def _label_placeholders(formset, patient) -> None:
    suggestions = iter(next_labels(patient, len(formset.forms)))
    for form in formset.forms:
        if not form.is_carried:
            form.fields["label"].widget.attrs["placeholder"] = next(suggestions)


def _scanners(patient) -> list[str]:
    return sorted({s for s in patient.scans.exclude(scanner="").values_list("scanner", flat=True)})


@login_required
@require_http_methods(["GET", "POST"])
def scan_new(request, public_id):
    require_perm(request, "patients.add_scan")
    patient = patient_or_404(request, public_id, action="edit")
    item_id = request.POST.get("item") or request.GET.get("item") or ""
    item = patient.due_items.filter(pk=item_id).first() if item_id.isdigit() else None
    previous, carried = carried_rows(patient)
    now = utcnow()
    initial = {"at": timezone.localtime(now).replace(second=0, microsecond=0), "sequences": STANDARD_SEQUENCES}
    if item is not None:
        initial["modality"], initial["purpose"] = purpose_for_item(item.kind)
    form = ScanForm(request.POST or None, initial=initial)
    rows = MeasurementFormSet(request.POST or None, prefix="m", initial=carried)
    if request.method == "POST" and form.is_valid() & rows.is_valid():
        fields = form.service_fields()
        measurements, index_map = rows.measurements()
        if measurements and fields["modality"] != Modality.MRI:
            form.add_error("modality", "Lesion measurements are taken on MRI: leave the lesion rows empty.")
        else:
            try:
                scan = services.record_scan(patient, measurements=measurements, user=request.user, **fields)
            except ValidationError as exc:
                apply_service_error(exc, form, {"measurements": (rows, index_map)}, ALIASES)
            else:
                _report(request, patient, scan)
                return redirect(safe_next(request, scan_url(patient, scan)))
    _label_placeholders(rows, patient)
    return render(request, "web/forms/scan_form.html", {
        "patient": patient, "form": form, "rows": rows, "previous": previous, "item": item,
        "next": safe_next(request, ""), "scanners": _scanners(patient), "new_rows": NEW_ROWS,
        "protocol": _protocol_from(form, patient), "baseline_labels": baseline_labels(patient),
    })


def _report(request, patient, scan) -> None:
    """Say what the scan fulfilled and which protocol gaps it has."""
    done = [" — ".join(filter(None, (item.get_kind_display(), item.late_text)))
            for item in DueItem.objects.filter(fulfilled_by=scan).select_related("fulfilled_by")]
    text = f"{scan.get_modality_display()} of {fmt_datetime(scan.at)} recorded for {patient.name}."
    if done:
        text += f" Done: {', '.join(done)}."
    if scan.modality == Modality.MRI and scan.measurement_status == MeasurementStatus.PENDING:
        text += " Lesion measurements can be entered later (it is on the worklist)."
    messages.success(request, text)
    if scan.modality == Modality.MRI:
        baseline = series_baseline(patient)
        view = protocol_for(purpose=scan.purpose, sequences=scan.sequences, field_strength_t=scan.field_strength_t,
                            scanner=scan.scanner, baseline=baseline if baseline and baseline.pk != scan.pk else None,
                            scored=baseline is not None and baseline.pk != scan.pk)
        if view.check and view.check.missing:
            messages.warning(request, "MRI protocol: missing required "
                             + ", ".join(label_of(s) for s in view.check.missing) + ".")


def label_of(sequence: str) -> str:
    return dict(Sequence.choices).get(sequence, sequence)


def _protocol_from(form, patient):
    """The protocol check of what the form holds (its data when bound, else its initial values)."""
    if form.is_bound:
        data = form.data
        modality, purpose = data.get("modality", "mri"), data.get("purpose") or "surveillance"
        sequences, strength, scanner = data.getlist("sequences"), data.get("field_strength_t"), data.get("scanner", "")
    else:
        initial = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items()}
        modality, purpose = initial.get("modality") or "mri", initial.get("purpose") or "surveillance"
        sequences, strength, scanner = initial.get("sequences") or [], None, ""
    if modality != "mri":
        return None
    try:
        strength = float(strength) if strength else None
    except ValueError:
        strength = None
    baseline = series_baseline(patient)
    return protocol_for(purpose=purpose, sequences=sequences, field_strength_t=strength, scanner=scanner,
                        baseline=baseline, scored=baseline is not None)


@login_required
@require_POST
def protocol_check(request, public_id):
    """htmx: the MRI protocol check of what the scan form holds now (nothing is saved)."""
    patient = patient_or_404(request, public_id, action="view")
    form = ScanForm(request.POST)
    return render(request, "web/partials/protocol_check.html", {"protocol": _protocol_from(form, patient)})


@login_required
@require_http_methods(["GET", "POST"])
def measurements(request, public_id, scan_id):
    require_perm(request, "patients.add_measurement")
    patient = patient_or_404(request, public_id, action="edit")
    scan = access_scan(request.user, scan_id, patient=patient, queryset=Scan.objects.filter(modality=Modality.MRI))
    previous, carried = carried_rows(patient, before=scan.at)
    if request.method == "GET" and scan.measurement_status == MeasurementStatus.COMPLETE:
        carried = [{"carried": True, "label": m.lesion.label, "location": m.lesion.location,
                    "longest_diameter_mm": m.longest_diameter_mm, "perpendicular_mm": m.perpendicular_mm,
                    "disappeared": m.disappeared, "enhancing": m.enhancing, "measurable": m.measurable,
                    "role": m.role, "previous": ""}
                   for m in scan.measurements.select_related("lesion").order_by("lesion__label")]
    rows = MeasurementFormSet(request.POST or None, prefix="m", initial=carried)
    rows.require_some = True
    call_form = NewLesionCallForm(request.POST or None, initial={"new_lesions": scan.new_lesions})
    if request.method == "POST" and call_form.is_valid() & rows.is_valid():
        items, index_map = rows.measurements()
        try:
            services.record_measurements(scan, items, user=request.user,
                                         new_lesions=call_form.cleaned_data["new_lesions"])
        except ValidationError as exc:
            apply_service_error(exc, call_form, {"measurements": (rows, index_map)}, ALIASES)
            # Errors of no field here (the form holds the call only) are shown above the rows.
            rows._non_form_errors = rows.error_class(
                [*rows.non_form_errors(), *call_form.non_field_errors()], error_class="nonform")
        else:
            messages.success(request, f"Measurements of the MRI of {fmt_datetime(scan.at)} saved; response updated.")
            return redirect(safe_next(request, scan_url(patient, scan)))
    _label_placeholders(rows, patient)
    return render(request, "web/forms/measurements_form.html", {
        "patient": patient, "scan": scan, "rows": rows, "previous": previous, "next": safe_next(request, ""),
        "new_rows": NEW_ROWS, "call_form": call_form, "baseline_labels": baseline_labels(patient),
    })


@login_required
@require_POST
def scan_call(request, public_id, scan_id):
    """The reader's new-lesion call made or corrected on the scan card; its history keeps the old call."""
    require_perm(request, "patients.change_scan")
    patient = patient_or_404(request, public_id, action="edit")
    scan = access_scan(request.user, scan_id, patient=patient, queryset=Scan.objects.filter(modality=Modality.MRI))
    form = NewLesionCallForm(request.POST)
    if form.is_valid():
        try:
            services.update_scan(scan, user=request.user, new_lesions=form.cleaned_data["new_lesions"])
        except ValidationError as exc:
            apply_service_error(exc, form)
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        call = dict(NewLesionCallForm.base_fields["new_lesions"].choices)[form.cleaned_data["new_lesions"]]
        messages.success(request, f"New lesion call on the MRI of {fmt_datetime(scan.at)}: {call.lower()}; "
                                  "response updated.")
    return redirect(scan_url(patient, scan))
