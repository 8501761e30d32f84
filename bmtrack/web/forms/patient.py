from __future__ import annotations

from django import forms

from bmtrack.core.select import ListedSelect
from bmtrack.patients.models.choices import PatientStatus, Sex
from bmtrack.patients.validators import PHONES_MAX, validate_phones
from bmtrack.web.forms.base import AccessibleForm, DateInput, TextInput
from bmtrack.web.queries.scope import SEARCH_MAX_CHARS, nurses_for, teams_for

PHONES_HELP = "One or more numbers to call, separated by ; e.g. 07700 900123; 020 7946 0321."


class PatientSearchForm(forms.Form):
    q = forms.CharField(label="MRN or name", max_length=SEARCH_MAX_CHARS, required=False)
    include_inactive = forms.BooleanField(required=False)


class NurseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PatientForm(AccessibleForm):
    mrn = forms.CharField(label="MRN", max_length=32, help_text="Hospital medical record number.",
                          widget=TextInput(attrs={"autocomplete": "off", "autofocus": True}))
    given_name = forms.CharField(label="Given name", max_length=100,
                                 widget=TextInput(attrs={"autocomplete": "off"}))
    family_name = forms.CharField(label="Family name", max_length=100,
                                  widget=TextInput(attrs={"autocomplete": "off"}))
    birth_date = forms.DateField(label="Birth date", widget=DateInput())
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    care_team = forms.ModelChoiceField(queryset=None, label="Care team", empty_label=None)
    responsible_nurse = NurseChoiceField(queryset=None, label="Responsible nurse", required=False,
                                         empty_label="— none —")
    phones = forms.CharField(label="Phone numbers", max_length=PHONES_MAX, required=False,
                             validators=[validate_phones], help_text=PHONES_HELP,
                             widget=TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = teams_for(user)
        self.fields["responsible_nurse"].queryset = nurses_for(user)
        if not self.is_bound and user.pk and self.fields["responsible_nurse"].queryset.filter(pk=user.pk).exists():
            self.initial.setdefault("responsible_nurse", user.pk)

    def clean(self):
        data = super().clean()
        team, nurse = data.get("care_team"), data.get("responsible_nurse")
        if team and nurse and not team.members.filter(pk=nurse.pk).exists():
            self.add_error("responsible_nurse", f"{nurse} is not a member of {team}.")
        return data


class PhonesForm(AccessibleForm):
    phones = forms.CharField(label="Phone numbers", max_length=PHONES_MAX, required=False,
                             validators=[validate_phones], help_text=PHONES_HELP,
                             widget=TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))


class CareStatusForm(AccessibleForm):
    status = forms.ChoiceField(label="Care status", choices=PatientStatus.choices, widget=ListedSelect,
                               help_text="Deceased, discharged and supportive-care patients leave every work list; "
                                         "their open items are cancelled.")
    deceased_on = forms.DateField(label="Date of death", required=False, widget=DateInput(),
                                  help_text="Only for a deceased patient.")
    # Set by the confirmation step, which lists the open items the change cancels before it does.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
