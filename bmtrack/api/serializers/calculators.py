"""Shapes of the calculator endpoints, for the OpenAPI schema only.

The body is handed unchanged to the clinical core (``bmtrack.clinical.<command>.run``), which
validates it and names the offending field; these serializers never validate, they document the
contract of DESIGN.md and ``docs/clinical/*.md``.
"""

from __future__ import annotations

from rest_framework import serializers

from bmtrack.api.serializers.derived import NullableObjectField, ObjectField, PointsField, RangeField, StringListField
from bmtrack.clinical.gpa import GPA_VARIANTS
from bmtrack.patients.models.choices import (
    NeuroStatus,
    NewLesions,
    NonTarget,
    PatientStatus,
    ScanPurpose,
    SeerStage,
    Sequence,
    TumourType,
)
from bmtrack.patients.models.facts import KPS_CHOICES


class GpaFactorsSerializer(serializers.Serializer):
    age = serializers.IntegerField(min_value=18, max_value=120, required=False)
    kps = serializers.ChoiceField(choices=KPS_CHOICES, required=False, help_text="Karnofsky, steps of 10")
    extracranial_metastases = serializers.BooleanField(required=False)
    brain_metastases = serializers.IntegerField(min_value=1, required=False)
    egfr_alk = serializers.ChoiceField(choices=["positive", "negative", "unknown"], required=False)
    pd_l1_pct = serializers.FloatField(min_value=0, max_value=100, allow_null=True, required=False)
    braf = serializers.ChoiceField(choices=["positive", "negative", "unknown"], required=False)
    subtype = serializers.ChoiceField(choices=["basal", "luminal_a", "her2", "luminal_b"], required=False)
    haemoglobin_g_dl = serializers.FloatField(allow_null=True, required=False)


class GpaRequestSerializer(serializers.Serializer):
    variant = serializers.ChoiceField(choices=["auto", *GPA_VARIANTS],
                                      help_text='A variant id of docs/clinical/gpa.md, or "auto" with `primary`.')
    factors = GpaFactorsSerializer(help_text="The factors the variant uses (others are ignored).")
    primary = serializers.ChoiceField(choices=TumourType.choices, required=False,
                                      help_text='Primary tumour type; required with "variant": "auto".')


class GpaResultSerializer(serializers.Serializer):
    variant = serializers.CharField()
    score = serializers.FloatField()
    points = PointsField()
    band = serializers.CharField()
    median_survival_months = serializers.FloatField(allow_null=True)
    iqr_months = RangeField()
    source = serializers.CharField()
    note = serializers.CharField(allow_null=True)
    inputs = ObjectField(required=False)
    companion = NullableObjectField(required=False, help_text="Lung-molGPA 2017 beside the 2022 lung result.")


class RanoTimepointSerializer(serializers.Serializer):
    date = serializers.DateField()
    lesions = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=150),
                                    help_text="Lesion id → longest diameter in mm (0 = disappeared).")
    new_lesions = serializers.ChoiceField(choices=NewLesions.choices, required=False)
    non_target = serializers.ChoiceField(choices=NonTarget.choices)
    steroid_mg = serializers.FloatField(min_value=0, help_text="Dexamethasone mg/day.")
    clinical = serializers.ChoiceField(choices=NeuroStatus.choices, required=False)


class RanoRequestSerializer(serializers.Serializer):
    timepoints = RanoTimepointSerializer(many=True, help_text="The first timepoint is the baseline.")
    immunotherapy_start = serializers.DateField(allow_null=True, required=False)
    excluded_targets = serializers.ListField(child=serializers.CharField(), required=False)


class RanoAssessmentSerializer(serializers.Serializer):
    date = serializers.DateField()
    category = serializers.ChoiceField(choices=["baseline", "CR", "PR", "SD", "non-CR/non-PD", "PD",
                                                "unconfirmed PD", "NE"])
    sum_mm = serializers.FloatField(allow_null=True)
    baseline_sum_mm = serializers.FloatField(allow_null=True)
    nadir_sum_mm = serializers.FloatField(allow_null=True)
    change_from_baseline_pct = serializers.FloatField(allow_null=True)
    change_from_nadir_pct = serializers.FloatField(allow_null=True)
    confirmed = serializers.BooleanField(allow_null=True)
    pd_date = serializers.DateField(allow_null=True)
    confirmation_due = serializers.DateField(allow_null=True)
    flags = StringListField()
    reasons = StringListField()


class RanoResultSerializer(serializers.Serializer):
    assessments = RanoAssessmentSerializer(many=True)
    targets = StringListField()
    best_overall_response = serializers.CharField(allow_null=True)


class ScreeningRequestSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TumourType.choices)
    stage = serializers.CharField(allow_null=True, required=False, help_text="AJCC stage, e.g. IIIB")
    seer_stage = serializers.ChoiceField(choices=SeerStage.choices, allow_null=True, required=False)
    neuro_symptoms = serializers.BooleanField()


class ScreeningResultSerializer(serializers.Serializer):
    recommendation = serializers.CharField()
    lifetime_risk_pct = serializers.FloatField(allow_null=True)
    reasons = StringListField()


class ProtocolRequestSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ScanPurpose.choices)
    sequences = serializers.ListField(child=serializers.ChoiceField(choices=Sequence.choices))
    field_strength_t = serializers.FloatField(allow_null=True, required=False)
    scanner = serializers.CharField(allow_null=True, required=False)
    baseline = NullableObjectField(required=False, help_text="The baseline scan's sequences, field strength, scanner.")


class ProtocolResultSerializer(serializers.Serializer):
    compliant = serializers.BooleanField()
    missing = StringListField()
    advice = StringListField()


class ScheduleTreatmentSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True, required=False)


class ScheduleScanSerializer(serializers.Serializer):
    id = serializers.CharField()
    modality = serializers.CharField()
    at = serializers.DateTimeField()
    purpose = serializers.CharField()
    sequences = serializers.ListField(child=serializers.CharField(), required=False)


class SchedulePatientSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PatientStatus.choices)


class ScheduleRequestSerializer(serializers.Serializer):
    now = serializers.DateTimeField()
    time_zone = serializers.CharField(required=False)
    patient = SchedulePatientSerializer()
    treatments = ScheduleTreatmentSerializer(many=True)
    scans = ScheduleScanSerializer(many=True)
    responses = serializers.ListField(child=ObjectField(), required=False)


class ScheduleResultSerializer(serializers.Serializer):
    due_items = serializers.ListField(child=ObjectField())
    watch_windows = serializers.ListField(child=ObjectField())
