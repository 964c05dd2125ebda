"""Escalations and professional disagreements: raise, answer a stage, escalate, withdraw.

Each stage (``ESCALATION_STAGES``: practitioner, team manager, head of service, partnership)
starts its own clock: ``rules_for(policy).due("escalation", started_at, stage)`` under the
policy in force when the stage starts. Who answers each stage is in
``frontdoor.escalations.access``. Stage owners are emailed when a stage starts, and the raiser
(a referrer at the address they gave) when it is resolved; emails carry no child details.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.services import history_write
from frontdoor.escalations.access import (
    can_raise_about,
    can_respond,
    is_raiser,
    owner_description,
    stage_owners,
)
from frontdoor.escalations.models import (
    Escalation,
    EscalationAbout,
    EscalationStage,
    EscalationStageName,
    EscalationStatus,
    StageResult,
)
from frontdoor.escalations.records import record_facts, record_find
from frontdoor.outbox.services import email_quietly
from frontdoor.policies.defaults import ESCALATION_STAGES
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Submission
    from frontdoor.people.models import Person


LONG_TEXT = 10000
#: The same raise again within this time (a double click, a resubmitted form) is recognised.
REPEAT_WINDOW = timedelta(minutes=10)
STAGE_LABELS = dict(EscalationStageName.choices)


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` (None after the partnership)."""
    index = ESCALATION_STAGES.index(stage)
    return ESCALATION_STAGES[index + 1] if index + 1 < len(ESCALATION_STAGES) else None


def stage_time_run_out(row: EscalationStage, at: datetime) -> bool:
    """Has the stage's clock run out (its due time passed) by ``at``?"""
    return row.due_at is not None and at > row.due_at


def raiser_may_escalate(escalation: Escalation, row: EscalationStage, at: datetime) -> bool:
    """May the raiser take it to the next stage at ``at`` (``row`` is its current stage): an
    answer they do not accept, or an open stage whose time has run out?"""
    if next_stage(escalation.stage) is None:
        return False
    return escalation.status == EscalationStatus.RESOLVED or (
        escalation.is_open and stage_time_run_out(row, at)
    )


def _text(errors: dict[str, str], field: str, value: str, missing: str, name: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = missing
    elif len(value) > LONG_TEXT:
        errors[field] = f"{name} must be {LONG_TEXT:,} characters or fewer"
    return value


def _when(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%d %b %Y %H:%M}" if value else "no set time"


def _stage_start(escalation: Escalation, stage: str, *, at: datetime) -> EscalationStage:
    """Start ``stage``: its row and clock, the escalation's current stage, and tell its owners."""
    policy = policy_in_force(at)
    due_at = rules_for(policy).due("escalation", at, stage)
    row = EscalationStage.objects.create(
        escalation=escalation,
        stage=stage,
        started_at=at,
        due_at=due_at,
        owner=owner_description(escalation, stage)[:300],
        policy=policy,
    )
    escalation.stage = stage
    escalation.stage_due_at = due_at
    label = STAGE_LABELS[stage].lower()
    for user in stage_owners(escalation, stage).exclude(email=""):
        email_quietly(
            kind="escalation_stage",
            to=user.email,
            subject="Front Door: an escalation is waiting for your answer",
            body=f"Escalation {escalation.reference} (about "
            f"{escalation.get_about_display().lower()}) is at the {label} stage and you are "
            "asked to answer it. "
            f"It is due by {_when(due_at)}. Sign in to Front Door to read it and respond.",
            about=f"escalation:{escalation.pk}",
            at=at,
        )
    return row


def _tell_raiser_resolved(escalation: Escalation, *, at: datetime) -> None:
    stage = STAGE_LABELS[escalation.stage].lower()
    if escalation.raised_by_id is not None and escalation.raised_by is not None:
        to = escalation.raised_by.email
        how = "Sign in to Front Door to read the answer."
    else:
        to = escalation.raiser_email
        how = (
            "Open the link to the outcome of your referral that we emailed you, and choose "
            "'Disagree with this decision?' to read our answer."
        )
    if not to:
        return
    about = (
        f" about referral {escalation.submission.reference}"
        if escalation.submission is not None
        else ""
    )
    email_quietly(
        kind="escalation_resolved",
        to=to,
        subject="Front Door: your escalation has been answered",
        body=f"Your escalation {escalation.reference}{about} was resolved at the {stage} stage. "
        f"{how} If you do not accept it, you can escalate it to the next stage.",
        about=f"escalation:{escalation.pk}",
        at=at,
    )


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("child", "raised_by", "team", "practitioner", "concerns_agency")
        .get(pk=escalation.pk)
    )


def _current(escalation: Escalation) -> EscalationStage:
    return EscalationStage.objects.select_for_update().get(
        escalation=escalation, stage=escalation.stage
    )


