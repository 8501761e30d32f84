"""/api/v1/: the REST API, its OpenAPI schema and interactive docs, calculators and FHIR."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from bmtrack.api.docs import SwaggerView
from bmtrack.api.errors import not_found
from bmtrack.api.views import boards, calculators, derived, fhir, patients, records

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("patients", patients.PatientViewSet, basename="patient")
router.register("primaries", records.PrimaryViewSet, basename="primary")
router.register("treatments", records.TreatmentViewSet, basename="treatment")
router.register("scans", records.ScanViewSet, basename="scan")
router.register("lesions", records.LesionViewSet, basename="lesion")
router.register("measurements", records.MeasurementViewSet, basename="measurement")
router.register("observations", records.ObservationViewSet, basename="observation")
router.register("workups", records.WorkupViewSet, basename="workup")
router.register("due-items", derived.DueItemViewSet, basename="dueitem")
router.register("watch-windows", derived.WatchWindowViewSet, basename="watchwindow")
router.register("gpa-assessments", derived.GPAAssessmentViewSet, basename="gpaassessment")
router.register("response-assessments", derived.ResponseAssessmentViewSet, basename="responseassessment")
boards.register(router)

urlpatterns = [
    # The schema and docs describe no patient, but the API is internal: only signed-in users read them.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated]), name="docs"),
    path("calculators/gpa", calculators.gpa, name="calculator-gpa"),
    path("calculators/rano", calculators.rano, name="calculator-rano"),
    path("calculators/screening", calculators.screening, name="calculator-screening"),
    path("calculators/protocol", calculators.protocol, name="calculator-protocol"),
    path("calculators/schedule", calculators.schedule, name="calculator-schedule"),
    path("fhir/import", fhir.ImportView.as_view(), name="fhir-import"),
    *router.urls,
    # Anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", not_found),
]
