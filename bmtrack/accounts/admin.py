from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bmtrack.accounts.models import CareTeam, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Notifications", {"fields": ("receives_digest", "digest_hour")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "care_teams")


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "responsible_physician", "escalation_days")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    autocomplete_fields = ("responsible_physician",)
