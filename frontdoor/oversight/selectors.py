"""Reads for supervision and management oversight: case supervision clocks, per-worker counts,
and what a child's page shows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import User
from frontdoor.clocks import ClockReading, ClockState
from frontdoor.oversight.access import (
    can_record_supervision,
    sees_all,
    supervised_workers,
    visible_supervisions,
)
from frontdoor.oversight.models import OversightEntry, SupervisionAction, SupervisionRecord
from frontdoor.people.models import Person, PersonKind
from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.reading import clock_reading
from frontdoor.policies.rules import Rules, rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.transfers.models import Transfer, TransferStatus
from frontdoor.work.states import state_counts_by, with_clock

CLOCK = "supervision"
#: What a list of clocks leaves unread: a supervision's notes, and its policy version's rules
#: (reading a clock needs only the version's due-soon share).
_NOTES = ("lived_experience", "working_well", "worries", "analysis", "decisions")
_POLICY_RULES = ("policy__rules", "policy__office_hours")


def record_key(record: Model) -> tuple[str, int]:
    """How an oversight entry (and an escalation) names a record: its model name and key."""
    return record._meta.model_name or "", int(record.pk)


def oversight_link(record: Model, transition: str, next_path: str) -> str:
    """The page where a manager records the oversight ``transition`` needs on ``record``,
    returning to ``next_path``."""
    record_type, record_id = record_key(record)
    query = urlencode(
        {"record": f"{record_type}:{record_id}", "transition": transition, "next": next_path}
    )
    child_id = record.child_id  # type: ignore[attr-defined]
    return reverse("oversight-new", args=[child_id]) + "?" + query


@dataclass(frozen=True)
class SupervisionClock:
    """When a case's supervision clock started, when it is due, and under which policy."""

    started_at: datetime
    due_at: datetime | None
    policy: PolicyVersion


def supervision_clock(
    allocated_at: datetime,
    previous: SupervisionRecord | None,
    policy_at: Callable[[datetime], PolicyVersion] = policy_in_force,
    rules_of: Callable[[PolicyVersion], Rules] = rules_for,
) -> SupervisionClock:
    """The clock running after ``previous`` (or, with none since the allocation, from it)."""
    if previous is not None and previous.held_at >= allocated_at:
        return SupervisionClock(previous.held_at, previous.next_due_at, previous.policy)
    policy = policy_at(allocated_at)
    return SupervisionClock(allocated_at, rules_of(policy).due(CLOCK, allocated_at), policy)


def _allocation_subquery() -> Subquery:
    return Subquery(
        Transfer.objects.filter(
            child=OuterRef("pk"),
            status=TransferStatus.ACCEPTED,
            allocated_to=OuterRef("allocated_worker"),
        )
        .order_by("-responded_at")
        .values("responded_at")[:1]
    )


def allocated_at(child: Person) -> datetime:
    """When the case was allocated to its worker: the accepting transfer's response time
    (the child's record's creation when no transfer says so, e.g. after a merge)."""
    found = (
        Transfer.objects.filter(
            child=child, status=TransferStatus.ACCEPTED, allocated_to_id=child.allocated_worker_id
        )
        .order_by("-responded_at")
        .values_list("responded_at", flat=True)
        .first()
    )
    return found or child.created_at


def allocated_children(workers: QuerySet[User] | Iterable[User] | None = None) -> QuerySet[Person]:
    """Children whose case is open (allocated to a worker), optionally to these workers."""
    qs = Person.objects.filter(
        kind=PersonKind.CHILD, merged_into__isnull=True, allocated_worker__isnull=False
    )
    if workers is not None:
        qs = qs.filter(allocated_worker__in=workers)
    return qs


@dataclass(frozen=True)
class CaseSupervision:
    """One allocated case and its supervision clock now."""

    child: Person
    worker: User
    allocated_at: datetime
    last: SupervisionRecord | None
    reading: ClockReading


