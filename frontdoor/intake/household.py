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
from frontdoor.people.households import AdultDetails, Link, adult_link
from frontdoor.people.models import Person, Relationship


def contact_adults_from_referral(
    *, contact: Contact, adults: Sequence[AdultIn], at: datetime
) -> list[Relationship]:
    """Record each adult and their relationships (inside the conversion's transaction)."""
    if not adults:
        return []
    children: list[Person] = [link.child for link in contact.children.order_by("id")]
    made: list[Relationship] = []
    for adult in adults:
        chosen = [children[i] for i in adult.children] if adult.children else children
        unique = list({child.pk: child for child in chosen}.values())
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
            link=Link(
                kind=adult.relationship.value,
                parental_responsibility=adult.parental_responsibility,
                household_member=adult.lives_with_child,
                alleged_perpetrator=adult.alleged_perpetrator,
            ),
            by=None,
            at=at,
            source=f"contact {contact.reference}",
        )
        made.extend(relationships)
    return made
