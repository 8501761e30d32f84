"""The clinical record: primaries with markers, treatments, scans with measurements, lesions, status.

Each serializer only shapes and type-checks the input; the service it is handed to
(``bmtrack.patients.services``) owns every clinical rule and raises field-named errors.
Create serializers carry ``patient`` (its public id); update serializers do not (a record never
moves between patients).
"""

from __future__ import annotations

from rest_framework import serializers

from bmtrack.api.fields import (
    FieldStrengthField,
    LesionLabelField,
    LesionLabelsField,
    ModelSerializer,
    PatientRefField,
    UsernameReadField,
)
from bmtrack.patients.models import (
    Lesion,
    MarkerResult,
    Measurement,
    PrimaryTumour,
    Scan,
    StatusObservation,
    Treatment,
    WorkupResult,
)
from bmtrack.patients.models.choices import NewLesions, Sequence

# --- primaries and markers ------------------------------------------------------------------


class MarkerSerializer(ModelSerializer):
    class Meta:
        model = MarkerResult
        fields = ["id", "marker", "result", "value_pct", "detail", "tested_on"]


class PrimarySerializer(ModelSerializer):
    patient = PatientRefField()
    markers = MarkerSerializer(many=True, required=False, help_text="Dated marker results (EGFR, ALK, PD-L1...)")

    class Meta:
        model = PrimaryTumour
        fields = ["id", "patient", "type", "diagnosed_on", "stage", "seer_stage", "histology",
                  "brain_metastases_diagnosed_on", "brain_metastases_count", "markers"]


# --- treatments -----------------------------------------------------------------------------


class TreatmentSerializer(ModelSerializer):
    patient = PatientRefField()
    lesions = LesionLabelsField(required=False, help_text="Labels of the lesions targeted or resected (L1, L2...).")

    class Meta:
        model = Treatment
        fields = ["id", "patient", "kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions", "note",
                  "lesions"]


class TreatmentUpdateSerializer(TreatmentSerializer):
    patient = PatientRefField(read_only=True)


# --- lesions, scans, measurements -----------------------------------------------------------


class LesionSerializer(ModelSerializer):
    patient = PatientRefField()

    class Meta:
        model = Lesion
        fields = ["id", "patient", "label", "location", "first_seen_on"]
        validators: list = []  # (patient, label) uniqueness: the service checks it and names the label


class LesionUpdateSerializer(LesionSerializer):
    patient = PatientRefField(read_only=True)


class PrimaryUpdateSerializer(PrimarySerializer):
    """A correction of the primary itself; marker results are added with POST .../markers."""

    patient = PatientRefField(read_only=True)
    markers = MarkerSerializer(many=True, read_only=True)


class MeasurementSerializer(ModelSerializer):
    """One lesion on one scan. ``lesion`` is its label; an unknown label creates the lesion."""

    lesion = LesionLabelField(help_text="The lesion's label (L1...); a new label creates the lesion.")
    location = serializers.CharField(max_length=120, required=False, allow_blank=True, write_only=True,
                                     help_text="Location of a new lesion, e.g. left frontal.")
    lesion_id = serializers.IntegerField(read_only=True)
    scan = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Measurement
        fields = ["id", "scan", "lesion", "lesion_id", "location", "longest_diameter_mm", "perpendicular_mm",
                  "disappeared", "enhancing", "measurable", "role"]
        validators: list = []


class ScanSerializer(ModelSerializer):
    patient = PatientRefField()
    field_strength_t = FieldStrengthField(label="Field strength (T)")
    sequences = serializers.ListField(child=serializers.ChoiceField(choices=Sequence.choices), required=False,
                                      help_text="MRI sequences acquired.")
    measurements = MeasurementSerializer(many=True, required=False,
                                         help_text="Lesion measurements read on this scan (MRI).")

    class Meta:
        model = Scan
        fields = ["id", "patient", "at", "modality", "tracer", "purpose", "field_strength_t", "scanner", "sequences",
                  "study_uid", "accession", "new_lesions", "non_target", "is_baseline", "measurement_status",
                  "report", "measurements"]
        read_only_fields = ["measurement_status"]


class ScanUpdateSerializer(ScanSerializer):
    patient = PatientRefField(read_only=True)
    measurements = MeasurementSerializer(many=True, read_only=True)


class MeasurementsInputSerializer(serializers.Serializer):
    measurements = MeasurementSerializer(many=True)
    replace = serializers.BooleanField(default=True, help_text="Replace the scan's measurements (default) or add.")
    new_lesions = serializers.ChoiceField(
        choices=NewLesions.choices, required=False, allow_blank=True,
        help_text="The reader's call on new lesions, given with the measurements (omitted: the scan's stays). "
                  "Required when a lesion not measured on the baseline MRI is measured.")


# --- work-up results ------------------------------------------------------------------------


class WorkupSerializer(ModelSerializer):
    """A reader's work-up of an enlarging treated lesion: it resolves an unconfirmed PD inside a
    radiation-necrosis window (rano-bm.md)."""

    patient = PatientRefField()
    lesion = LesionLabelField(required=False, allow_null=True,
                              help_text="The label of the lesion examined (L1...), when one was.")
    recorded_by = UsernameReadField()

    class Meta:
        model = WorkupResult
        fields = ["id", "patient", "performed_on", "method", "result", "lesion", "note", "recorded_by"]


class WorkupUpdateSerializer(WorkupSerializer):
    patient = PatientRefField(read_only=True)


# --- status observations --------------------------------------------------------------------


class ObservationSerializer(ModelSerializer):
    patient = PatientRefField()
    recorded_by = UsernameReadField()

    class Meta:
        model = StatusObservation
        fields = ["id", "patient", "observed_on", "kps", "extracranial_metastases", "dexamethasone_mg",
                  "haemoglobin_g_dl", "neuro_status", "note", "recorded_by"]

    def validate(self, attrs):
        if self.partial:
            return attrs  # a correction: the service checks the observation as it will be saved
        facts = ("kps", "extracranial_metastases", "dexamethasone_mg", "haemoglobin_g_dl")
        if all(attrs.get(name) is None for name in facts) and not attrs.get("neuro_status"):
            raise serializers.ValidationError(
                {"non_field_errors": ["Record at least one status fact (kps, extracranial_metastases, "
                                      "dexamethasone_mg, haemoglobin_g_dl, neuro_status)."]}
            )
        return attrs


class ObservationUpdateSerializer(ObservationSerializer):
    patient = PatientRefField(read_only=True)
