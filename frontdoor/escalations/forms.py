"""Forms for raising, answering, escalating and withdrawing escalations."""

from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.escalations.models import EscalationAbout, StageResult
from frontdoor.escalations.services import LONG_TEXT
from frontdoor.web.fields import text


class RaiseForm(forms.Form):
    about = forms.ChoiceField(
        choices=EscalationAbout.choices,
        error_messages={
            "required": "Select whether you disagree with a decision or a delay",
            "invalid_choice": "Select whether you disagree with a decision or a delay",
        },
    )
    reference = forms.CharField(
        required=False,
        max_length=30,
        strip=True,
        error_messages={"max_length": "Reference must be 30 characters or fewer"},
    )
    disagreement = text(
        "Enter what you disagree with", LONG_TEXT, name="What you disagree with", grouped=True
    )
    outcome_sought = text(
        "Enter what you want to happen", LONG_TEXT, name="What you want to happen", grouped=True
    )

    def __init__(self, *args: Any, needs_reference: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reference = needs_reference

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.needs_reference and not data.get("reference") and "reference" not in self.errors:
            self.add_error(
                "reference", "Enter the reference of the record, like E123, R45, T67 or C0001234"
            )
        return data


class RespondForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput, max_length=20)
    result = forms.ChoiceField(
        choices=[
            (StageResult.RESOLVED.value, "Resolve it"),
            (StageResult.ESCALATED.value, "Escalate it to the next stage"),
        ],
        error_messages={
            "required": "Select whether you resolve it or escalate it",
            "invalid_choice": "Select whether you resolve it or escalate it",
        },
    )
    response = text(
        "Enter how it is resolved, or why it needs the next stage",
        LONG_TEXT,
        name="Your answer",
        grouped=True,
    )
    learning = forms.CharField(
        required=False,
        max_length=LONG_TEXT,
        strip=True,
        error_messages={"max_length": f"Learning must be {LONG_TEXT:,} characters or fewer"},
    )


class ReasonForm(forms.Form):
    reason = text("Enter your reason", LONG_TEXT, name="Your reason", grouped=True)


class DisagreeForm(forms.Form):
    """A referrer's disagreement, through their referral's outcome link."""

    child = forms.ChoiceField(
        error_messages={
            "required": "Select which child's decision you disagree with",
            "invalid_choice": "Select which child's decision you disagree with",
        }
    )
    disagreement = text(
        "Enter what you disagree with", LONG_TEXT, name="What you disagree with", grouped=True
    )
    outcome_sought = text(
        "Enter what you want to happen", LONG_TEXT, name="What you want to happen", grouped=True
    )

    def __init__(self, *args: Any, children: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = children
        if len(children) == 1 and not self.is_bound:
            self.initial["child"] = children[0][0]
