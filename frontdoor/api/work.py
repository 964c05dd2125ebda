"""The work queues and the overview in the JSON API."""

from __future__ import annotations

from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from frontdoor.accounts.access import (
    Perm,
)
from frontdoor.api.base import (
    AUTH_ERRORS,
    INVALID,
    needs,
    user_of,
)
from frontdoor.api.schemas import (
    Clock,
    OverviewOut,
    OverviewPeriod,
    QueueOut,
    StageOverview,
    StateCounts,
    TimelinessOut,
    WorkItemOut,
)
from frontdoor.clocks import ClockState
from frontdoor.work.overview import front_door_overview
from frontdoor.work.queues import WorkItem, my_queue, team_queue


def _work_item(item: WorkItem) -> WorkItemOut:
    """A restricted child the user may not see is named by its record number only."""
    return WorkItemOut(
        stage=item.stage,
        child_id=item.child.pk,
        child_name=item.child.full_name,
        reference=item.reference,
        rating=cast(Any, item.rating),
        owner=item.owner,
        immediate_risk=item.urgent,
        note=item.note,
        clock=Clock.of(item.reading),
        url=item.url,
    )


# --------------------------------------------------------------------------- overview


overview_router = Router(tags=["Overview"])


@overview_router.get(
    "",
    auth=needs(Perm.OVERVIEW_VIEW),
    response={200: OverviewOut, **AUTH_ERRORS, **INVALID},
    operation_id="getOverview",
    summary="Open work by stage and clock state, and timeliness",
)
def overview(request: HttpRequest, days: OverviewPeriod = OverviewPeriod.DAYS_28) -> OverviewOut:
    """The front-door overview page's figures: counts of open work at each stage by clock
    state, and for each clock over the last ``days`` (28 by default): how many finished, how
    many of those on time, and how many are still open past their due time (not met)."""
    now = timezone.now()
    data = front_door_overview(now, int(days))
    return OverviewOut(
        generated_at=now,
        period_days=data.period_days,
        stages=[
            StageOverview(
                stage=row.stage,
                total=row.total,
                counts=StateCounts(
                    overdue=row.get(ClockState.OVERDUE),
                    due_soon=row.get(ClockState.DUE_SOON),
                    on_time=row.get(ClockState.ON_TIME),
                    no_clock=row.get(ClockState.NO_CLOCK),
                ),
            )
            for row in data.stages
        ],
        timeliness=[
            TimelinessOut(
                clock=row.clock,
                completed=row.completed,
                met=row.met,
                late=row.late,
                open_overdue=row.open_overdue,
                not_met=row.not_met,
                percent_met=row.percent_met,
                definition=row.definition,
            )
            for row in data.timeliness
        ],
    )


# --------------------------------------------------------------------------- queues


queue_router = Router(tags=["Queues"])


@queue_router.get(
    "",
    auth=needs(Perm.QUEUE_VIEW),
    response={200: QueueOut, **AUTH_ERRORS, **INVALID},
    operation_id="getQueue",
    summary="Work waiting on me or on my team, soonest due first",
)
def queue(request: HttpRequest, scope: Literal["mine", "team"] = "mine") -> QueueOut:
    """`mine`: work allocated to me (and, for managers, decisions awaiting my sign-off).
    `team`: everything waiting on my team, or for a partner, on my agency."""
    now = timezone.now()
    user = user_of(request)
    items = my_queue(user, now) if scope == "mine" else team_queue(user, now)
    return QueueOut(
        scope=scope,
        generated_at=now,
        count=len(items),
        items=[_work_item(item) for item in items],
    )
