"""Administrators publish new policy versions here; published versions are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.rules import parse_rules
from frontdoor.policies.selectors import policy_in_force
from frontdoor.policies.services import policy_publish


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["effective_from", "note", "office_hours", "rules", "due_soon_fraction"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"office_hours", "rules", "due_soon_fraction"} <= data.keys():
            try:
                parse_rules(data["office_hours"], data["rules"], data["due_soon_fraction"])
            except (ValueError, TypeError, AttributeError) as exc:
                raise forms.ValidationError(f"The policy is not valid: {exc}") from exc
        return data


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = PolicyVersionForm
    list_display = ["version", "effective_from", "note", "created_by", "created_at"]
    readonly_fields = ["version", "created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # versions are immutable: publish a new one instead

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        from django.utils import timezone

        current = policy_in_force(timezone.now())
        return {
            "office_hours": current.office_hours,
            "rules": current.rules,
            "due_soon_fraction": current.due_soon_fraction,
            "effective_from": timezone.now(),
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        version = policy_publish(
            office_hours=form.cleaned_data["office_hours"],
            rules=form.cleaned_data["rules"],
            due_soon_fraction=form.cleaned_data["due_soon_fraction"],
            effective_from=form.cleaned_data["effective_from"],
            note=form.cleaned_data["note"],
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = version.pk
        obj.version = version.version
