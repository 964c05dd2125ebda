"""Forms for the contact pages: recording a contact (and its child), adding a child, screening,
feedback to the referrer given by phone or letter, and acting on new information on an open
case. They parse and check what people type; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from frontdoor.intake.corrections import CONTACT_FIELDS
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    LawfulBasis,
    ParentsAware,
    Rating,
    ReferralSource,
    ScreeningOutcome,
)
from frontdoor.people.forms import clean_nhs_number
from frontdoor.people.models import Sex
from frontdoor.people.services import ChildDetails
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


class ChildFieldsMixin(forms.Form):
    """A child's details, and the answer to "is this a child we already know?".

    ``existing_child`` is the id of the record chosen from the possible matches, or "new";
    ``match_check`` fingerprints the details the matches were shown for, so changing the
    details after seeing them shows the matches again.
    """

    first_name = optional_text(100)
    last_name = optional_text(100)
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    expected_date_of_birth = GovDateField(label_text="Expected date of birth", required=False)
    sex = forms.ChoiceField(choices=Sex.choices, error_messages=required("Select the child's sex"))
    postcode = optional_text(10)
    nhs_number = optional_text(14)
    existing_child = optional_text(20)
    match_check = optional_text(64)

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def child_details(self) -> ChildDetails:
        data = self.cleaned_data
        return ChildDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            expected_date_of_birth=data["expected_date_of_birth"],
            sex=data["sex"],
            postcode=data["postcode"],
            nhs_number=data["nhs_number"],
        )


class ChildForm(ChildFieldsMixin):
    pass


class ContactDetailsForm(forms.Form):
    """The contact itself: when, how, who is worried, the concern, consent."""

    received_date = GovDateField(label_text="Date received")
    received_time = GovTimeField(label_text="Time received")
    channel = forms.ChoiceField(
        choices=Channel.choices, error_messages=required("Select how the contact arrived")
    )
    source = forms.ChoiceField(
        choices=ReferralSource.choices, error_messages=required("Select the referral source")
    )
    referrer_name = optional_text()
    referrer_role = optional_text()
    referrer_agency = optional_text()
    referrer_phone = optional_text(40)
    referrer_email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    concern = text("Enter the concern in the referrer's words")
    immediate_risk = forms.ChoiceField(
        choices=YES_NO, error_messages=required("Select whether the child is at immediate risk")
    )
    consent_status = forms.ChoiceField(
        choices=ConsentStatus.choices,
        error_messages=required("Select whether the family's consent was given"),
    )
    consent_reason = optional_text(LONG_TEXT)
    lawful_basis = forms.ChoiceField(
        choices=LawfulBasis.choices,
        error_messages=required("Select the lawful basis for sharing information"),
    )
    sharing_override_reason = optional_text(LONG_TEXT)
    # The household (optional: "not asked" stays empty). The adults themselves are added from
    # the contact's page once it is saved ("Add a parent, carer or other adult").
    parents_aware = forms.ChoiceField(
        choices=[("", "Not asked"), *ParentsAware.choices],
        required=False,
        error_messages=required("Select whether the parents or carers know about the contact"),
    )
    parental_responsibility_notes = optional_text(2000)
    household_notes = optional_text(2000)

    def received_at(self) -> datetime:
        return combine(self.cleaned_data["received_date"], self.cleaned_data["received_time"])


class ContactForm(ContactDetailsForm, ChildFieldsMixin):
    """A contact about a child who may or may not be known already."""


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=ScreeningOutcome.choices, error_messages=required("Select the screening decision")
    )
    rating = forms.ChoiceField(choices=[("", ""), *Rating.choices], required=False)
    rationale = text("Enter the reason for the decision")
    # Required by the service only when the decision is below the repeat rule's proposal.
    repeat_reason = optional_text(2000)


FEEDBACK_METHOD_CHOICES = [
    ("phone", "I phoned the referrer"),
    ("letter", "I wrote to the referrer"),
    ("unreachable", "I could not reach the referrer"),
]


class FeedbackRecordForm(forms.Form):
    """A call or letter that told the referrer the decision (or that they could not be
    reached)."""

    method = forms.ChoiceField(
        choices=FEEDBACK_METHOD_CHOICES,
        error_messages=required("Select how you told the referrer"),
    )
    given_date = GovDateField(label_text="Date")
    given_time = GovTimeField(label_text="Time")
    note = text("Enter what you told them, or what you tried")

    def given_at(self) -> datetime:
        return combine(self.cleaned_data["given_date"], self.cleaned_data["given_time"])


class OpenCaseForm(forms.Form):
    action_taken = text("Enter what you did about the new information")


class ContactEditForm(ContactDetailsForm):
    """Every detail of a contact, starting from what it holds now, and the reason."""

    reason = text("Enter why the contact is being changed", 2000)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        received = timezone.localtime(contact.received_at)
        # What the page asks as it is stored: the time and the risk are asked another way.
        initial: dict[str, Any] = {
            name: getattr(contact, name)
            for name in CONTACT_FIELDS
            if name not in ("received_at", "immediate_risk")
        }
        initial["received_date"] = received.date()
        initial["received_time"] = f"{received:%H:%M}"
        initial["immediate_risk"] = "yes" if contact.immediate_risk else "no"
        self.contact = contact
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        changes: dict[str, Any] = {
            name: data[name]
            for name in data
            if name not in ("received_date", "received_time", "reason", "immediate_risk")
        }
        changes["immediate_risk"] = data["immediate_risk"] == "yes"
        received: datetime = self.received_at()
        shown = timezone.localtime(self.contact.received_at).replace(second=0, microsecond=0)
        # The page shows the time to the minute: left as shown, it keeps its seconds.
        changes["received_at"] = self.contact.received_at if received == shown else received
        return changes
