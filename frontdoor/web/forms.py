"""Forms: parse and check what people type; services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from frontdoor.accounts.models import Agency, User
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    LawfulBasis,
    ParentsAware,
    ReferralSource,
    ScreeningOutcome,
)
from frontdoor.mash.models import DecisionOutcome, Rating
from frontdoor.people.identifiers import nhs_number_normalise, nhs_number_valid
from frontdoor.people.models import Sex
from frontdoor.people.services import ChildDetails
from frontdoor.web.fields import GovDateField, GovTimeField, PartialDateField

YES_NO = [("yes", "Yes"), ("no", "No")]
LONG_TEXT = 10000


def _required(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


def _text(message: str, max_length: int = LONG_TEXT) -> forms.CharField:
    return forms.CharField(
        max_length=max_length,
        error_messages={
            "required": message,
            "max_length": f"Must be {max_length} characters or fewer",
        },
    )


def _optional_text(max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"Must be {max_length} characters or fewer"},
    )


def combine(day: Any, at: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


NHS_NUMBER_ERROR = "Enter a valid 10-digit NHS number, like 943 476 5919"


def _clean_nhs_number(value: str) -> str:
    if value.strip() and not nhs_number_valid(value):
        raise forms.ValidationError(NHS_NUMBER_ERROR)
    return nhs_number_normalise(value)


class ChildFieldsMixin(forms.Form):
    """A child's details, and the answer to "is this a child we already know?".

    ``existing_child`` is the id of the record chosen from the possible matches, or "new";
    ``match_check`` fingerprints the details the matches were shown for, so changing the
    details after seeing them shows the matches again.
    """

    first_name = _optional_text(100)
    last_name = _optional_text(100)
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    expected_date_of_birth = GovDateField(label_text="Expected date of birth", required=False)
    sex = forms.ChoiceField(choices=Sex.choices, error_messages=_required("Select the child's sex"))
    postcode = _optional_text(10)
    nhs_number = _optional_text(14)
    existing_child = _optional_text(20)
    match_check = _optional_text(64)

    def clean_nhs_number(self) -> str:
        return _clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

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
        choices=Channel.choices, error_messages=_required("Select how the contact arrived")
    )
    source = forms.ChoiceField(
        choices=ReferralSource.choices, error_messages=_required("Select the referral source")
    )
    referrer_name = _optional_text()
    referrer_role = _optional_text()
    referrer_agency = _optional_text()
    referrer_phone = _optional_text(40)
    referrer_email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    concern = _text("Enter the concern in the referrer's words")
    immediate_risk = forms.ChoiceField(
        choices=YES_NO, error_messages=_required("Select whether the child is at immediate risk")
    )
    consent_status = forms.ChoiceField(
        choices=ConsentStatus.choices,
        error_messages=_required("Select whether the family's consent was given"),
    )
    consent_reason = _optional_text(LONG_TEXT)
    lawful_basis = forms.ChoiceField(
        choices=LawfulBasis.choices,
        error_messages=_required("Select the lawful basis for sharing information"),
    )
    sharing_override_reason = _optional_text(LONG_TEXT)
    # The household (optional: "not asked" stays empty). The adults themselves are added from
    # the contact's page once it is saved ("Add a parent, carer or other adult").
    parents_aware = forms.ChoiceField(
        choices=[("", "Not asked"), *ParentsAware.choices],
        required=False,
        error_messages=_required("Select whether the parents or carers know about the contact"),
    )
    parental_responsibility_notes = _optional_text(2000)
    household_notes = _optional_text(2000)

    def received_at(self) -> datetime:
        return combine(self.cleaned_data["received_date"], self.cleaned_data["received_time"])


class ContactForm(ContactDetailsForm, ChildFieldsMixin):
    """A contact about a child who may or may not be known already."""


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=ScreeningOutcome.choices, error_messages=_required("Select the screening decision")
    )
    rating = forms.ChoiceField(choices=[("", ""), *Rating.choices], required=False)
    rationale = _text("Enter the reason for the decision")
    # Required by the service only when the decision is below the repeat rule's proposal.
    repeat_reason = _optional_text(2000)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, error_messages=_required("Select a rating"))
    reason = _text("Enter why the rating is changing")
    repeat_reason = _optional_text(2000)


class LivedExperienceForm(forms.Form):
    lived_experience = _text("Enter the child's lived experience")


class RequestSendForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True, receives_requests=True),
        empty_label=None,
        error_messages=_required("Select the agency to ask"),
    )
    note = _optional_text(2000)


class RequestAnswerForm(forms.Form):
    shared = forms.ChoiceField(
        choices=[
            ("yes", "Yes, share the information"),
            ("no", "No, the information is not shared"),
        ],
        error_messages=_required("Select whether your agency shares information"),
    )
    response = _optional_text(LONG_TEXT)
    not_shared_reason = _optional_text(LONG_TEXT)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DecisionOutcome.choices, error_messages=_required("Select the decision")
    )
    rationale = _text("Enter the rationale for the decision")
    referrer_feedback = _text("Enter the feedback to give the referrer")


REVIEW_CHOICES = [
    ("agree", "Yes, sign it off"),
    ("send_back", "No, send it back to be decided again"),
    ("replace", "No, record a different decision as my own"),
]


class SignOffForm(forms.Form):
    """A manager's review of a decision: agree, send back with reasons, or replace it."""

    review = forms.ChoiceField(
        choices=REVIEW_CHOICES,
        error_messages=_required("Select whether you agree with the decision"),
    )
    oversight = _optional_text(LONG_TEXT)
    outcome = forms.ChoiceField(choices=[("", ""), *DecisionOutcome.choices], required=False)
    referrer_feedback = _optional_text(LONG_TEXT)

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
        error_messages=_required("Select how you told the referrer"),
    )
    given_date = GovDateField(label_text="Date")
    given_time = GovTimeField(label_text="Time")
    note = _text("Enter what you told them, or what you tried")

    def given_at(self) -> datetime:
        return combine(self.cleaned_data["given_date"], self.cleaned_data["given_time"])