def case_supervisions(
    children: QuerySet[Person], now: datetime, states: Collection[ClockState] | None = None
) -> list[CaseSupervision]:
    """The supervision clock of each allocated child in ``children``, soonest due first;
    with ``states``, only the cases whose clock is in one of them.

    The clocks are read from plain values (each case's allocation and its last supervision's
    start, due time and policy version); the children and their last supervisions are loaded
    only for the cases kept, so a team queue that shows the pressing few reads no others."""
    rows = list(
        children.filter(allocated_worker__isnull=False)
        .annotate(
            allocation_at=_allocation_subquery(),
            last_id=_last_supervision("id"),
            last_held_at=_last_supervision("held_at"),
            last_due_at=_last_supervision("next_due_at"),
            last_policy_id=_last_supervision("policy_id"),
        )
        .values_list(
            "pk",
            "created_at",
            "allocation_at",
            "last_id",
            "last_held_at",
            "last_due_at",
            "last_policy_id",
        )
    )
    versions = list(
        PolicyVersion.objects.defer("office_hours").order_by("-effective_from", "-version")
    )
    by_pk = {v.pk: v for v in versions}

    def policy_at(at: datetime) -> PolicyVersion:
        # The versions read once for the whole list (as ``policy_in_force`` would answer).
        return next((v for v in versions if v.effective_from <= at), None) or policy_in_force(at)

    parsed: dict[int, Rules] = {}

    def rules_of(policy: PolicyVersion) -> Rules:
        # Each version's rules parsed once for the whole list (versions never change).
        if policy.pk not in parsed:
            parsed[policy.pk] = rules_for(policy)
        return parsed[policy.pk]

    kept: list[tuple[int, datetime, int | None, ClockReading]] = []
    for pk, created_at, allocation, last_id, held_at, due_at, policy_id in rows:
        started = allocation or created_at
        # As ``supervision_clock``: from the last supervision if held since the allocation.
        if last_id is not None and held_at >= started:
            policy = by_pk.get(policy_id) or PolicyVersion.objects.get(pk=policy_id)
            reading = clock_reading(policy, held_at, due_at, None, now)
        else:
            policy = policy_at(started)
            due = rules_of(policy).due(CLOCK, started)
            reading = clock_reading(policy, started, due, None, now)
        if states is None or reading.state in states:
            kept.append((pk, started, last_id, reading))
    people = Person.objects.select_related("allocated_worker", "allocated_worker__team").in_bulk(
        [pk for pk, *_ in kept]
    )
    last = (
        SupervisionRecord.objects.select_related("policy")
        .defer(*_NOTES, *_POLICY_RULES)
        .in_bulk([last_id for _, _, last_id, _ in kept if last_id])
    )
    cases = []
    for pk, started, last_id, reading in kept:
        child = people[pk]
        assert child.allocated_worker is not None
        cases.append(
            CaseSupervision(
                child=child,
                worker=child.allocated_worker,
                allocated_at=started,
                last=last.get(last_id) if last_id else None,
                reading=reading,
            )
        )
    return sorted(cases, key=_due_first)


def _last_supervision(field: str) -> Subquery:
    return Subquery(
        SupervisionRecord.objects.filter(child=OuterRef("pk"))
        .order_by("-held_at", "-id")
        .values(field)[:1]
    )


def case_state_counts(
    children: QuerySet[Person], now: datetime
) -> dict[int, dict[ClockState, int]]:
    """The supervision clocks of the allocated children in ``children`` counted by state at
    ``now``, for each allocated worker (by id): the same states as ``case_supervisions``.

    A clock restarted by a supervision since the allocation has its start and due time on
    that supervision's row, so those are counted in the database (``frontdoor.work.states``).
    A clock still running from the allocation is due by the policy in force then, in working
    time, which only Python reads: those few are read one by one, each version parsed once.
    """
    rows = (
        children.filter(allocated_worker__isnull=False)
        .annotate(
            allocation_at=Coalesce(_allocation_subquery(), F("created_at")),
            last_held_at=_last_supervision("held_at"),
        )
        .order_by()
    )
    restarted = Q(last_held_at__isnull=False, last_held_at__gte=F("allocation_at"))
    # Counted from the supervisions themselves (each child's last), so that each clock's
    # columns are read once by a join, not by a subquery in every count.
    last_ids = rows.filter(restarted).annotate(last_id=_last_supervision("id")).values("last_id")
    clocked = with_clock(
        SupervisionRecord.objects.filter(pk__in=last_ids),
        started="held_at",
        due="next_due_at",
        fraction="policy__due_soon_fraction",
    )
    counts = state_counts_by(clocked, now, "child__allocated_worker")
    versions = list(PolicyVersion.objects.order_by("-effective_from", "-version"))
    parsed: dict[int, Rules] = {}
    for worker_id, started in rows.exclude(restarted).values_list(
        "allocated_worker", "allocation_at"
    ):
        policy = next((v for v in versions if v.effective_from <= started), None)
        policy = policy or policy_in_force(started)
        if policy.pk not in parsed:
            parsed[policy.pk] = rules_for(policy)
        due = parsed[policy.pk].due(CLOCK, started)
        state = clock_reading(policy, started, due, None, now).state
        by_state = counts.setdefault(worker_id, {})
        by_state[state] = by_state.get(state, 0) + 1
    return counts


