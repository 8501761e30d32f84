"""The clinical record: each viewset lists and shows rows of visible patients and writes through a service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from bmtrack.api import filters
from bmtrack.api.serializers.records import (
    LesionSerializer,
    LesionUpdateSerializer,
    MarkerSerializer,
    MeasurementSerializer,
    MeasurementsInputSerializer,
    ObservationSerializer,
    ObservationUpdateSerializer,
    PrimarySerializer,
    PrimaryUpdateSerializer,
    ScanSerializer,
    ScanUpdateSerializer,
    TreatmentSerializer,
    TreatmentUpdateSerializer,
    WorkupSerializer,
    WorkupUpdateSerializer,
)
from bmtrack.api.views.base import CreateMixin, PatientScopedViewSet, UpdateMixin
from bmtrack.patients import services
from bmtrack.patients.models import (
    Lesion,
    Measurement,
    PrimaryTumour,
    Scan,
    StatusObservation,
    Treatment,
    WorkupResult,
)


def resolve_lesions(patient, labels) -> list[Lesion]:
    """Lesion labels of this patient → lesions; an unknown label is a 400 naming it."""
    labels = list(dict.fromkeys(labels))
    found = {lesion.label: lesion for lesion in patient.lesions.filter(label__in=labels)}
    missing = [label for label in labels if label not in found]
    if missing:
        raise ValidationError({"lesions": f"No lesion labelled {', '.join(missing)} for this patient."})
    return [found[label] for label in labels]


def resolve_lesion(patient, label: str | None) -> Lesion | None:
    """One lesion label of this patient (or none given); an unknown label is a 400 naming ``lesion``."""
    if not label:
        return None
    lesion = patient.lesions.filter(label=label).first()
    if lesion is None:
        raise ValidationError({"lesion": f"No lesion labelled {label} for this patient."})
    return lesion


class PrimaryViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Primary tumours with their dated marker results. Markers are added with POST .../markers."""

    queryset = PrimaryTumour.objects.select_related("patient").prefetch_related("markers")
    serializer_class = PrimarySerializer
    update_serializer_class = PrimaryUpdateSerializer
    filterset_class = filters.PrimaryFilter
    action_perms = {"markers": ["patients.add_markerresult"]}

    def create_record(self, patient, data, *, user):
        return services.record_primary(patient, user=user, markers=[dict(m) for m in data.pop("markers", [])],
                                       **data)

    def update_record(self, instance, data, *, user):
        return services.update_primary(instance, user=user, **data)

    @extend_schema(request=MarkerSerializer, responses={201: MarkerSerializer}, summary="Add a marker result")
    @action(detail=True, methods=["post"])
    def markers(self, request, pk=None):
        primary = self.get_object()
        serializer = MarkerSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        marker = services.record_marker(primary, user=request.user, **serializer.validated_data)
        return Response(MarkerSerializer(marker).data, status=status.HTTP_201_CREATED)


class TreatmentViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Surgery, radiotherapy (SRS, fractionated SRS, WBRT), LITT and systemic therapy (TT, ICI, chemo)."""

    queryset = Treatment.objects.select_related("patient").prefetch_related("lesions")
    serializer_class = TreatmentSerializer
    update_serializer_class = TreatmentUpdateSerializer
    filterset_class = filters.TreatmentFilter

    def create_record(self, patient, data, *, user):
        lesions = resolve_lesions(patient, data.pop("lesions", []))
        return services.record_treatment(patient, lesions=lesions, user=user, **data)

    def update_record(self, instance, data, *, user):
        lesions = resolve_lesions(instance.patient, data.pop("lesions")) if "lesions" in data else None
        return services.update_treatment(instance, lesions=lesions, user=user, **data)


class ScanViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Scans; an MRI may be sent with its lesion measurements, or measured later (POST .../measurements)."""

    queryset = Scan.objects.select_related("patient").prefetch_related("measurements__lesion")
    serializer_class = ScanSerializer
    update_serializer_class = ScanUpdateSerializer
    filterset_class = filters.ScanFilter
    action_perms = {"measurements": ["patients.add_measurement", "patients.change_scan"]}

    def create_record(self, patient, data, *, user):
        measurements = [dict(m) for m in data.pop("measurements", [])]
        return services.record_scan(patient, measurements=measurements, user=user, **data)

    def update_record(self, instance, data, *, user):
        return services.update_scan(instance, user=user, **data)

    @extend_schema(request=MeasurementsInputSerializer, responses={200: ScanSerializer},
                   summary="Enter (or re-enter) the lesion measurements of an MRI")
    @action(detail=True, methods=["post"])
    def measurements(self, request, pk=None):
        scan = self.get_object()
        serializer = MeasurementsInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.record_measurements(scan, [dict(m) for m in serializer.validated_data["measurements"]],
                                     user=request.user, replace=serializer.validated_data["replace"],
                                     new_lesions=serializer.validated_data.get("new_lesions"))
        scan = self.get_queryset().get(pk=scan.pk)
        return Response(ScanSerializer(scan, context=self.get_serializer_context()).data)


class LesionViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Lesions keep their identity across scans; measurements name them by label. A relabelled
    lesion keeps its measurements."""

    queryset = Lesion.objects.select_related("patient")
    serializer_class = LesionSerializer
    update_serializer_class = LesionUpdateSerializer
    filterset_class = filters.LesionFilter

    def create_record(self, patient, data, *, user):
        return services.add_lesion(patient, data["label"], data.get("location", ""), data.get("first_seen_on"),
                                   user=user)

    def update_record(self, instance, data, *, user):
        return services.update_lesion(instance, user=user, **data)


class MeasurementViewSet(PatientScopedViewSet):
    """Read-only: measurements are written with their scan."""

    queryset = Measurement.objects.select_related("lesion", "scan")
    serializer_class = MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    patient_path = "scan__patient"


class ObservationViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Dated status facts: KPS, extracranial metastases, dexamethasone, haemoglobin, neurological status."""

    queryset = StatusObservation.objects.select_related("patient", "recorded_by")
    serializer_class = ObservationSerializer
    update_serializer_class = ObservationUpdateSerializer
    filterset_class = filters.ObservationFilter

    def create_record(self, patient, data, *, user):
        return services.record_observation(patient, user=user, **data)

    def update_record(self, instance, data, *, user):
        return services.update_observation(instance, user=user, **data)


class WorkupViewSet(CreateMixin, UpdateMixin, PatientScopedViewSet):
    """Work-up results (perfusion MRI, amino-acid PET, histology → progression or treatment effect);
    the response series is recomputed with each."""

    queryset = WorkupResult.objects.select_related("patient", "lesion", "recorded_by")
    serializer_class = WorkupSerializer
    update_serializer_class = WorkupUpdateSerializer
    filterset_class = filters.WorkupFilter

    def create_record(self, patient, data, *, user):
        data["lesion"] = resolve_lesion(patient, data.get("lesion"))
        return services.record_workup(patient, user=user, **data)

    def update_record(self, instance, data, *, user):
        if "lesion" in data:
            data["lesion"] = resolve_lesion(instance.patient, data["lesion"])
        return services.update_workup(instance, user=user, **data)
