"""Adults as people: parents, carers, household members and alleged perpetrators.

An adult is a ``Person(kind=ADULT)`` with their own matching keys (in the adults' namespace,
so a child search never offers an adult); a ``Relationship`` links them to each child with its
kind, whether they hold parental responsibility, live in the child's household, or are alleged
to have harmed the child. Relationships are never deleted: one that ends keeps its row with
the date and the reason. Every write appends an event on the child (so it is in the child's
history and chronology) and logs the change for the child and the adult.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.changes import FieldWords, changes_register
from frontdoor.audit.services import event_append, history_write
from frontdoor.people.identifiers import postcode_normalise, postcode_valid
from frontdoor.people.models import (
    Address,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
    Sex,
)
from frontdoor.people.records import REASON_NEEDED, adult_problems
from frontdoor.people.services import person_changed

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

RELATIONSHIP_ADDED = "relationship.added"
RELATIONSHIP_CHANGED = "relationship.changed"
RELATIONSHIP_ENDED = "relationship.ended"

#: The relationships an adult can have to a child (a sibling is a child record of its own).
ADULT_RELATIONSHIPS = [
    (k.value, k.label) for k in RelationshipKind if k is not RelationshipKind.SIBLING
]
RELATIONSHIP_FIELDS = (
    "kind",
    "parental_responsibility",
    "household_member",
    "alleged_perpetrator",
    "notes",
)


def register_changes() -> None:
    changes_register(
        actions=(RELATIONSHIP_CHANGED, RELATIONSHIP_ENDED),
        fields={
            "kind": FieldWords("Relationship", dict(RelationshipKind.choices)),
            "parental_responsibility": "Parental responsibility",
            "household_member": "Lives in the child's household",
            "alleged_perpetrator": "Alleged perpetrator",
            "notes": "Notes",
            "ended_on": "Ended",
        },
    )


@dataclass(frozen=True)
class AdultDetails:
    """What is known about an adult in a child's life (only a name is needed)."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    sex: str = Sex.UNKNOWN
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Link:
    """How an adult is linked to a child."""

    kind: str
    parental_responsibility: bool = False
    household_member: bool = False
    alleged_perpetrator: bool = False
    notes: str = ""


def adult_details_validate(details: AdultDetails, *, on: date) -> None:
    errors = adult_problems(
        {
            "first_name": details.first_name.strip(),
            "last_name": details.last_name.strip(),
            "date_of_birth": details.date_of_birth,
        },
        {"first_name", "last_name", "date_of_birth"},
        on,
    )
    if details.postcode and not postcode_valid(details.postcode):
        errors["postcode"] = "Enter a real postcode, like PE1 1XX"
    if details.sex not in Sex.values:
        errors["sex"] = "Select the person's sex"
    if errors:
        raise ValidationError(errors)


def link_validate(link: Link) -> None:
    if link.kind not in dict(ADULT_RELATIONSHIPS):
        raise ValidationError({"kind": "Select how the person is related to the child"})
    if len(link.notes) > 2000:
        raise ValidationError({"notes": "Must be 2,000 characters or fewer"})


def adult_create(*, details: AdultDetails, by: User | None, at: datetime | None = None) -> Person:
    """Create an adult's record (inside the caller's transaction, or its own)."""
    at = at or timezone.now()
    adult_details_validate(details, on=timezone.localdate(at))
    with transaction.atomic():
        adult = Person.objects.create(
            kind=PersonKind.ADULT,
            first_name=details.first_name.strip(),
            last_name=details.last_name.strip(),
            date_of_birth=details.date_of_birth,
            sex=details.sex or Sex.UNKNOWN,
            created_at=at,
        )
        addresses: list[Address] = []
        if details.postcode or details.address_line_1:
            addresses.append(
                Address.objects.create(
                    person=adult,
                    line_1=details.address_line_1.strip() or "Not given",
                    town=details.town.strip(),
                    postcode=postcode_normalise(details.postcode),
                )
            )
        person_changed(adult, created_with=addresses)
        event_append(
            record=adult,
            action="person.created",
            summary=f"Adult record created for {adult.full_name}",
            at=at,
            actor=by,
            child=adult,
            after={"name": adult.full_name, "date_of_birth": details.date_of_birth},
        )
    return adult


def _described(relationship: Relationship) -> str:
    flags = [
        words
        for flag, words in (
            (relationship.parental_responsibility, "parental responsibility"),
            (relationship.household_member, "lives in the household"),
            (relationship.alleged_perpetrator, "alleged perpetrator"),
        )
        if flag
    ]
    kind = relationship.get_kind_display().lower()
    return kind + (f" ({', '.join(flags)})" if flags else "")


