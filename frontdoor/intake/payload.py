"""What a referral says, whether it comes from the online form or a partner's system.

``ReferralIn`` is the one shape both channels produce: the partner API validates request
bodies against it (and publishes it in the OpenAPI document), and the online form builds the
same document from the answers on its pages. ``referral_problems`` adds the rules a schema
cannot say (consent needs a reason, dates of birth are in the past, NHS numbers pass their
check digit), keyed by the field's dotted path.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StringConstraints

from frontdoor.intake.models import ConsentStatus, LawfulBasis, ReferralSource
from frontdoor.people.identifiers import nhs_number_valid, postcode_valid

NO_NUL = r"^[^\x00]*$"


Text10 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10, pattern=NO_NUL)]
Text12 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=12, pattern=NO_NUL)]
Text40 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=NO_NUL)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100, pattern=NO_NUL)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=NO_NUL)]
Medium = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000, pattern=NO_NUL)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000, pattern=NO_NUL)]


class OrganisationType(StrEnum):
    """The kind of organisation a professional referrer works for (→ CIN referral source)."""

    SCHOOL = "school"
    EDUCATION_OTHER = "education_other"
    GP = "gp"
    HEALTH_VISITOR = "health_visitor"
    SCHOOL_NURSE = "school_nurse"
    HOSPITAL_EMERGENCY = "hospital_emergency"
    HEALTH_OTHER = "health_other"
    POLICE = "police"
    HOUSING = "housing"
    LA_SOCIAL_CARE = "la_social_care"
    LA_EARLY_HELP = "la_early_help"
    LA_OTHER = "la_other"
    OTHER_LEGAL = "other_legal"
    OTHER = "other"


ORGANISATION_LABELS: dict[str, str] = {
    OrganisationType.SCHOOL: "School or college",
    OrganisationType.EDUCATION_OTHER: "Other education service (including early years)",
    OrganisationType.GP: "GP practice",
    OrganisationType.HEALTH_VISITOR: "Health visiting",
    OrganisationType.SCHOOL_NURSE: "School nursing",
    OrganisationType.HOSPITAL_EMERGENCY: "Hospital emergency department",
    OrganisationType.HEALTH_OTHER: "Other health service",
    OrganisationType.POLICE: "Police",
    OrganisationType.HOUSING: "Housing",
    OrganisationType.LA_SOCIAL_CARE: "Council children's social care",
    OrganisationType.LA_EARLY_HELP: "Council early help",
    OrganisationType.LA_OTHER: "Other council service",
    OrganisationType.OTHER_LEGAL: "Probation, youth offending or another legal agency",
    OrganisationType.OTHER: "Another organisation",
}

ORGANISATION_SOURCE: dict[str, str] = {
    OrganisationType.SCHOOL: ReferralSource.S2A,
    OrganisationType.EDUCATION_OTHER: ReferralSource.S2B,
    OrganisationType.GP: ReferralSource.S3A,
    OrganisationType.HEALTH_VISITOR: ReferralSource.S3B,
    OrganisationType.SCHOOL_NURSE: ReferralSource.S3C,
    OrganisationType.HOSPITAL_EMERGENCY: ReferralSource.S3E,
    OrganisationType.HEALTH_OTHER: ReferralSource.S3F,
    OrganisationType.POLICE: ReferralSource.S6,
    OrganisationType.HOUSING: ReferralSource.S4,
    OrganisationType.LA_SOCIAL_CARE: ReferralSource.S5A,
    OrganisationType.LA_EARLY_HELP: ReferralSource.S5D,
    OrganisationType.LA_OTHER: ReferralSource.S5B,
    OrganisationType.OTHER_LEGAL: ReferralSource.S7,
    OrganisationType.OTHER: ReferralSource.S8,
}


class Relationship(StrEnum):
    """How a member of the public knows the child."""

    FAMILY = "family"
    ACQUAINTANCE = "acquaintance"
    SELF = "self"
    OTHER = "other"


RELATIONSHIP_LABELS: dict[str, str] = {
    Relationship.FAMILY: "I am a family member, relative or carer",
    Relationship.ACQUAINTANCE: "I know the child or family (a friend or neighbour)",
    Relationship.SELF: "I am the child or young person",
    Relationship.OTHER: "Other",
}

RELATIONSHIP_SOURCE: dict[str, str] = {
    Relationship.FAMILY: ReferralSource.S1A,
    Relationship.ACQUAINTANCE: ReferralSource.S1B,
    Relationship.SELF: ReferralSource.S1C,
    Relationship.OTHER: ReferralSource.S1D,
}

STRICT = ConfigDict(extra="forbid")

#: Limits on evidence uploads. Sizes in bytes.
MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_CHILDREN = 20
MAX_ADULTS = 20
#: How far ahead an expected date of birth may be (a pregnancy lasts about 40 weeks).
MAX_PREGNANCY = timedelta(weeks=44)


class ReferrerIn(Schema):
    """Who is making the referral: needed to acknowledge it and to feed back the outcome."""

    model_config = STRICT
    kind: Literal["professional", "public"]
    name: Short = Field(
        default="", description="Required for professionals; the public may stay anonymous."
    )
    role: Short = ""
    organisation: Short = ""
    organisation_type: OrganisationType | None = Field(
        default=None, description="Required for professionals: sets the CIN census referral source."
    )
    relationship: Relationship | None = Field(
        default=None, description="Required for members of the public."
    )
    email: Short = Field(default="", description="Required for professionals (outcome feedback).")
    phone: Text40 = ""
    anonymous_to_family: StrictBool = Field(
        default=False, description="The referrer asks that the family is not told who referred."
    )


class ChildIn(Schema):
    """One child the referral is about (or an unborn baby, with an expected date of birth)."""

    model_config = STRICT
    first_name: Text100 = ""
    last_name: Text100 = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: Literal["M", "F", "U"] = "U"
    nhs_number: Text12 = Field(default="", description="Ten digits; the check digit is validated.")
    address_line_1: Short = ""
    town: Text100 = ""
    postcode: Text10 = ""
    previous_addresses: Medium = ""
    current_location: Medium = Field(default="", description="Where the child is now, if known.")
    needs: Medium = Field(
        default="", description="Language, interpreter, disability or other needs."
    )


class AdultRelationship(StrEnum):
    """How an adult is related to the children (``RelationshipKind`` without sibling)."""

    PARENT = "parent"
    STEP_PARENT = "step_parent"
    CARER = "carer"
    GRANDPARENT = "grandparent"
    PARTNER_OF_PARENT = "partner_of_parent"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


ADULT_RELATIONSHIP_LABELS: dict[str, str] = {
    AdultRelationship.PARENT: "Parent",
    AdultRelationship.STEP_PARENT: "Step-parent",
    AdultRelationship.CARER: "Carer (for example, a foster carer or special guardian)",
    AdultRelationship.GRANDPARENT: "Grandparent",
    AdultRelationship.PARTNER_OF_PARENT: "A parent's partner",
    AdultRelationship.OTHER_RELATIVE: "Another relative",
    AdultRelationship.OTHER: "Someone else",
}


class AdultIn(Schema):
    """A parent, carer, household member, or someone alleged to have harmed the children.

    Each adult is recorded as a person linked to the children named in ``children`` (indexes
    into the referral's ``children``; empty: every child in the referral).
    """

    model_config = STRICT
    first_name: Text100 = ""
    last_name: Text100 = ""
    date_of_birth: date | None = None
    relationship: AdultRelationship = Field(..., description="How they are related to the child.")
    parental_responsibility: StrictBool = Field(
        default=False, description="They hold parental responsibility for the child."
    )
    lives_with_child: StrictBool = Field(
        default=False, description="They live in the child's household."
    )
    alleged_perpetrator: StrictBool = Field(
        default=False,
        description="They are alleged to have harmed the child, or to pose a risk to them. "
        "Partner agencies see this only as the council's policy allows.",
    )
    address_line_1: Short = ""
    town: Text100 = ""
    postcode: Text10 = ""
    children: list[Annotated[int, Field(ge=0, lt=MAX_CHILDREN)]] = Field(
        default_factory=list,
        max_length=MAX_CHILDREN,
        description="Which children (indexes into `children`, from 0) the adult is linked to; "
        "empty means every child in the referral.",
    )


class DocumentIn(Schema):
    """An evidence document, base64-encoded (at most 5 MB decoded; PDF, PNG, JPEG or DOCX)."""

    model_config = STRICT
    filename: Short
    content_base64: str = Field(..., max_length=(MAX_DOCUMENT_BYTES * 4) // 3 + 8)


class ReferralIn(Schema):
    """A referral about one or more children."""

    model_config = STRICT
    referrer: ReferrerIn
    children: list[ChildIn] = Field(..., min_length=1, max_length=MAX_CHILDREN)
    concern: Long = Field(..., description="The concern in the referrer's words.")
    when_and_where: Medium = ""
    immediate_risk: StrictBool = Field(
        ..., description="Whether a child is at risk of immediate significant harm now."
    )
    parental_responsibility: Medium = Field(
        default="", description="Who has parental responsibility."
    )
    household: Medium = Field(
        default="", description="Household members, regular visitors and significant wider family."
    )
    parents_aware: Literal["yes", "no", "not_known"] = "not_known"
    adults: list[AdultIn] = Field(
        default_factory=list,
        max_length=MAX_ADULTS,
        description="The parents, carers, household members and alleged perpetrators, each "
        "recorded as a person linked to the children (optional; `parental_responsibility` and "
        "`household` stay as free text beside them).",
    )
    consent_status: Literal["given", "refused", "asked", "not_sought"]
    consent_reason: Medium = Field(
        default="",
        description="Required unless consent was given: why it was refused or not sought.",
    )
    lawful_basis: Literal["public_task", "legal_obligation", "vital_interests", "consent"] = (
        "public_task"
    )
    external_reference: Text100 = Field(
        default="",
        description="The sending system's own reference, e.g. a police occurrence number.",
    )
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)


def referral_problems(referral: ReferralIn, *, on: date) -> dict[str, str]:
    """The rules beyond the schema, as ``{dotted.field: message}`` (empty when all is well)."""
    problems: dict[str, str] = {}
    referrer = referral.referrer
    if referrer.kind == "professional":
        if not referrer.name:
            problems["referrer.name"] = "Enter your full name"
        if not referrer.organisation:
            problems["referrer.organisation"] = "Enter the name of your organisation"
        if referrer.organisation_type is None:
            problems["referrer.organisation_type"] = "Select the type of organisation you work for"
        if not referrer.email:
            problems["referrer.email"] = "Enter your work email address"
    elif referrer.relationship is None:
        problems["referrer.relationship"] = "Select how you know the child"
    if referrer.email:
        try:
            validate_email(referrer.email)
        except ValidationError:
            problems["referrer.email"] = (
                "Enter an email address in the correct format, like name@example.com"
            )
    if not referral.concern:
        problems["concern"] = "Describe what you are worried about"
    for index, child in enumerate(referral.children):
        problems.update(
            {f"children.{index}.{key}": value for key, value in child_problems(child, on).items()}
        )
    for index, adult in enumerate(referral.adults):
        problems.update(
            {
                f"adults.{index}.{key}": value
                for key, value in adult_problems(adult, on, len(referral.children)).items()
            }
        )
    if referral.consent_status != ConsentStatus.GIVEN and not referral.consent_reason:
        problems["consent_reason"] = (
            "Explain why the family has not agreed, or why you did not ask them"
        )
    if referral.lawful_basis == LawfulBasis.CONSENT and referral.consent_status != "given":
        problems["lawful_basis"] = "Consent cannot be the lawful basis when it was not given"
    return problems


def child_problems(child: ChildIn, on: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (child.first_name or child.last_name or child.expected_date_of_birth):
        problems["first_name"] = "Enter the child's name, or an expected date of birth if unborn"
    if child.date_of_birth and child.expected_date_of_birth:
        problems["expected_date_of_birth"] = (
            "Give a date of birth or an expected date of birth, not both"
        )
    if child.date_of_birth is not None:
        if child.date_of_birth > on:
            problems["date_of_birth"] = "Date of birth must be today or in the past"
        elif (on.year - child.date_of_birth.year) > 25:
            problems["date_of_birth"] = "Date of birth must be within the last 25 years"
    if child.expected_date_of_birth is not None and not (
        on <= child.expected_date_of_birth <= on + MAX_PREGNANCY
    ):
        problems["expected_date_of_birth"] = (
            "Expected date of birth must be between today and 44 weeks from today"
        )
    if child.nhs_number and not nhs_number_valid(child.nhs_number):
        problems["nhs_number"] = "Enter a valid 10-digit NHS number, like 943 476 5919"
    if child.postcode and not postcode_valid(child.postcode):
        problems["postcode"] = "Enter a real postcode, like PE1 1XX"
    return problems


def adult_problems(adult: AdultIn, on: date, children: int) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (adult.first_name or adult.last_name):
        problems["first_name"] = "Enter the person's first name or last name"
    if adult.date_of_birth is not None and adult.date_of_birth > on:
        problems["date_of_birth"] = "Date of birth must be today or in the past"
    if adult.postcode and not postcode_valid(adult.postcode):
        problems["postcode"] = "Enter a real postcode, like PE1 1XX"
    if any(index >= children for index in adult.children):
        problems["children"] = f"Name children by their place in the list, from 0 to {children - 1}"
    elif len(set(adult.children)) != len(adult.children):
        problems["children"] = "Name each child once"
    return problems


def decode_document(document: DocumentIn) -> bytes:
    """The document's bytes; ValueError when the base64 is malformed."""
    try:
        return base64.b64decode(document.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("content_base64 is not valid base64") from exc


def referral_source(referral: ReferralIn, agency_kind: str = "") -> str:
    """The CIN census referral source (2022+ codes) for this referral."""
    referrer = referral.referrer
    if referrer.kind == "professional":
        if referrer.organisation_type is not None:
            return ORGANISATION_SOURCE[referrer.organisation_type]
        return {"police": ReferralSource.S6, "health": ReferralSource.S3F}.get(
            agency_kind, ReferralSource.S8
        )
    if not (referrer.name or referrer.email or referrer.phone):
        return ReferralSource.S9
    if referrer.relationship is not None:
        return RELATIONSHIP_SOURCE[referrer.relationship]
    return ReferralSource.S9
