"""Admin for data managers: search, filters and inlines, with full change history.

Writes through the admin go through ``save_model`` to the same services as the app, so the
surveillance plan follows an admin edit too. Non-superusers see only their care teams' patients.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bmtrack.patients.models import (
    GPAAssessment,
    Lesion,
    MarkerResult,
    Measurement,
    Patient,
    PrimaryTumour,
    ResponseAssessment,
    Scan,
    StatusObservation,
    Treatment,
)
from bmtrack.patients.scoping import scope
from bmtrack.patients.services.common import refresh_derived


class ScopedAdmin(SimpleHistoryAdmin):
    """Restricts rows to the user's care teams through the one access layer."""

    patient_path = "patient"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.patient_path)

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        patient = form.instance if isinstance(form.instance, Patient) else _patient_of(form.instance)
        refresh_derived(patient, user=request.user)


def _patient_of(obj):
    if hasattr(obj, "patient"):
        return obj.patient
    if hasattr(obj, "primary"):
        return obj.primary.patient
    if hasattr(obj, "scan"):
        return obj.scan.patient
    raise AttributeError(obj)


class PrimaryInline(admin.TabularInline):
    model = PrimaryTumour
    extra = 0
    show_change_link = True


class ObservationInline(admin.TabularInline):
    model = StatusObservation
    extra = 0
    exclude = ("recorded_by",)


class TreatmentInline(admin.TabularInline):
    model = Treatment
    extra = 0
    fields = ("kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions")
    show_change_link = True


class ScanInline(admin.TabularInline):
    model = Scan
    extra = 0
    fields = ("at", "modality", "purpose", "field_strength_t", "measurement_status")
    show_change_link = True


class LesionInline(admin.TabularInline):
    model = Lesion
    extra = 0


@admin.register(Patient)
class PatientAdmin(ScopedAdmin):
    patient_path = "pk"
    list_display = ("mrn", "family_name", "given_name", "birth_date", "care_team", "responsible_nurse", "status")
    list_filter = ("status", "care_team", "sex", "primaries__type")
    search_fields = ("mrn", "family_name", "given_name")
    readonly_fields = ("public_id", "created_at", "updated_at")
    autocomplete_fields = ("responsible_nurse", "care_team")
    inlines = [PrimaryInline, ObservationInline, TreatmentInline, ScanInline, LesionInline]
    list_select_related = ("care_team", "responsible_nurse")

    def get_queryset(self, request):
        return scope(super(ScopedAdmin, self).get_queryset(request), request.user, "pk")


class MarkerInline(admin.TabularInline):
    model = MarkerResult
    extra = 0


@admin.register(PrimaryTumour)
class PrimaryTumourAdmin(ScopedAdmin):
    list_display = ("patient", "type", "diagnosed_on", "stage", "seer_stage")
    list_filter = ("type", "seer_stage")
    search_fields = ("patient__mrn", "patient__family_name")
    autocomplete_fields = ("patient",)
    inlines = [MarkerInline]


@admin.register(MarkerResult)
class MarkerResultAdmin(ScopedAdmin):
    patient_path = "primary__patient"
    list_display = ("primary", "marker", "result", "value_pct", "detail", "tested_on")
    list_filter = ("marker", "result")
    search_fields = ("primary__patient__mrn", "detail")


@admin.register(StatusObservation)
class StatusObservationAdmin(ScopedAdmin):
    list_display = ("patient", "observed_on", "kps", "extracranial_metastases", "dexamethasone_mg",
                    "haemoglobin_g_dl", "neuro_status")
    list_filter = ("neuro_status", "extracranial_metastases")
    search_fields = ("patient__mrn", "patient__family_name")
    date_hierarchy = "observed_on"
    autocomplete_fields = ("patient",)


@admin.register(Treatment)
class TreatmentAdmin(ScopedAdmin):
    list_display = ("patient", "kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions")
    list_filter = ("kind", "status")
    search_fields = ("patient__mrn", "patient__family_name", "agent")
    date_hierarchy = "start"
    autocomplete_fields = ("patient",)
    filter_horizontal = ("lesions",)


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Scan)
class ScanAdmin(ScopedAdmin):
    list_display = ("patient", "at", "modality", "purpose", "field_strength_t", "scanner", "measurement_status")
    list_filter = ("modality", "purpose", "measurement_status", "field_strength_t")
    search_fields = ("patient__mrn", "patient__family_name", "study_uid", "accession")
    date_hierarchy = "at"
    autocomplete_fields = ("patient",)
    inlines = [MeasurementInline]


@admin.register(Lesion)
class LesionAdmin(ScopedAdmin):
    list_display = ("patient", "label", "location", "first_seen_on")
    search_fields = ("patient__mrn", "label", "location")
    autocomplete_fields = ("patient",)


@admin.register(Measurement)
class MeasurementAdmin(ScopedAdmin):
    patient_path = "scan__patient"
    list_display = ("lesion", "scan", "longest_diameter_mm", "disappeared", "enhancing", "measurable", "role")
    list_filter = ("role", "measurable", "enhancing", "disappeared")
    search_fields = ("scan__patient__mrn", "lesion__label")


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Derived rows: computed by the services, never edited by hand."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GPAAssessment)
class GPAAssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ("patient", "assessed_on", "variant", "score", "band", "median_survival_months")
    list_filter = ("variant",)
    search_fields = ("patient__mrn",)


@admin.register(ResponseAssessment)
class ResponseAssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ("patient", "scan", "category", "sum_mm", "change_from_baseline_pct", "change_from_nadir_pct")
    list_filter = ("category", "immunotherapy")
    search_fields = ("patient__mrn",)
