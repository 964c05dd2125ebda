"""History is read-only, even to administrators."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdoor.audit.models import AccessLogEntry, Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that lists and shows records but never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "summary", "actor", "record_type", "record_id"]
    list_filter = ["action", "record_type"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "role", "action", "child", "record_type", "record_id"]
    list_filter = ["action", "role"]
