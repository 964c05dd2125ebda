from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from frontdoor.accounts.models import Agency, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "agency", "is_active"]
    list_filter = ["role", "team", "agency", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Front Door", {"fields": ("role", "team", "agency", "job_title")}),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "receives_requests", "active"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency"]
