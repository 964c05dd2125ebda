"""Two children named on one contact are two children (twins, usually): the matcher never
proposes or merges them. Registered with the matcher from intake's ``ready()``."""

from __future__ import annotations

from frontdoor.intake.models import ContactChild
from frontdoor.matching.duplicates import known_different_register
from frontdoor.people.models import Person


def named_on_one_contact(a: Person, b: Person) -> str:
    shared = (
        ContactChild.objects.filter(child=a, contact__children__child=b)
        .select_related("contact")
        .order_by("contact_id")
        .first()
    )
    return f"Both records are named on contact {shared.contact.reference}" if shared else ""


def register() -> None:
    known_different_register(named_on_one_contact)
