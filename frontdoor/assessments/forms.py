"""Forms for the assessment pages: parse what people type; the services decide the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from frontdoor.assessments.codes import FACTOR_CHOICES
from frontdoor.assessments.models import NextStep
from frontdoor.web.fields import GovDateField, GovTimeField, combine

YES_NO = [("yes", "Yes"), ("no", "No")]
LONG_TEXT = 10000


def _choice(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


def _text(*, required: bool, message: str = "") -> forms.CharField:
    return forms.CharField(
        required=required,
        max_length=LONG_TEXT,
        error_messages={
            "required": message,
            "max_length": f"Must be {LONG_TEXT:,} characters or fewer",
        },
    )


class StartForm(forms.Form):
    started_on = GovDateField(label_text="Start date")


class VisitForm(forms.Form):
    visited_date = GovDateField(label_text="Date of the visit")
    visited_time = GovTimeField(label_text="Time of the visit")
    child_seen = forms.ChoiceField(
        choices=YES_NO, error_messages=_choice("Select whether the child was seen")
    )
    seen_alone = forms.ChoiceField(
        choices=YES_NO, error_messages=_choice("Select whether the child was seen alone")
    )
    notes = _text(required=False)

    def visited_at(self) -> datetime:
        return combine(self.cleaned_data["visited_date"], self.cleaned_data["visited_time"])


class CompleteForm(forms.Form):
    child_in_need = forms.ChoiceField(
        choices=YES_NO, error_messages=_choice("Select whether the child is in need")
    )
    next_step = forms.ChoiceField(
        choices=NextStep.choices, error_messages=_choice("Select the next step")
    )
    factors = forms.MultipleChoiceField(
        choices=FACTOR_CHOICES,
        error_messages={
            "required": "Select the factors identified, or ‘No factors identified’",
            "invalid_choice": "Select factors from the list",
        },
    )
    analysis = _text(required=True, message="Enter the analysis and the reasons for the outcome")
    late_reason = _text(required=False)

    def in_need(self) -> bool:
        return bool(self.cleaned_data["child_in_need"] == "yes")


class ReviewForm(forms.Form):
    """A manager's review: authorise, or return for more work (which needs a reason)."""

    decision = forms.ChoiceField(
        choices=[("authorise", "Authorise the assessment"), ("return", "Return it for more work")],
        error_messages=_choice("Select whether to authorise the assessment or return it"),
    )
    comment = _text(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter what more work is needed")
        return data
