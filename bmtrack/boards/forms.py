"""Forms of the board pages: they validate input; the writes are ``services`` and ``decisions``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from bmtrack.boards.decisions import SYSTEMIC_KINDS
from bmtrack.boards.models import Board, Decision
from bmtrack.clinical.dates import shift_clamped
from bmtrack.patients.models import Lesion, Patient
from bmtrack.patients.models.choices import TreatmentKind


class DateInput(forms.DateInput):
    """An HTML date picker, which reads and writes ISO dates whatever the site's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.family_name}, {obj.given_name} · MRN {obj.mrn}"


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class MeetingForm(forms.Form):
    board = forms.ModelChoiceField(queryset=Board.objects.filter(is_active=True))
    date = forms.DateField(widget=DateInput)
    starts_at = forms.TimeField(label="Start time", required=False, widget=TimeInput)
    location = forms.CharField(max_length=120, required=False)


class AttendeesForm(forms.Form):
    attendees = UserMultipleChoiceField(queryset=active_users(), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = active_users()


class AddCaseForm(forms.Form):
    patient = PatientChoiceField(queryset=Patient.objects.none(), to_field_name="public_id")
    question = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    presenter = UserChoiceField(queryset=active_users(), required=False)

    def __init__(self, *args, patients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients if patients is not None else Patient.objects.none()
        self.fields["presenter"].queryset = active_users()


class AcceptSuggestionForm(forms.Form):
    patient = forms.UUIDField(widget=forms.HiddenInput)
    presenter = UserChoiceField(queryset=active_users(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = active_users()


class DismissSuggestionForm(forms.Form):
    patient = forms.UUIDField(widget=forms.HiddenInput)
    # Set by the confirmation step, which shows what will no longer be suggested.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class UndismissSuggestionForm(forms.Form):
    patient = forms.UUIDField(widget=forms.HiddenInput)


class CaseForm(forms.Form):
    question = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    presenter = UserChoiceField(queryset=active_users(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = active_users()


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class LesionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.label} {obj.location}".strip()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "— choose —"), *Decision.choices])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What the board said; required for “Other”.")
    planned_on = forms.DateField(required=False, widget=DateInput, label="Planned date",
                                 help_text="For SRS, surgery, WBRT or a new systemic therapy.")
    lesions = LesionChoiceField(queryset=Lesion.objects.none(), required=False,
                                widget=forms.CheckboxSelectMultiple,
                                help_text="Lesions to treat (SRS, surgery).")
    systemic_kind = forms.ChoiceField(
        required=False, label="New systemic therapy",
        choices=[("", "—"), *[(k.value, k.label) for k in TreatmentKind if k in SYSTEMIC_KINDS]],
    )
    agent = forms.CharField(required=False, max_length=120, help_text="e.g. osimertinib")
    line = forms.IntegerField(required=False, min_value=1, max_value=20, label="Line of therapy")
    # Amending a recorded decision: why (kept in the case's history).
    amend_reason = forms.CharField(required=False, max_length=300, label="Why amend",
                                   help_text="Kept in the case's history, e.g. “recorded on the wrong case”.")
    # Set by the confirmation step of a decision that ends surveillance (it lists the items it cancels).
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, patient=None, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if patient is not None:
            self.fields["lesions"].queryset = Lesion.objects.filter(patient=patient)
        if meeting is not None and not self.is_bound:
            self.initial.setdefault("planned_on", shift_clamped(meeting.date, 14))
