"""Serializer fields shared by the API: patient references, bounded dates, numeric decimals.

Dates and date-times are bounded (1900 to 2199) because the clinical core adds months and years
to them: an unbounded year 9999 would overflow deep inside a re-plan instead of being refused here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import models
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from bmtrack.accounts.access import access_patient
from bmtrack.patients.models.choices import FIELD_STRENGTHS

MIN_DAY = dt.date(1900, 1, 1)
MAX_DAY = dt.date(2199, 12, 31)
_RANGE = f"Give a date between {MIN_DAY.isoformat()} and {MAX_DAY.isoformat()}."


class BoundedDateField(serializers.DateField):
    default_error_messages = {"range": _RANGE}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not MIN_DAY <= day <= MAX_DAY:
            self.fail("range")
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """An aware date-time (a naive one is read in the site's zone, as DRF does) within the bounds."""

    default_error_messages = {"range": _RANGE}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        try:
            day = moment.astimezone(dt.UTC).date()
        except (OverflowError, ValueError):
            self.fail("range")
        if not MIN_DAY <= day <= MAX_DAY:
            self.fail("range")
        return moment


class NumberDecimalField(serializers.DecimalField):
    """A decimal sent and shown as a JSON number (a diameter is 12.5, not "12.5")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(*args, **kwargs)


# ModelSerializer whose dates are bounded and whose decimals are numbers. (A comment, not a docstring:
# drf-spectacular would show a base class's docstring as every component's description.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: BoundedDateField,
        models.DateTimeField: BoundedDateTimeField,
        models.DecimalField: NumberDecimalField,
    }


@extend_schema_field({"type": "string", "format": "uuid", "description": "The patient's public id."})
class PatientRefField(serializers.Field):
    """A patient by its public id. One the user may not see is a 404, exactly as in a URL (no oracle)."""

    default_error_messages = {"invalid": "Must be a valid UUID (the patient's id)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            public_id = uuid.UUID(data)
        except ValueError:
            self.fail("invalid")
        try:
            return access_patient(self.context["request"].user, public_id)
        except Http404:
            raise exceptions.NotFound({self.field_name: ["No such patient."]}) from None

    def to_representation(self, value):
        return str(value.public_id)


@extend_schema_field(OpenApiTypes.STR)
class LesionLabelField(serializers.Field):
    """A lesion by its label within the patient (L1, L2...); shown as the label."""

    default_error_messages = {
        "invalid": "Give the lesion's label, e.g. L1.",
        "max_length": "A label has at most 12 characters.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip() or "\x00" in data:
            self.fail("invalid")
        if len(data.strip()) > 12:
            self.fail("max_length")
        return data.strip()

    def to_representation(self, value):
        return value.label


class LesionLabelsField(serializers.ListField):
    """The lesions a treatment targeted or resected, by label."""

    child = serializers.CharField(max_length=12)

    def to_representation(self, data):
        return [lesion.label for lesion in data.all()]


@extend_schema_field({"type": "number", "enum": [1.5, 3, 7], "nullable": True, "description": "Tesla"})
class FieldStrengthField(serializers.Field):
    """MRI field strength in tesla: 1.5, 3 or 7 (sent as a number)."""

    default_error_messages = {"invalid": "Choose 1.5, 3 or 7 (tesla)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        for value, _label in FIELD_STRENGTHS:
            if data == value:
                return Decimal(str(value))
        self.fail("invalid")

    def to_representation(self, value):
        return float(value)


def user_ref(user) -> str | None:
    return user.username if user is not None else None


@extend_schema_field({"type": "string", "nullable": True, "description": "Username"})
class UsernameReadField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return user_ref(value)
