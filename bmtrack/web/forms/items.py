"""Contact work on a due item: book, waive, record a contact attempt."""

from __future__ import annotations

import datetime as dt

from django import forms

from bmtrack.core.clock import site_zone
from bmtrack.core.select import ListedModelChoiceField, ListedSelect
from bmtrack.surveillance.models import CONTACT_CLOSING, ContactOutcome
from bmtrack.web.forms.base import AccessibleForm, DateInput, TextInput, TimeInput
from bmtrack.web.queries.scope import SEARCH_MAX_CHARS, nurses_for, teams_for

# In the order of a call (after Simple.org's overdue list): not reached; reached and coming; off the
# list. Worded as the worklist's "Last contact" column words them (the model's labels).
OUTCOMES = [(value, ContactOutcome(value).label) for value in (
    "no_answer", "voicemail", "unreachable", "agreed", "booked", "remind",
    "declined", "elsewhere", "moved", "died", "not_needed")]
# Outcomes that waive the need: each needs a reason ("died" needs a date and ends surveillance).
WAIVING = CONTACT_CLOSING - {ContactOutcome.DIED}


BOOKING_REASON_HELP = "Only for a booking outside the scan's window or limit: why it cannot be in time."


def booked_moment(data: dict) -> dt.datetime | None:
    """The booked day and time as one aware instant in the site's zone (None if either is missing)."""
    if not data.get("booked_for") or not data.get("booked_time"):
        return None
    return dt.datetime.combine(data["booked_for"], data["booked_time"], tzinfo=site_zone())


class BookForm(AccessibleForm):
    booked_for = forms.DateField(label="Booked for", widget=DateInput())
    booked_time = forms.TimeField(label="Time", widget=TimeInput())
    booking_reason = forms.CharField(label="Reason to book outside the limit", max_length=300, required=False,
                                     widget=TextInput(attrs={"autocomplete": "off"}),
                                     help_text=BOOKING_REASON_HELP)


class WaiveForm(AccessibleForm):
    reason = forms.CharField(label="Reason", max_length=300,
                             widget=TextInput(attrs={"autocomplete": "off"}),
                             help_text="Why this scan will not be done, e.g. decided at the tumour board.")
    # Set by the confirmation step, which lists what the waiver closes before it does.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ContactForm(AccessibleForm):
    outcome = forms.ChoiceField(label="Outcome", choices=OUTCOMES, widget=forms.RadioSelect)
    booked_for = forms.DateField(label="Booked for", required=False, widget=DateInput())
    booked_time = forms.TimeField(label="Time", required=False, widget=TimeInput())
    booking_reason = forms.CharField(label="Reason to book outside the limit", max_length=300, required=False,
                                     widget=TextInput(attrs={"autocomplete": "off"}),
                                     help_text=BOOKING_REASON_HELP)
    remind_on = forms.DateField(label="Remind me on", required=False, widget=DateInput())
    reason = forms.CharField(label="Reason (it takes the patient off the list)", max_length=300, required=False,
                             widget=TextInput(attrs={"autocomplete": "off"}))
    deceased_on = forms.DateField(label="Date of death", required=False, widget=DateInput())
    note = forms.CharField(label="Note", max_length=500, required=False,
                           widget=TextInput(attrs={"autocomplete": "off"}))
    # Set by the confirmation step, which lists what an outcome that closes the need cancels before it does.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # What the confirmation step posts again, as the nurse entered it.
    CARRIED = ("outcome", "reason", "deceased_on", "note")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    @property
    def outcome_label(self) -> str:
        return dict(OUTCOMES).get(self.cleaned_data.get("outcome"), "")

    @property
    def carried(self) -> list[tuple[str, str]]:
        return [(name, self.data[name]) for name in self.CARRIED if self.data.get(name)]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == "booked" and not data.get("booked_for"):
            self.add_error("booked_for", "Give the date the scan is booked for.")
        if outcome in ("booked", "agreed") and data.get("booked_for") and not data.get("booked_time"):
            self.add_error("booked_time", "Give the time the scan is booked for.")
        if outcome == "agreed" and not data.get("booked_for") and not data.get("remind_on"):
            self.add_error("booked_for", "Give the booking date, or the day to check back.")
        if outcome == "remind" and not data.get("remind_on"):
            self.add_error("remind_on", "Give the date to be reminded on.")
        if (outcome == "remind" or (outcome == "agreed" and not data.get("booked_for"))) and data.get("remind_on") \
                and self.today and data["remind_on"] <= self.today:
            self.add_error("remind_on", "Choose a date after today.")
        if outcome in WAIVING and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the patient leaves the list." if outcome != "not_needed"
                           else "Say why the scan is not needed.")
        if outcome == "died" and not data.get("deceased_on"):
            self.add_error("deceased_on", "Give the date of death.")
        return data


class WorklistFilterForm(AccessibleForm):
    # The worklist's filters render on every visit to the busiest page: listed once, written in Python.
    team = ListedModelChoiceField(queryset=None, required=False, empty_label="All my teams", widget=ListedSelect)
    nurse = ListedModelChoiceField(queryset=None, required=False, empty_label="Any nurse", widget=ListedSelect)
    kind = forms.ChoiceField(label="Kind", required=False, widget=ListedSelect)
    q = forms.CharField(label="Search MRN or name", required=False, max_length=SEARCH_MAX_CHARS,
                        widget=TextInput(attrs={"type": "search", "autocomplete": "off"}))

    def __init__(self, *args, user, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for(user)
        # A filter reads a nurse's id and name only (not her password hash, dates and flags).
        self.fields["nurse"].queryset = nurses_for(user).only("first_name", "last_name", "username")
        self.fields["nurse"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["kind"].choices = kinds
