"""Strategy discussions: convening one, inviting agencies, recording who attended."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Agency, User
from frontdoor.audit.services import event_append, history_write
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, DecisionOutcome, Enquiry, Rating
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.strategy.models import Attendance, DiscussionStatus, Invitation, StrategyDiscussion
from frontdoor.strategy.services._shared import (
    _locked,
    _log,
    _require_status,
    discussion_quorum,
    open_s47_for,
)
from frontdoor.transfers.models import Transfer, TransferStatus


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
