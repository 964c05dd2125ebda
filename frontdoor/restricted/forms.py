"""Forms for restricting a record, naming who may see it, lifting it, and break-glass."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from frontdoor.accounts.models import User
from frontdoor.restricted.models import RestrictionCategory
from frontdoor.web.fields import text

LONG_TEXT = 5000


def staff_users() -> QuerySet[User]:
    """Who can be named on a restriction: active users with a role."""
    return User.objects.filter(is_active=True).exclude(role="").select_related("team")


def user_label(user: User) -> str:
    where = user.team.name if user.team_id and user.team else user.get_role_display()
    return f"{user.display_name} ({where})"


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


def _user_field(required: bool) -> _UserChoice:
    return _UserChoice(
        queryset=staff_users(),
        required=required,
        empty_label="Choose a person",
        error_messages={
            "required": "Select the person who may see this record",
            "invalid_choice": "Select a person from the list",
        },
    )


class RestrictForm(forms.Form):
    category = forms.ChoiceField(
        choices=RestrictionCategory.choices,
        error_messages={
            "required": "Select why the record is restricted",
            "invalid_choice": "Select why the record is restricted",
        },
    )
    reason = text("Enter the reason the record is restricted", LONG_TEXT, grouped=True)
    user = _user_field(required=False)


class NameForm(forms.Form):
    user = _user_field(required=True)


class LiftForm(forms.Form):
    lift_reason = text("Enter the reason the restriction is lifted", LONG_TEXT, grouped=True)


class BreakGlassForm(forms.Form):
    reason = text(
        "Enter your reason for opening this record in at least a sentence, for example the "
        "enquiry or call you are dealing with",
        LONG_TEXT,
        grouped=True,
    )
