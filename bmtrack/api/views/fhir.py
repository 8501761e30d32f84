"""FHIR R4: export of one patient as a Bundle, import of such a Bundle as a new patient."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bmtrack.accounts.access import teams_for
from bmtrack.api.fhir.importer import import_bundle
from bmtrack.api.fhir.reading import BundleError
from bmtrack.api.permissions import RolePermission
from bmtrack.api.serializers.patients import PatientSerializer, default_care_team
from bmtrack.core.json_limits import BoundedJSONParser

BUNDLE_SCHEMA = {
    "type": "object",
    "description": "A FHIR R4 Bundle (resourceType Bundle), mCODE profiles where they fit.",
    "properties": {"resourceType": {"type": "string", "enum": ["Bundle"]}, "type": {"type": "string"},
                   "entry": {"type": "array", "items": {"type": "object", "additionalProperties": {}}}},
    "required": ["resourceType", "type"],
    "additionalProperties": {},
}


class FHIRJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class FHIRJSONParser(BoundedJSONParser):
    media_type = "application/fhir+json"


class ImportResultSerializer(serializers.Serializer):
    patient = PatientSerializer()
    created = serializers.DictField(child=serializers.IntegerField(), help_text="Records created, by kind.")
    ignored = serializers.DictField(child=serializers.IntegerField(), help_text="Resources not read, by type.")


class ImportView(APIView):
    """Create a patient and their record from a FHIR R4 Bundle, through the same services as the web app."""

    parser_classes = [BoundedJSONParser, FHIRJSONParser]
    permission_classes = [IsAuthenticated, RolePermission]
    perm_model = "patients.patient"

    @extend_schema(
        request={"application/json": BUNDLE_SCHEMA, "application/fhir+json": BUNDLE_SCHEMA},
        responses={201: ImportResultSerializer},
        parameters=[OpenApiParameter("care_team", int, description="Care team of the new patient "
                                                                   "(default: your only team).")],
        tags=["fhir"], operation_id="fhir_import",
    )
    def post(self, request):
        team = self._care_team(request)
        try:
            patient, counts = import_bundle(request.data, care_team=team, user=request.user)
        except BundleError as exc:
            raise exceptions.ValidationError({exc.path: [exc.message]}) from None
        context = {"request": request}
        return Response({"patient": PatientSerializer(patient, context=context).data, **counts},
                        status=status.HTTP_201_CREATED)

    @staticmethod
    def _care_team(request):
        user = request.user
        raw = request.query_params.get("care_team")
        if raw is None:
            team = default_care_team(user)
            if team is None:
                raise exceptions.ValidationError({"care_team": ["Choose the care team (you belong to several)."]})
            return team
        valid = raw.isascii() and raw.isdigit() and len(raw) < 18
        team = teams_for(user).filter(pk=int(raw)).first() if valid else None
        if team is None:
            raise exceptions.ValidationError({"care_team": ["Not one of your care teams."]})
        return team
