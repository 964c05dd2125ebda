"""Who may see and work on which assessments (built on ``frontdoor.accounts.access``).

Assessment social workers and managers see the assessments of transfers to their own team
and those they are the worker on (or were allocated); other roles with ``ASSESSMENT_VIEW``
(MASH staff, the head of service, auditors) see them all, as they see every transfer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Role
from frontdoor.assessments.models import Assessment
from frontdoor.transfers.models import Transfer

_ASSESSMENT_ROLES = (Role.ASSESSMENT_SOCIAL_WORKER, Role.ASSESSMENT_MANAGER)


def _own_team_only(user: Any) -> bool:
    return getattr(user, "role", None) in _ASSESSMENT_ROLES


def visible_assessments(user: Any, qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The assessments in ``qs`` that ``user`` may see."""
    if not can(user, Perm.ASSESSMENT_VIEW):
        return qs.none()
    if _own_team_only(user):
        mine = Q(worker=user) | Q(transfer__allocated_to=user)
        if user.team_id:
            mine |= Q(transfer__to_team_id=user.team_id)
        return qs.filter(mine)
    return qs


def can_view_assessment(user: Any, assessment: Assessment) -> bool:
    if not can(user, Perm.ASSESSMENT_VIEW):
        return False
    if _own_team_only(user):
        transfer = assessment.transfer
        return (
            (bool(user.team_id) and transfer.to_team_id == user.team_id)
            or assessment.worker_id == user.pk
            or transfer.allocated_to_id == user.pk
        )
    return True


def can_start_assessment(user: Any, transfer: Transfer) -> bool:
    """May ``user`` start the assessment of this (accepted) transfer's referral?"""
    return can(user, Perm.ASSESSMENT_WORK) and can(user, Perm.TRANSFER_VIEW, transfer)


def can_work_on(user: Any, assessment: Assessment) -> bool:
    """Record visits and submit the outcome: assessment staff who can see it."""
    return can(user, Perm.ASSESSMENT_WORK) and can_view_assessment(user, assessment)


def can_authorise(user: Any, assessment: Assessment) -> bool:
    """Authorise or return it: a manager who can see it (the service refuses self-approval)."""
    return can(user, Perm.ASSESSMENT_AUTHORISE) and can_view_assessment(user, assessment)
