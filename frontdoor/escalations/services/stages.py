"""The stages of an escalation (which comes next, when its time has run out, starting one) and
what the escalation services share: checking text, emailing, locking, the access log."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from frontdoor.escalations.access import owner_description, stage_owners
from frontdoor.escalations.models import (
    Escalation,
    EscalationStage,
    EscalationStageName,
    EscalationStatus,
)
from frontdoor.outbox.services import email_quietly
from frontdoor.policies.defaults import ESCALATION_STAGES
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    pass


logger = logging.getLogger("frontdoor.escalations.services")

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
