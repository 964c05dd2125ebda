"""The adults a referral names, recorded as people linked to the contact's children.

The online form and the partner API send a structured ``adults`` list (``AdultIn``); when the
submission becomes a contact each adult becomes a ``Person(kind=ADULT)`` linked to the
children it names (every child of the referral when it names none). The free-text household
answers stay on the contact as its notes (ADR 0018).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from frontdoor.intake.models import Contact
from frontdoor.intake.payload import AdultIn
from frontdoor.people.households import (
    AdultDetails,
    Link,
    adult_link,
    relationship_add,
    relationship_change,
)
from frontdoor.people.models import Person, Relationship


def _known_adult(adult: AdultIn, children: list[Person]) -> Person | None:
    """The adult already linked to one of ``children`` under the same name (and date of birth,
    where both are known): a referral naming Riley's mother again means the same person."""
    first, last = adult.first_name.casefold(), adult.last_name.casefold()
    for relationship in (
        Relationship.objects.filter(child__in=children, ended_on__isnull=True)
        .select_related("person")
        .order_by("id")
    ):
        person = relationship.person
        if (person.first_name.casefold(), person.last_name.casefold()) != (first, last):
            continue
        if adult.date_of_birth and person.date_of_birth not in (None, adult.date_of_birth):
            continue
        return person
    return None


def contact_adults_from_referral(
    *, contact: Contact, adults: Sequence[AdultIn], at: datetime
) -> list[Relationship]:
    """Record each adult and their relationships (inside the conversion's transaction)."""
    if not adults:
        return []
    children: list[Person] = [link.child for link in contact.children.order_by("id")]
    made: list[Relationship] = []
    source = f"contact {contact.reference}"
    for adult in adults:
        chosen = [children[i] for i in adult.children] if adult.children else children
        unique = list({child.pk: child for child in chosen}.values())
        link = Link(
            kind=adult.relationship.value,
            parental_responsibility=adult.parental_responsibility,
            household_member=adult.lives_with_child,
            alleged_perpetrator=adult.alleged_perpetrator,
        )
        known = _known_adult(adult, unique)
        if known is not None:
            made.extend(_link_known(known, unique, link, source=source, at=at))
            continue
        _person, relationships = adult_link(
            details=AdultDetails(
                first_name=adult.first_name,
                last_name=adult.last_name,
                date_of_birth=adult.date_of_birth,
                address_line_1=adult.address_line_1,
                town=adult.town,
                postcode=adult.postcode,
            ),
            children=unique,
            link=link,
            by=None,
            at=at,
            source=source,
        )
        made.extend(relationships)
    return made


FLAGS = ("parental_responsibility", "household_member", "alleged_perpetrator")


def _link_known(
    adult: Person, children: list[Person], link: Link, *, source: str, at: datetime
) -> list[Relationship]:
    """Link a known adult: a new relationship where there is none of this kind; where there
    is, what the referral adds (a flag it says yes to) is recorded as a change. A referral
    never takes a flag away: that is a person's decision."""
    made: list[Relationship] = []
    for child in children:
        existing = Relationship.objects.filter(
            person=adult, child=child, kind=link.kind, ended_on__isnull=True
        ).first()
        if existing is None:
            made.append(
                relationship_add(adult=adult, child=child, link=link, by=None, at=at, source=source)
            )
            continue
        added = [f for f in FLAGS if getattr(link, f) and not getattr(existing, f)]
        if added:
            made.append(
                relationship_change(
                    relationship=existing,
                    link=Link(
                        kind=existing.kind,
                        notes=existing.notes,
                        **{f: getattr(existing, f) or getattr(link, f) for f in FLAGS},
                    ),
                    reason=f"The referral in {source} says so",
                    by=None,
                    at=at,
                )
            )
    return made
