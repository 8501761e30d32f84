"""bmtrack.core.widgets: inputs written in Python are Django's own markup."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from bmtrack.web.forms.base import DateInput, DateTimeInput, DecimalInput, TextInput, TimeInput

ATTRS = {"aria-describedby": "x_help x_error", "autocomplete": "off", "required": True, "disabled": False,
         "placeholder": 'Fish & <chips> "quoted"'}


class Plain(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs=ATTRS))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={**ATTRS, "type": "date"}, format="%Y-%m-%d"))
    moment = forms.DateTimeField(required=False, widget=forms.DateTimeInput(
        attrs={**ATTRS, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={**ATTRS, "type": "time"}, format="%H:%M"))
    number = forms.DecimalField(required=False, widget=forms.NumberInput(
        attrs={"step": "0.1", "inputmode": "decimal", **ATTRS}))


class Written(forms.Form):
    text = forms.CharField(required=False, widget=TextInput(attrs=ATTRS))
    day = forms.DateField(required=False, widget=DateInput(attrs=ATTRS))
    moment = forms.DateTimeField(required=False, widget=DateTimeInput(attrs=ATTRS))
    time = forms.TimeField(required=False, widget=TimeInput(attrs=ATTRS))
    number = forms.DecimalField(required=False, widget=DecimalInput(attrs=ATTRS))


@pytest.mark.parametrize("data", [
    None,
    {},
    {"text": 'a "quoted" <b>', "day": "2026-12-04", "moment": "2026-12-04T16:01", "time": "08:30", "number": "12.5"},
    {"text": "", "day": "not a day", "moment": "", "time": "25:00", "number": "x"},
])
def test_each_input_is_written_as_djangos_template_writes_it(data):
    initial = {"text": "x & y", "day": dt.date(2026, 12, 4), "moment": dt.datetime(2026, 12, 4, 16, 1),
               "time": dt.time(8, 30), "number": "1.5"}
    plain = Plain(data, initial=initial) if data is not None else Plain(initial=initial)
    written = Written(data, initial=initial) if data is not None else Written(initial=initial)
    for name in Plain.base_fields:
        assert str(written[name]) == str(plain[name]).strip(), name
