"""Admin for the PACS connection: the sequence mapping (editable), the study ledger and its
unmatched queue, the SR drafts. Every change of state goes through ``pacs.services``."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from bmtrack.pacs import services
from bmtrack.pacs.client import PacsUnavailable
from bmtrack.pacs.models import (
    DraftLine,
    MeasurementDraft,
    PacsStudy,
    PollState,
    SequenceMapping,
    StudyState,
    UnmatchedStudy,
)
from bmtrack.patients.scoping import patients_for


@admin.register(SequenceMapping)
class SequenceMappingAdmin(admin.ModelAdmin):
    list_display = ("order", "pattern", "acquisition", "contrast", "max_slice_thickness_mm", "sequence", "note")
    list_display_links = ("pattern",)
    list_editable = ("order",)
    search_fields = ("pattern", "note")


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _each(request, queryset, action, done: str):
    count = 0
    for obj in queryset:
        try:
            action(obj)
            count += 1
        except ValidationError as exc:
            messages.error(request, f"{obj}: {' '.join(exc.messages)}")
        except PacsUnavailable as exc:
            messages.error(request, f"The PACS cannot be reached ({exc}).")
            break
    if count:
        messages.success(request, f"{count} {done}.")


@admin.register(PacsStudy)
class PacsStudyAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("study_date", "state", "modalities", "series_count", "unrecognised", "reason", "first_seen_at")
    list_filter = ("state",)
    search_fields = ("accession", "study_uid")
    readonly_fields = [f.name for f in PacsStudy._meta.fields]
    actions = ["retry", "ignore"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("scan__patient")
        if request.user.is_superuser:
            return qs
        # Imported studies belong to a patient: only the user's teams'; the rest is the data manager's queue.
        return qs.exclude(state=StudyState.IMPORTED) | qs.filter(scan__patient__in=patients_for(request.user))

    @admin.display(description="unrecognised series")
    def unrecognised(self, obj):
        return len(obj.unrecognised_series) or ""

    def has_manage_permission(self, request):
        return request.user.has_perm("pacs.change_pacsstudy")

    @admin.action(description="Try the selected failed studies again", permissions=["manage"])
    def retry(self, request, queryset):
        _each(request, queryset, lambda s: services.retry_study(s, user=request.user), "studies tried again")

    @admin.action(description="Ignore the selected studies", permissions=["manage"])
    def ignore(self, request, queryset):
        _each(request, queryset, lambda s: services.ignore_study(s, user=request.user), "studies ignored")


@admin.register(UnmatchedStudy)
class UnmatchedStudyAdmin(PacsStudyAdmin):
    list_display = ("study_date", "patient_id", "issuer", "patient_name", "birth_date", "modalities", "reason",
                    "resolve")
    list_filter = ()
    actions = ["ignore"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=StudyState.UNMATCHED)

    @admin.display(description="assign")
    def resolve(self, obj):
        return format_html('<a href="{}">assign to a patient</a>', reverse("pacs:queue"))


class DraftLineInline(ReadOnly, admin.TabularInline):
    model = DraftLine
    extra = 0
    fields = ("tracking_identifier", "tracking_uid", "lesion", "longest_diameter_mm", "perpendicular_mm")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeasurementDraft)
class MeasurementDraftAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("scan", "state", "observer", "created_at", "problem")
    list_filter = ("state",)
    readonly_fields = [f.name for f in MeasurementDraft._meta.fields]
    inlines = [DraftLineInline]
    actions = ["confirm", "reject"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("scan__patient")
        return qs.filter(scan__patient__in=patients_for(request.user))

    def has_measure_permission(self, request):
        return request.user.has_perm("patients.change_measurement")

    @admin.action(description="Confirm the selected reports (lesions as mapped)", permissions=["measure"])
    def confirm(self, request, queryset):
        _each(request, queryset, lambda d: services.confirm_draft(d, user=request.user), "reports confirmed")

    @admin.action(description="Reject the selected reports", permissions=["measure"])
    def reject(self, request, queryset):
        _each(request, queryset, lambda d: services.reject_draft(d, user=request.user), "reports rejected")


@admin.register(PollState)
class PollStateAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("last_success_at", "last_started_at", "last_duration_seconds", "consecutive_failures",
                    "last_error")
    readonly_fields = [f.name for f in PollState._meta.fields]
