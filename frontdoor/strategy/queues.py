"""Strategy work in the work queues and the overview (registered from ``StrategyConfig``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import TeamKind
from frontdoor.strategy.access import visible_discussions, visible_s47s
from frontdoor.strategy.models import (
    DiscussionStatus,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.selectors import action_clock, discussion_clock, icpc_clock, minutes_clock
from frontdoor.work.queues import QueueSource, Timeliness, WorkItem, timeliness_of

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


SOURCE = QueueSource(
    key=KEY,
    stages=Stage.ORDER,
    team=team,
    mine=mine,
    everything=everything,
    timeliness=timeliness,
)
