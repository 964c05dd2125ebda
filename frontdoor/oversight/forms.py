"""Forms for management oversight and case supervision."""

from __future__ import annotations

from django import forms

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