# --------------------------------------------------------------------------- raise


def escalation_raise(
    *,
    child: Person,
    record_type: str,
    record_id: int | None,
    about: str,
    disagreement: str,
    outcome_sought: str,
    by: User | None,
    raiser_name: str = "",
    raiser_organisation: str = "",
    raiser_email: str = "",
    submission: Submission | None = None,
    at: datetime | None = None,
) -> Escalation:
    """Raise an escalation about one record on ``child``'s case; it starts at practitioner stage.

    ``by`` is the signed-in raiser; a referrer without an account raises it through their
    referral's outcome link (``by=None``, ``submission=`` that referral, and their name and
    email). The same raise again within ``REPEAT_WINDOW`` returns the first one.
    """
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if about not in EscalationAbout.values:
        errors["about"] = "Select whether you disagree with a decision or a delay"
    disagreement = _text(
        errors,
        "disagreement",
        disagreement,
        "Enter what you disagree with",
        "What you disagree with",
    )
    outcome_sought = _text(
        errors,
        "outcome_sought",
        outcome_sought,
        "Enter what you want to happen",
        "What you want to happen",
    )
    if by is None:
        if submission is None:
            raise ValidationError("Sign in to raise an escalation")
        raiser_name = (raiser_name or "").strip()
        raiser_email = (raiser_email or "").strip()
        if not raiser_name or not raiser_email:
            raise ValidationError("We need the name and email address you gave with the referral")
    record = record_find(record_type, record_id)
    if record is None:
        errors["record"] = "Enter the reference of a record on this child's case"
    if errors:
        raise ValidationError(errors)
    assert record is not None
    facts = record_facts(record)
    if facts.child_id != child.pk:
        raise ValidationError({"record": "That record is not about this child"})
    if by is not None and not can_raise_about(by, record):
        raise ValidationError({"record": "You cannot raise an escalation about that record"})
    if by is not None:
        raiser_name = by.display_name
        raiser_email = by.email
        agency = by.agency
        raiser_organisation = agency.name if agency else raiser_organisation
    else:
        agency = None
    partner_agency = facts.partner_agency
    practitioner = facts.practitioner
    if partner_agency is not None and agency is not None and partner_agency.pk == agency.pk:
        # A partner disagreeing about its own request: the MASH answers it.
        partner_agency = None
        practitioner = getattr(record, "sent_by", None)
    if practitioner is not None and by is not None and practitioner.pk == by.pk:
        practitioner = None  # nobody answers their own escalation: the team does
    with transaction.atomic():
        same = Escalation.objects.select_for_update().filter(
            record_type=record_type,
            record_id=record.pk,
            about=about,
            status=EscalationStatus.OPEN,
        )
        if by is not None:
            same = same.filter(raised_by=by)
        else:
            same = same.filter(raised_by__isnull=True, submission=submission)
        existing = same.order_by("-raised_at").first()
        if existing is not None:
            if existing.disagreement == disagreement and abs(at - existing.raised_at) <= (
                REPEAT_WINDOW
            ):
                return existing  # the same raise again: recognised, not repeated
            raise ValidationError(
                {
                    "disagreement": f"You already have an open escalation about this "
                    f"({existing.reference}): it will be answered there"
                }
            )
        policy = policy_in_force(at)
        escalation = Escalation.objects.create(
            child=child,
            record_type=record_type,
            record_id=record.pk,
            record_label=facts.label[:200],
            about=about,
            team=facts.team,
            practitioner=practitioner,
            concerns_agency=partner_agency,
            raised_by=by,
            raiser_name=raiser_name[:200],
            raiser_agency=agency,
            raiser_organisation=(raiser_organisation or "")[:200],
            raiser_email=raiser_email,
            submission=submission,
            disagreement=disagreement,
            outcome_sought=outcome_sought,
            raised_at=at,
            status=EscalationStatus.OPEN,
            stage=EscalationStageName.PRACTITIONER,
            policy=policy,
        )
        _stage_start(escalation, EscalationStageName.PRACTITIONER, at=at)
        escalation.save(update_fields=["stage", "stage_due_at"])
        who = raiser_name + (f" ({raiser_organisation})" if raiser_organisation else "")
        history_write(
            record=escalation,
            action="escalation.raised",
            summary=f"Escalation {escalation.reference} raised by {who} about "
            f"{escalation.get_about_display().lower()}: {facts.label}",
            at=at,
            actor=by,
            child=child,
            after={
                "record_type": record_type,
                "record_id": record.pk,
                "about": about,
                "stage": escalation.stage,
                "stage_due_at": escalation.stage_due_at,
                "disagreement": disagreement,
                "outcome_sought": outcome_sought,
            },
            agency="" if by is not None else "referrer",
        )
    return escalation


# --------------------------------------------------------------------------- respond


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
