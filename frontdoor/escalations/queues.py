"""Open escalations in the work queues: one row per stage, each with its own clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Role
from frontdoor.clocks import ClockState
from frontdoor.escalations.access import (
    MANAGER_ROLES,
    PRACTITIONER_ROLES,
    can_respond,
    visible_escalations,
)
from frontdoor.escalations.models import (
    Escalation,
    EscalationStage,
    EscalationStageName,
    EscalationStatus,
    StageResult,
)
from frontdoor.escalations.selectors import current_clock, current_stage
from frontdoor.work.queues import QueueSource, Timeliness, WorkItem, timeliness_of
from frontdoor.work.states import state_counts_by, with_clock

STAGE = EscalationStageName
QUEUE_STAGES: dict[str, str] = {
    STAGE.PRACTITIONER: "Escalation: practitioner stage",
    STAGE.TEAM_MANAGER: "Escalation: team manager stage",
    STAGE.HEAD_OF_SERVICE: "Escalation: head of service stage",
    STAGE.PARTNERSHIP: "Escalation: partnership stage",
}


def _open() -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(status=EscalationStatus.OPEN)
        .select_related("child", "raised_by", "practitioner", "team", "concerns_agency")
        .prefetch_related("stages__policy")
    )


def _items(qs: Iterable[Escalation], now: datetime) -> Iterable[WorkItem]:
    for escalation in qs:
        current = current_stage(escalation)
        yield WorkItem(
            QUEUE_STAGES[escalation.stage],
            escalation.child,
            escalation.reference,
            "",
            current_clock(escalation, now),
            reverse("escalation-detail", args=[escalation.pk]),
            current.owner if current else "",
        )


def _team_filter(user: Any) -> Q | None:
    """Open escalations at a stage owned by the user's team (or agency, or role)."""
    if user.role == Role.PARTNER_PRACTITIONER:
        if not user.agency_id:
            return None
        return Q(stage=STAGE.PRACTITIONER, concerns_agency_id=user.agency_id)
    if user.role == Role.HEAD_OF_SERVICE:
        return Q(stage=STAGE.HEAD_OF_SERVICE)
    if user.role == Role.PARTNERSHIP_LEAD:
        return Q(stage=STAGE.PARTNERSHIP)
    if not user.team_id:
        return None
    if user.role in MANAGER_ROLES:
        return Q(team_id=user.team_id, stage__in=[STAGE.PRACTITIONER, STAGE.TEAM_MANAGER])
    if user.role in PRACTITIONER_ROLES:
        return Q(team_id=user.team_id, stage=STAGE.PRACTITIONER, concerns_agency__isnull=True)
    return None


def team_items(user: Any, now: datetime) -> Iterable[WorkItem]:
    if not can(user, Perm.ESCALATION_RESPOND):
        return []
    query = _team_filter(user)
    if query is None:
        return []
    # Only what the user may open: a practitioner stage with a named practitioner is theirs.
    shown = visible_escalations(user, _open().filter(query).exclude(raised_by=user))
    return list(_items(shown, now))


def my_items(user: Any, now: datetime) -> Iterable[WorkItem]:
    if not can(user, Perm.ESCALATION_RESPOND):
        return []
    query = _team_filter(user)
    if query is None:
        return []
    mine = [e for e in _open().filter(query) if can_respond(user, e)]
    return list(_items(mine, now))


def everything(now: datetime) -> Iterable[WorkItem]:
    return list(_items(_open(), now))


def timeliness(since: datetime, now: datetime) -> list[Timeliness]:
    return [
        timeliness_of(
            "Escalation stage answered",
            EscalationStage.objects.exclude(result=StageResult.WITHDRAWN),
            "responded_at",
            "due_at",
            since=since,
            now=now,
            definition="From an escalation reaching a stage to that stage's answer "
            "(withdrawn escalations are left out).",
        )
    ]


def counts(now: datetime) -> dict[str, dict[ClockState, int]]:
    """For the overview: open escalations by their current stage and its clock's state,
    counted in the database as ``everything`` reads them (no stage row: no clock)."""

    def current(field: str) -> Subquery:
        return Subquery(
            EscalationStage.objects.filter(
                escalation=OuterRef("pk"), stage=OuterRef("stage")
            ).values(field)[:1]
        )

    clocked = with_clock(
        Escalation.objects.filter(status=EscalationStatus.OPEN),
        started=current("started_at"),
        due=current("due_at"),
        done=current("responded_at"),
        fraction=current("policy__due_soon_fraction"),
    )
    by_stage = state_counts_by(clocked, now, "stage")
    return {QUEUE_STAGES[stage]: states for stage, states in by_stage.items()}


SOURCE = QueueSource(
    key="escalations",
    stages=tuple(QUEUE_STAGES.values()),
    team=team_items,
    mine=my_items,
    everything=everything,
    timeliness=timeliness,
    counts=counts,
)
