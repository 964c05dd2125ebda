"""Strategy discussions: recording the minutes and sending them to the agencies."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Agency, User
from frontdoor.audit.services import history_write
from frontdoor.outbox.services import agency_practitioners_email
from frontdoor.strategy.models import (
    Attendance,
    DiscussionStatus,
    MinutesDistribution,
    StrategyDiscussion,
)
from frontdoor.strategy.services._shared import _locked, _when


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
