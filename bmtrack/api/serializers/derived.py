"""What bmtrack derives from the record, read-only: due items, watch windows, GPA and RANO-BM results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bmtrack.api.fields import BoundedDateField, ModelSerializer, PatientRefField, UsernameReadField
from bmtrack.clinical import needs as needs_rules
from bmtrack.core.clock import local_date, utcnow
from bmtrack.patients.models import GPAAssessment, ResponseAssessment
from bmtrack.surveillance.models import DueItem, WatchWindow
from bmtrack.surveillance.needs import needs_by_item
from bmtrack.surveillance.phase import phase


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


class NeedSerializer(serializers.Serializer):
    """The need an open item belongs to: the items one MRI answers together, shown and counted once."""

    label = serializers.CharField(help_text='e.g. "MRI: follow-up and response evaluation", or the item\'s kind')
    merged = serializers.BooleanField(help_text="More than one item")
    items = serializers.ListField(child=serializers.IntegerField(), source="pks", help_text="Due item ids")
    kinds = serializers.ListField(child=serializers.CharField(), source="rule.kinds")
    phase = serializers.CharField(help_text="upcoming, due or overdue now")
    due_from = serializers.DateField(help_text="Start of the window all its items share")
    due_by = serializers.DateField(help_text="The need's deadline (the earliest of its items')")
    due_this_week = serializers.SerializerMethodField()

    def get_due_this_week(self, need) -> bool:
        return needs_rules.due_this_week(need.due_by, local_date(self.context["now"]))


class DueItemSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)
    acted_by = UsernameReadField()
    notes = StringListField(read_only=True)
    phase = serializers.SerializerMethodField(help_text="The state now (the stored ``state`` may lag until the "
                                                        "next sweep)")
    late_by_hours = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text="How late the fulfilling scan came, in hours")
    late_text = serializers.CharField(read_only=True, help_text='e.g. "done late (20 h after the limit)"')
    need = serializers.SerializerMethodField()
    booking_flagged = serializers.BooleanField(read_only=True, help_text=(
        "The open booking is outside the scan's limits (window, 72 h after surgery, planned treatment) "
        "and was kept with a reason"))
    booking_breach = serializers.CharField(read_only=True, help_text=(
        'The limit the booking breaks, in words, e.g. "after the radiosurgery planned for 12 Dec 2026"; '
        "empty when in time"))
    booking_reason = serializers.CharField(read_only=True, help_text="Why it was booked outside the limit")

    class Meta:
        model = DueItem
        fields = ["id", "patient", "kind", "trigger", "trigger_treatment", "trigger_scan", "due_from", "due_by",
                  "due_from_at", "due_by_at", "state", "phase", "overdue_since", "fulfilled_by", "late",
                  "late_by_hours", "late_text", "urgent", "notes", "need", "booked_for", "booked_at",
                  "booking_flagged", "booking_breach", "booking_reason", "snoozed_until",
                  "waived_reason", "reason", "acted_by", "acted_at", "created_at", "updated_at"]
        read_only_fields = fields

    def _now(self):
        return self.context.setdefault("now", utcnow())

    def get_phase(self, item) -> str:
        return phase(item, self._now())

    @extend_schema_field(NeedSerializer(allow_null=True))
    def get_need(self, item):
        needs = self.context.get("needs")
        if needs is None:
            needs = self.context["needs"] = needs_by_item([item], self._now())
        need = needs.get(item.pk)
        if need is None:
            return None
        # One serializer for the page's needs: a new one per item deep-copied its fields each time,
        # a third of the worklist API's serializing.
        writer = self.context.get("need_serializer")
        if writer is None:
            writer = self.context["need_serializer"] = NeedSerializer(context={"now": self._now()})
        return writer.to_representation(need)


class BookSerializer(serializers.Serializer):
    booked_at = serializers.DateTimeField(required=False, help_text=(
        "The date and time the scan is booked for (the post-operative MRI, due within hours, needs it)."))
    booked_for = BoundedDateField(required=False, help_text="The day the scan is booked for, when no time is known.")
    booking_reason = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=(
        "Required for a booking outside the scan's limits; the booking is then kept flagged."))

    def validate(self, attrs):
        if attrs.get("booked_at") is None and attrs.get("booked_for") is None:
            raise serializers.ValidationError({"booked_at": "Give the date and time the scan is booked for."})
        return attrs


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the item is not needed.")


class UnwaiveSerializer(serializers.Serializer):
    """Undoing a waiver takes no fields; a body, when sent, must still be valid JSON of sane depth."""


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
