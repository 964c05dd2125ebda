"""Strategy discussions, section 47 enquiries and initial child protection conferences.

One function per action; each validates before it writes, so refused input saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Agency, User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append, history_write
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, DecisionOutcome, Enquiry, Rating
from frontdoor.outbox.services import agency_practitioners_email
from frontdoor.oversight.services import oversight_required
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.protection.models import Transfer, TransferStatus
from frontdoor.strategy.models import (
    AbuseCategory,
    Attendance,
    Conference,
    DiscussionDecision,
    DiscussionStatus,
    Invitation,
    MinutesDistribution,
    S47Enquiry,
    S47Kind,
    S47Outcome,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.quorum import Quorum, quorum_of

if TYPE_CHECKING:
    from django.db.models import Model

    from frontdoor.people.models import Person


def _when(value: datetime) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}"


def _log(record: Model, child: Person, by: User | None, at: datetime) -> None:
    access_log_record(user=by, children=[child], record=record, action=AccessAction.CHANGE, at=at)


def _locked(discussion: StrategyDiscussion) -> StrategyDiscussion:
    return (
        StrategyDiscussion.objects.select_for_update(of=("self",))
        .select_related("child", "referral", "policy", "s47")
        .get(pk=discussion.pk)
    )


def _require_status(discussion: StrategyDiscussion, *statuses: str) -> None:
    if discussion.status not in statuses:
        raise ValidationError(
            f"This strategy discussion is {discussion.get_status_display().lower()}"
        )


def discussion_quorum(discussion: StrategyDiscussion) -> Quorum:
    """Quorate or not, from the attendance recorded so far."""
    invitations = list(discussion.invitations.select_related("agency"))
    return quorum_of(
        (i.agency.kind for i in invitations if i.attendance == Attendance.ATTENDED),
        recorded=any(i.attendance for i in invitations),
    )


def open_s47_for(child: Person) -> S47Enquiry | None:
    """The child's open section 47 enquiry, if any (the newest)."""
    return S47Enquiry.objects.filter(child=child, closed_at__isnull=True).order_by("-id").first()


# ------------------------------------------------------------------ convening


def discussion_convene(
    *,
    reason: str,
    by: User,
    enquiry: Enquiry | None = None,
    transfer: Transfer | None = None,
    rating: str = "",
    decided_at: datetime | None = None,
    scheduled_for: datetime | None = None,
    chair: User | None = None,
    agencies: Iterable[Agency] = (),
    at: datetime | None = None,
) -> StrategyDiscussion:
    """Convene a strategy discussion from a signed-off MASH "section 47" decision
    (``enquiry``) or on an open case (an accepted ``transfer``).

    The clock starts at ``decided_at``, the decision to hold one: by default the MASH
    decision's sign-off, or now on an open case. A discussion convened while the child has
    an open section 47 enquiry is linked to it (a reconvened discussion).
    """
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if (enquiry is None) == (transfer is None):
        raise ValidationError("Convene a strategy discussion from a MASH decision or an open case")
    if not reason.strip():
        errors["reason"] = "Enter why a strategy discussion is needed"
    if rating and rating not in Rating.values:
        errors["rating"] = "Select a BRAG rating"
    if chair is not None and not chair.is_active:
        errors["chair"] = "Select someone who can chair the discussion"
    if errors:
        raise ValidationError(errors)
    agencies = list(agencies)
    with transaction.atomic():
        if enquiry is not None:
            enquiry = Enquiry.objects.select_related("child", "referral").get(pk=enquiry.pk)
            decision = Decision.objects.filter(
                enquiry=enquiry, status__in=LIVE_DECISION_STATUSES
            ).first()
            if decision is None or decision.signed_off_at is None:
                raise ValidationError(
                    "The MASH decision must be signed off before a strategy discussion"
                )
            if decision.outcome != DecisionOutcome.S47_STRATEGY:
                raise ValidationError("This MASH decision does not lead to a strategy discussion")
            referral = enquiry.referral
            child = enquiry.child
            rating = rating or enquiry.rating
            default_decided = decision.signed_off_at
        else:
            assert transfer is not None
            transfer = Transfer.objects.select_related("child", "referral").get(pk=transfer.pk)
            if transfer.status != TransferStatus.ACCEPTED:
                raise ValidationError("A strategy discussion on a case needs an accepted transfer")
            referral = transfer.referral
            child = transfer.child
            rating = rating or transfer.rating
            default_decided = at
        decided_at = decided_at or default_decided
        if decided_at > at:
            raise ValidationError(
                {"decided_at": "The decision to hold one cannot be in the future"}
            )
        if decided_at < referral.created_at:
            raise ValidationError(
                {"decided_at": "The decision to hold one cannot be earlier than the referral"}
            )
        if scheduled_for is not None and scheduled_for < decided_at:
            raise ValidationError(
                {"scheduled_for": "The discussion cannot be booked before the decision to hold one"}
            )
        if StrategyDiscussion.objects.filter(
            referral=referral, status=DiscussionStatus.CONVENED
        ).exists():
            raise ValidationError(
                "A strategy discussion is already convened for this referral: record its outcome "
                "or cancel it first"
            )
        policy = policy_in_force(decided_at)
        s47 = open_s47_for(child)
        discussion = StrategyDiscussion.objects.create(
            child=child,
            referral=referral,
            enquiry=enquiry,
            transfer=transfer,
            s47=s47,
            rating=rating,
            reason=reason.strip(),
            decided_at=decided_at,
            due_at=rules_for(policy).due("strategy", decided_at, rating),
            policy=policy,
            convened_at=at,
            convened_by=by,
            scheduled_for=scheduled_for,
            chair=chair or by,
        )
        event_append(
            record=discussion,
            action="strategy.convened",
            summary=f"Strategy discussion convened, rated {Rating(rating).label}"
            + (f" (reconvened during section 47 enquiry {s47.reference})" if s47 else ""),
            at=at,
            actor=by,
            child=child,
            after={
                "rating": rating,
                "decided_at": decided_at,
                "due_at": discussion.due_at,
                "scheduled_for": scheduled_for,
                "s47": s47.pk if s47 else None,
            },
            reason=discussion.reason,
        )
        for agency in _unique(agencies):
            _invite(discussion, agency, "", "", by, at)
        _log(discussion, child, by, at)
    return discussion


