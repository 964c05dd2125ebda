"""People in the admin: read-only, for superusers only.

Corrections go through the record pages (``frontdoor.children.record_views``), which ask for a
reason, keep the before and after, write the access log and re-key matching; the admin never
edits a person. Opening a person here is logged as a read of their data, through the same guard as
every page (a restricted child needs break-glass), and the list never names a restricted child.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "kind", "date_of_birth", "created_at", "merged_into"]
    list_filter = ["kind"]
    search_fields = ["=id", "=nhs_number"]
    readonly_fields = (
        "kind",
        "first_name",
        "last_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "gender",
        "ethnicity",
        "nhs_number",
        "upn",
        "first_language",
        "interpreter_needed",
        "religion",
        "allocated_worker",
        "created_at",
        "merged_into",
        "addresses_held",
        "other_names",
        "relationships_held",
    )
    fields = readonly_fields

    @admin.display(description="Name")
    def name(self, obj: Person) -> str:
        # The restricted-records app masks a restricted child here (frontdoor.restricted.admin).
        return obj.full_name

    @admin.display(description="Addresses")
    def addresses_held(self, obj: Person) -> str:
        return (
            "; ".join(
                f"{a}" + (f" (moved out {a.moved_out:%-d %b %Y})" if a.moved_out else "")
                for a in obj.addresses.all()
            )
            or "None"
        )

    @admin.display(description="Other names")
    def other_names(self, obj: Person) -> str:
        return "; ".join(f"{a.first_name} {a.last_name} ({a.kind})" for a in obj.aliases.all()) or (
            "None"
        )

    @admin.display(description="Relationships")
    def relationships_held(self, obj: Person) -> str:
        rows = (
            obj.relationships.select_related("person")
            if obj.kind == "child"
            else (obj.relationships_to.select_related("child"))
        )
        return "; ".join(str(r) for r in rows) or "None"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        person = self.get_object(request, object_id)
        if person is not None and self.has_view_permission(request, person):
            access_log_record(
                user=request.user,  # type: ignore[arg-type]
                children=[person],
                record=person,
                action=AccessAction.VIEW,
                at=timezone.now(),
                path=request.path,
            )
        return super().change_view(request, object_id, form_url, extra_context)
