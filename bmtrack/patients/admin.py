"""Admin for data managers: search, filters and full change history, scoped to the user's care teams.

Every row is reached through ``ScopedAdmin`` (``accounts.scoped_admin``): another team's row is a 404
on every URL, and foreign-key choices are the user's own rows. Adds, changes and deletions go
through the same services as the app (``RecordAdmin``), so the record is validated, its history
notes the user and the surveillance plan follows; a row without a correction service (a marker, a
measurement) is read-only once saved. A service's refusal comes back as a message naming the field.
"""

from django.contrib import admin

from bmtrack.accounts.roles import NURSE
from bmtrack.accounts.scoped_admin import RefusalAsMessage, ScopedAdmin, ScopedHistoryAdmin, ScopedInline
from bmtrack.patients import services
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


class RecordAdmin(RefusalAsMessage, ScopedHistoryAdmin):
    """A row of the clinical record, written through ``record`` (add) and ``update`` (change).

    ``parent_field`` names the row it belongs to (a patient, a primary, a scan): chosen on add among
    the user's own, fixed afterwards (a record never moves between patients).
    """

    parent_field = "patient"

    # (parent, data, user) -> row: the service that writes a new row; every concrete admin names one.
    record = None
    update = None  # (row, changes, user) -> row, or None when the row has no correction service

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.record is None:
            raise TypeError(f"{cls.__name__} writes rows without a service: define record(parent, data, user)")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + (self.parent_field,) if obj is not None and self.parent_field else fields

    def has_change_permission(self, request, obj=None):
        return (obj is None or self.update is not None) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            saved = self.update(obj, {name: form.cleaned_data[name] for name in form.changed_data}, request.user)
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name != self.parent_field}
            saved = self.record(form.cleaned_data.get(self.parent_field), data, request.user)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """Many-to-many values went to the service with the row; inlines are read-only."""

    def delete_model(self, request, obj):
        services.delete_record(obj, user=request.user)

    def get_deleted_objects(self, objs, request):
        # Rows that go with this one are its own parts (a scan's measurements) or derived from the record
        # (responses, due items, windows), which the service recomputes: no permission of their own is asked.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected


class PrimaryInline(ScopedInline):
    model = PrimaryTumour
    fields = ("type", "diagnosed_on", "stage", "seer_stage", "brain_metastases_diagnosed_on")


class ObservationInline(ScopedInline):
    model = StatusObservation
    exclude = ("recorded_by",)


class TreatmentInline(ScopedInline):
    model = Treatment
    fields = ("kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions")


class ScanInline(ScopedInline):
    model = Scan
    fields = ("at", "modality", "purpose", "field_strength_t", "measurement_status")


class LesionInline(ScopedInline):
    model = Lesion
    fields = ("label", "location", "first_seen_on")


@admin.register(Patient)
class PatientAdmin(RecordAdmin):
    patient_path = "id"
    parent_field = None
    list_display = ("mrn", "family_name", "given_name", "birth_date", "care_team", "responsible_nurse", "status")
    list_filter = ("status", ("care_team", admin.RelatedOnlyFieldListFilter), "sex", "primaries__type")
    search_fields = ("mrn", "family_name", "given_name")
    fields = ("mrn", "given_name", "family_name", "birth_date", "sex", "care_team", "responsible_nurse", "status",
              "deceased_on", "last_contact_on", "public_id", "created_at", "updated_at")
    readonly_fields = ("public_id", "created_at", "updated_at")
    # Plain selects, not autocompletes: the choices are the user's teams and their nurses (a short list),
    # and an autocomplete would need the view permission on users and teams, which data managers lack.
    inlines = [PrimaryInline, ObservationInline, TreatmentInline, ScanInline, LesionInline]
    list_select_related = ("care_team", "responsible_nurse")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "responsible_nurse" and field is not None:
            # The responsible nurse is a nurse: the other roles of the team are not offered (or accepted).
            field.queryset = field.queryset.filter(groups__name=NURSE).distinct()
        return field

    def record(self, parent, data, user):
        return services.create_patient(user=user, **data)

    def update(self, patient, changes, user):
        status = {name: changes.pop(name) for name in ("status", "deceased_on") if name in changes}
        if changes:
            patient = services.update_patient(patient, user=user, **changes)
        if status:
            patient.refresh_from_db()
            patient = services.set_patient_status(patient, status.get("status", patient.status), user=user,
                                                  deceased_on=status.get("deceased_on", patient.deceased_on))
        return patient


class MarkerInline(ScopedInline):
    model = MarkerResult