def _unique(agencies: Iterable[Agency]) -> list[Agency]:
    return list({a.pk: a for a in agencies}.values())


def _invite(
    discussion: StrategyDiscussion,
    agency: Agency,
    person_name: str,
    person_role: str,
    by: User,
    at: datetime,
) -> Invitation:
    invitation = Invitation.objects.create(
        discussion=discussion,
        agency=agency,
        person_name=person_name.strip(),
        person_role=person_role.strip(),
        invited_at=at,
        invited_by=by,
    )
    event_append(
        record=discussion,
        action="strategy.invited",
        summary=f"{agency.name} invited to the strategy discussion",
        at=at,
        actor=by,
        child=discussion.child,
        after={"agency": agency.pk, "person_name": person_name, "person_role": person_role},
    )
    return invitation


def discussion_invite(
    *,
    discussion: StrategyDiscussion,
    agency: Agency | None,
    by: User,
    person_name: str = "",
    person_role: str = "",
    at: datetime | None = None,
) -> Invitation:
    """Invite an agency (and, if known, the person who will attend for it)."""
    at = at or timezone.now()
    if agency is None:
        raise ValidationError({"agency": "Select the agency to invite"})
    with transaction.atomic():
        locked = _locked(discussion)
        _require_status(locked, DiscussionStatus.CONVENED)
        if at < locked.convened_at:
            raise ValidationError({"agency": "An invitation cannot be earlier than convening"})
        if locked.invitations.filter(agency=agency).exists():
            raise ValidationError({"agency": f"{agency.name} is already invited"})
        invitation = _invite(locked, agency, person_name, person_role, by, at)
        _log(locked, locked.child, by, at)
    return invitation


@dataclass(frozen=True)
class AttendanceRow:
    """Who came for one agency: ``attendance`` is one of ``Attendance``."""

    agency: Agency | None
    attendance: str
    person_name: str = ""
    person_role: str = ""


