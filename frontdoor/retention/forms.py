"""Forms for the retention review and subject access pages."""

from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.people.chronology import surviving_record
from frontdoor.people.identifiers import nhs_number_normalise, nhs_number_valid
from frontdoor.people.models import Person, PersonKind


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        error_messages={"required": "Enter why this record must be kept"},
    )


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={
            "required": "Confirm that you have reviewed the records to be deleted",
        }
    )


class SubjectAccessForm(forms.Form):
    child = forms.CharField(
        max_length=20,
        error_messages={"required": "Enter the child's record number or NHS number"},
    )
    reason = forms.CharField(
        max_length=2000,
        error_messages={
            "required": "Enter why you are exporting this child's records, for example the "
            "subject access request's reference",
        },
    )

    def clean_child(self) -> Person:
        raw = "".join(self.cleaned_data["child"].split())
        if not raw.isdigit():
            raise forms.ValidationError("Enter the record number or NHS number in digits only")
        child: Person | None = None
        if len(raw) == 10 and nhs_number_valid(raw):
            child = (
                Person.objects.filter(kind=PersonKind.CHILD, nhs_number=nhs_number_normalise(raw))
                .order_by("merged_into_id", "pk")
                .first()
            )
        if child is None and len(raw) <= 12:
            child = Person.objects.filter(pk=int(raw), kind=PersonKind.CHILD).first()
        if child is None:
            raise forms.ValidationError("No child has this record number or NHS number")
        return surviving_record(child)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "reason" in data:
            data["reason"] = data["reason"].strip()
            if not data["reason"]:
                self.add_error("reason", self.fields["reason"].error_messages["required"])
        return data
