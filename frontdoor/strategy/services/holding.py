"""Strategy discussions: holding one (and starting or continuing a section 47 enquiry), or
cancelling it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.audit.services import event_append, history_write
from frontdoor.oversight.services import oversight_required
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.strategy.models import (
    DiscussionDecision,
    DiscussionStatus,
    S47Enquiry,
    S47Kind,
    StrategyDiscussion,
)
from frontdoor.strategy.services._shared import (
    _locked,
    _log,
    _require_status,
    _when,
    discussion_quorum,
)


def discussion_hold(
    *,
    discussion: StrategyDiscussion,
    held_at: datetime,
    information_shared: str,
    decision: str,
    contingency_plan: str,
    by: User,
    s47_kind: str = "",
    quorum_reason: str = "",
    at: datetime | None = None,
) -> StrategyDiscussion:
    """Record that the discussion was held and what it decided.

    "Section 47" starts an enquiry (or, for a discussion reconvened during an open one, moves
    its conference due date to run from this discussion). "No section 47" may need a
    manager's oversight first (policy transition ``strategy_no_s47``). Holding it without the
    statutory minimum (social worker, police, health) needs ``quorum_reason``.
    """
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if not information_shared.strip():
        errors["information_shared"] = "Enter the information shared"
    if decision not in DiscussionDecision.values:
        errors["decision"] = "Select whether there will be a section 47 enquiry"
    elif decision == DiscussionDecision.S47 and s47_kind not in S47Kind.values:
        errors["s47_kind"] = "Select whether the enquiry is single agency or joint with the police"
    if not contingency_plan.strip():
        errors["contingency_plan"] = "Enter the contingency plan"
    if held_at > at:
        errors["held_at"] = "The discussion cannot be held in the future"
    if errors:
        raise ValidationError(errors)
    if decision != DiscussionDecision.S47:
        s47_kind = ""
    with transaction.atomic():
        locked = _locked(discussion)
        if locked.status == DiscussionStatus.HELD:
            raise ValidationError("The outcome of this strategy discussion is already recorded")
        _require_status(locked, DiscussionStatus.CONVENED)
        if held_at < locked.decided_at:
            raise ValidationError(
                {
                    "held_at": "The discussion cannot be held before it was decided to hold one "
                    f"({_when(locked.decided_at)})"
                }
            )
        quorum = discussion_quorum(locked)
        if not quorum.recorded:
            raise ValidationError("Record who attended before recording the outcome")
        if not quorum.quorate and not quorum_reason.strip():
            raise ValidationError(
                {
                    "quorum_reason": f"{quorum.label}: enter why the discussion went ahead "
                    "without them"
                }
            )
        if decision == DiscussionDecision.NO_S47:
            oversight_required(record=locked, transition="strategy_no_s47", at=at)
        minutes_policy = policy_in_force(held_at)
        locked.status = DiscussionStatus.HELD
        locked.held_at = held_at
        locked.information_shared = information_shared.strip()
        locked.decision = decision
        locked.s47_kind = s47_kind
        locked.contingency_plan = contingency_plan.strip()
        locked.quorum_reason = quorum_reason.strip() if not quorum.quorate else ""
        locked.outcome_recorded_at = at
        locked.outcome_recorded_by = by
        locked.minutes_policy = minutes_policy
        locked.minutes_due_at = rules_for(minutes_policy).due("strategy_minutes", held_at)
        locked.save()
        event_append(
            record=locked,
            action="strategy.held",
            summary="Strategy discussion held: "
            + DiscussionDecision(decision).label.lower()
            + (f" ({S47Kind(s47_kind).label.lower()})" if s47_kind else "")
            + ("" if quorum.quorate else f"; {quorum.label.lower()}"),
            at=at,
            actor=by,
            child=locked.child,
            before={"status": DiscussionStatus.CONVENED},
            after={
                "status": DiscussionStatus.HELD,
                "held_at": held_at,
                "decision": decision,
                "s47_kind": s47_kind,
                "quorate": quorum.quorate,
                "minutes_due_at": locked.minutes_due_at,
            },
            reason=locked.quorum_reason,
        )
        if decision == DiscussionDecision.S47:
            if locked.s47 is not None and locked.s47.is_open:
                _s47_reconvened(locked, by, at)
            else:
                _s47_start(locked, by, at)
        _log(locked, locked.child, by, at)
    return locked


def _s47_start(discussion: StrategyDiscussion, by: User, at: datetime) -> S47Enquiry:
    assert discussion.held_at is not None
    policy = policy_in_force(discussion.held_at)
    s47 = S47Enquiry.objects.create(
        child=discussion.child,
        referral=discussion.referral,
        start_discussion=discussion,
        last_discussion=discussion,
        kind=discussion.s47_kind,
        started_at=discussion.held_at,
        icpc_due_at=rules_for(policy).due("icpc", discussion.held_at),
        policy=policy,
    )
    history_write(
        record=s47,
        action="s47.started",
        summary=f"Section 47 enquiry started ({S47Kind(s47.kind).label.lower()})",
        at=at,
        actor=by,
        child=s47.child,
        after={
            "started_at": s47.started_at,
            "discussion": discussion.pk,
            "kind": s47.kind,
            "icpc_due_at": s47.icpc_due_at,
        },
    )
    return s47


def _s47_reconvened(discussion: StrategyDiscussion, by: User, at: datetime) -> S47Enquiry:
    """A later discussion during an open enquiry: the ICPC is now due from it."""
    assert discussion.s47 is not None and discussion.held_at is not None
    s47 = S47Enquiry.objects.select_for_update().get(pk=discussion.s47.pk)
    before = {
        "last_discussion": s47.last_discussion_id,
        "icpc_due_at": s47.icpc_due_at,
        "kind": s47.kind,
    }
    if discussion.held_at > s47.last_discussion.held_at:  # type: ignore[operator]
        s47.last_discussion = discussion
        s47.icpc_due_at = rules_for(s47.policy).due("icpc", discussion.held_at)
    s47.kind = discussion.s47_kind or s47.kind
    s47.save(update_fields=["last_discussion", "icpc_due_at", "kind"])
    history_write(
        record=s47,
        action="s47.icpc_due_moved",
        summary="Strategy discussion reconvened: the conference is now due "
        + (_when(s47.icpc_due_at) if s47.icpc_due_at else "without a timescale"),
        at=at,
        actor=by,
        child=s47.child,
        before=before,
        after={
            "last_discussion": s47.last_discussion_id,
            "icpc_due_at": s47.icpc_due_at,
            "kind": s47.kind,
        },
    )
    return s47


def discussion_cancel(
    *, discussion: StrategyDiscussion, reason: str, by: User, at: datetime | None = None
) -> StrategyDiscussion:
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Enter why the discussion is cancelled"})
    with transaction.atomic():
        locked = _locked(discussion)
        _require_status(locked, DiscussionStatus.CONVENED)
        if at < locked.convened_at:
            raise ValidationError(
                {"cancel_reason": "A cancellation cannot be earlier than convening"}
            )
        locked.status = DiscussionStatus.CANCELLED
        locked.cancelled_at = at
        locked.cancel_reason = reason.strip()
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        history_write(
            record=locked,
            action="strategy.cancelled",
            summary="Strategy discussion cancelled",
            at=at,
            actor=by,
            child=locked.child,
            before={"status": DiscussionStatus.CONVENED},
            after={"status": DiscussionStatus.CANCELLED},
            reason=locked.cancel_reason,
        )
    return locked
