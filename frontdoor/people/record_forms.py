"""Forms for correcting records: a person's details, addresses, other names, the adults linked
to a child, and a contact. Each asks for the reason; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.people.forms import clean_nhs_number
from frontdoor.people.households import ADULT_RELATIONSHIPS, AdultDetails, Link
from frontdoor.people.identifiers import postcode_normalise
from frontdoor.people.models import Gender, Person, PersonKind, Relationship, Sex
from frontdoor.web.fields import YES_NO, GovDateField, optional_text, required, text

REASON_MESSAGE = "Enter why the record is being changed"
ALIAS_KINDS = [
    ("previous name", "A previous name"),
    ("also known as", "Also known as"),
    ("nickname", "A nickname or short name"),
    ("other spelling", "A spelling another agency uses"),
]


def _reason() -> forms.CharField:
    return text(REASON_MESSAGE, 2000)


def _yes_no(message: str) -> forms.ChoiceField:
    return forms.ChoiceField(choices=YES_NO, error_messages=required(message))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class PersonEditForm(forms.Form):
    """A child's or an adult's details (an adult has no expected date of birth or gender)."""

    first_name = optional_text(100)
    last_name = optional_text(100)
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    expected_date_of_birth = GovDateField(label_text="Expected date of birth", required=False)
    sex = forms.ChoiceField(choices=Sex.choices, error_messages=required("Select the sex"))
    gender = forms.ChoiceField(choices=Gender.choices, error_messages=required("Select the gender"))
    nhs_number = optional_text(14)
    first_language = optional_text(60)
    interpreter_needed = _yes_no("Select whether an interpreter is needed")
    religion = optional_text(60)
    reason = _reason()

    ADULT_ONLY_WITHOUT = ("expected_date_of_birth", "gender")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        self.person = person
        fields = [f for f in self.base_fields if f != "reason"]
        if person.kind == PersonKind.ADULT:
            fields = [f for f in fields if f not in self.ADULT_ONLY_WITHOUT]
        initial = {f: getattr(person, f) for f in fields}
        initial["interpreter_needed"] = _yes(person.interpreter_needed)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in self.ADULT_ONLY_WITHOUT:
            if name not in fields:
                del self.fields[name]

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data["interpreter_needed"] = data.get("interpreter_needed") == "yes"
        return data


class AddressForm(forms.Form):
    line_1 = text("Enter the first line of the address", 200)
    line_2 = optional_text(200)
    town = optional_text(100)
    postcode = text("Enter the postcode", 10)
    moved_in = GovDateField(label_text="Date they moved in", required=False)
    end_current = forms.ChoiceField(
        choices=YES_NO,
        required=False,
        error_messages=required("Select whether they have moved out of their current address"),
    )
    reason = _reason()

    def clean_postcode(self) -> str:
        return postcode_normalise(self.cleaned_data.get("postcode", ""))


class MovedOutForm(forms.Form):
    moved_out = GovDateField(label_text="Date they moved out")
    reason = _reason()


class AliasForm(forms.Form):
    first_name = optional_text(100)
    last_name = optional_text(100)
    kind = forms.ChoiceField(
        choices=ALIAS_KINDS, error_messages=required("Select what kind of name this is")
    )
    reason = _reason()


class ReasonForm(forms.Form):
    reason = _reason()


class LinkFieldsMixin(forms.Form):
    """How an adult is linked to a child."""

    kind = forms.ChoiceField(
        choices=ADULT_RELATIONSHIPS,
        error_messages=required("Select how the person is related to the child"),
    )
    parental_responsibility = _yes_no("Select whether they have parental responsibility")
    household_member = _yes_no("Select whether they live in the child's household")
    alleged_perpetrator = _yes_no(
        "Select whether they are alleged to have harmed the child, or to pose a risk to them"
    )
    notes = optional_text(2000)

    def link(self) -> Link:
        data = self.cleaned_data
        return Link(
            kind=data["kind"],
            parental_responsibility=data["parental_responsibility"] == "yes",
            household_member=data["household_member"] == "yes",
            alleged_perpetrator=data["alleged_perpetrator"] == "yes",
            notes=data.get("notes", ""),
        )


class AdultForm(LinkFieldsMixin):
    """A parent, carer or other adult, linked to one child or to some of a contact's children.

    ``existing_adult`` and ``match_check`` answer "is this someone we already know?" the way
    recording a child does (``frontdoor.intake.match_steps``).
    """

    first_name = optional_text(100)
    last_name = optional_text(100)
    date_of_birth = GovDateField(label_text="Date of birth", required=False)
    sex = forms.ChoiceField(
        choices=Sex.choices, initial=Sex.UNKNOWN, error_messages=required("Select the sex")
    )
    address_line_1 = optional_text(200)
    town = optional_text(100)
    postcode = optional_text(10)
    children = forms.MultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select the children this person is linked to"},
    )
    existing_adult = optional_text(20)
    match_check = optional_text(64)

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "address_line_1",
        "town",
        "postcode",
        "children",
        "kind",
        "parental_responsibility",
        "household_member",
        "alleged_perpetrator",
        "notes",
    ]

    def __init__(self, *args: Any, children: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children_offered = children
        field = self.fields["children"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.pk), c.full_name) for c in children]
        if len(children) > 1:
            field.required = True
            field.error_messages["required"] = "Select the children this person is linked to"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("first_name", "last_name")
        if not any(n in self.errors for n in names) and not any(data.get(n) for n in names):
            self.add_error("first_name", "Enter the person's first name or last name")
        return data

    def details(self) -> AdultDetails:
        data = self.cleaned_data
        return AdultDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            address_line_1=data["address_line_1"],
            town=data["town"],
            postcode=data["postcode"],
        )

    def chosen_children(self) -> list[Person]:
        if len(self.children_offered) == 1:
            return list(self.children_offered)
        wanted = set(self.cleaned_data.get("children") or [])
        return [c for c in self.children_offered if str(c.pk) in wanted]


class RelationshipForm(LinkFieldsMixin):
    reason = _reason()

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        initial = {
            "kind": relationship.kind,
            "parental_responsibility": _yes(relationship.parental_responsibility),
            "household_member": _yes(relationship.household_member),
            "alleged_perpetrator": _yes(relationship.alleged_perpetrator),
            "notes": relationship.notes,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)


class RelationshipEndForm(forms.Form):
    ended_on = GovDateField(label_text="Date it ended")
    reason = text("Enter why the relationship ended", 2000)