def attendance_record(
    *,
    discussion: StrategyDiscussion,
    rows: Sequence[AttendanceRow],
    by: User,
    at: datetime | None = None,
) -> StrategyDiscussion:
    """Record attendance, agency by agency. An agency not invited that joined is added."""
    at = at or timezone.now()
    if not rows:
        raise ValidationError("Record the attendance of at least one agency")
    for row in rows:
        if row.agency is None:
            raise ValidationError({"agency": "Select the agency of everyone who attended"})
        if row.attendance not in Attendance.values:
            raise ValidationError({"attendance": f"Select whether {row.agency.name} attended"})
    if len({row.agency.pk for row in rows if row.agency}) != len(rows):
        raise ValidationError({"agency": "Record each agency once"})
    with transaction.atomic():
        locked = _locked(discussion)
        _require_status(locked, DiscussionStatus.CONVENED)
        if at < locked.convened_at:
            raise ValidationError(
                "Attendance cannot be recorded before the discussion was convened"
            )
        changes: dict[str, str] = {}
        for row in rows:
            assert row.agency is not None
            invitation = locked.invitations.filter(agency=row.agency).first()
            if invitation is None:
                invitation = _invite(locked, row.agency, row.person_name, row.person_role, by, at)
            if invitation.attendance == row.attendance and not (
                row.person_name and row.person_name != invitation.person_name
            ):
                continue
            invitation.attendance = row.attendance
            invitation.attendance_recorded_at = at
            if row.person_name.strip():
                invitation.person_name = row.person_name.strip()
            if row.person_role.strip():
                invitation.person_role = row.person_role.strip()
            invitation.save()
            changes[row.agency.name] = Attendance(row.attendance).label
        if changes:
            quorum = discussion_quorum(locked)
            history_write(
                record=locked,
                action="strategy.attendance",
                summary=f"Attendance recorded: {quorum.label}",
                at=at,
                actor=by,
                child=locked.child,
                after={"attendance": changes, "quorate": quorum.quorate},
            )
    return locked


# ------------------------------------------------------------------ holding it


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


# ------------------------------------------------------------------ minutes


def minutes_record(
    *, discussion: StrategyDiscussion, minutes: str, by: User, at: datetime | None = None
) -> StrategyDiscussion:
    """Record (or correct, until they are sent) the minutes of a held discussion."""
    at = at or timezone.now()
    if not minutes.strip():
        raise ValidationError({"minutes": "Enter the minutes"})
    with transaction.atomic():
        locked = _locked(discussion)
        _minutes_check(locked, at)
        if locked.minutes == minutes.strip():
            return locked
        first = not locked.minutes
        locked.minutes = minutes.strip()
        locked.minutes_recorded_at = at
        locked.save(update_fields=["minutes", "minutes_recorded_at"])
        history_write(
            record=locked,
            action="strategy.minutes_recorded",
            summary="Strategy discussion minutes " + ("recorded" if first else "corrected"),
            at=at,
            actor=by,
            child=locked.child,
        )
    return locked


def _minutes_check(locked: StrategyDiscussion, at: datetime) -> None:
    if locked.status != DiscussionStatus.HELD:
        raise ValidationError("Record the outcome of the discussion before its minutes")
    if locked.minutes_sent_at is not None:
        raise ValidationError(
            f"The minutes were already sent to the attending agencies on "
            f"{_when(locked.minutes_sent_at)}"
        )
    assert locked.held_at is not None
    if at < locked.held_at:
        raise ValidationError({"minutes": "Minutes cannot be earlier than the discussion"})


