"""Admin for the surveillance state, read-only: items come from the re-planner and change through
``actions`` (the worklist's writers); rows are scoped to the user's care teams (``ScopedAdmin``)."""

from django.contrib import admin

from bmtrack.accounts.scoped_admin import ScopedAdmin, ScopedHistoryAdmin
from bmtrack.core.clock import utcnow
from bmtrack.surveillance.models import ContactAttempt, DeliveryStatus, DueItem, NotificationLedger, WatchWindow
from bmtrack.surveillance.outbox import kick_sender


class ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContactAttemptInline(admin.TabularInline):
    model = ContactAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "user", "outcome", "booked_for", "remind_on", "reason", "note")

    def has_add_permission(self, request, obj=None):
        return False  # contacts are recorded through bmtrack.surveillance.actions


@admin.register(DueItem)
class DueItemAdmin(ReadOnly, ScopedHistoryAdmin):
    list_display = ("patient", "kind", "due_from", "due_by", "state", "booked_for", "urgent")
    list_select_related = ("patient",)
    list_filter = ("state", "kind", "urgent")
    search_fields = ("patient__mrn", "patient__family_name")
    date_hierarchy = "due_by"
    inlines = [ContactAttemptInline]
    readonly_fields = ("patient", "kind", "trigger", "due_from", "due_by", "due_from_at", "due_by_at", "state",
                       "next_transition_at", "overdue_since", "overdue_at", "alert_at", "alerted_at", "escalate_at",
                       "escalated_at", "fulfilled_by", "late", "notes", "urgent", "booked_for", "snoozed_until",
                       "waived_reason", "acted_by", "acted_at", "reason", "created_by")


@admin.register(WatchWindow)
class WatchWindowAdmin(ReadOnly, ScopedAdmin):
    list_display = ("patient", "kind", "starts_on", "ends_on")
    list_select_related = ("patient",)
    list_filter = ("kind",)
    search_fields = ("patient__mrn",)


@admin.register(NotificationLedger)
class NotificationLedgerAdmin(ScopedAdmin):
    """The outbox, read-only; a failed row can be queued again. Rows about a patient are scoped like the
    patient (digests, which name several, are the superuser's)."""

    list_display = ("created_at", "kind", "recipient", "status", "attempts", "next_attempt_at", "sent_at", "subject")
    list_filter = ("status", "kind")
    search_fields = ("recipient__username", "key")
    actions = ["retry_now"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again now (failed or waiting rows)")
    def retry_now(self, request, queryset):
        count = queryset.filter(status__in=(DeliveryStatus.FAILED, DeliveryStatus.PENDING)).update(
            status=DeliveryStatus.PENDING, next_attempt_at=utcnow(), attempts=0)
        kick_sender()
        self.message_user(request, f"{count} email(s) queued again.")
