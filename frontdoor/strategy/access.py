"""Who may see and work on strategy discussions, section 47 enquiries and conferences.

Built on ``frontdoor.accounts.access`` (the role permissions); the object rules are here:

* partner practitioners see only the discussions their agency was invited to (with their
  minutes once sent, and the actions their agency owns), and the section 47 enquiries those
  discussions belong to;
* assessment staff see only those of children transferred to their team or allocated to them
  (as ``visible_transfers``);
* everyone else with ``STRATEGY_VIEW`` sees all of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from frontdoor.accounts.access import Perm, can, visible_transfers
from frontdoor.accounts.models import Role
from frontdoor.transfers.models import Transfer

ASSESSMENT_ROLES = (Role.ASSESSMENT_SOCIAL_WORKER, Role.ASSESSMENT_MANAGER)


def _assessment_children(user: Any) -> QuerySet[Any]:
    return visible_transfers(user, Transfer.objects.all()).values("child_id")


def visible_discussions(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not can(user, Perm.STRATEGY_VIEW):
        return qs.none()
    if user.role == Role.PARTNER_PRACTITIONER:
        if not user.agency_id:
            return qs.none()
        return qs.filter(pk__in=_invited(user).values("pk"))
    if user.role in ASSESSMENT_ROLES:
        return qs.filter(child_id__in=_assessment_children(user))
    return qs


def _invited(user: Any) -> QuerySet[Any]:
    from frontdoor.strategy.models import StrategyDiscussion

    return StrategyDiscussion.objects.filter(invitations__agency_id=user.agency_id)


def visible_s47s(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not can(user, Perm.STRATEGY_VIEW):
        return qs.none()
    if user.role == Role.PARTNER_PRACTITIONER:
        if not user.agency_id:
            return qs.none()
        invited = _invited(user)
        return qs.filter(
            Q(start_discussion__in=invited.values("pk")) | Q(pk__in=invited.values("s47_id"))
        )
    if user.role in ASSESSMENT_ROLES:
        return qs.filter(child_id__in=_assessment_children(user))
    return qs


def can_view_discussion(user: Any, discussion: Any) -> bool:
    return visible_discussions(user, type(discussion).objects.filter(pk=discussion.pk)).exists()


def can_work_discussion(user: Any, discussion: Any) -> bool:
    """Convene, invite, record attendance and the outcome, minutes, actions, cancel."""
    return can(user, Perm.STRATEGY_WORK) and can_view_discussion(user, discussion)


def can_view_s47(user: Any, s47: Any) -> bool:
    return visible_s47s(user, type(s47).objects.filter(pk=s47.pk)).exists()


def can_work_s47(user: Any, s47: Any) -> bool:
    """Record the section 47 outcome, book and record the conference."""
    return can(user, Perm.PROTECTION_WORK) and can_view_s47(user, s47)


def can_convene_on_transfer(user: Any, transfer: Any) -> bool:
    return can(user, Perm.STRATEGY_WORK) and (
        visible_transfers(user, Transfer.objects.filter(pk=transfer.pk)).exists()
    )


def sees_all_of(user: Any) -> bool:
    """False for partner practitioners, who see only their agency's actions and the minutes
    once sent."""
    return bool(getattr(user, "role", "") != Role.PARTNER_PRACTITIONER)


def visible_actions(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Actions of a visible discussion: partners see only their own agency's."""
    if not can(user, Perm.STRATEGY_VIEW):
        return qs.none()
    if user.role == Role.PARTNER_PRACTITIONER:
        if not user.agency_id:
            return qs.none()
        return qs.filter(
            Q(owner_agency_id=user.agency_id) | Q(owner_user__agency_id=user.agency_id)
        )
    return qs