def minutes_distribute(
    *, discussion: StrategyDiscussion, by: User, at: datetime | None = None
) -> StrategyDiscussion:
    """Send the minutes to every agency that attended: one distribution per agency, and an
    email (no child's details) to each agency's practitioners. Stops the minutes clock."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(discussion)
        _minutes_check(locked, at)
        if not locked.minutes:
            raise ValidationError({"minutes": "Record the minutes before sending them"})
        attending = [
            i.agency
            for i in locked.invitations.select_related("agency").filter(
                attendance=Attendance.ATTENDED
            )
        ]
        if not attending:
            raise ValidationError(
                "No agency is recorded as attending, so there is no one to send to"
            )
        for agency in attending:
            emails = _tell_agency(locked, agency, at=at)
            MinutesDistribution.objects.create(
                discussion=locked, agency=agency, sent_at=at, sent_by=by, emails=emails
            )
        locked.minutes_sent_at = at
        locked.save(update_fields=["minutes_sent_at"])
        history_write(
            record=locked,
            action="strategy.minutes_sent",
            summary="Minutes sent to " + ", ".join(a.name for a in attending),
            at=at,
            actor=by,
            child=locked.child,
            after={"agencies": [a.pk for a in attending], "minutes_due_at": locked.minutes_due_at},
        )
    return locked


def _tell_agency(discussion: StrategyDiscussion, agency: Agency, *, at: datetime) -> int:
    """Email the agency's practitioners that minutes wait for them (no child's details)."""
    return agency_practitioners_email(
        agency,
        kind="strategy_minutes",
        subject="Front Door: strategy discussion minutes are ready",
        body=f"The minutes of strategy discussion {discussion.reference}, which "
        f"{agency.name} attended, are ready. Sign in to Front Door to read them and the "
        "actions for your agency.",
        about=f"strategy:{discussion.pk}",
        at=at,
    )


# ------------------------------------------------------------------ actions


def action_add(
    *,
    discussion: StrategyDiscussion,
    description: str,
    due_on: date | None,
    by: User,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    owner_name: str = "",
    at: datetime | None = None,
) -> StrategyAction:
    """Add an action agreed at a held discussion: an owner and a due date are required."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Enter the action"
    if owner_user is None and (owner_agency is None or not owner_name.strip()):
        errors["owner"] = (
            "Every action needs an owner: select a person, or an agency and the name of the "
            "person in it"
        )
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    with transaction.atomic():
        locked = _locked(discussion)
        if locked.status != DiscussionStatus.HELD:
            raise ValidationError("Actions are agreed at the discussion: record its outcome first")
        assert locked.held_at is not None
        if due_on < timezone.localtime(locked.held_at).date():
            raise ValidationError(
                {"due_on": "An action cannot be due before the discussion was held"}
            )
        if at < locked.held_at:
            raise ValidationError(
                {"description": "An action cannot be earlier than the discussion"}
            )
        action = StrategyAction.objects.create(
            discussion=locked,
            description=description.strip(),
            owner_user=owner_user,
            owner_agency=None if owner_user else owner_agency,
            owner_name="" if owner_user else owner_name.strip(),
            due_on=due_on,
            created_at=at,
            created_by=by,
        )
        history_write(
            record=locked,
            action="strategy.action_added",
            summary=f"Action for {action.owner_label}, due {due_on:%-d %b %Y}",
            at=at,
            actor=by,
            child=locked.child,
            after={"action": action.pk, "description": action.description, "due_on": due_on},
        )
    return action


def action_complete(
    *, action: StrategyAction, by: User, note: str = "", at: datetime | None = None
) -> StrategyAction:
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            StrategyAction.objects.select_for_update(of=("self",))
            .select_related("discussion__child", "owner_user__agency", "owner_agency")
            .get(pk=action.pk)
        )
        if locked.completed_at is not None:
            raise ValidationError(f"This action was already done on {_when(locked.completed_at)}")
        if at < locked.created_at:
            raise ValidationError("An action cannot be done before it was agreed")
        locked.completed_at = at
        locked.completed_by = by
        locked.completion_note = note.strip()
        locked.save(update_fields=["completed_at", "completed_by", "completion_note"])
        discussion = locked.discussion
        history_write(
            record=discussion,
            action="strategy.action_done",
            summary=f"Action done: {locked.description[:120]}",
            at=at,
            actor=by,
            child=discussion.child,
            after={"action": locked.pk},
            reason=locked.completion_note,
        )
    return locked


# ------------------------------------------------------------------ section 47


def _locked_s47(s47: S47Enquiry) -> S47Enquiry:
    return (
        S47Enquiry.objects.select_for_update(of=("self",))
        .select_related("child", "last_discussion", "start_discussion", "policy")
        .get(pk=s47.pk)
    )


