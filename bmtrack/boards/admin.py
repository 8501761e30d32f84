"""Admin for boards: setting up boards and their standing members; cases scoped by care team.

Meetings and cases are written through ``services`` (the board pages' writers), so a meeting's date
is bounded and a case's wording is checked as on the board pages.
"""

from django.contrib import admin

from bmtrack.accounts.scoped_admin import RefusalAsMessage, ScopedAdmin, ScopedHistoryAdmin
from bmtrack.boards import services
from bmtrack.boards.models import Board, BoardCase, CaseSuggestion, Meeting


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("care_teams", "members")


@admin.register(Meeting)
class MeetingAdmin(RefusalAsMessage, admin.ModelAdmin):
    list_display = ("board", "date", "starts_at", "location")
    list_filter = ("board",)
    date_hierarchy = "date"
    fields = ("board", "date", "starts_at", "location", "attendees")
    filter_horizontal = ("attendees",)

    def get_readonly_fields(self, request, obj=None):
        return ("board",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name != "attendees"}
            saved = services.update_meeting(obj, attendees=data.get("attendees"), **changes)
        else:
            saved = services.create_meeting(data["board"], date=data["date"], starts_at=data.get("starts_at"),
                                            location=data.get("location", ""), attendees=data.get("attendees"),
                                            user=request.user)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """Attendees went to the service with the meeting."""


@admin.register(BoardCase)
class BoardCaseAdmin(RefusalAsMessage, ScopedHistoryAdmin):
    """Cases are added and decided on the board pages (``services``, ``decisions``), which create the
    follow-up; here only the wording can be corrected, so no decision exists without its follow-up."""

    list_display = ("meeting", "order", "patient", "decision", "decided_at")
    list_filter = ("decision", "meeting__board")
    list_select_related = ("patient", "meeting__board")
    search_fields = ("patient__mrn", "patient__family_name")
    fields = ("meeting", "patient", "order", "question", "presenter", "reasons", "decision", "decision_note",
              "decided_at", "decided_by", "planned_treatment", "followup_item", "created_by", "created_at")
    readonly_fields = ("meeting", "patient", "order", "reasons", "decision", "decision_note", "decided_at",
                       "decided_by", "planned_treatment", "followup_item", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.update_case(obj, question=form.cleaned_data["question"], presenter=form.cleaned_data["presenter"])

    def delete_model(self, request, obj):
        services.remove_case(obj)


@admin.register(CaseSuggestion)
class CaseSuggestionAdmin(ScopedAdmin):
    """Suggestions are answered on the board pages; here they are only looked up."""

    list_display = ("board", "patient", "reason", "status", "answered_at")
    list_filter = ("status", "reason", "board")
    list_select_related = ("patient", "board")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
