"""Reads for strategy pages, the child page, queues and the overview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.access import Perm, can, visible_transfers
from frontdoor.clocks import ClockReading
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, DecisionOutcome, Enquiry
from frontdoor.people.models import Person
from frontdoor.policies.reading import clock_reading
from frontdoor.policies.rules import rules_for
from frontdoor.strategy.access import (
    can_convene_on_transfer,
    visible_discussions,
    visible_s47s,
)
from frontdoor.strategy.models import (
    Conference,
    DiscussionStatus,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.transfers.models import Transfer, TransferStatus

# ------------------------------------------------------------------ clocks


def discussion_clock(discussion: StrategyDiscussion, now: datetime) -> ClockReading:
    """From the decision to hold one to the discussion being held (a cancelled one stops)."""
    done = discussion.held_at
    if discussion.status == DiscussionStatus.CANCELLED:
        return clock_reading(discussion.policy, discussion.decided_at, None, None, now)
    return clock_reading(discussion.policy, discussion.decided_at, discussion.due_at, done, now)


def minutes_clock(discussion: StrategyDiscussion, now: datetime) -> ClockReading | None:
    """From the discussion being held to the minutes reaching the attending agencies."""
    if discussion.held_at is None or discussion.minutes_policy is None:
        return None
    return clock_reading(
        discussion.minutes_policy,
        discussion.held_at,
        discussion.minutes_due_at,
        discussion.minutes_sent_at,
        now,
    )


def icpc_clock(s47: S47Enquiry, now: datetime) -> ClockReading:
    """From the strategy discussion that started the enquiry (the last one if several) to
    the conference being held; no clock once the outcome is that none is needed."""
    start = s47.last_discussion.held_at or s47.started_at
    if s47.icpc_needed is False:
        return clock_reading(s47.policy, start, None, None, now)
    conference = getattr(s47, "conference", None)
    held = conference.held_at if conference is not None else None
    return clock_reading(s47.policy, start, s47.icpc_due_at, held, now)


def action_due_at(action: StrategyAction) -> datetime:
    """The end of the action's due day, in the policy's calendar."""
    return rules_for(action.discussion.policy).calendar.end_of_local_day(action.due_on)


def action_clock(action: StrategyAction, now: datetime) -> ClockReading:
    return clock_reading(
        action.discussion.policy, action.created_at, action_due_at(action), action.completed_at, now
    )


# ------------------------------------------------------------------ lists


@dataclass(frozen=True)
class DiscussionRow:
    discussion: StrategyDiscussion
    clock: ClockReading
    minutes: ClockReading | None

    @property
    def url(self) -> str:
        return reverse("strategy-detail", args=[self.discussion.pk])


@dataclass(frozen=True)
class S47Row:
    s47: S47Enquiry
    clock: ClockReading

    @property
    def url(self) -> str:
        return reverse("s47-detail", args=[self.s47.pk])


@dataclass
class StrategyForChild:
    """What the child page shows: discussions and section 47 enquiries the viewer may see."""

    discussions: list[DiscussionRow] = field(default_factory=list)
    s47s: list[S47Row] = field(default_factory=list)
    convene_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.discussions or self.s47s or self.convene_url)


def _rows(qs: Any, now: datetime) -> list[DiscussionRow]:
    return [
        DiscussionRow(d, discussion_clock(d, now), minutes_clock(d, now))
        for d in qs.select_related("policy", "minutes_policy", "chair").order_by("decided_at", "id")
    ]


def strategy_for_child(child: Person, user: Any, now: datetime | None = None) -> StrategyForChild:
    """The child's strategy discussions and section 47 enquiries that ``user`` may see, and
    where to convene a discussion on the child's open case (if the user may)."""
    now = now or timezone.now()
    result = StrategyForChild()
    if not can(user, Perm.STRATEGY_VIEW):
        return result
    result.discussions = _rows(
        visible_discussions(user, StrategyDiscussion.objects.filter(child=child)), now
    )
    result.s47s = [
        S47Row(s, icpc_clock(s, now))
        for s in visible_s47s(user, S47Enquiry.objects.filter(child=child))
        .select_related("policy", "last_discussion", "conference")
        .order_by("started_at", "id")
    ]
    transfer = open_case_transfer(child, user)
    if transfer is not None:
        result.convene_url = reverse("strategy-new-transfer", args=[transfer.pk])
    return result


def open_case_transfer(child: Person, user: Any) -> Transfer | None:
    """The child's accepted transfer (an open case) on which ``user`` may convene."""
    transfer = (
        visible_transfers(
            user, Transfer.objects.filter(child=child, status=TransferStatus.ACCEPTED)
        )
        .order_by("-responded_at", "-id")
        .first()
    )
    if transfer is None or not can_convene_on_transfer(user, transfer):
        return None
    if convened_for(transfer.referral_id):
        return None
    return transfer


@dataclass
class StrategyForRecord:
    """For the MASH enquiry and transfer pages: their discussions and a way to convene."""

    discussions: list[DiscussionRow] = field(default_factory=list)
    convene_url: str = ""


def strategy_for_record(record: Any, user: Any, now: datetime | None = None) -> StrategyForRecord:
    """Discussions convened from a MASH enquiry or a transfer, and the convene link when the
    user may convene one (a signed-off "section 47" decision; an accepted transfer)."""
    now = now or timezone.now()
    result = StrategyForRecord()
    if record is None or not can(user, Perm.STRATEGY_VIEW):
        return result
    if isinstance(record, Enquiry):
        qs = StrategyDiscussion.objects.filter(enquiry=record)
        decision = Decision.objects.filter(
            enquiry=record, status__in=LIVE_DECISION_STATUSES
        ).first()
        if (
            decision is not None
            and decision.signed_off_at is not None
            and decision.outcome == DecisionOutcome.S47_STRATEGY
            and can(user, Perm.STRATEGY_WORK)
        ):
            result.convene_url = reverse("strategy-new-enquiry", args=[record.pk])
    elif isinstance(record, Transfer):
        qs = StrategyDiscussion.objects.filter(transfer=record)
        if record.status == TransferStatus.ACCEPTED and can_convene_on_transfer(user, record):
            result.convene_url = reverse("strategy-new-transfer", args=[record.pk])
    else:
        return result
    result.discussions = _rows(visible_discussions(user, qs), now)
    if result.convene_url and convened_for(record.referral_id):
        result.convene_url = ""  # one convened at a time per referral
    return result


def convened_for(referral_id: int) -> bool:
    """Is a strategy discussion convened (not yet held or cancelled) for this referral?"""
    return StrategyDiscussion.objects.filter(
        referral_id=referral_id, status=DiscussionStatus.CONVENED
    ).exists()


def conference_of(s47: S47Enquiry) -> Conference | None:
    """The enquiry's initial child protection conference, if one is booked."""
    return Conference.objects.filter(s47=s47).select_related("booked_by").first()
