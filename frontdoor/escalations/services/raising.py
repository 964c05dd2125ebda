"""Raising an escalation or a professional disagreement (once, however often it is sent)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.services import history_write
from frontdoor.escalations.access import can_raise_about
from frontdoor.escalations.models import (
    Escalation,
    EscalationAbout,
    EscalationStageName,
    EscalationStatus,
)
from frontdoor.escalations.records import record_facts, record_find
from frontdoor.escalations.services.stages import REPEAT_WINDOW, _stage_start, _text
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Submission
    from frontdoor.people.models import Person


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
