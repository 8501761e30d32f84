"""The scan form and its lesion rows, which carry forward the previous scan's lesions."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from bmtrack.patients.models import Measurement, Scan
from bmtrack.patients.models.choices import (
    FIELD_STRENGTHS,
    MeasurementRole,
    MeasurementStatus,
    Modality,
    NewLesions,
    NonTarget,
    ScanPurpose,
    Sequence,
    Tracer,
)
from bmtrack.patients.validators import validate_dicom_uid
from bmtrack.web.forms.base import AccessibleForm, DateTimeInput, DecimalInput, TextInput

STANDARD_SEQUENCES = ["t1_pre_3d", "t1_post_3d", "t2", "flair"]
NEW_ROWS = 2
# record.md 5: no silent default; the service refuses a scan measuring a new lesion without a call.
NEW_LESION_CALLS = [(NewLesions.NOT_CALLED.value, "— not called yet —"),
                    *[(value, label) for value, label in NewLesions.choices if value]]
NEW_LESION_HELP = ("The reader's call when a lesion not on the baseline MRI is measured: none (not a new "
                   "metastasis), equivocal (small, uncertain) or definite.")


class ScanForm(AccessibleForm):
    at = forms.DateTimeField(label="Date and time", widget=DateTimeInput())
    modality = forms.ChoiceField(choices=Modality.choices, initial=Modality.MRI)
    tracer = forms.ChoiceField(label="PET tracer", required=False, choices=[("", "—"), *Tracer.choices])
    purpose = forms.ChoiceField(choices=ScanPurpose.choices, initial=ScanPurpose.SURVEILLANCE)
    field_strength_t = forms.TypedChoiceField(
        label="Field strength", required=False, coerce=Decimal, empty_value=None,
        choices=[("", "— not recorded —")] + [(str(Decimal(str(v))), label) for v, label in FIELD_STRENGTHS])
    scanner = forms.CharField(max_length=120, required=False,
                              widget=TextInput(attrs={"list": "scanner-list", "autocomplete": "off"}))
    sequences = forms.MultipleChoiceField(label="Sequences acquired", required=False, choices=Sequence.choices,
                                          widget=forms.CheckboxSelectMultiple, initial=STANDARD_SEQUENCES)
    study_uid = forms.CharField(label="DICOM Study Instance UID", max_length=64, required=False,
                                validators=[validate_dicom_uid],
                                widget=TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    accession = forms.CharField(label="Accession number", max_length=32, required=False,
                                widget=TextInput(attrs={"autocomplete": "off"}))
    new_lesions = forms.ChoiceField(label="New lesion call", required=False, initial=NewLesions.NOT_CALLED,
                                    choices=NEW_LESION_CALLS, help_text=NEW_LESION_HELP)
    non_target = forms.ChoiceField(label="Non-target lesions", choices=NonTarget.choices, initial=NonTarget.NONE)
    is_baseline = forms.BooleanField(label="Response baseline", required=False,
                                     help_text="The baseline of a RANO-BM series: the scan at most 4 weeks before "
                                               "the treatment assessed.")
    report = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if data["modality"] != Modality.MRI:
            data["sequences"] = []
            data["field_strength_t"] = data.get("field_strength_t")
        if data["modality"] != Modality.PET:
            data["tracer"] = ""
        for name in ("scanner", "study_uid", "accession", "report", "tracer"):
            data[name] = data.get(name) or ""
        return data


class NewLesionCallForm(AccessibleForm):
    """The reader's call alone: with the measurements of a waiting scan, or corrected on its card."""

    new_lesions = ScanForm.base_fields["new_lesions"]


