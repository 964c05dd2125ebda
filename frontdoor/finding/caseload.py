"""Caseloads: each worker's open work, counted by clock state, for their manager.

A worker's caseload is exactly their own queue (``frontdoor.work.queues.my_queue``: allocated
MASH enquiries, transfers and first visits, assessments, strategy discussions and actions,
supervision due on their cases, escalations they must answer, and every other kind an app
registers), so a manager sees what the worker sees on "My work". For a manager in the team
that includes the work waiting for any manager (a decision to sign off): a team's totals count
each item once, however many people it waits on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count

from frontdoor.accounts.models import Team, User
from frontdoor.clocks import ClockState
from frontdoor.finding.access import caseload_teams, caseload_workers
from frontdoor.people.models import Person, PersonKind
from frontdoor.work.queues import WorkItem, my_queue

#: The states counted, in the order the page shows them.
STATES = (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME, ClockState.NO_CLOCK)


def _counts(items: Iterable[WorkItem]) -> dict[ClockState, int]:
    counts = Counter(item.reading.state for item in items)
    return {state: counts.get(state, 0) for state in STATES}


@dataclass
class Caseload:
    """One worker's open work and the children allocated to them."""

    worker: User
    items: list[WorkItem]
    allocated_children: int = 0
    counts: dict[ClockState, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.items)

    def get(self, state: ClockState) -> int:
        return self.counts.get(state, 0)


@dataclass
class TeamCaseload:
    team: Team
    caseloads: list[Caseload]
    counts: dict[ClockState, int]
    total: int

    @property
    def allocated_children(self) -> int:
        return sum(c.allocated_children for c in self.caseloads)

    def get(self, state: ClockState) -> int:
        return self.counts.get(state, 0)


def allocated_counts(workers: Iterable[User]) -> dict[int, int]:
    """How many live children are allocated to each worker (one query)."""
    rows = (
        Person.objects.filter(
            kind=PersonKind.CHILD,
            merged_into__isnull=True,
            allocated_worker__in=[w.pk for w in workers],
        )
        .values("allocated_worker")
        .annotate(n=Count("pk"))
    )
    return {row["allocated_worker"]: row["n"] for row in rows}


def worker_caseload(worker: User, now: datetime, allocated: int | None = None) -> Caseload:
    items = my_queue(worker, now)
    if allocated is None:
        allocated = allocated_counts([worker]).get(worker.pk, 0)
    return Caseload(worker, items, allocated, _counts(items))


def _item_key(item: WorkItem) -> tuple[str, str, int]:
    return (item.stage, item.reference, item.child.pk)


def team_caseloads(user: Any, now: datetime) -> list[TeamCaseload]:
    """The caseloads of each team ``user`` may see, workers by name; teams by name."""
    workers = list(
        caseload_workers(user)
        .select_related("team")
        .order_by("last_name", "first_name", "username")
    )
    allocated = allocated_counts(workers)
    by_team: dict[int, list[Caseload]] = {}
    for worker in workers:
        assert worker.team_id is not None
        caseload = worker_caseload(worker, now, allocated.get(worker.pk, 0))
        by_team.setdefault(worker.team_id, []).append(caseload)
    teams = []
    for team in caseload_teams(user).order_by("name"):
        caseloads = by_team.get(team.pk, [])
        distinct = {_item_key(i): i for c in caseloads for i in c.items}
        teams.append(TeamCaseload(team, caseloads, _counts(distinct.values()), total=len(distinct)))
    return teams
