"""What bmtrack derives from the record, read-only: due items, watch windows, GPA and RANO-BM results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bmtrack.api.fields import BoundedDateField, ModelSerializer, PatientRefField, UsernameReadField
from bmtrack.patients.models import GPAAssessment, ResponseAssessment
from bmtrack.surveillance.models import DueItem, WatchWindow


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class StringListField(serializers.JSONField):
    pass


@extend_schema_field({"type": "object", "additionalProperties": {}})
class ObjectField(serializers.JSONField):
    pass


@extend_schema_field({"type": "object", "additionalProperties": {}, "nullable": True})
class NullableObjectField(serializers.JSONField):
    pass


@extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
class PointsField(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "number", "nullable": True}, "nullable": True})
class RangeField(serializers.JSONField):
    pass


class DueItemSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)
    acted_by = UsernameReadField()
    notes = StringListField(read_only=True)

    class Meta:
        model = DueItem
        fields = ["id", "patient", "kind", "trigger", "trigger_treatment", "trigger_scan", "due_from", "due_by",
                  "due_from_at", "due_by_at", "state", "overdue_since", "fulfilled_by", "late", "urgent", "notes",
                  "booked_for", "snoozed_until", "waived_reason", "reason", "acted_by", "acted_at", "created_at",
                  "updated_at"]
        read_only_fields = fields


class BookSerializer(serializers.Serializer):
    booked_for = BoundedDateField(help_text="The day the scan is booked for.")


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the item is not needed.")


class WatchWindowSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)

    class Meta:
        model = WatchWindow
        fields = ["id", "patient", "kind", "trigger", "trigger_treatment", "starts_on", "ends_on"]
        read_only_fields = fields


class GPAAssessmentSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)
    inputs = ObjectField(read_only=True)
    points = PointsField(read_only=True)
    iqr_months = RangeField(read_only=True)
    companion = NullableObjectField(read_only=True)

    class Meta:
        model = GPAAssessment
        fields = ["id", "patient", "primary", "moment", "status", "message", "assessed_on", "variant", "inputs",
                  "points", "score", "band", "median_survival_months", "iqr_months", "source", "note", "companion",
                  "computed_at", "current"]
        read_only_fields = fields


class ResponseAssessmentSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)
    flags = StringListField(read_only=True)
    reasons = StringListField(read_only=True)
    targets = StringListField(read_only=True)

    class Meta:
        model = ResponseAssessment
        fields = ["id", "patient", "scan", "baseline_scan", "category", "sum_mm", "baseline_sum_mm", "nadir_sum_mm",
                  "change_from_baseline_pct", "change_from_nadir_pct", "confirmed", "pd_date", "confirmation_due",
                  "flags", "reasons", "immunotherapy", "targets", "computed_at"]
        read_only_fields = fields
