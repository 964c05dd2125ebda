"""Transfers to the assessment team and first visits."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.audit.services import history_write
from frontdoor.intake.models import Referral
from frontdoor.mash.models import Enquiry, Rating
from frontdoor.mash.services import enquiry_close
from frontdoor.people.services import child_allocate
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.transfers.models import Transfer, TransferRoute, TransferStatus, Visit
from frontdoor.transfers.selectors import transfer_refusal

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def assessment_team() -> Team:
    team = Team.objects.filter(kind=TeamKind.ASSESSMENT).order_by("id").first()
    if team is None:
        raise ValidationError("No assessment team is set up: ask an administrator to add one")
    return team


def transfer_request(
    *,
    referral: Referral,
    route: str,
    rating: str,
    summary: str,
    by: User,
    at: datetime | None = None,
    to_team: Team | None = None,
) -> Transfer:
    """Ask the assessment team to take a referral, at the speed of its rating."""
    at = at or timezone.now()
    if route not in TransferRoute.values:
        raise ValidationError({"route": "Select the route"})
    if rating not in Rating.values:
        raise ValidationError({"rating": "Select a BRAG rating"})
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of the MASH information"})
    with transaction.atomic():
        # Read the state as stored (and lock the referral), not as the caller last saw it.
        referral = Referral.objects.select_for_update().select_related("child").get(pk=referral.pk)
        refusal = transfer_refusal(referral)
        if refusal is not None:
            raise ValidationError(refusal)
        enquiry = Enquiry.objects.filter(referral=referral).first()
        decision = enquiry.decision if enquiry is not None else None
        if decision is not None:
            if decision.outcome != route:
                raise ValidationError({"route": "The route must follow the MASH decision"})
            if decision.signed_off_at is None or at < decision.signed_off_at:
                raise ValidationError({"summary": "A transfer cannot be earlier than the sign-off"})
        policy = policy_in_force(at)
        rules = rules_for(policy)
        transfer = Transfer.objects.create(
            referral=referral,
            child=referral.child,
            route=route,
            rating=rating,
            to_team=to_team or assessment_team(),
            summary=summary,
            requested_at=at,
            requested_by=by,
            acceptance_due_at=rules.due("transfer_acceptance", at, rating),
            visit_due_at=rules.due("first_visit", at, rating),
            policy=policy,
        )
        history_write(
            record=transfer,
            action="transfer.requested",
            summary=f"Transfer to {transfer.to_team.name} requested",
            at=at,
            actor=by,
            child=transfer.child,
            after={
                "route": route,
                "rating": rating,
                "acceptance_due_at": transfer.acceptance_due_at,
                "visit_due_at": transfer.visit_due_at,
            },
        )
    return transfer


def _locked(transfer: Transfer, status: str) -> Transfer:
    locked = (
        Transfer.objects.select_for_update().select_related("child", "referral").get(pk=transfer.pk)
    )
    if locked.status != status:
        raise ValidationError(f"This transfer is {locked.get_status_display().lower()}")
    return locked


def transfer_accept(
    *, transfer: Transfer, allocated_to: User, by: User, at: datetime | None = None
) -> Transfer:
    """The assessment team accepts and allocates a social worker: the case is now open."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(transfer, TransferStatus.REQUESTED)
        if at < locked.requested_at:
            raise ValidationError({"allocated_to": "Acceptance cannot be earlier than the request"})
        if allocated_to.team_id != locked.to_team_id:
            raise ValidationError(
                {"allocated_to": "Allocate a social worker in the receiving team"}
            )
        locked.status = TransferStatus.ACCEPTED
        locked.responded_at = at
        locked.responded_by = by
        locked.allocated_to = allocated_to
        locked.save()
        child = child_allocate(child=locked.child, worker=allocated_to)
        history_write(
            record=locked,
            action="transfer.accepted",
            summary=f"Transfer accepted; allocated to {allocated_to.display_name}",
            at=at,
            actor=by,
            child=child,
            before={"status": TransferStatus.REQUESTED},
            after={"status": TransferStatus.ACCEPTED, "allocated_to": allocated_to.pk},
        )
        enquiry = getattr(locked.referral, "enquiry", None)
        if enquiry is not None:
            enquiry_close(
                enquiry=enquiry, reason="the assessment team accepted the transfer", by=by, at=at
            )
    return locked


def transfer_return(
    *, transfer: Transfer, reason: str, by: User, at: datetime | None = None
) -> Transfer:
    """The assessment team returns the transfer to the MASH, saying why."""
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"return_reason": "Enter why the transfer is being returned"})
    with transaction.atomic():
        locked = _locked(transfer, TransferStatus.REQUESTED)
        if at < locked.requested_at:
            raise ValidationError({"return_reason": "A return cannot be earlier than the request"})
        locked.status = TransferStatus.RETURNED
        locked.responded_at = at
        locked.responded_by = by
        locked.return_reason = reason
        locked.save()
        history_write(
            record=locked,
            action="transfer.returned",
            summary="Transfer returned to the MASH",
            at=at,
            actor=by,
            child=locked.child,
            before={"status": TransferStatus.REQUESTED},
            after={"status": TransferStatus.RETURNED},
            reason=reason,
        )
    return locked


def visit_seen_check(*, child_seen: bool, seen_alone: bool) -> None:
    """Any visit to a child (the first, or one during an assessment): seen alone needs seen."""
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "A child who was not seen cannot be seen alone"})


def visit_time_check(
    visited_at: datetime, *, earliest: datetime, too_early: str, at: datetime, field: str
) -> None:
    """Any visit: not before ``earliest`` (``too_early`` says why), and not in the future."""
    if visited_at < earliest:
        raise ValidationError({field: too_early})
    if visited_at > at:
        raise ValidationError({field: "The visit cannot be in the future"})


def seen_text(child_seen: bool, seen_alone: bool) -> str:
    """ "child seen alone", "child seen" or "child not seen" (for a visit's event)."""
    return ("child seen" + (" alone" if seen_alone else "")) if child_seen else "child not seen"


def visit_record(
    *,
    transfer: Transfer,
    visited_at: datetime,
    child_seen: bool,
    seen_alone: bool,
    by: User,
    notes: str = "",
    at: datetime | None = None,
) -> Visit:
    """Record the first social work visit after an accepted transfer."""
    at = at or timezone.now()
    visit_seen_check(child_seen=child_seen, seen_alone=seen_alone)
    with transaction.atomic():
        locked = _locked(transfer, TransferStatus.ACCEPTED)
        if hasattr(locked, "visit"):
            raise ValidationError("The first visit has already been recorded")
        visit_time_check(
            visited_at,
            # Visit times are recorded to the minute, so compare to the minute of the request.
            earliest=locked.requested_at.replace(second=0, microsecond=0),
            too_early="The visit cannot be earlier than the transfer was requested",
            at=at,
            field="visited_at",
        )
        visit = Visit.objects.create(
            transfer=locked,
            child=locked.child,
            visited_at=visited_at,
            child_seen=child_seen,
            seen_alone=seen_alone,
            notes=notes,
            recorded_by=by,
            recorded_at=at,
        )
        history_write(
            record=locked,
            action="visit.recorded",
            summary=f"First visit: {seen_text(child_seen, seen_alone)}",
            at=at,
            actor=by,
            child=locked.child,
            after={"visited_at": visited_at, "child_seen": child_seen, "seen_alone": seen_alone},
        )
    return visit
