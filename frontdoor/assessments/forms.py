"""Forms for the assessment pages: parse what people type; the services decide the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from frontdoor.assessments.codes import FACTOR_CHOICES
from frontdoor.assessments.models import NextStep
from frontdoor.web.fields import (
    LONG_TEXT,
    YES_NO,
    GovDateField,
    GovTimeField,
    combine,
    optional_text,
    required,
    text,
)


class StartForm(forms.Form):
    started_on = GovDateField(label_text="Start date")


class VisitForm(forms.Form):
    visited_date = GovDateField(label_text="Date of the visit")
    visited_time = GovTimeField(label_text="Time of the visit")
    child_seen = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child was seen")
    )
    seen_alone = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child was seen alone")
    )
    notes = optional_text(LONG_TEXT, grouped=True)

    def visited_at(self) -> datetime:
        return combine(self.cleaned_data["visited_date"], self.cleaned_data["visited_time"])


class CompleteForm(forms.Form):
    child_in_need = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child is in need")
    )
    next_step = forms.ChoiceField(
        choices=NextStep.choices, error_messages=required("Select the next step")
    )
    factors = forms.MultipleChoiceField(
        choices=FACTOR_CHOICES,
        error_messages={
            "required": "Select the factors identified, or ‘No factors identified’",
            "invalid_choice": "Select factors from the list",
        },
    )
    analysis = text("Enter the analysis and the reasons for the outcome", grouped=True)
    late_reason = optional_text(LONG_TEXT, grouped=True)

    def in_need(self) -> bool:
        return bool(self.cleaned_data["child_in_need"] == "yes")


class ReviewForm(forms.Form):
    """A manager's review: authorise, or return for more work (which needs a reason)."""

    decision = forms.ChoiceField(
        choices=[("authorise", "Authorise the assessment"), ("return", "Return it for more work")],
        error_messages=required("Select whether to authorise the assessment or return it"),
    )
    comment = optional_text(LONG_TEXT, grouped=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter what more work is needed")
        return data
