"""Strategy work in the work queues and the overview (registered from ``StrategyConfig``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import TeamKind
from frontdoor.clocks import ClockState, evaluate
from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.rules import Rules, rules_for
from frontdoor.strategy.access import visible_discussions, visible_s47s
from frontdoor.strategy.models import (
    DiscussionStatus,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.selectors import action_clock, discussion_clock, icpc_clock, minutes_clock
from frontdoor.work.queues import QueueSource, Timeliness, WorkItem, timeliness_of
from frontdoor.work.states import state_counts, with_clock

KEY = "strategy"


class Stage:
    TO_HOLD = "Strategy discussion to hold"
    MINUTES = "Strategy minutes to send"
    ACTION = "Strategy action to do"
    CONFERENCE = "Section 47: conference due"

    ORDER = (TO_HOLD, MINUTES, ACTION, CONFERENCE)


# Policy versions are prefetched, not selected: a handful of versions, each read once and
# shared by the rows, rather than each row decoding its own copy of the rules.


def _to_hold(qs: QuerySet[StrategyDiscussion], now: datetime) -> Iterable[WorkItem]:
    for d in (
        qs.filter(status=DiscussionStatus.CONVENED)
        .select_related("child", "chair")
        .prefetch_related("policy")
    ):
        yield WorkItem(
            Stage.TO_HOLD,
            d.child,
            d.reference,
            d.rating,
            discussion_clock(d, now),
            reverse("strategy-detail", args=[d.pk]),
            str(d.chair or ""),
        )


def _minutes(qs: QuerySet[StrategyDiscussion], now: datetime) -> Iterable[WorkItem]:
    for d in (
        qs.filter(status=DiscussionStatus.HELD, minutes_sent_at__isnull=True)
        .select_related("child", "chair")
        .prefetch_related("minutes_policy")
    ):
        reading = minutes_clock(d, now)
        if reading is None:
            continue
        yield WorkItem(
            Stage.MINUTES,
            d.child,
            d.reference,
            d.rating,
            reading,
            reverse("strategy-detail", args=[d.pk]),
            str(d.chair or ""),
        )


def _actions(qs: QuerySet[StrategyAction], now: datetime) -> Iterable[WorkItem]:
    for a in (
        qs.filter(completed_at__isnull=True)
        .select_related("discussion__child", "owner_user__agency", "owner_agency")
        .prefetch_related("discussion__policy")
    ):
        yield WorkItem(
            Stage.ACTION,
            a.discussion.child,
            f"{a.discussion.reference}/A{a.pk}",
            a.discussion.rating,
            action_clock(a, now),
            reverse("strategy-detail", args=[a.discussion_id]) + "#actions",
            a.owner_label,
        )


def _conferences(qs: QuerySet[S47Enquiry], now: datetime) -> Iterable[WorkItem]:
    for s in (
        qs.filter(closed_at__isnull=True)
        .select_related("child", "last_discussion", "start_discussion", "conference")
        .prefetch_related("policy")
    ):
        yield WorkItem(
            Stage.CONFERENCE,
            s.child,
            s.reference,
            s.start_discussion.rating,
            icpc_clock(s, now),
            reverse("s47-detail", args=[s.pk]),
        )


def _concerns(user: Any) -> bool:
    return can(user, Perm.QUEUE_VIEW) and can(user, Perm.STRATEGY_WORK)


def team(user: Any, now: datetime) -> list[WorkItem]:
    """MASH and assessment teams: the discussions and enquiries they may see."""
    if not _concerns(user) or getattr(user.team, "kind", None) not in (
        TeamKind.MASH,
        TeamKind.ASSESSMENT,
    ):
        return []
    discussions = visible_discussions(user, StrategyDiscussion.objects.all())
    items = [*_to_hold(discussions, now), *_minutes(discussions, now)]
    items += _conferences(visible_s47s(user, S47Enquiry.objects.all()), now)
    return items


def mine(user: Any, now: datetime) -> list[WorkItem]:
    """Discussions the user chairs or convened, and actions the user owns."""
    if not can(user, Perm.QUEUE_VIEW) or not can(user, Perm.STRATEGY_VIEW):
        return []
    items: list[WorkItem] = []
    if can(user, Perm.STRATEGY_WORK):
        own = visible_discussions(
            user, StrategyDiscussion.objects.filter(Q(chair=user) | Q(convened_by=user))
        )
        items += [*_to_hold(own, now), *_minutes(own, now)]
    items += _actions(StrategyAction.objects.filter(owner_user=user), now)
    return items


def everything(now: datetime) -> list[WorkItem]:
    discussions = StrategyDiscussion.objects.all()
    return [
        *_to_hold(discussions, now),
        *_minutes(discussions, now),
        *_actions(StrategyAction.objects.all(), now),
        *_conferences(S47Enquiry.objects.all(), now),
    ]


def timeliness(since: datetime, now: datetime) -> list[Timeliness]:
    return [
        timeliness_of(
            "Strategy discussion held",
            StrategyDiscussion.objects.all(),
            "held_at",
            "due_at",
            since=since,
            now=now,
            still_open=Q(status=DiscussionStatus.CONVENED),
            definition="From the decision to hold a strategy discussion to it being held "
            "(cancelled discussions are left out).",
        ),
        timeliness_of(
            "Strategy minutes sent",
            StrategyDiscussion.objects.all(),
            "minutes_sent_at",
            "minutes_due_at",
            since=since,
            now=now,
            definition="From the discussion being held to its minutes being sent to the "
            "attending agencies.",
        ),
        timeliness_of(
            "Initial child protection conference held",
            S47Enquiry.objects.all(),
            "conference__held_at",
            "icpc_due_at",
            since=since,
            now=now,
            still_open=Q(closed_at__isnull=True),
            definition="From the strategy discussion that started the section 47 enquiry "
            "(the last one, if reconvened) to the conference being held.",
        ),
    ]


def _action_counts(now: datetime) -> dict[ClockState, int]:
    """Open actions by clock state. An action is due at the end of its due day in its
    discussion's policy calendar, which is stored on no row, so the few open actions are read
    as plain values (each policy version's rules parsed once) and their clocks read here."""
    rows = StrategyAction.objects.filter(completed_at__isnull=True).values_list(
        "created_at", "due_on", "discussion__policy_id"
    )
    versions: dict[int, PolicyVersion] = {}
    parsed: dict[int, Rules] = {}
    counts: dict[ClockState, int] = {}
    for created_at, due_on, policy_id in rows:
        if policy_id not in parsed:
            versions[policy_id] = PolicyVersion.objects.get(pk=policy_id)
            parsed[policy_id] = rules_for(versions[policy_id])
        state = evaluate(
            started_at=created_at,
            due_at=parsed[policy_id].calendar.end_of_local_day(due_on),
            completed_at=None,
            now=now,
            due_soon_fraction=versions[policy_id].due_soon_fraction,
        ).state
        counts[state] = counts.get(state, 0) + 1
    return counts


def counts(now: datetime) -> dict[str, dict[ClockState, int]]:
    """For the overview: each stage's open items by clock state, counted in the database
    (``frontdoor.work.states``) as ``everything`` reads them, actions apart
    (``_action_counts``)."""
    fraction = "policy__due_soon_fraction"
    to_hold = with_clock(
        StrategyDiscussion.objects.filter(status=DiscussionStatus.CONVENED),
        started="decided_at",
        due="due_at",
        done="held_at",
        fraction=fraction,
    )
    # Held discussions with no minutes policy have no minutes clock and are not listed.
    minutes = with_clock(
        StrategyDiscussion.objects.filter(
            status=DiscussionStatus.HELD,
            minutes_sent_at__isnull=True,
            held_at__isnull=False,
            minutes_policy__isnull=False,
        ),
        started="held_at",
        due="minutes_due_at",
        done="minutes_sent_at",
        fraction="minutes_policy__due_soon_fraction",
    )
    # No clock once the enquiry's outcome is that no conference is needed (``icpc_clock``).
    conferences = with_clock(
        S47Enquiry.objects.filter(closed_at__isnull=True),
        started=Coalesce("last_discussion__held_at", "started_at"),
        due=Case(
            When(icpc_needed=False, then=Value(None, DateTimeField())),
            default=F("icpc_due_at"),
            output_field=DateTimeField(),
        ),
        done="conference__held_at",
        fraction=fraction,
    )
    return {
        Stage.TO_HOLD: state_counts(to_hold, now),
        Stage.MINUTES: state_counts(minutes, now),
        Stage.ACTION: _action_counts(now),
        Stage.CONFERENCE: state_counts(conferences, now),
    }


SOURCE = QueueSource(
    key=KEY,
    stages=Stage.ORDER,
    team=team,
    mine=mine,
    everything=everything,
    timeliness=timeliness,
    counts=counts,
)
