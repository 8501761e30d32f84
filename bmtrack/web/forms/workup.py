"""A reader's work-up result: perfusion MRI, amino-acid PET or histology of an enlarging lesion."""

from __future__ import annotations

from django import forms

from bmtrack.patients.models.choices import WorkupMethod, WorkupResult
from bmtrack.web.forms.base import AccessibleForm, DateInput


class WorkupForm(AccessibleForm):
    performed_on = forms.DateField(label="Performed on", widget=DateInput())
    method = forms.ChoiceField(choices=[("", "— choose —"), *WorkupMethod.choices])
    result = forms.ChoiceField(choices=[("", "— choose —"), *WorkupResult.choices],
                               help_text="Progression makes the first MRI on or after this date PD; a treatment "
                                         "effect makes that MRI the new reference (rano-bm.md).")
    lesion = forms.ModelChoiceField(queryset=None, required=False, empty_label="— none in particular —",
                                    label="Lesion examined")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesion"].queryset = patient.lesions.all()
        self.fields["lesion"].label_from_instance = str

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["note"] = data.get("note") or ""
        return data
