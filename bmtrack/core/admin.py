import csv

from django.contrib import admin
from django.http import StreamingHttpResponse

from bmtrack.core.models import AccessLog, Heartbeat


class _Echo:
    def write(self, value):
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) in a User-Agent).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that a spreadsheet shows as text, never runs (OWASP "CSV injection")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Viewable and exportable by administrators; never editable."""

    list_display = ("at", "username", "action", "patient_public_id", "method", "path", "ip_address")
    list_filter = ("action", "method")
    search_fields = ("username", "=patient_public_id", "ip_address")
    date_hierarchy = "at"
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Export selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        fields = ["at", "username", "action", "patient_public_id", "method", "path", "ip_address", "user_agent"]

        def rows():
            yield writer.writerow(fields)
            for row in queryset.order_by("at").iterator():
                yield writer.writerow([csv_cell(getattr(row, name)) for name in fields])

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        return response


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
