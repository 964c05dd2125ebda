"""Forms for management oversight and case supervision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.oversight.services import ActionDraft
from frontdoor.web.fields import GovDateField, GovTimeField, text

LONG_TEXT = 10000


class OversightForm(forms.Form):
    direction = forms.CharField(
        max_length=LONG_TEXT,
        strip=True,
        error_messages={
            "required": "Enter your direction and the reasons for it",
            "max_length": f"Direction must be {LONG_TEXT:,} characters or fewer",
        },
    )


#: How many actions the supervision form offers (leave the rest blank).
ACTION_ROWS = 3


class SupervisionForm(forms.Form):
    """A case supervision: when, the reflective discussion, the plan, and up to three actions.

    An action row left wholly blank is ignored; a row partly filled in must be completed.
    """

    held_at = GovDateField(label_text="Date of the supervision")
    held_time = GovTimeField(label_text="Time of the supervision")
    lived_experience = text("Enter what the child's lived experience is", grouped=True)
    working_well = text("Enter what is working well", grouped=True)
    worries = text("Enter what you are worried about", grouped=True)
    analysis = text("Enter your analysis", grouped=True)
    decisions = text("Enter the decisions and the plan", grouped=True)

    def __init__(self, *args: Any, owners: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action{n}_description"] = forms.CharField(
                required=False,
                max_length=LONG_TEXT,
                error_messages={"max_length": f"Must be {LONG_TEXT:,} characters or fewer"},
            )
            self.fields[f"action{n}_owner"] = forms.ModelChoiceField(
                queryset=owners if owners is not None else User.objects.none(),
                required=False,
                empty_label="Choose who owns it",
                error_messages={"invalid_choice": f"Select who owns action {n}"},
            )
            self.fields[f"action{n}_due"] = GovDateField(
                label_text=f"Due date of action {n}", required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on = data.get("held_at")
        for n in range(1, ACTION_ROWS + 1):
            names = [f"action{n}_{part}" for part in ("description", "owner", "due")]
            if any(name in self.errors for name in names):
                continue
            description, owner, due = (data.get(name) for name in names)
            if not (description or owner or due):
                continue
            if not description:
                self.add_error(names[0], f"Enter what action {n} is")
            if owner is None:
                self.add_error(names[1], f"Select who owns action {n}: actions need an owner")
            if due is None:
                self.add_error(names[2], f"Enter when action {n} is due")
            elif held_on is not None and due < held_on:
                self.add_error(
                    names[2], f"Action {n} cannot be due before the supervision was held"
                )
        return data

    def held(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["held_at"], self.cleaned_data["held_time"])
        )

    def actions(self) -> list[ActionDraft]:
        drafts = []
        for n in range(1, ACTION_ROWS + 1):
            description = self.cleaned_data.get(f"action{n}_description") or ""
            owner = self.cleaned_data.get(f"action{n}_owner")
            due = self.cleaned_data.get(f"action{n}_due")
            if description or owner or due:
                drafts.append(ActionDraft(description=description, owner=owner, due_on=due))
        return drafts
