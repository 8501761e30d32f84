"""Patients: list, detail, create, update (status changes through ``set_patient_status``), lookup by MRN."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from bmtrack.accounts.access import access_patient, note_rows, patients_for
from bmtrack.api.fhir.export import export_patient
from bmtrack.api.filters import PatientFilter
from bmtrack.api.serializers.patients import PatientLookupSerializer, PatientSerializer
from bmtrack.api.views.base import ApiMixin
from bmtrack.api.views.fhir import BUNDLE_SCHEMA, FHIRJSONRenderer
from bmtrack.patients import services

_STATUS_FIELDS = ("status", "deceased_on")


class PatientViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Patients of the user's care teams, identified by their public id (a UUID)."""

    serializer_class = PatientSerializer
    filterset_class = PatientFilter
    lookup_field = "public_id"
    cursor_ordering = "-created_at"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_perms = {"lookup": ["patients.view_patient"], "fhir": ["patients.view_patient"]}

    def get_queryset(self):
        return patients_for(self.request.user).select_related("care_team", "responsible_nurse")

    def get_object(self):
        patient = access_patient(self.request.user, self.kwargs["public_id"])
        self.check_object_permissions(self.request, patient)
        return patient

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        note_rows(page if page is not None else queryset, "pk")
        return page

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        status = data.pop("status", None)
        deceased_on = data.pop("deceased_on", None)
        user = self.request.user
        with transaction.atomic():
            patient = services.create_patient(user=user, **data)
            if status is not None and status != patient.status:
                patient = services.set_patient_status(patient, status, deceased_on=deceased_on, user=user)
        serializer.instance = patient

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        status_change = {name: data.pop(name) for name in _STATUS_FIELDS if name in data}
        user = self.request.user
        patient = serializer.instance
        with transaction.atomic():
            if data:
                patient = services.update_patient(patient, user=user, **data)
            if status_change:
                patient = services.set_patient_status(patient, status_change["status"],
                                                      deceased_on=status_change["deceased_on"], user=user)
        serializer.instance = patient

    @extend_schema(request=PatientLookupSerializer, responses=PatientSerializer,
                   summary="Find a patient by MRN (kept out of the URL)")
    @action(detail=False, methods=["post"])
    def lookup(self, request):
        query = PatientLookupSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        patient = self.get_queryset().filter(mrn=query.validated_data["mrn"]).first()
        if patient is None:
            raise exceptions.NotFound({"mrn": ["No patient with this MRN in your care teams."]})
        note_rows([patient], "pk")
        return Response(PatientSerializer(patient, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, "application/fhir+json"): BUNDLE_SCHEMA, (200, "application/json"): BUNDLE_SCHEMA},
                   summary="The patient's record as a FHIR R4 Bundle (mCODE)", tags=["fhir"])
    @action(detail=True, methods=["get"], renderer_classes=[FHIRJSONRenderer, JSONRenderer])
    def fhir(self, request, public_id=None):
        return Response(export_patient(self.get_object()))
