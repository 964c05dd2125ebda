"""Who may see and do what with case supervision (built on ``frontdoor.accounts.access``).

* A manager (``Perm.SUPERVISION_RECORD``) supervises the workers of their own team: the
  assessment manager the assessment team, the MASH manager the MASH, the contact centre
  manager the contact centre. The head of service supervises across all of them.
* A worker (``Perm.SUPERVISION_VIEW``) sees their own supervision records and the actions
  they own; an auditor sees everything, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Role, TeamKind, User

#: The teams whose workers have case supervision.
SUPERVISED_TEAM_KINDS = (TeamKind.CONTACT_CENTRE, TeamKind.MASH, TeamKind.ASSESSMENT)
#: Managers who supervise their own team (the head of service supervises every team).
TEAM_MANAGER_ROLES = (Role.ASSESSMENT_MANAGER, Role.MASH_MANAGER, Role.CONTACT_CENTRE_MANAGER)


def sees_all(user: Any) -> bool:
    """The head of service and auditors see every team's supervision."""
    return (can(user, Perm.SUPERVISION_VIEW) and user.role == Role.AUDITOR) or (
        can(user, Perm.SUPERVISION_RECORD) and user.role == Role.HEAD_OF_SERVICE
    )


def supervised_workers(user: Any) -> QuerySet[User]:
    """The workers ``user`` supervises (or, for auditors, may look at): active, not themself."""
    qs = User.objects.filter(is_active=True, team__kind__in=SUPERVISED_TEAM_KINDS)
    if sees_all(user):
        return qs.exclude(pk=user.pk)
    if (
        can(user, Perm.SUPERVISION_RECORD)
        and user.role in TEAM_MANAGER_ROLES
        and user.team_id is not None
    ):
        return qs.filter(team_id=user.team_id).exclude(pk=user.pk)
    return qs.none()


def can_view_worker(user: Any, worker: User) -> bool:
    """The worker's own page, their manager's, the head of service's or an auditor's."""
    if not can(user, Perm.SUPERVISION_VIEW):
        return False
    return worker.pk == user.pk or supervised_workers(user).filter(pk=worker.pk).exists()


def can_record_supervision(user: Any, child: Any) -> bool:
    """A manager may record supervision of a case allocated to a worker they supervise."""
    if not can(user, Perm.SUPERVISION_RECORD) or child.allocated_worker_id is None:
        return False
    return supervised_workers(user).filter(pk=child.allocated_worker_id).exists()


def visible_supervisions(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Supervision records ``user`` may read: their own, their team's, or all (auditors)."""
    if not can(user, Perm.SUPERVISION_VIEW):
        return qs.none()
    if sees_all(user):
        return qs
    own = Q(worker=user) | Q(supervisor=user)
    if can(user, Perm.SUPERVISION_RECORD):
        return qs.filter(own | Q(worker__in=supervised_workers(user)))
    return qs.filter(own)


def can_view_supervision(user: Any, record: Any) -> bool:
    from frontdoor.oversight.models import SupervisionRecord

    return visible_supervisions(user, SupervisionRecord.objects.filter(pk=record.pk)).exists()


def visible_actions(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Supervision actions: those of visible records, and any the user owns."""
    from frontdoor.oversight.models import SupervisionRecord

    if not can(user, Perm.SUPERVISION_VIEW):
        return qs.none()
    records = visible_supervisions(user, SupervisionRecord.objects.all())
    return qs.filter(Q(supervision__in=records) | Q(owner=user))


def can_complete_action(user: Any, action: Any) -> bool:
    """The action's owner, or a manager who may see its record (auditors only read)."""
    if not can(user, Perm.SUPERVISION_VIEW) or user.role == Role.AUDITOR:
        return False
    if action.owner_id == user.pk:
        return True
    return can(user, Perm.SUPERVISION_RECORD) and can_view_supervision(user, action.supervision)
