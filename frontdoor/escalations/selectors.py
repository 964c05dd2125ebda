"""Reads for escalations: lists, one escalation's stages with their clocks, a child's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.clocks import ClockReading, ClockState
from frontdoor.escalations.access import can_respond, visible_escalations
from frontdoor.escalations.models import Escalation, EscalationStage
from frontdoor.people.models import Person
from frontdoor.policies.reading import clock_reading


def stage_clock(row: EscalationStage, now: datetime) -> ClockReading:
    """The clock of one stage: started, due, answered (read against its own policy)."""
    return clock_reading(row.policy, row.started_at, row.due_at, row.responded_at, now)


@dataclass(frozen=True)
class EscalationRow:
    escalation: Escalation
    #: The current stage's clock (for a closed escalation: its last stage's, stopped).
    reading: ClockReading
    may_respond: bool = False

    @property
    def overdue(self) -> bool:
        return self.escalation.is_open and self.reading.state == ClockState.OVERDUE


def _with_rows(qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return qs.select_related(
        "child", "raised_by", "raiser_agency", "team", "concerns_agency", "policy"
    ).prefetch_related("stages__policy")


def current_stage(escalation: Escalation) -> EscalationStage | None:
    """The row of the stage the escalation is at (from its prefetched stages)."""
    rows = [r for r in escalation.stages.all() if r.stage == escalation.stage]
    return rows[0] if rows else None


def current_clock(escalation: Escalation, now: datetime) -> ClockReading:
    row = current_stage(escalation)
    if row is None:
        return ClockReading(ClockState.NO_CLOCK, escalation.raised_at, None, None, None, None)
    return stage_clock(row, now)


def _sort_key(row: EscalationRow) -> tuple[int, float, int]:
    escalation = row.escalation
    if escalation.is_open:
        state = 0 if row.overdue else 1
        due = row.reading.due_at
        return (state, due.timestamp() if due else float("inf"), escalation.pk)
    closed = escalation.closed_at or escalation.raised_at
    return (2, -closed.timestamp(), -escalation.pk)


def escalation_rows(
    user: Any, *, status: str = "", stage: str = "", now: datetime | None = None
) -> list[EscalationRow]:
    """The escalations ``user`` may see: open ones first (overdue first, then soonest due),
    then closed ones, most recently closed first. ``status`` "open"/"resolved"/"withdrawn"
    and ``stage`` (the current stage) filter them."""
    now = now or timezone.now()
    qs = visible_escalations(user, Escalation.objects.all())
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    rows = [EscalationRow(e, current_clock(e, now), can_respond(user, e)) for e in _with_rows(qs)]
    return sorted(rows, key=_sort_key)


def escalations_for_child(child: Person, user: Any) -> list[EscalationRow]:
    """The child's escalations that ``user`` may see (for the child's page)."""
    now = timezone.now()
    qs = visible_escalations(user, Escalation.objects.filter(child=child))
    rows = [EscalationRow(e, current_clock(e, now), can_respond(user, e)) for e in _with_rows(qs)]
    return sorted(rows, key=_sort_key)


def escalation_stages(escalation: Escalation, now: datetime) -> list[tuple[EscalationStage, Any]]:
    """Each stage the escalation reached, oldest first, with its clock."""
    rows = escalation.stages.select_related("policy", "responded_by").order_by("started_at", "id")
    return [(row, stage_clock(row, now)) for row in rows]


def escalations_by_submission(submission: Any) -> list[Escalation]:
    """What a referrer raised through their referral's outcome link."""
    return list(
        Escalation.objects.filter(submission=submission, raised_by__isnull=True)
        .select_related("child")
        .prefetch_related("stages")
        .order_by("raised_at", "id")
    )
