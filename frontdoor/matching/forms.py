"""Forms for reviewing duplicates: parse what the reviewer chose; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.people.models import Person
from frontdoor.web.fields import text


class MergeForm(forms.Form):
    """Which of two records to keep, and why they are the same child."""

    kept = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Select which record to keep",
            "invalid_choice": "Select which record to keep",
        },
    )
    reason = text("Enter why these two records are the same child")
    overrule_not_same = forms.BooleanField(required=False)

    def __init__(self, *args: Any, people: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["kept"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"Keep {p.full_name} (record {p.pk})") for p in people
        ]

    def kept_and_merged(self) -> tuple[Person, Person]:
        kept_pk = self.cleaned_data["kept"]
        kept = next(p for p in self.people if p.pk == kept_pk)
        merged = next(p for p in self.people if p.pk != kept_pk)
        return kept, merged


class NotSameForm(forms.Form):
    note = text("Enter how you know these are two different children")


class UndoMergeForm(forms.Form):
    reason = text("Enter why these records are two different children")
