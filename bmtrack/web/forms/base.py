"""Accessible form plumbing: date inputs, aria wiring of help and error texts."""

from __future__ import annotations

from django import forms

from bmtrack.core.widgets import WrittenInput


class TextInput(WrittenInput, forms.TextInput):
    pass


class DateInput(WrittenInput, forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(WrittenInput, forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TimeInput(WrittenInput, forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DecimalInput(WrittenInput, forms.NumberInput):
    def __init__(self, attrs=None, step="0.1"):
        super().__init__({"step": step, "inputmode": "decimal", **(attrs or {})})


class AccessibleForm(forms.Form):
    """Help and error texts are tied to their input (``aria-describedby``); bad inputs say so
    (``aria-invalid``), including errors the services report after the form itself was valid."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                self._describe(name, f"{self[name].auto_id}_help")

    def _describe(self, name: str, element_id: str) -> None:
        attrs = self.fields[name].widget.attrs
        ids = attrs.get("aria-describedby", "").split()
        if element_id not in ids:
            attrs["aria-describedby"] = " ".join([*ids, element_id])

    def _mark_invalid(self) -> None:
        for name in (self._errors or {}):
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self._describe(name, f"{self[name].auto_id}_error")

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid()