class OpenCaseForm(forms.Form):
    action_taken = _text("Enter what you did about the new information")


class TransferRequestForm(forms.Form):
    summary = _text("Enter a summary of the MASH information")


class TeamMemberForm(forms.Form):
    """Choose an active member of one team (allocating an enquiry or a transfer)."""

    allocated_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label=None,
        error_messages=_required("Select the social worker to allocate"),
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


class TransferReturnForm(forms.Form):
    return_reason = _text("Enter why the transfer is being returned")


class VisitForm(forms.Form):
    visited_date = GovDateField(label_text="Date of visit")
    visited_time = GovTimeField(label_text="Time of visit")
    child_seen = forms.ChoiceField(
        choices=YES_NO, error_messages=_required("Select whether the child was seen")
    )
    seen_alone = forms.ChoiceField(
        choices=YES_NO, error_messages=_required("Select whether the child was seen alone")
    )
    notes = _optional_text(LONG_TEXT)

    def visited_at(self) -> datetime:
        return combine(self.cleaned_data["visited_date"], self.cleaned_data["visited_time"])


SEARCH_WHO = [
    ("child", "Children"),
    ("adult", "Adults: parents, carers and others linked to a child"),
    ("any", "Children and adults"),
]
SEARCH_KINDS: dict[str, tuple[str, ...]] = {
    "child": ("child",),
    "adult": ("adult",),
    "any": ("child", "adult"),
}


class ChildSearchForm(forms.Form):
    """Find a child (or an adult: "Find a person") by any of what is known; partial dates of
    birth are allowed."""

    who = forms.ChoiceField(
        choices=SEARCH_WHO,
        required=False,
        error_messages=_required("Select who you are looking for"),
    )
    first_name = _optional_text(100)
    last_name = _optional_text(100)
    date_of_birth = PartialDateField(label_text="Date of birth", required=False)
    postcode = _optional_text(10)
    nhs_number = _optional_text(14)

    def clean_nhs_number(self) -> str:
        return _clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(f) for f in self.fields if f != "who"):
            raise forms.ValidationError(
                "Enter at least one of: a name, a date of birth, a postcode or an NHS number"
            )
        return data

    def kinds(self) -> tuple[str, ...]:
        return SEARCH_KINDS.get(self.cleaned_data.get("who") or "child", ("child",))
