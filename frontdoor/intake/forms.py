"""The online referral form's pages: one Django form per question page.

Each form parses and checks what one page asks, with GOV.UK error messages. The rules that
belong to a referral whatever channel it comes by (dates of birth, NHS numbers, postcodes,
consent needs a reason) are the domain's own (``frontdoor.intake.payload``): the forms call
them rather than repeat them. ``referral_document`` turns a draft's saved answers into the
``ReferralIn`` shape the partner API also accepts.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from pydantic import BaseModel

from frontdoor.intake.models import ConsentStatus, LawfulBasis
from frontdoor.intake.payload import (
    ADULT_RELATIONSHIP_LABELS,
    ORGANISATION_LABELS,
    RELATIONSHIP_LABELS,
    AdultIn,
    ChildIn,
    ReferralIn,
    ReferrerIn,
    child_problems,
)
from frontdoor.people.identifiers import nhs_number_normalise, postcode_normalise
from frontdoor.people.models import Sex
from frontdoor.web.fields import YES_NO, GovDateField, choice, text


def limit(schema: type[BaseModel], field: str) -> int:
    """The maximum length ``payload.py`` allows for a text field, so the two never differ."""
    for item in schema.model_fields[field].metadata:
        max_length = getattr(item, "max_length", None)
        if max_length is not None:
            return int(max_length)
    raise LookupError(f"{schema.__name__}.{field} has no maximum length")


def _text(max_length: int, *, required: str = "", too_long: str = "Your answer") -> forms.CharField:
    """A text answer named ``too_long`` in its errors; ``required`` is the message when it is
    left empty (empty: optional)."""
    return text(required, max_length, name=too_long, grouped=True, nulls=True)


def _email(required: str = "") -> forms.EmailField:
    return forms.EmailField(
        required=bool(required),
        max_length=limit(ReferrerIn, "email"),
        error_messages={
            "required": required,
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": f"Email address must be {limit(ReferrerIn, 'email')} characters or fewer",
            "null_characters_not_allowed": "Enter an email address in the correct format, "
            "like name@example.com",
        },
    )


PHONE = re.compile(r"^\+?[\d\s().-]+$")


def _phone_clean(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if value and (not PHONE.match(value) or not value.isascii() or not 7 <= len(digits) <= 15):
        raise forms.ValidationError(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        )
    return value


class QuestionForm(forms.Form):
    """A question page: its answers as the draft stores them, and back again."""

    def answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {name: data[name] for name in cls.base_fields if name in data}


# --------------------------------------------------------------------------- about you


KIND_CHOICES = [
    ("professional", "I am a professional"),
    ("public", "I am a member of the public"),
]
KIND_HINTS = {
    "professional": "For example, a teacher, doctor, nurse, health visitor, police officer, "
    "youth worker or someone else who works with children or families",
    "public": "For example, a relative, neighbour or friend of the family, or the child or young "
    "person themselves",
}


class WhoForm(QuestionForm):
    kind = choice("Select whether you are a professional or a member of the public", KIND_CHOICES)

    def answers(self) -> dict[str, Any]:
        return {"kind": self.cleaned_data["kind"]}


class ProfessionalForm(QuestionForm):
    name = _text(limit(ReferrerIn, "name"), required="Enter your full name", too_long="Name")
    role = _text(limit(ReferrerIn, "role"), required="Enter your job title", too_long="Job title")
    organisation = _text(
        limit(ReferrerIn, "organisation"),
        required="Enter the name of your organisation",
        too_long="Organisation name",
    )
    organisation_type = choice(
        "Select the type of organisation you work for", list(ORGANISATION_LABELS.items())
    )
    email = _email("Enter your work email address")
    phone = _text(limit(ReferrerIn, "phone"), too_long="Telephone number")

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data["phone"])

    def answers(self) -> dict[str, Any]:
        return {
            "kind": "professional",
            **self.cleaned_data,
            "relationship": None,
            "anonymous_to_family": False,
        }


class PublicForm(QuestionForm):
    relationship = choice("Select how you know the child", list(RELATIONSHIP_LABELS.items()))
    name = _text(limit(ReferrerIn, "name"), too_long="Name")
    phone = _text(limit(ReferrerIn, "phone"), too_long="Telephone number")
    email = _email()
    anonymous_to_family = choice(
        "Select yes if you would like the family not to know you made this referral", YES_NO
    )

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data["phone"])

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": "public",
            "name": data["name"],
            "role": "",
            "organisation": "",
            "organisation_type": None,
            "relationship": data["relationship"],
            "email": data["email"],
            "phone": data["phone"],
            "anonymous_to_family": data["anonymous_to_family"] == "yes",
        }

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(data)
        if "anonymous_to_family" in data:
            initial["anonymous_to_family"] = "yes" if data["anonymous_to_family"] else "no"
        return initial


# --------------------------------------------------------------------------- immediate risk


class RiskForm(QuestionForm):
    immediate_risk = choice(
        "Select yes if a child is in immediate danger or at risk of significant harm right now",
        YES_NO,
    )

    def answers(self) -> dict[str, Any]:
        return {"immediate_risk": self.cleaned_data["immediate_risk"] == "yes"}

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        if "immediate_risk" not in data:
            return {}
        return {"immediate_risk": "yes" if data["immediate_risk"] else "no"}


# --------------------------------------------------------------------------- children


def date_or_none(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class ChildForm(QuestionForm):
    """Who the child is: name, born or not, sex, NHS number, where they are now, needs."""

    first_name = _text(limit(ChildIn, "first_name"), too_long="First name")
    last_name = _text(limit(ChildIn, "last_name"), too_long="Last name")
    born = choice("Select yes if the child has been born", YES_NO)
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    expected_date_of_birth = GovDateField(label_text="Expected date of birth", required=False)
    sex = choice("Select the child's sex", list(Sex.choices))
    nhs_number = _text(32, too_long="NHS number")
    current_location = _text(limit(ChildIn, "current_location"), too_long="Where the child is now")
    needs = _text(limit(ChildIn, "needs"), too_long="The child's needs")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born = data.get("born")
        # The date that does not apply is ignored, even if something was typed into it.
        unused = {"yes": "expected_date_of_birth", "no": "date_of_birth"}.get(str(born))
        if unused:
            self.errors.pop(unused, None)
            data[unused] = None
        if self.errors:
            return data
        if born == "no" and data.get("expected_date_of_birth") is None:
            self.add_error("expected_date_of_birth", "Enter the expected date of birth")
            return data
        data["nhs_number"] = nhs_number_normalise(data.get("nhs_number", ""))
        child = ChildIn.model_construct(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
            expected_date_of_birth=data.get("expected_date_of_birth"),
            nhs_number=data["nhs_number"],
        )
        problems = child_problems(child, timezone.localdate())
        if "first_name" in problems:
            problems["first_name"] = (
                "Enter the child's first name or last name"
                if born == "yes"
                else "Enter the baby's name, or their expected date of birth"
            )
        for field, message in problems.items():
            if field in self.fields:
                self.add_error(field, message)
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "born": data["born"],
            "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else None,
            "expected_date_of_birth": (
                data["expected_date_of_birth"].isoformat()
                if data["expected_date_of_birth"]
                else None
            ),
            "sex": data["sex"],
            "nhs_number": data["nhs_number"],
            "current_location": data["current_location"],
            "needs": data["needs"],
        }

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(data)
        for name in ("date_of_birth", "expected_date_of_birth"):
            initial[name] = date_or_none(data.get(name))
        return initial


class ChildAddressForm(QuestionForm):
    address_line_1 = _text(limit(ChildIn, "address_line_1"), too_long="Address line 1")
    town = _text(limit(ChildIn, "town"), too_long="Town or city")
    postcode = _text(32, too_long="Postcode")
    previous_addresses = _text(limit(ChildIn, "previous_addresses"), too_long="Previous addresses")

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data["postcode"])
        if not value:
            return ""
        problems = child_problems(ChildIn.model_construct(postcode=value), timezone.localdate())
        if "postcode" in problems:
            raise forms.ValidationError(problems["postcode"])
        return postcode_normalise(value)


class AddAnotherForm(QuestionForm):
    add_another = choice("Select yes if you need to add another child", YES_NO)


class RemoveChildForm(QuestionForm):
    remove = choice("Select yes if you want to remove this child", YES_NO)


# --------------------------------------------------------------------------- family


class FamilyForm(QuestionForm):
    parental_responsibility = _text(
        limit(ReferralIn, "parental_responsibility"), too_long="Who has parental responsibility"
    )
    household = _text(limit(ReferralIn, "household"), too_long="Who lives with the child")


YES_NO_NOT_KNOWN = [("yes", "Yes"), ("no", "No"), ("not_known", "I do not know")]


class AdultForm(QuestionForm):
    """A parent, carer or other adult in the child's life (the structured ``adults``)."""

    first_name = _text(limit(AdultIn, "first_name"), too_long="First name")
    last_name = _text(limit(AdultIn, "last_name"), too_long="Last name")
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    relationship = choice(
        "Select how they are related to the child", list(ADULT_RELATIONSHIP_LABELS.items())
    )
    parental_responsibility = choice(
        "Select whether they have parental responsibility for the child", YES_NO_NOT_KNOWN
    )
    lives_with_child = choice("Select whether they live with the child", YES_NO_NOT_KNOWN)
    alleged_perpetrator = choice(
        "Select yes if they have harmed the child, or you think they might", YES_NO
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("first_name", "last_name")
        if not any(n in self.errors for n in names) and not any(data.get(n) for n in names):
            self.add_error("first_name", "Enter their first name or last name")
        born = data.get("date_of_birth")
        if born is not None and born > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else None,
            "relationship": data["relationship"],
            "parental_responsibility": data["parental_responsibility"] == "yes",
            "lives_with_child": data["lives_with_child"] == "yes",
            "alleged_perpetrator": data["alleged_perpetrator"] == "yes",
            # What was answered, so "I do not know" shows again when changing the answer.
            "answered": {
                "parental_responsibility": data["parental_responsibility"],
                "lives_with_child": data["lives_with_child"],
            },
        }

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        if not data:
            return {}
        answered = data.get("answered") or {}
        return {
            "first_name": data.get("first_name", ""),
            "last_name": data.get("last_name", ""),
            "date_of_birth": date_or_none(data.get("date_of_birth")),
            "relationship": data.get("relationship"),
            "parental_responsibility": answered.get("parental_responsibility")
            or ("yes" if data.get("parental_responsibility") else "no"),
            "lives_with_child": answered.get("lives_with_child")
            or ("yes" if data.get("lives_with_child") else "no"),
            "alleged_perpetrator": "yes" if data.get("alleged_perpetrator") else "no",
        }


