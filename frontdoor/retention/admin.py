"""Administrators set each retention rule's period and switch here; every change is an event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontdoor.retention.models import RetentionRule
from frontdoor.retention.services import retention_rule_change


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "enabled", "period", "unit", "changed_at", "changed_by"]
    fields = ["kind", "enabled", "period", "unit", "basis", "changed_at", "changed_by"]
    readonly_fields = ["kind", "changed_at", "changed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the kinds are code: each has its row

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a rule off instead

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        retention_rule_change(
            rule=obj,
            enabled=data["enabled"],
            period=data["period"],
            unit=data["unit"],
            basis=data["basis"],
            by=request.user,  # type: ignore[arg-type]
        )