def relationship_add(
    *,
    adult: Person,
    child: Person,
    link: Link,
    by: User | None,
    at: datetime | None = None,
    source: str = "",
) -> Relationship:
    """Link an adult to a child. ``source`` says where it was learnt (a contact's reference)."""
    at = at or timezone.now()
    link_validate(link)
    if adult.kind != PersonKind.ADULT:
        raise ValidationError({"person": "Only an adult can be linked as a parent or carer"})
    if child.kind != PersonKind.CHILD:
        raise ValidationError({"child": "An adult can only be linked to a child"})
    with transaction.atomic():
        if Relationship.objects.filter(
            person=adult, child=child, kind=link.kind, ended_on__isnull=True
        ).exists():
            raise ValidationError(
                {"kind": f"{adult.full_name} is already recorded with this relationship"}
            )
        relationship = Relationship.objects.create(
            person=adult,
            child=child,
            kind=link.kind,
            parental_responsibility=link.parental_responsibility,
            household_member=link.household_member,
            alleged_perpetrator=link.alleged_perpetrator,
            notes=link.notes.strip(),
            created_at=at,
        )
        history_write(
            record=relationship,
            action=RELATIONSHIP_ADDED,
            summary=f"{adult.full_name} recorded as {_described(relationship)}"
            + (f" (from {source})" if source else ""),
            at=at,
            actor=by,
            child=child,
            after={
                "person": adult.pk,
                **{f: getattr(relationship, f) for f in RELATIONSHIP_FIELDS},
            },
            children=[relationship.child, relationship.person],
            fields=["relationships"],
        )
    return relationship


def relationship_change(
    *,
    relationship: Relationship,
    link: Link,
    reason: str,
    by: User | None,
    at: datetime | None = None,
) -> Relationship:
    """Correct how an adult is linked to a child (its kind and flags), with a reason (``by``
    None: a referral from outside added what it says)."""
    at = at or timezone.now()
    link_validate(link)
    with transaction.atomic():
        locked = (
            Relationship.objects.select_for_update()
            .select_related("person", "child")
            .get(pk=relationship.pk)
        )
        if locked.ended_on is not None:
            raise ValidationError("This relationship has ended: record a new one instead")
        wanted: dict[str, Any] = {
            "kind": link.kind,
            "parental_responsibility": link.parental_responsibility,
            "household_member": link.household_member,
            "alleged_perpetrator": link.alleged_perpetrator,
            "notes": link.notes.strip(),
        }
        changed = [f for f in RELATIONSHIP_FIELDS if getattr(locked, f) != wanted[f]]
        if not changed:
            raise ValidationError(
                "You have not changed anything: change a detail, or go back without saving"
            )
        if not (reason or "").strip():
            raise ValidationError({"reason": REASON_NEEDED})
        if (
            "kind" in changed
            and Relationship.objects.filter(
                person=locked.person, child=locked.child, kind=link.kind, ended_on__isnull=True
            )
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(
                {"kind": f"{locked.person.full_name} is already recorded with this relationship"}
            )
        before = {f: getattr(locked, f) for f in changed}
        for f in changed:
            setattr(locked, f, wanted[f])
        locked.save(update_fields=changed)
        history_write(
            record=locked,
            action=RELATIONSHIP_CHANGED,
            summary=f"{locked.person.full_name}'s relationship changed: now {_described(locked)}",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={f: getattr(locked, f) for f in changed},
            reason=reason.strip(),
            children=[locked.child, locked.person],
            fields=["relationships"],
            log_reason=reason.strip(),
        )
    return locked


def relationship_end(
    *,
    relationship: Relationship,
    ended_on: date,
    reason: str,
    by: User,
    at: datetime | None = None,
) -> Relationship:
    """End a relationship (a carer moved out, a placement ended); it stays in the history."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if ended_on > timezone.localdate(at):
        errors["ended_on"] = "The date it ended must be today or in the past"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the relationship ended"
    with transaction.atomic():
        locked = (
            Relationship.objects.select_for_update()
            .select_related("person", "child")
            .get(pk=relationship.pk)
        )
        if locked.ended_on is not None:
            errors = {"ended_on": f"This relationship ended on {locked.ended_on:%-d %B %Y}"}
        if errors:
            raise ValidationError(errors)
        locked.ended_on = ended_on
        locked.ended_reason = reason.strip()
        locked.save(update_fields=["ended_on", "ended_reason"])
        history_write(
            record=locked,
            action=RELATIONSHIP_ENDED,
            summary=f"{locked.person.full_name} no longer {_described(locked)}",
            at=at,
            actor=by,
            child=locked.child,
            before={"ended_on": None},
            after={"ended_on": ended_on},
            reason=reason.strip(),
            children=[locked.child, locked.person],
            fields=["relationships"],
            log_reason=reason.strip(),
        )
    return locked


def adult_link(
    *,
    details: AdultDetails | Person,
    children: list[Person],
    link: Link,
    by: User | None,
    at: datetime | None = None,
    source: str = "",
) -> tuple[Person, list[Relationship]]:
    """Record an adult (new, or a known record) and link them to each of ``children``."""
    at = at or timezone.now()
    if not children:
        raise ValidationError({"children": "Select the children this person is linked to"})
    link_validate(link)
    if isinstance(details, AdultDetails):
        adult_details_validate(details, on=timezone.localdate(at))
    with transaction.atomic():
        adult = (
            details if isinstance(details, Person) else adult_create(details=details, by=by, at=at)
        )
        made = [
            relationship_add(adult=adult, child=child, link=link, by=by, at=at, source=source)
            for child in children
        ]
    return adult, made
