"""The people admin's list never names a restricted child: this app, above the children app,
replaces its admin with one that masks them (opening one still goes through the guard)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from frontdoor.people.admin import PersonAdmin
from frontdoor.people.models import Person
from frontdoor.restricted.selectors import live_restrictions, masked_label


class RestrictedPersonAdmin(PersonAdmin):
    @admin.display(description="Name")
    def name(self, obj: Person) -> str:
        return masked_label(obj) if getattr(obj, "restricted", False) else obj.full_name

    def get_queryset(self, request: HttpRequest) -> Any:
        live = live_restrictions().filter(child=OuterRef("pk"))
        return super().get_queryset(request).annotate(restricted=Exists(live))


admin.site.unregister(Person)
admin.site.register(Person, RestrictedPersonAdmin)