@admin.register(PrimaryTumour)
class PrimaryTumourAdmin(RecordAdmin):
    list_display = ("patient", "type", "diagnosed_on", "stage", "seer_stage")
    list_filter = ("type", "seer_stage")
    search_fields = ("patient__mrn", "patient__family_name")
    fields = ("patient", "type", "diagnosed_on", "stage", "seer_stage", "histology", "brain_metastases_diagnosed_on")
    autocomplete_fields = ("patient",)
    inlines = [MarkerInline]

    def record(self, patient, data, user):
        return services.record_primary(patient, user=user, **data)

    def update(self, primary, changes, user):
        return services.update_primary(primary, user=user, **changes)


@admin.register(MarkerResult)
class MarkerResultAdmin(RecordAdmin):
    patient_path = "primary__patient"
    parent_field = "primary"
    list_display = ("primary", "marker", "result", "value_pct", "detail", "tested_on")
    list_filter = ("marker", "result")
    search_fields = ("primary__patient__mrn", "detail")

    def record(self, primary, data, user):
        return services.record_marker(primary, user=user, **data)


@admin.register(StatusObservation)
class StatusObservationAdmin(RecordAdmin):
    list_display = ("patient", "observed_on", "kps", "extracranial_metastases", "dexamethasone_mg",
                    "haemoglobin_g_dl", "neuro_status")
    list_filter = ("neuro_status", "extracranial_metastases")
    search_fields = ("patient__mrn", "patient__family_name")
    date_hierarchy = "observed_on"
    autocomplete_fields = ("patient",)
    exclude = ("recorded_by",)

    def record(self, patient, data, user):
        return services.record_observation(patient, user=user, **data)

    def update(self, observation, changes, user):
        return services.update_observation(observation, user=user, **changes)


@admin.register(Treatment)
class TreatmentAdmin(RecordAdmin):
    list_display = ("patient", "kind", "status", "start", "end", "agent", "line", "dose_gy", "fractions")
    list_filter = ("kind", "status")
    search_fields = ("patient__mrn", "patient__family_name", "agent")
    date_hierarchy = "start"
    autocomplete_fields = ("patient",)
    filter_horizontal = ("lesions",)

    def record(self, patient, data, user):
        return services.record_treatment(patient, lesions=list(data.pop("lesions", ())), user=user, **data)

    def update(self, treatment, changes, user):
        lesions = changes.pop("lesions", None)
        return services.update_treatment(treatment, lesions=None if lesions is None else list(lesions), user=user,
                                         **changes)


class MeasurementInline(ScopedInline):
    model = Measurement


@admin.register(Scan)
class ScanAdmin(RecordAdmin):
    list_display = ("patient", "at", "modality", "purpose", "field_strength_t", "scanner", "measurement_status")
    list_filter = ("modality", "purpose", "measurement_status", "field_strength_t")
    search_fields = ("patient__mrn", "patient__family_name", "study_uid", "accession")
    date_hierarchy = "at"
    autocomplete_fields = ("patient",)
    inlines = [MeasurementInline]

    def record(self, patient, data, user):
        return services.record_scan(patient, user=user, **data)

    def update(self, scan, changes, user):
        return services.update_scan(scan, user=user, **changes)


@admin.register(Lesion)
class LesionAdmin(RecordAdmin):
    list_display = ("patient", "label", "location", "first_seen_on")
    search_fields = ("patient__mrn", "label", "location")
    autocomplete_fields = ("patient",)

    def record(self, patient, data, user):
        return services.add_lesion(patient, user=user, **data)

    def update(self, lesion, changes, user):
        return services.update_lesion(lesion, user=user, **changes)


@admin.register(Measurement)
class MeasurementAdmin(RecordAdmin):
    patient_path = "scan__patient"
    parent_field = "scan"
    list_display = ("lesion", "scan", "longest_diameter_mm", "disappeared", "enhancing", "measurable", "role")
    list_filter = ("role", "measurable", "enhancing", "disappeared")
    search_fields = ("scan__patient__mrn", "lesion__label")

    def get_readonly_fields(self, request, obj=None):
        return super().get_readonly_fields(request, obj) + (("lesion",) if obj is not None else ())

    def record(self, scan, data, user):
        return services.record_measurements(scan, [data], replace=False, user=user)[0]


class DerivedAdmin(ScopedAdmin):
    """Derived rows: computed by the services, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GPAAssessment)
class GPAAssessmentAdmin(DerivedAdmin):
    list_display = ("patient", "assessed_on", "variant", "score", "band", "median_survival_months")
    list_filter = ("variant",)
    search_fields = ("patient__mrn",)


@admin.register(ResponseAssessment)
class ResponseAssessmentAdmin(DerivedAdmin):
    list_display = ("patient", "scan", "category", "sum_mm", "change_from_baseline_pct", "change_from_nadir_pct")
    list_filter = ("category", "immunotherapy")
    search_fields = ("patient__mrn",)