class AddAnotherAdultForm(QuestionForm):
    add_another = choice("Select yes if you need to add another adult", YES_NO)


class RemoveAdultForm(QuestionForm):
    remove = choice("Select yes if you want to remove this person", YES_NO)


PARENTS_AWARE_CHOICES = [
    ("yes", "Yes"),
    ("no", "No"),
    ("not_known", "I do not know"),
]


class ParentsAwareForm(QuestionForm):
    parents_aware = choice(
        "Select whether the child's parents or carers know about this referral",
        PARENTS_AWARE_CHOICES,
    )


# --------------------------------------------------------------------------- the concern


class ConcernForm(QuestionForm):
    concern = _text(
        limit(ReferralIn, "concern"),
        required="Describe what you are worried about",
        too_long="What you are worried about",
    )
    when_and_where = _text(
        limit(ReferralIn, "when_and_where"), too_long="When and where it happened"
    )


# --------------------------------------------------------------------------- consent


CONSENT_CHOICES = [
    (ConsentStatus.GIVEN.value, "Yes, they agree"),
    (ConsentStatus.REFUSED.value, "No, they do not agree"),
    (ConsentStatus.ASKED_NO_ANSWER.value, "I asked them but they have not answered yet"),
    (ConsentStatus.NOT_SOUGHT.value, "I have not asked them"),
]
CONSENT_REASON_MESSAGE = "Explain why the family has not agreed, or why you did not ask them"


