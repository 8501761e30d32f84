from __future__ import annotations

from django import forms

from bmtrack.patients.models.choices import TreatmentKind, TreatmentStatus
from bmtrack.web.forms.base import AccessibleForm, DateTimeInput, DecimalInput


class LesionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} {obj.location}".strip()


class TreatmentForm(AccessibleForm):
    kind = forms.ChoiceField(label="Treatment", choices=[("", "— choose —"), *TreatmentKind.choices])
    status = forms.ChoiceField(choices=TreatmentStatus.choices, initial=TreatmentStatus.GIVEN)
    start = forms.DateTimeField(label="Start", widget=DateTimeInput())
    end = forms.DateTimeField(label="End", required=False, widget=DateTimeInput(),
                              help_text="Surgery: when it ended (the post-operative MRI is due within 72 h).")
    agent = forms.CharField(label="Agent(s)", max_length=120, required=False,
                            help_text="Systemic therapy, e.g. osimertinib")
    line = forms.IntegerField(label="Line of therapy", required=False, min_value=1, max_value=20)
    dose_gy = forms.DecimalField(label="Dose (Gy)", required=False, min_value=0, max_value=100,
                                 widget=DecimalInput(step="0.01"))
    fractions = forms.IntegerField(required=False, min_value=1, max_value=40)
    lesions = LesionChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                label="Lesions targeted or resected")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesions"].queryset = patient.lesions.all()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["lesions"] = list(data.get("lesions") or [])
        for name in ("agent", "note"):
            data[name] = data.get(name) or ""
        return data
