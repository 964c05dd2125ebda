"""Who may see whose caseload (built on ``frontdoor.accounts.access``).

A manager (``Perm.CASELOAD_VIEW``: the contact centre, MASH and assessment managers) sees the
caseload of every active member of their own team, themselves included; the head of service
sees every member of every contact centre, MASH and assessment team. Nobody else sees one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Role, Team, TeamKind, User

#: The teams whose members hold allocated work.
CASELOAD_TEAM_KINDS = (TeamKind.CONTACT_CENTRE, TeamKind.MASH, TeamKind.ASSESSMENT)


def sees_every_team(user: Any) -> bool:
    return can(user, Perm.CASELOAD_VIEW) and user.role == Role.HEAD_OF_SERVICE


def caseload_teams(user: Any) -> QuerySet[Team]:
    """The teams whose caseloads ``user`` may see."""
    qs = Team.objects.filter(kind__in=CASELOAD_TEAM_KINDS)
    if sees_every_team(user):
        return qs
    if can(user, Perm.CASELOAD_VIEW) and user.team_id is not None:
        return qs.filter(pk=user.team_id)
    return qs.none()


def caseload_workers(user: Any) -> QuerySet[User]:
    """The people whose caseloads ``user`` may see: active members of those teams."""
    return User.objects.filter(is_active=True, team__in=caseload_teams(user))


def can_view_caseload(user: Any, worker: User) -> bool:
    return caseload_workers(user).filter(pk=worker.pk).exists()
