from __future__ import annotations

from django import forms

from bmtrack.patients.models.choices import Marker, MarkerOutcome, SeerStage, TumourType
from bmtrack.web.forms.base import AccessibleForm, DateInput, DecimalInput, TextInput


class PrimaryForm(AccessibleForm):
    type = forms.ChoiceField(label="Primary tumour", choices=[("", "— choose —"), *TumourType.choices])
    diagnosed_on = forms.DateField(label="Diagnosed on", widget=DateInput())
    stage = forms.CharField(label="AJCC stage", max_length=8, required=False, help_text="e.g. IV, IIIC, IB",
                            widget=TextInput(attrs={"autocomplete": "off", "size": 6}))
    seer_stage = forms.ChoiceField(label="SEER summary stage", required=False,
                                   choices=[("", "— not given —"), *SeerStage.choices])
    histology = forms.CharField(max_length=200, required=False)
    brain_metastases_diagnosed_on = forms.DateField(label="Brain metastases diagnosed on", required=False,
                                                    widget=DateInput())
    brain_metastases_count = forms.IntegerField(
        label="Number of brain metastases at diagnosis", required=False, min_value=1, max_value=200,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Counted at the diagnosis of brain metastases (GPA at diagnosis). Left empty, the MRI "
                  "within 30 days of that date is counted.")
    neuro_symptoms = forms.BooleanField(
        label="Neurological symptoms now", required=False,
        help_text="Deficits, seizures, headache or vomiting of raised pressure. Used for the screening advice only.")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("neuro_symptoms", None)
        data["stage"] = (data.get("stage") or "").strip().upper()
        return data


class PrimaryCorrectionForm(PrimaryForm):
    """The primary itself, corrected (its markers are dated results: new ones are added, not edited)."""

    neuro_symptoms = None  # screening advice belongs to the first entry


class MarkerForm(AccessibleForm):
    marker = forms.ChoiceField(choices=[("", "—"), *Marker.choices], required=False)
    result = forms.ChoiceField(choices=[("", "—"), *MarkerOutcome.choices], required=False)
    value_pct = forms.DecimalField(label="Value (%)", required=False, min_value=0, max_value=100,
                                   widget=DecimalInput())
    detail = forms.CharField(max_length=120, required=False)
    tested_on = forms.DateField(label="Tested on", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if not any(data.get(name) not in (None, "") for name in self.fields):
            return data
        for name in ("marker", "result"):
            if not data.get(name):
                self.add_error(name, "Required for a marker result.")
        return data

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields)


MarkerFormSet = forms.formset_factory(MarkerForm, extra=4, max_num=20)
