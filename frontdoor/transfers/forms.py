"""Forms for transfers to the assessment team and first visits."""

from __future__ import annotations

from datetime import datetime

from django import forms

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


class TransferRequestForm(forms.Form):
    summary = text("Enter a summary of the MASH information")


class TransferReturnForm(forms.Form):
    return_reason = text("Enter why the transfer is being returned")


class VisitForm(forms.Form):
    visited_date = GovDateField(label_text="Date of visit")
    visited_time = GovTimeField(label_text="Time of visit")
    child_seen = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child was seen")
    )
    seen_alone = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child was seen alone")
    )
    notes = optional_text(LONG_TEXT)

    def visited_at(self) -> datetime:
        return combine(self.cleaned_data["visited_date"], self.cleaned_data["visited_time"])
