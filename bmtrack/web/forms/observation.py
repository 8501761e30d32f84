from __future__ import annotations

from django import forms

from bmtrack.patients.models.choices import NeuroStatus
from bmtrack.patients.models.facts import KPS_VALUES
from bmtrack.web.forms.base import AccessibleForm, DateInput, DecimalInput


class ObservationForm(AccessibleForm):
    observed_on = forms.DateField(label="Observed on", widget=DateInput())
    kps = forms.TypedChoiceField(label="KPS (Karnofsky)", required=False, coerce=int, empty_value=None,
                                 choices=[("", "— not assessed —")] + [(v, str(v)) for v in reversed(KPS_VALUES)])
    extracranial_metastases = forms.NullBooleanField(
        label="Extracranial metastases", required=False,
        widget=forms.Select(choices=[("unknown", "— not assessed —"), ("true", "Present"), ("false", "Absent")]))
    dexamethasone_mg = forms.DecimalField(label="Dexamethasone (mg/day)", required=False, min_value=0,
                                          max_value=100, widget=DecimalInput(step="0.5"),
                                          help_text="0 when stopped.")
    haemoglobin_g_dl = forms.DecimalField(label="Haemoglobin (g/dL)", required=False, min_value=2, max_value=25,
                                          widget=DecimalInput())
    neuro_status = forms.ChoiceField(label="Neurological status", required=False,
                                     choices=[("", "— not assessed —"), *NeuroStatus.choices],
                                     help_text="Worse means deterioration attributed to the brain disease.")
    note = forms.CharField(max_length=500, required=False)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["note"] = data.get("note") or ""
        data["neuro_status"] = data.get("neuro_status") or ""
        return data
