"""Supervision in the work queues: cases due supervision, and open supervision actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.clocks import ClockState
from frontdoor.oversight.access import supervised_workers
from frontdoor.oversight.models import SupervisionAction, SupervisionRecord
from frontdoor.oversight.selectors import (
    CaseSupervision,
    action_clock,
    allocated_children,
    case_state_totals,
    case_supervisions,
    open_actions,
)
from frontdoor.work.queues import QueueSource, Timeliness, WorkItem, once, timeliness_of
from frontdoor.work.states import state_counts, with_clock

SUPERVISION_DUE = "Case supervision due"
ACTION_OPEN = "Supervision action"
STAGES = (SUPERVISION_DUE, ACTION_OPEN)
PRESSING = (ClockState.DUE_SOON, ClockState.OVERDUE)


def _case_item(case: CaseSupervision, url: str) -> WorkItem:
    return WorkItem(
        SUPERVISION_DUE,
        case.child,
        f"C{case.child.pk}",
        "",
        case.reading,
        url,
        case.worker.display_name,
    )


def _action_items(actions: Iterable[SupervisionAction], now: datetime) -> Iterable[WorkItem]:
    for action in actions:
        yield WorkItem(
            ACTION_OPEN,
            action.supervision.child,
            f"SA{action.pk}",
            "",
            action_clock(action, now),
            reverse("supervision-detail", args=[action.supervision_id]),
            action.owner.display_name,
        )


def _case_totals(now: datetime) -> dict[ClockState, int]:
    """Every allocated case's supervision clock by state: read once for an overview's open
    work and its "overdue now" (``work.queues.once``)."""
    return once(
        ("supervision case states", now),
        lambda: case_state_totals(allocated_children(), now),
    )


def team(user: Any, now: datetime) -> Iterable[WorkItem]:
    """For a manager: their team's cases whose supervision is due soon or overdue."""
    if not can(user, Perm.SUPERVISION_RECORD):
        return []
    cases = case_supervisions(allocated_children(supervised_workers(user)), now, PRESSING)
    return [_case_item(case, reverse("supervision-new", args=[case.child.pk])) for case in cases]


def mine(user: Any, now: datetime) -> Iterable[WorkItem]:
    """For a worker: their own cases' supervision clocks and the actions they own."""
    if not can(user, Perm.SUPERVISION_VIEW):
        return []
    cases = case_supervisions(allocated_children([user]), now)
    items = [_case_item(case, reverse("child-detail", args=[case.child.pk])) for case in cases]
    items += _action_items(open_actions(SupervisionAction.objects.filter(owner=user)), now)
    return items


def everything(now: datetime) -> Iterable[WorkItem]:
    cases = case_supervisions(allocated_children(), now)
    items = [_case_item(case, reverse("supervision-new", args=[case.child.pk])) for case in cases]
    items += _action_items(open_actions(SupervisionAction.objects.all()), now)
    return items


def timeliness(since: datetime, now: datetime) -> list[Timeliness]:
    held = timeliness_of(
        "Case supervision",
        SupervisionRecord.objects.all(),
        "held_at",
        "due_at",
        since=since,
        now=now,
    )
    # A case's supervision clock has no row until the supervision is held: the cases overdue
    # now are counted from the clocks themselves.
    overdue_now = _case_totals(now).get(ClockState.OVERDUE, 0)
    return [
        Timeliness(
            held.clock,
            held.completed,
            held.met,
            overdue_now,
            definition="From the case's allocation, or its last supervision, to the next "
            "supervision; still open: allocated cases whose supervision is overdue now.",
        ),
        timeliness_of(
            "Supervision actions",
            SupervisionAction.objects.all(),
            "completed_at",
            "due_at",
            since=since,
            now=now,
            definition="From an action being agreed in supervision to it being done.",
        ),
    ]


def counts(now: datetime) -> dict[str, dict[ClockState, int]]:
    """For the overview: cases due supervision and open actions, by clock state, counted in
    the database (cases whose clock runs from their allocation read in Python)."""
    actions = with_clock(
        SupervisionAction.objects.filter(completed_at__isnull=True),
        started="supervision__held_at",
        due="due_at",
        done="completed_at",
        fraction="supervision__policy__due_soon_fraction",
    )
    return {
        SUPERVISION_DUE: _case_totals(now),
        ACTION_OPEN: state_counts(actions, now),
    }


SOURCE = QueueSource(
    key="supervision",
    stages=STAGES,
    team=team,
    mine=mine,
    everything=everything,
    timeliness=timeliness,
    counts=counts,
)
