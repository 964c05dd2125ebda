"""Form cleaning shared by every page that records a person (a contact's child, a correction
of a record): the NHS number. The children's pages' own forms are in
``frontdoor.children.forms``."""

from __future__ import annotations

from django import forms

from frontdoor.people.identifiers import nhs_number_normalise, nhs_number_valid

NHS_NUMBER_ERROR = "Enter a valid 10-digit NHS number, like 943 476 5919"


def clean_nhs_number(value: str) -> str:
    """An NHS number as stored (digits only), or empty; refuses one that is not valid."""
    if value.strip() and not nhs_number_valid(value):
        raise forms.ValidationError(NHS_NUMBER_ERROR)
    return nhs_number_normalise(value)