class MeasurementForm(AccessibleForm):
    carried = forms.BooleanField(required=False, widget=forms.HiddenInput)
    previous = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label="Lesion", max_length=12, required=False,
                            widget=TextInput(attrs={"size": 4, "autocomplete": "off"}))
    location = forms.CharField(max_length=120, required=False, widget=TextInput(attrs={"autocomplete": "off"}))
    longest_diameter_mm = forms.DecimalField(label="Longest diameter (mm)", required=False, min_value=Decimal("0.1"),
                                             max_value=150, decimal_places=1, widget=DecimalInput())
    perpendicular_mm = forms.DecimalField(label="Perpendicular (mm)", required=False, min_value=Decimal("0.1"),
                                          max_value=150, decimal_places=1, widget=DecimalInput())
    disappeared = forms.BooleanField(label="Gone", required=False)
    enhancing = forms.BooleanField(required=False, initial=True)
    measurable = forms.BooleanField(required=False, initial=True)
    role = forms.ChoiceField(required=False, choices=[("", "—"), *MeasurementRole.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("carried"):
            self.fields["label"].widget = forms.HiddenInput()
            self.fields["location"].widget.attrs["readonly"] = True

    @property
    def is_carried(self) -> bool:
        value = self["carried"].value()
        return value in (True, "True", "true", "on")

    @property
    def measured(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("longest_diameter_mm") is not None or bool(data.get("disappeared"))

    @property
    def blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not self.measured and not (data.get("label") or "").strip() and not self.is_carried


class BaseMeasurementFormSet(forms.BaseFormSet):
    """Rows measured together. Either no row is measured (the scan waits for measurements), or every
    lesion carried forward from the previous scan is measured again (or marked gone), so the
    RANO-BM targets are complete."""

    require_some = False

    def clean(self):
        if any(form.errors for form in self.forms):
            return
        measured = [form for form in self.forms if form.measured]
        if not measured:
            if self.require_some:
                raise forms.ValidationError("Enter at least one lesion measurement.")
            for form in self.forms:
                if (form.cleaned_data.get("label") or "").strip() and not form.is_carried:
                    form.add_error("longest_diameter_mm", "Give the longest diameter, or mark the lesion gone.")
            return
        labels = set()
        for form in self.forms:
            data = form.cleaned_data
            label = (data.get("label") or "").strip()
            if form.blank:
                continue
            if not form.measured:
                form.add_error("longest_diameter_mm",
                               f"Measure {label or 'this lesion'} again, or mark it gone (it was on the previous scan)."
                               if form.is_carried else "Give the longest diameter, or mark the lesion gone.")
                continue
            if not label:
                form.add_error("label", "Give the lesion a label, e.g. L3.")
                continue
            if label.upper() in labels:
                form.add_error("label", f"{label} appears twice.")
            labels.add(label.upper())
            if data.get("disappeared") and data.get("longest_diameter_mm") is not None:
                form.add_error("longest_diameter_mm", "A lesion that is gone has no diameter: clear it or untick Gone.")

    def measurements(self) -> tuple[list[dict], list[int]]:
        """Service input, and the formset row each item came from (for mapping errors back)."""
        items, index_map = [], []
        for index, form in enumerate(self.forms):
            if not form.measured:
                continue
            data = form.cleaned_data
            label = data["label"].strip()
            item = {
                "lesion": label if form.is_carried else label.upper(),
                "location": data.get("location") or "",
                "disappeared": bool(data.get("disappeared")),
                "enhancing": bool(data.get("enhancing")),
                "measurable": bool(data.get("measurable")),
                "role": data.get("role") or "",
            }
            if not item["disappeared"]:
                item["longest_diameter_mm"] = data["longest_diameter_mm"]
                if data.get("perpendicular_mm") is not None:
                    item["perpendicular_mm"] = data["perpendicular_mm"]
            items.append(item)
            index_map.append(index)
        return items, index_map


MeasurementFormSet = forms.formset_factory(MeasurementForm, formset=BaseMeasurementFormSet, extra=NEW_ROWS,
                                           max_num=40)


def previous_measured_scan(patient, before=None) -> Scan | None:
    scans = patient.scans.filter(modality=Modality.MRI, measurement_status=MeasurementStatus.COMPLETE)
    if before is not None:
        scans = scans.filter(at__lt=before)
    return scans.order_by("-at", "-pk").first()


def carried_rows(patient, before=None) -> tuple[Scan | None, list[dict]]:
    """Initial rows: every lesion measured on the previous measured MRI, in label order."""
    previous = previous_measured_scan(patient, before)
    if previous is None:
        return None, []
    rows = []
    for m in Measurement.objects.filter(scan=previous).select_related("lesion").order_by("lesion__label"):
        rows.append({
            "carried": True,
            "label": m.lesion.label,
            "location": m.lesion.location,
            "previous": "gone" if m.disappeared else f"{m.longest_diameter_mm.normalize():f} mm",
            "role": m.role,
            "enhancing": True,
            "measurable": True,
        })
    return previous, rows


def next_labels(patient, count: int) -> list[str]:
    """Suggested labels for new lesions (L<n> after the highest used)."""
    numbers = [int(match[1]) for label in patient.lesions.values_list("label", flat=True)
               if (match := re.fullmatch(r"[Ll](\d+)", label))]
    start = max(numbers, default=0) + 1
    return [f"L{start + i}" for i in range(count)]
