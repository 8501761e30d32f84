"""Admin for boards: setting up boards and their standing members; cases scoped by care team."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bmtrack.boards.models import Board, BoardCase, CaseSuggestion, Meeting
from bmtrack.patients.scoping import scope


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("care_teams", "members")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("board", "date", "starts_at", "location")
    list_filter = ("board",)
    date_hierarchy = "date"
    filter_horizontal = ("attendees",)


class ScopedCaseAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return scope(super().get_queryset(request).select_related("patient"), request.user)


@admin.register(BoardCase)
class BoardCaseAdmin(ScopedCaseAdmin, SimpleHistoryAdmin):
    """Cases are added and decided on the board pages (``services``, ``decisions``), which create the
    follow-up; here only the wording can be corrected, so no decision exists without its follow-up."""

    list_display = ("meeting", "order", "patient", "decision", "decided_at")
    list_filter = ("decision", "meeting__board")
    search_fields = ("patient__mrn", "patient__family_name")
    fields = ("meeting", "patient", "order", "question", "presenter", "reasons", "decision", "decision_note",
              "decided_at", "decided_by", "planned_treatment", "followup_item", "created_by", "created_at")
    readonly_fields = ("meeting", "patient", "order", "reasons", "decision", "decided_at", "decided_by",
                       "planned_treatment", "followup_item", "created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(CaseSuggestion)
class CaseSuggestionAdmin(ScopedCaseAdmin):
    list_display = ("board", "patient", "reason", "status", "answered_at")
    list_filter = ("status", "reason", "board")
    raw_id_fields = ("patient", "board_case", "meeting")
