"""Forms for the data protection officer's pages: the filters and the export's reason."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.people.models import Person, PersonKind
from frontdoor.web.fields import GovDateField


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else timezone.make_aware(datetime.combine(day, time.min))


class AccessFilterForm(forms.Form):
    date_from = GovDateField(label_text="From date", required=False)
    date_to = GovDateField(label_text="To date", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data

    def since(self) -> datetime | None:
        return _start_of(self.cleaned_data.get("date_from"))

    def until(self) -> datetime | None:
        """The end of the "to" day (entries before the next midnight)."""
        end = self.cleaned_data.get("date_to")
        return _start_of(end + timedelta(days=1)) if end else None

    def clean_user_field(self, name: str, *, required: bool) -> User | None:
        username = (self.cleaned_data.get(name) or "").strip()
        if not username:
            if required:
                raise forms.ValidationError("Enter the user's username")
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("No user has that username")
        return user


class ChildAccessForm(AccessFilterForm):
    """Who accessed this child: by record number (or NHS number), optionally one user's."""

    child = forms.CharField(
        max_length=20,
        error_messages={
            "required": "Enter the child's record number or NHS number",
            "max_length": "Record number or NHS number must be 20 characters or fewer",
        },
    )
    username = forms.CharField(max_length=150, required=False)

    field_order = ["child", "username", "date_from", "date_to"]

    def clean_child(self) -> Person:
        value = "".join(self.cleaned_data["child"].split())
        if not value.isdigit():
            raise forms.ValidationError("Record number or NHS number must only include numbers")
        children = Person.objects.filter(kind=PersonKind.CHILD)
        if len(value) == 10:
            child = children.filter(nhs_number=value).first()
        else:
            child = children.filter(pk=int(value)).first() if len(value) <= 12 else None
        if child is None:
            raise forms.ValidationError("No child has that record number or NHS number")
        return child

    def clean_username(self) -> User | None:
        return self.clean_user_field("username", required=False)


class UserAccessForm(AccessFilterForm):
    """What did this user access."""

    username = forms.CharField(
        max_length=150, error_messages={"required": "Enter the user's username"}
    )

    field_order = ["username", "date_from", "date_to"]

    def clean_username(self) -> User | None:
        return self.clean_user_field("username", required=True)


class ExportForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        error_messages={
            "required": "Enter why you are exporting this access log",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )
