"""Forms for the MASH enquiry pages: rating, allocation, lived experience, partner requests and
their answers, the decision and its sign-off."""

from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.accounts.models import Agency, User
from frontdoor.mash.models import DecisionOutcome, Rating
from frontdoor.web.fields import LONG_TEXT, optional_text, required, text


class RatingForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, error_messages=required("Select a rating"))
    reason = text("Enter why the rating is changing")
    repeat_reason = optional_text(2000)


class LivedExperienceForm(forms.Form):
    lived_experience = text("Enter the child's lived experience")


class RequestSendForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True, receives_requests=True),
        empty_label=None,
        error_messages=required("Select the agency to ask"),
    )
    note = optional_text(2000)


class RequestAnswerForm(forms.Form):
    shared = forms.ChoiceField(
        choices=[
            ("yes", "Yes, share the information"),
            ("no", "No, the information is not shared"),
        ],
        error_messages=required("Select whether your agency shares information"),
    )
    response = optional_text(LONG_TEXT)
    not_shared_reason = optional_text(LONG_TEXT)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DecisionOutcome.choices, error_messages=required("Select the decision")
    )
    rationale = text("Enter the rationale for the decision")
    referrer_feedback = text("Enter the feedback to give the referrer")


REVIEW_CHOICES = [
    ("agree", "Yes, sign it off"),
    ("send_back", "No, send it back to be decided again"),
    ("replace", "No, record a different decision as my own"),
]


class SignOffForm(forms.Form):
    """A manager's review of a decision: agree, send back with reasons, or replace it."""

    review = forms.ChoiceField(
        choices=REVIEW_CHOICES,
        error_messages=required("Select whether you agree with the decision"),
    )
    oversight = optional_text(LONG_TEXT)
    outcome = forms.ChoiceField(choices=[("", ""), *DecisionOutcome.choices], required=False)
    referrer_feedback = optional_text(LONG_TEXT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        review = data.get("review")
        if not (data.get("oversight") or "").strip():
            message = {
                "agree": "Enter your management oversight and rationale",
                "send_back": "Enter what the worker should reconsider, and why",
                "replace": "Enter the rationale for your decision",
            }.get(review or "", "Enter your management oversight and rationale")
            self.add_error("oversight", message)
        if review == "replace":
            if not data.get("outcome"):
                self.add_error("outcome", "Select your decision")
            if not (data.get("referrer_feedback") or "").strip():
                self.add_error("referrer_feedback", "Enter the feedback to give the referrer")
        return data


class TeamMemberForm(forms.Form):
    """Choose an active member of one team (allocating an enquiry or a transfer)."""

    allocated_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label=None,
        error_messages=required("Select the social worker to allocate"),
    )

    def __init__(self, *args: Any, team_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["allocated_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(team_id=team_id, is_active=True)
            if team_id is not None
            else User.objects.none()
        )