def s47_outcome_record(
    *,
    s47: S47Enquiry,
    outcome: str,
    icpc_needed: bool | None,
    outcome_at: datetime,
    by: User,
    notes: str = "",
    at: datetime | None = None,
) -> S47Enquiry:
    """Record the enquiry's outcome and whether a conference is needed. Ending it without a
    conference may need a manager's oversight first (``s47_no_conference``)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if outcome not in S47Outcome.values:
        errors["outcome"] = "Select the outcome of the enquiry"
    if icpc_needed is None:
        errors["icpc_needed"] = "Select whether an initial child protection conference is needed"
    if outcome_at > at:
        errors["outcome_at"] = "The outcome cannot be in the future"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_s47(s47)
        if locked.outcome:
            raise ValidationError("The outcome of this enquiry is already recorded")
        if outcome_at < locked.started_at:
            raise ValidationError(
                {
                    "outcome_at": "The outcome cannot be earlier than the enquiry started "
                    f"({_when(locked.started_at)})"
                }
            )
        if not icpc_needed:
            oversight_required(record=locked, transition="s47_no_conference", at=at)
        locked.outcome = outcome
        locked.outcome_at = outcome_at
        locked.outcome_notes = notes.strip()
        locked.icpc_needed = icpc_needed
        locked.outcome_recorded_by = by
        locked.outcome_recorded_at = at
        if not icpc_needed:
            locked.closed_at = outcome_at
        locked.save()
        history_write(
            record=locked,
            action="s47.outcome",
            summary=f"Section 47 outcome: {S47Outcome(outcome).label}; "
            + ("conference needed" if icpc_needed else "no conference"),
            at=at,
            actor=by,
            child=locked.child,
            after={"outcome": outcome, "outcome_at": outcome_at, "icpc_needed": icpc_needed},
            reason=locked.outcome_notes,
        )
    return locked


def conference_book(
    *, s47: S47Enquiry, scheduled_for: datetime, by: User, at: datetime | None = None
) -> Conference:
    """Book (or move) the initial child protection conference."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_s47(s47)
        if not locked.outcome:
            raise ValidationError("Record the outcome of the section 47 enquiry first")
        if not locked.icpc_needed:
            raise ValidationError("The enquiry's outcome was that no conference is needed")
        start = locked.last_discussion.held_at
        assert start is not None
        if scheduled_for < start:
            raise ValidationError(
                {
                    "scheduled_for": "The conference cannot be before the strategy discussion "
                    f"({_when(start)})"
                }
            )
        if at < locked.started_at:
            raise ValidationError("A conference cannot be booked before the enquiry started")
        conference = Conference.objects.filter(s47=locked).first()
        if conference is not None and conference.held_at is not None:
            raise ValidationError("The conference has already been held")
        if conference is not None and conference.scheduled_for == scheduled_for:
            return conference  # the same booking again: nothing changes
        before = {"scheduled_for": conference.scheduled_for} if conference else {}
        if conference is None:
            conference = Conference.objects.create(
                s47=locked,
                child=locked.child,
                booked_at=at,
                booked_by=by,
                scheduled_for=scheduled_for,
            )
        else:
            conference.scheduled_for = scheduled_for
            conference.save(update_fields=["scheduled_for"])
        late = locked.icpc_due_at is not None and scheduled_for > locked.icpc_due_at
        history_write(
            record=locked,
            action="conference.booked" if not before else "conference.rebooked",
            summary=f"Initial child protection conference booked for {_when(scheduled_for)}"
            + (" (after it is due)" if late else ""),
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"scheduled_for": scheduled_for, "icpc_due_at": locked.icpc_due_at},
        )
    return conference


def conference_record(
    *,
    conference: Conference,
    held_at: datetime,
    plan: bool | None,
    by: User,
    category: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> Conference:
    """Record the conference: held when, and whether it made a child protection plan (with
    the category of abuse). No plan may need a manager's oversight first (``icpc_no_plan``)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if plan is None:
        errors["plan"] = "Select whether the conference made a child protection plan"
    elif plan and category not in AbuseCategory.values:
        errors["category"] = "Select the category of abuse"
    if held_at > at:
        errors["held_at"] = "The conference cannot be held in the future"
    if errors:
        raise ValidationError(errors)
    if not plan:
        category = ""
    with transaction.atomic():
        locked = (
            Conference.objects.select_for_update(of=("self",))
            .select_related("child", "s47__last_discussion")
            .get(pk=conference.pk)
        )
        if locked.held_at is not None:
            raise ValidationError("The outcome of this conference is already recorded")
        s47 = _locked_s47(locked.s47)
        start = s47.last_discussion.held_at
        assert start is not None
        if held_at < start:
            raise ValidationError(
                {
                    "held_at": "The conference cannot be before the strategy discussion "
                    f"({_when(start)})"
                }
            )
        if not plan:
            oversight_required(record=s47, transition="icpc_no_plan", at=at)
        locked.held_at = held_at
        locked.plan = plan
        locked.category = category
        locked.notes = notes.strip()
        locked.recorded_by = by
        locked.recorded_at = at
        locked.save()
        s47.closed_at = held_at
        s47.save(update_fields=["closed_at"])
        history_write(
            record=s47,
            action="conference.held",
            summary="Initial child protection conference held: "
            + (
                f"child protection plan, {AbuseCategory(category).label.lower()}"
                if plan
                else "no child protection plan"
            ),
            at=at,
            actor=by,
            child=locked.child,
            after={
                "held_at": held_at,
                "plan": plan,
                "category": category,
                "icpc_due_at": s47.icpc_due_at,
            },
            reason=locked.notes,
        )
    return locked
