from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bmtrack.accounts.access import patients_for
from bmtrack.surveillance.models import DueItem, WatchWindow


class ScopedReadAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("patient")
        return qs if request.user.is_superuser else qs.filter(patient__in=patients_for(request.user))


@admin.register(DueItem)
class DueItemAdmin(ScopedReadAdmin, SimpleHistoryAdmin):
    list_display = ("patient", "kind", "due_from", "due_by", "state", "booked_for", "urgent")
    list_filter = ("state", "kind", "urgent")
    search_fields = ("patient__mrn", "patient__family_name")
    date_hierarchy = "due_by"
    readonly_fields = ("patient", "kind", "trigger", "due_from", "due_by", "due_from_at", "due_by_at",
                       "next_transition_at", "overdue_since", "fulfilled_by", "late", "notes", "urgent")


@admin.register(WatchWindow)
class WatchWindowAdmin(ScopedReadAdmin):
    list_display = ("patient", "kind", "starts_on", "ends_on")
    list_filter = ("kind",)
    search_fields = ("patient__mrn",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
