"""Answering an escalation's stage, escalating it to the next, or withdrawing it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.services import history_write
from frontdoor.escalations.access import can_respond, is_raiser
from frontdoor.escalations.models import Escalation, EscalationStatus, StageResult
from frontdoor.escalations.services.stages import (
    STAGE_LABELS,
    _current,
    _locked,
    _stage_start,
    _tell_raiser_resolved,
    _text,
    _when,
    next_stage,
    stage_time_run_out,
)

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Submission


def escalation_respond(
    *,
    escalation: Escalation,
    stage: str,
    result: str,
    response: str,
    by: User,
    learning: str = "",
    at: datetime | None = None,
) -> Escalation:
    """The owner of the current ``stage`` resolves it (with the learning) or escalates it.

    ``stage`` is the stage the answer is for: an answer to a stage already answered (a
    repeated submission, or someone else got there first) is refused.
    """
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if result not in (StageResult.RESOLVED, StageResult.ESCALATED):
        errors["result"] = "Select whether you resolve it or escalate it"
    if result == StageResult.ESCALATED:
        response = _text(
            errors, "response", response, "Enter why it needs the next stage", "Your reason"
        )
    else:
        response = _text(errors, "response", response, "Enter how it is resolved", "The resolution")
    if result == StageResult.RESOLVED:
        learning = _text(
            errors, "learning", learning, "Enter the learning from this escalation", "Learning"
        )
    else:
        learning = ""
    with transaction.atomic():
        locked = _locked(escalation)
        if not locked.is_open:
            raise ValidationError(f"Escalation {locked.reference} is closed: it cannot be answered")
        if stage != locked.stage:
            raise ValidationError(
                f"The {STAGE_LABELS.get(stage, stage).lower()} stage has already been answered"
            )
        if not can_respond(by, locked):
            raise ValidationError("You cannot answer this stage of the escalation")
        if result == StageResult.ESCALATED and next_stage(locked.stage) is None:
            errors["result"] = "There is no stage after the partnership: resolve it"
        if errors:
            raise ValidationError(errors)
        row = _current(locked)
        if row.responded_at is not None:
            raise ValidationError("This stage has already been answered")
        if at < row.started_at:
            raise ValidationError("The answer cannot be before the stage started")
        row.responded_at = at
        row.responded_by = by
        row.response = response
        row.learning = learning
        row.result = result
        row.save(update_fields=["responded_at", "responded_by", "response", "learning", "result"])
        before = {"status": locked.status, "stage": locked.stage}
        label = STAGE_LABELS[locked.stage].lower()
        if result == StageResult.RESOLVED:
            locked.status = EscalationStatus.RESOLVED
            locked.closed_at = at
            locked.resolution = response
            locked.learning = learning
            locked.resolved_by = by
            locked.save(
                update_fields=["status", "closed_at", "resolution", "learning", "resolved_by"]
            )
            history_write(
                record=locked,
                action="escalation.resolved",
                summary=f"Escalation {locked.reference} resolved at the {label} stage",
                at=at,
                actor=by,
                child=locked.child,
                before=before,
                after={"status": locked.status, "resolution": response, "learning": learning},
                reason=response,
                agency="" if by is not None else "referrer",
            )
            _tell_raiser_resolved(locked, at=at)
        else:
            following = next_stage(locked.stage)
            assert following is not None
            _stage_start(locked, following, at=at)
            locked.save(update_fields=["stage", "stage_due_at"])
            history_write(
                record=locked,
                action="escalation.escalated",
                summary=f"Escalation {locked.reference} escalated from the {label} stage to "
                f"the {STAGE_LABELS[following].lower()} stage",
                at=at,
                actor=by,
                child=locked.child,
                before=before,
                after={"stage": following, "stage_due_at": locked.stage_due_at},
                reason=response,
                agency="" if by is not None else "referrer",
            )
    return locked


def _raiser_ok(escalation: Escalation, by: User | None, submission: Submission | None) -> bool:
    if by is not None:
        return is_raiser(by, escalation)
    return (
        submission is not None
        and escalation.raised_by_id is None
        and escalation.submission_id == submission.pk
    )


def escalation_escalate(
    *,
    escalation: Escalation,
    reason: str,
    by: User | None,
    submission: Submission | None = None,
    at: datetime | None = None,
) -> Escalation:
    """The raiser takes it to the next stage: its clock has run out with no answer, or they
    do not accept the answer given (a resolved escalation opens again at the next stage).

    A referrer without an account does this through their referral's outcome link
    (``by=None``, ``submission=``).
    """
    at = at or timezone.now()
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, "Enter why you are escalating it", "Your reason")
    with transaction.atomic():
        locked = _locked(escalation)
        if not _raiser_ok(locked, by, submission):
            raise ValidationError("Only the person who raised it can escalate it this way")
        if locked.status == EscalationStatus.WITHDRAWN:
            raise ValidationError(f"Escalation {locked.reference} was withdrawn")
        following = next_stage(locked.stage)
        if following is None:
            raise ValidationError("There is no stage after the partnership")
        row = _current(locked)
        if locked.is_open and not stage_time_run_out(row, at):
            raise ValidationError(
                f"You can escalate it once the {STAGE_LABELS[locked.stage].lower()} stage has "
                f"answered or its time has run out ({_when(row.due_at)})"
            )
        if errors:
            raise ValidationError(errors)
        if at < row.started_at:
            raise ValidationError("The escalation cannot be before the stage started")
        before = {"status": locked.status, "stage": locked.stage}
        label = STAGE_LABELS[locked.stage].lower()
        if locked.is_open:
            row.responded_at = at
            row.responded_by = by
            row.by_raiser = True
            row.response = reason
            row.result = StageResult.ESCALATED
            row.save(
                update_fields=["responded_at", "responded_by", "by_raiser", "response", "result"]
            )
            why = f"the {label} stage's time ran out"
        else:  # resolved, and the raiser does not accept the answer
            locked.status = EscalationStatus.OPEN
            locked.closed_at = None
            locked.resolution = ""
            locked.learning = ""
            locked.resolved_by = None
            why = f"the raiser did not accept the {label} stage's answer"
        _stage_start(locked, following, at=at)
        locked.save(
            update_fields=[
                "status",
                "closed_at",
                "resolution",
                "learning",
                "resolved_by",
                "stage",
                "stage_due_at",
            ]
        )
        history_write(
            record=locked,
            action="escalation.escalated",
            summary=f"Escalation {locked.reference} escalated by the raiser to the "
            f"{STAGE_LABELS[following].lower()} stage ({why})",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"stage": following, "stage_due_at": locked.stage_due_at, "by_raiser": True},
            reason=reason,
            agency="" if by is not None else "referrer",
        )
    return locked


def escalation_withdraw(
    *, escalation: Escalation, reason: str, by: User, at: datetime | None = None
) -> Escalation:
    """The raiser withdraws an open escalation, saying why."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, "Enter why you are withdrawing it", "Your reason")
    with transaction.atomic():
        locked = _locked(escalation)
        if not is_raiser(by, locked):
            raise ValidationError("Only the person who raised it can withdraw it")
        if not locked.is_open:
            raise ValidationError(f"Escalation {locked.reference} is already closed")
        if errors:
            raise ValidationError(errors)
        row = _current(locked)
        if at < row.started_at:
            raise ValidationError("It cannot be withdrawn before the stage started")
        row.responded_at = at
        row.responded_by = by
        row.by_raiser = True
        row.response = reason
        row.result = StageResult.WITHDRAWN
        row.save(update_fields=["responded_at", "responded_by", "by_raiser", "response", "result"])
        locked.status = EscalationStatus.WITHDRAWN
        locked.closed_at = at
        locked.withdrawn_reason = reason
        locked.save(update_fields=["status", "closed_at", "withdrawn_reason"])
        history_write(
            record=locked,
            action="escalation.withdrawn",
            summary=f"Escalation {locked.reference} withdrawn by {by.display_name}",
            at=at,
            actor=by,
            child=locked.child,
            before={"status": EscalationStatus.OPEN},
            after={"status": locked.status},
            reason=reason,
            agency="" if by is not None else "referrer",
        )
    return locked
