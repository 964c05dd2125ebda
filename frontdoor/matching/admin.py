"""Matching in the admin: the thresholds are edited here; proposals and merges are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdoor.audit.admin import ReadOnlyAdmin
from frontdoor.matching.models import DuplicatePair, MatchSettings, PersonMerge
from frontdoor.matching.selectors import match_settings
from frontdoor.matching.services import match_settings_save


@admin.register(MatchSettings)
class MatchSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "show_at",
        "medium_at",
        "high_at",
        "duplicate_at",
        "auto_link_at",
        "updated_at",
    ]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not MatchSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        current = match_settings()
        return {f.name: getattr(current, f.name) for f in MatchSettings._meta.concrete_fields}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        match_settings_save(settings=obj, by=request.user)  # type: ignore[arg-type]


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ReadOnlyAdmin):
    list_display = ["first", "second", "weight", "status", "found_at", "decided_by"]
    list_filter = ["status"]


@admin.register(PersonMerge)
class PersonMergeAdmin(ReadOnlyAdmin):
    list_display = ["kept", "merged", "merged_at", "merged_by", "undone_at"]