def case_state_totals(children: QuerySet[Person], now: datetime) -> dict[ClockState, int]:
    """``case_state_counts`` summed over the workers."""
    totals: dict[ClockState, int] = {}
    for by_state in case_state_counts(children, now).values():
        for state, n in by_state.items():
            totals[state] = totals.get(state, 0) + n
    return totals


def _due_first(case: CaseSupervision) -> tuple[int, datetime, str]:
    due = case.reading.due_at
    return (0 if due else 1, due or case.reading.started_at, case.child.full_name)


@dataclass
class WorkerRow:
    """One worker on their manager's supervision page."""

    worker: User
    counts: dict[ClockState, int] = field(default_factory=dict)
    last_supervision_at: datetime | None = None

    @property
    def overdue(self) -> int:
        return self.counts.get(ClockState.OVERDUE, 0)

    @property
    def due_soon(self) -> int:
        return self.counts.get(ClockState.DUE_SOON, 0)

    @property
    def on_time(self) -> int:
        return self.counts.get(ClockState.ON_TIME, 0)

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


def worker_rows(user: Any, now: datetime) -> list[WorkerRow]:
    """Each worker ``user`` supervises, with their cases' supervision clocks counted by state
    and the date of their last supervision."""
    workers = list(supervised_workers(user).select_related("team"))
    rows = {w.pk: WorkerRow(w) for w in workers}
    for worker_id, by_state in case_state_counts(allocated_children(workers), now).items():
        rows[worker_id].counts = by_state
    latest = (
        SupervisionRecord.objects.filter(worker__in=workers)
        .values("worker")
        .annotate(last=Max("held_at"))
    )
    for item in latest:
        rows[item["worker"]].last_supervision_at = item["last"]
    return sorted(
        rows.values(),
        key=lambda r: (
            r.worker.team.name if r.worker.team else "",
            r.worker.last_name,
            r.worker.first_name,
            r.worker.username,
        ),
    )


def open_actions(qs: QuerySet[SupervisionAction]) -> QuerySet[SupervisionAction]:
    return (
        qs.filter(completed_at__isnull=True)
        .select_related("owner", "supervision__child", "supervision__policy")
        .defer(
            *(f"supervision__{f}" for f in _NOTES),
            *(f"supervision__{f}" for f in _POLICY_RULES),
        )
    )


def action_clock(action: SupervisionAction, now: datetime) -> ClockReading:
    """From the supervision to the end of the action's due date."""
    supervision = action.supervision
    return clock_reading(
        supervision.policy, supervision.held_at, action.due_at, action.completed_at, now
    )


def record_clock(record: SupervisionRecord, now: datetime) -> ClockReading:
    """Was this supervision held by the date it was due?"""
    return clock_reading(record.policy, record.clock_started_at, record.due_at, record.held_at, now)


@dataclass(frozen=True)
class ChildOversight:
    """What a child's page shows about supervision and management oversight."""

    child: Person
    entries: list[OversightEntry]
    supervisions: list[SupervisionRecord]
    can_record_oversight: bool
    can_record_supervision: bool


def oversight_for_child(child: Person, user: Any) -> ChildOversight:
    """The child's management oversight entries and the supervision records ``user`` may see,
    newest first."""
    entries = list(OversightEntry.objects.filter(child=child).select_related("recorded_by"))
    supervisions = list(
        visible_supervisions(user, SupervisionRecord.objects.filter(child=child)).select_related(
            "worker", "supervisor"
        )
    )
    return ChildOversight(
        child=child,
        entries=entries,
        supervisions=supervisions,
        can_record_oversight=can(user, Perm.OVERSIGHT_RECORD),
        can_record_supervision=can_record_supervision(user, child),
    )


def records_for(user: Any) -> QuerySet[SupervisionRecord]:
    """The supervision records ``user`` may read, newest first."""
    return visible_supervisions(user, SupervisionRecord.objects.all()).select_related(
        "child", "worker", "supervisor", "policy"
    )


__all__ = [
    "CaseSupervision",
    "ChildOversight",
    "WorkerRow",
    "action_clock",
    "allocated_at",
    "allocated_children",
    "case_state_counts",
    "case_state_totals",
    "case_supervisions",
    "oversight_for_child",
    "oversight_link",
    "record_clock",
    "record_key",
    "records_for",
    "sees_all",
    "supervision_clock",
    "worker_rows",
]
