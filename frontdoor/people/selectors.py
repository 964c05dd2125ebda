"""Reading people: a child's household, an adult's children, what partners may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.people.models import Person, Relationship


def household_of(child: Person) -> QuerySet[Relationship]:
    """Every adult linked to ``child``: live relationships first, then ended ones."""
    return (
        Relationship.objects.filter(child=child)
        .select_related("person")
        .prefetch_related("person__addresses")
        .order_by("ended_on", "-parental_responsibility", "kind", "person__last_name", "id")
    )


def children_of(adult: Person) -> QuerySet[Relationship]:
    """Every child ``adult`` is linked to, live relationships first."""
    return (
        Relationship.objects.filter(person=adult)
        .select_related("child")
        .order_by("ended_on", "child__last_name", "child__first_name", "id")
    )


def alleged_perpetrators_visible_to_partners(at: datetime | None = None) -> bool:
    """The policy in force: may partner practitioners see alleged perpetrators?"""
    from frontdoor.policies.rules import rules_for
    from frontdoor.policies.selectors import policy_in_force

    policy = policy_in_force(at or timezone.now())
    return rules_for(policy).adults.alleged_perpetrator_visible_to_partners


def household_for_partner(child: Person, *, at: datetime | None = None) -> list[Relationship]:
    """The live household as a partner agency's practitioner may see it: alleged
    perpetrators only where the policy in force allows (``adults`` in the policy). Nothing
    says that anyone was left out: that would tell the partner there is an allegation."""
    live = [r for r in household_of(child) if r.ended_on is None]
    if alleged_perpetrators_visible_to_partners(at):
        return live
    return [r for r in live if not r.alleged_perpetrator]


def household_for_viewer(user: object, child: Person) -> list[Relationship]:
    """The live household as ``user`` may see it: partner practitioners as the policy says
    (``household_for_partner``), the council's own staff all of it."""
    from frontdoor.accounts.models import Role

    if getattr(user, "role", "") == Role.PARTNER_PRACTITIONER:
        return household_for_partner(child)
    return [r for r in household_of(child) if r.ended_on is None]
