"""What intake tells the matcher, from intake's ``ready()``: two children named on one
contact are two children (twins, usually), never proposed or merged; and what intake holds
for a person (their contacts and referrals), shown when two records are compared."""

from __future__ import annotations

from typing import Any

from frontdoor.intake.models import ContactChild, Referral
from frontdoor.matching.duplicates import known_different_register
from frontdoor.matching.review import person_holdings_register
from frontdoor.people.models import Person


def named_on_one_contact(a: Person, b: Person) -> str:
    shared = (
        ContactChild.objects.filter(child=a, contact__children__child=b)
        .select_related("contact")
        .order_by("contact_id")
        .first()
    )
    return f"Both records are named on contact {shared.contact.reference}" if shared else ""


def contacts_of(person: Person) -> list[Any]:
    return list(
        ContactChild.objects.filter(child=person)
        .select_related("contact")
        .order_by("-contact__received_at", "-id")
    )


def referrals_of(person: Person) -> int:
    return Referral.objects.filter(child=person).count()


def register() -> None:
    known_different_register(named_on_one_contact)
    person_holdings_register("contacts", contacts_of)
    person_holdings_register(
        "referrals", lambda person: Referral.objects.filter(child=person).count()
    )