class ConsentForm(QuestionForm):
    consent_status = choice("Select whether the family agrees to this referral", CONSENT_CHOICES)
    consent_reason = _text(limit(ReferralIn, "consent_reason"), too_long="Your reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("consent_status")
        if status == ConsentStatus.GIVEN:
            data["consent_reason"] = ""
        elif status and "consent_reason" in data and not data["consent_reason"]:
            self.add_error("consent_reason", CONSENT_REASON_MESSAGE)
        return data


# --------------------------------------------------------------------------- lawful basis


LAWFUL_BASIS_CHOICES = [
    (LawfulBasis.PUBLIC_TASK.value, "Public task"),
    (LawfulBasis.LEGAL_OBLIGATION.value, "Legal obligation"),
    (LawfulBasis.VITAL_INTERESTS.value, "Vital interests"),
    (LawfulBasis.CONSENT.value, "Consent"),
]
LAWFUL_BASIS_HINTS = {
    LawfulBasis.PUBLIC_TASK.value: "UK GDPR Article 6(1)(e). The usual basis when a professional "
    "shares information to keep a child safe.",
    LawfulBasis.LEGAL_OBLIGATION.value: "UK GDPR Article 6(1)(c). A law requires you to share it.",
    LawfulBasis.VITAL_INTERESTS.value: "UK GDPR Article 6(1)(d). Sharing is needed to protect "
    "someone's life.",
    LawfulBasis.CONSENT.value: "UK GDPR Article 6(1)(a). Only if the family agreed to this "
    "referral.",
}


class LawfulBasisForm(QuestionForm):
    lawful_basis = choice(
        "Select the lawful basis for sharing this information", LAWFUL_BASIS_CHOICES
    )

    def __init__(self, *args: Any, consent_status: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_status = consent_status

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("lawful_basis") == LawfulBasis.CONSENT
            and self.consent_status != ConsentStatus.GIVEN
        ):
            self.add_error(
                "lawful_basis",
                "Consent cannot be the lawful basis because the family has not agreed to "
                "this referral",
            )
        return data


# --------------------------------------------------------------------------- evidence


class EvidenceForm(forms.Form):
    documents = forms.FileField(
        required=False,
        max_length=1000,
        allow_empty_file=True,
        error_messages={
            "invalid": "The selected file could not be uploaded – try again",
            "missing": "The selected file could not be uploaded – try again",
            "max_length": "The name of the selected file must be 1,000 characters or fewer",
            "contradiction": "The selected file could not be uploaded – try again",
        },
    )


class RemoveDocumentForm(forms.Form):
    document = forms.IntegerField(
        min_value=1, max_value=2**62, error_messages={"invalid": "Select a file to remove"}
    )


# --------------------------------------------------------------------------- save for later


class SaveForLaterForm(forms.Form):
    email = _email("Enter your email address")


# --------------------------------------------------------------------------- the whole referral


CHILD_KEYS = tuple(ChildIn.model_fields)
ADULT_KEYS = tuple(AdultIn.model_fields)
DRAFT_KEYS = (
    "when_and_where",
    "parental_responsibility",
    "household",
    "parents_aware",
    "consent_reason",
)


def referral_document(data: dict[str, Any]) -> dict[str, Any]:
    """The ``ReferralIn`` document a draft's answers make (validate it with ``ReferralIn``).

    Members of the public are not asked for a lawful basis: theirs is recorded as public
    task, the council's own basis for acting on what they tell it.
    """
    referrer = dict(data.get("referrer") or {})
    professional = referrer.get("kind") == "professional"
    document: dict[str, Any] = {
        "referrer": referrer,
        "children": [
            {key: child[key] for key in CHILD_KEYS if child.get(key) is not None}
            for child in data.get("children") or []
        ],
        "concern": data.get("concern", ""),
        "immediate_risk": data.get("immediate_risk"),
        **(
            {
                "adults": [
                    {key: adult[key] for key in ADULT_KEYS if adult.get(key) is not None}
                    for adult in data["adults"]
                    if isinstance(adult, dict)
                ]
            }
            if data.get("adults")
            else {}
        ),
        "consent_status": data.get("consent_status"),
        "lawful_basis": (
            data.get("lawful_basis", LawfulBasis.PUBLIC_TASK)
            if professional
            else LawfulBasis.PUBLIC_TASK
        ),
    }
    document.update({key: data[key] for key in DRAFT_KEYS if key in data})
    return document
