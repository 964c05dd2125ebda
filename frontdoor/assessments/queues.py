"""Open assessments in the work queues and the overview (registered in ``ready()``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import TeamKind
from frontdoor.assessments.access import visible_assessments
from frontdoor.assessments.models import Assessment, AssessmentStatus
from frontdoor.assessments.selectors import assessment_clock
from frontdoor.clocks import ClockReading, ClockState
from frontdoor.work.queues import QueueSource, Timeliness, WorkItem, timeliness_of
from frontdoor.work.states import state_counts, with_clock

IN_PROGRESS = "Assessment in progress"
AWAITING_AUTHORISATION = "Assessment awaiting authorisation"
STAGES = (IN_PROGRESS, AWAITING_AUTHORISATION)


def _items(qs: QuerySet[Assessment], now: datetime) -> Iterable[WorkItem]:
    # The transfer only for its rating: annotated, not a whole transfer row for each item.
    qs = (
        qs.filter(status__in=[AssessmentStatus.IN_PROGRESS, AssessmentStatus.SUBMITTED])
        .select_related("child", "worker", "completed_by")
        .annotate(transfer_rating=F("transfer__rating"))
    )
    # A handful of policy versions, each read once, not a copy of the rules on every row.
    qs = qs.prefetch_related("policy")
    for assessment in qs:
        if assessment.status == AssessmentStatus.IN_PROGRESS:
            stage = IN_PROGRESS
            reading = assessment_clock(assessment, now)
            owner = assessment.worker
        else:
            # No clock of its own: the 45 working days stopped when it was submitted.
            stage = AWAITING_AUTHORISATION
            started = assessment.completed_at or now
            reading = ClockReading(ClockState.NO_CLOCK, started, None, None, None, None)
            owner = assessment.completed_by or assessment.worker
        yield WorkItem(
            stage,
            assessment.child,
            assessment.reference,
            assessment.transfer_rating,
            reading,
            reverse("assessment-detail", args=[assessment.pk]),
            str(owner),
        )


def team(user: Any, now: datetime) -> Iterable[WorkItem]:
    """The open assessments of the user's assessment team."""
    if not (can(user, Perm.QUEUE_VIEW) and can(user, Perm.ASSESSMENT_VIEW)):
        return []
    if getattr(user.team, "kind", None) != TeamKind.ASSESSMENT:
        return []
    qs = visible_assessments(user, Assessment.objects.filter(transfer__to_team_id=user.team_id))
    return _items(qs, now)


def mine(user: Any, now: datetime) -> Iterable[WorkItem]:
    """The user's own assessments in progress; for a manager, those awaiting their review."""
    if not can(user, Perm.QUEUE_VIEW):
        return []
    items: list[WorkItem] = []
    if can(user, Perm.ASSESSMENT_WORK):
        own = Assessment.objects.filter(worker=user, status=AssessmentStatus.IN_PROGRESS)
        items += _items(visible_assessments(user, own), now)
    if can(user, Perm.ASSESSMENT_AUTHORISE) and user.team_id:
        waiting = (
            Assessment.objects.filter(
                status=AssessmentStatus.SUBMITTED, transfer__to_team_id=user.team_id
            )
            .exclude(completed_by=user)
            .exclude(worker=user)
        )
        items += _items(visible_assessments(user, waiting), now)
    return items


def everything(now: datetime) -> Iterable[WorkItem]:
    return _items(Assessment.objects.all(), now)


def timeliness(since: datetime, now: datetime) -> list[Timeliness]:
    return [
        timeliness_of(
            "Child and family assessment",
            Assessment.objects.all(),
            "completed_at",
            "due_at",
            since=since,
            now=now,
            definition="From the referral date to the assessment's completion "
            "(45 working days at most).",
        )
    ]


def counts(now: datetime) -> dict[str, dict[ClockState, int]]:
    """For the overview: open assessments by clock state, counted in the database as
    ``everything`` reads them (those awaiting authorisation have no clock)."""
    in_progress = with_clock(
        Assessment.objects.filter(status=AssessmentStatus.IN_PROGRESS),
        started="referral_at",
        due="due_at",
        done="completed_at",
        fraction="policy__due_soon_fraction",
    )
    waiting = Assessment.objects.filter(status=AssessmentStatus.SUBMITTED).count()
    return {
        IN_PROGRESS: state_counts(in_progress, now),
        AWAITING_AUTHORISATION: {ClockState.NO_CLOCK: waiting} if waiting else {},
    }


SOURCE = QueueSource(
    key="assessments",
    stages=STAGES,
    team=team,
    mine=mine,
    everything=everything,
    timeliness=timeliness,
    counts=counts,
)
